"""`flask vaccines add/list/remove`: the vaccine types (reference data)."""

import click
import sqlalchemy as sa

from app.cli import CommandGroup, text_table
from app.database import write_transactions
from app.extensions import db
from app.i18n import _
from app.models import PetType
from app.models.vaccination import MAX_INTERVAL_MONTHS
from app.vaccinations.types import (
    VaccineTypeInUse,
    VaccineTypeRefused,
    add_vaccine_type,
    remove_vaccine_type,
    vaccine_type_named,
    vaccine_types,
)

vaccines_cli = CommandGroup("vaccines", help="The vaccine types (reference data).")


def species_ids(names):
    """The ids of the pet types named; a usage error naming any that does not exist."""
    wanted = {" ".join(name.split()).lower() for name in names}
    found = dict(db.session.execute(
        sa.select(PetType.name, PetType.id).where(PetType.name.in_(wanted))
    ).all())
    missing = sorted(wanted - set(found))
    if missing:
        raise click.BadParameter(
            _("no pet type %(names)s (see `flask pettypes list`).",
              names=", ".join(map(repr, missing))),
            param_hint="'--species'",
        )
    return list(found.values())


@vaccines_cli.command("add")
@click.argument("name")
@click.option("--species", "species", multiple=True, required=True,
              help="A pet type it applies to; repeat for each (--species cat --species dog).")
@click.option("--interval", "interval_months", required=True,
              type=click.IntRange(1, MAX_INTERVAL_MONTHS),
              help="Months until the next dose is due.")
def add(name, species, interval_months):
    """Add a vaccine type for some species, due again after --interval months."""
    with write_transactions():
        try:
            row = add_vaccine_type(name, interval_months, species_ids(species))
        except VaccineTypeRefused as refusal:
            raise click.ClickException(
                _("No vaccine type added: %(reason)s", reason=refusal)) from None
        db.session.commit()
    click.echo(_("Added vaccine type %(name)s (id %(id)d).", name=repr(row.name), id=row.id))


@vaccines_cli.command("list")
def list_rows():
    """List every vaccine type with its species and interval, by name."""
    rows = vaccine_types()
    if not rows:
        click.echo(_("No vaccine types yet."))
        return
    click.echo(text_table(
        (_("ID"), _("Name"), _("Species"), _("Months")),
        [(row.id, row.name, ", ".join(kind.name for kind in row.species), row.interval_months)
         for row in rows],
    ))


@vaccines_cli.command("remove")
@click.argument("name")
def remove(name):
    """Remove a vaccine type (by name); refused while vaccinations refer to it."""
    with write_transactions():
        row = vaccine_type_named(name)
        if row is None:
            raise click.ClickException(
                _("There is no vaccine type named %(name)s.", name=repr(name)))
        try:
            remove_vaccine_type(row)
        except VaccineTypeInUse as refusal:
            raise click.ClickException(_("Not removed: %(reason)s", reason=refusal)) from None
        db.session.commit()
    click.echo(_("Removed vaccine type %(name)s.", name=repr(row.name)))
