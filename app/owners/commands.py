"""`flask import owners` and `flask export owners`: owners and their pets as CSV."""

import click
from flask.cli import with_appcontext

from app.cli import progress_bar
from app.csv_files import OWNER_COLUMNS, CsvTable, output_option, table_rows, write_csv
from app.database import write_transactions
from app.extensions import db
from app.i18n import _
from app.owners.csv_rows import export_rows, import_rows

IMPORT_HELP = f"""Import owners and their pets from CSV_FILE.

\b
The first line is the header; the columns, in any order:
  {",".join(OWNER_COLUMNS)}
email and the three pet columns may be blank. pet_birth_date is YYYY-MM-DD; pet_type
is a pet type's name (see `flask pettypes list`). A row whose first name, last name
and telephone match an owner already in the database (or from an earlier row) adds
its pet to that owner; any other row creates an owner. A value that starts with a
single quote and then = + - @ (or more quotes and one of those) loses that first
quote: `flask export owners` puts it there so that spreadsheets show the value as
text instead of running it as a formula.

Every row is checked by the same rules as the web forms and saved in its own
savepoint: a bad row is rolled back alone and reported with its line number, the good
rows are kept. A file that is not UTF-8 CSV with that header is refused before anything
is written.

\b
Exit status: 0 all rows imported; 1 some rows rejected; 2 the file was refused.
"""


@click.command("owners", help=IMPORT_HELP)
@click.argument("csv_file", type=CsvTable(OWNER_COLUMNS))
@click.option(
    "--dry-run",
    is_flag=True,
    help="Check every row, database constraints included, then undo it all: nothing is kept.",
)
@with_appcontext
@click.pass_context
def import_owners(ctx, csv_file, dry_run):
    """Import owners and pets from a CSV file, a savepoint per row."""
    with write_transactions():
        with progress_bar(_("Importing"), table_rows(csv_file.path), csv_file.rows) as rows:
            outcomes, rejected = import_rows(rows)
        if dry_run:
            db.session.rollback()
        else:
            db.session.commit()

    for line, reason in rejected:
        click.echo(_("line %(line)d: %(reason)s", line=line, reason=reason), err=True)
    click.echo(import_summary(outcomes, len(rejected), dry_run))
    if rejected:
        ctx.exit(1)


def import_summary(outcomes, rejected, dry_run):
    """One sentence: what was (or would be) imported and what was rejected."""
    imported = sum(outcomes.values())
    owners = outcomes["owner"] + outcomes["both"]
    pets = outcomes["pet"] + outcomes["both"]
    # The tests pin "1 rows imported (1 new owners, ...)": one sentence, no plural forms.
    if dry_run:
        return _(
            "%(imported)d rows would be imported (%(owners)d new owners, %(pets)d pets); "
            "%(rejected)d rows rejected. Dry run: nothing was written.",
            imported=imported, owners=owners, pets=pets, rejected=rejected,
        )
    return _(
        "%(imported)d rows imported (%(owners)d new owners, %(pets)d pets); "
        "%(rejected)d rows rejected.",
        imported=imported, owners=owners, pets=pets, rejected=rejected,
    )


@click.command("owners")
@output_option
@with_appcontext
def export_owners(output):
    """Export every owner as CSV, one row per pet; `flask import owners` reads it back."""
    write_csv(output, OWNER_COLUMNS, export_rows())
