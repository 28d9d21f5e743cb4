"""CSV files the commands read and write: their headers, strict reading, safe writing."""

import contextlib
import csv
import os
import re
import tempfile
import typing

import click

from app.i18n import _

# `flask import owners` reads and `flask export owners` writes this header: one row is an
# owner and, optionally, one pet (README, "CSV files").
OWNER_COLUMNS = (
    "first_name",
    "last_name",
    "address",
    "city",
    "telephone",
    "email",
    "pet_name",
    "pet_birth_date",
    "pet_type",
)
PET_COLUMNS = ("pet_name", "pet_birth_date", "pet_type")

# `flask export appointments`: one row per appointment.
APPOINTMENT_COLUMNS = (
    "id",
    "starts_at",
    "ends_at",
    "duration_minutes",
    "status",
    "reason",
    "vet_id",
    "vet",
    "pet_id",
    "pet",
    "pet_type",
    "owner_id",
    "owner",
    "telephone",
)

# utf-8-sig also reads the byte-order mark that spreadsheet programs put first.
ENCODING = "utf-8-sig"


# A spreadsheet runs a cell that starts with = + - @, a tab or a carriage return as a formula
# (OWASP, "CSV Injection"): an owner named =HYPERLINK(...) would be a link to anywhere in the
# clinic's spreadsheet. Exports put a single quote before such a value, which spreadsheets
# show as text. A value already made of quotes and then one of those characters gets one
# quote more, so the import takes exactly one away and export-then-import gives back every
# string unchanged (a bijection, not a guess at what a quote meant).
_FORMULA_START = re.compile(r"'*[=+\-@\t\r]")
# A signed number such as a stored telephone (+16085551023) is a number to a spreadsheet,
# never a formula: it is written as is, and the phone column stays plain E.164.
_PLAIN_NUMBER = re.compile(r"[+-][0-9]+(?:\.[0-9]+)?")


def neutralise_cell(value):
    """A value as an export writes it: quoted with ' where a spreadsheet would run it."""
    if (
        isinstance(value, str)
        and _FORMULA_START.match(value)
        and not _PLAIN_NUMBER.fullmatch(value)
    ):
        return "'" + value
    return value


def restore_cell(value):
    """A value as an import reads it: neutralise_cell undone (one ' before a formula start)."""
    if value.startswith("'") and _FORMULA_START.match(value, 1):
        return value[1:]
    return value


class CheckedTable(typing.NamedTuple):
    """A CSV file whose encoding, syntax and header have been checked, and its row count."""

    path: str
    rows: int


class CsvTable(click.Path):
    """A CLI argument naming an existing UTF-8 CSV file with exactly the given columns."""

    # The whole file is read once while the command line is parsed, before anything is
    # written, so a bad byte or a broken quote on its last line stops an import before the
    # first row.
    def __init__(self, columns):
        super().__init__(exists=True, dir_okay=False, readable=True)
        self.columns = columns

    def convert(self, value, param, ctx):
        """Check the file; return a CheckedTable or fail with a clear message (exit 2)."""
        if isinstance(value, CheckedTable):
            return value
        path = super().convert(value, param, ctx)
        try:
            return CheckedTable(path, _count_rows(path, self.columns))
        except ValueError as problem:
            self.fail(str(problem), param, ctx)


def _count_rows(path, columns):
    """The number of non-blank data rows; ValueError when the file is not what we read."""
    try:
        with _open_for_reading(path) as stream:
            reader = csv.reader(stream, strict=True)
            header = next(reader, None)
            if header is None:
                raise ValueError(
                    _("%(path)s is empty; the first line must be the header.", path=path))
            _check_header(path, header, columns)
            rows = 0
            for record in reader:
                if any("\x00" in value for value in record):
                    raise ValueError(_("%(path)s is not a CSV file: line %(line)d has a NUL byte.",
                                       path=path, line=reader.line_num))
                rows += any(value.strip() for value in record)
            return rows
    except UnicodeDecodeError as error:
        byte = f"{error.object[error.start]:#04x}"
        raise ValueError(_(
            "%(path)s is not UTF-8 text (byte %(byte)s at offset %(offset)d). "
            "Save it as 'CSV UTF-8' and try again.",
            path=path, byte=byte, offset=error.start,
        )) from None
    except csv.Error as error:
        raise ValueError(_("%(path)s is not a CSV file: %(error)s.", path=path, error=error)) from None


def _check_header(path, header, columns):
    """Refuse a header that misses, repeats or adds a column (any order is fine)."""
    names = [name.strip().lower() for name in header]
    missing = [name for name in columns if name not in names]
    unknown = [name for name in names if name not in columns]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if missing or unknown or repeated:
        problems = []
        if missing:
            problems.append(_("missing %(columns)s", columns=", ".join(missing)))
        if unknown:
            problems.append(_("unknown %(columns)s",
                              columns=", ".join(repr(name) for name in unknown)))
        if repeated:
            problems.append(_("repeated %(columns)s", columns=", ".join(repeated)))
        raise ValueError(_(
            "%(path)s does not have the expected header (%(problems)s). "
            "The first line must name these columns: %(columns)s",
            path=path, problems="; ".join(problems), columns=",".join(columns),
        ))


def table_rows(path):
    """Yield (line number, values by column, problem) for each non-blank row of a checked file.

    Values come back as they were before an export neutralised them (restore_cell).
    """
    # problem is set, and values None, when the row has the wrong number of fields.
    with _open_for_reading(path) as stream:
        reader = csv.reader(stream, strict=True)
        header = [name.strip().lower() for name in next(reader)]
        next_line = reader.line_num + 1
        for record in reader:
            # A quoted field may span lines: report the line the row starts on.
            line, next_line = next_line, reader.line_num + 1
            if not any(value.strip() for value in record):
                continue
            if len(record) != len(header):
                problem = _("The row has %(fields)d fields; the header has %(columns)d.",
                            fields=len(record), columns=len(header))
                yield line, None, problem
            else:
                values = [restore_cell(value) for value in record]
                yield line, dict(zip(header, values)), None


def _open_for_reading(path):
    """The file as text, read strictly as UTF-8."""
    return open(path, encoding=ENCODING, errors="strict", newline="")


# The -o/--output option of every `flask export ...` command; write_csv honours it.
output_option = click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    help="Write to this file (replaced whole, only if the export succeeds); default: stdout.",
)


def write_csv(path, columns, rows):
    """Write the rows (dicts) as CSV to a file, whole or not at all, or to stdout; their number.

    Values a spreadsheet would run as formulas are neutralised (neutralise_cell).
    With a file, says on stderr how many rows it got (stdout may be the CSV itself).
    """
    if not path:
        with click.open_file("-", "w", encoding="utf-8") as stream:
            return _write_rows(stream, columns, rows)
    # The rows go to a temporary file beside the target, renamed over it only once every
    # row is written, so a failed export leaves the file it would have replaced as it was.
    # (click.open_file(atomic=True) renames even when the block raises: pallets/click#3221.)
    # mkstemp makes the file readable by its owner only: an export holds people's details.
    target = os.path.abspath(path)
    try:
        fd, temporary = tempfile.mkstemp(
            dir=os.path.dirname(target), prefix=".export-", suffix=".csv"
        )
    except OSError as error:
        raise click.ClickException(
            _("Cannot write %(path)s: %(error)s.", path=path, error=error.strerror)) from None
    try:
        with open(fd, "w", encoding="utf-8", newline="") as stream:
            count = _write_rows(stream, columns, rows)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    click.echo(_("%(num)d rows written to %(path)s.", num=count, path=path), err=True)
    return count


def _write_rows(stream, columns, rows):
    """The header and the rows on the stream; how many rows."""
    writer = csv.DictWriter(stream, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    count = 0
    for row in rows:
        writer.writerow({column: neutralise_cell(value) for column, value in row.items()})
        count += 1
    return count
