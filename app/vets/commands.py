"""`flask vets ...` and `flask specialties ...`: the clinic's vets and their specialties."""

import click
from werkzeug.datastructures import MultiDict

from app.cli import CommandGroup, text_table
from app.database import write_transactions
from app.extensions import db
from app.forms import error_summary
from app.i18n import _
from app.models import Specialty, Vet
from app.reference import list_named
from app.reference.commands import reference_group
from app.vets.forms import VetForm
from app.vets.services import create_vet, deactivate_vet, specialties_by_names, vets_query

vets_cli = CommandGroup("vets", help="The clinic's vets.")
specialties_cli = reference_group("specialties", Specialty, "specialty")


@vets_cli.command("add")
@click.argument("first_name")
@click.argument("last_name")
@click.option(
    "--specialty",
    "specialties",
    multiple=True,
    metavar="NAME",
    help="A specialty of the vet (repeat for several; see `flask specialties list`).",
)
def add_vet(first_name, last_name, specialties):
    """Add a vet who takes bookings, checked by the same rules as the web form."""
    with write_transactions():
        try:
            chosen = specialties_by_names(specialties)
        except ValueError as unknown:
            known = ", ".join(row.name for row in list_named(Specialty)) or _("none")
            raise click.ClickException(
                _("%(problem)s Known: %(known)s (add one with `flask specialties add`).",
                  problem=unknown, known=known)
            ) from None
        fields = [("first_name", first_name), ("last_name", last_name)]
        fields += [("specialty_ids", str(specialty.id)) for specialty in chosen]
        form = VetForm(formdata=MultiDict(fields), meta={"csrf": False})
        if not form.validate():
            raise click.ClickException(_("No vet added. %(problems)s", problems=error_summary(form)))
        vet = create_vet(form.first_name.data, form.last_name.data, form.specialty_ids.data)
        db.session.commit()
    click.echo(_("Added vet %(id)d: %(name)s (%(specialties)s).", id=vet.id, name=vet.full_name,
                 specialties=specialty_names(vet)))


@vets_cli.command("list")
@click.option("--active", "active_only", is_flag=True, help="Only vets who take bookings.")
def list_vets(active_only):
    """List the vets with their ids, specialties and whether they take bookings."""
    vets = db.session.scalars(vets_query(active_only=active_only)).all()
    if not vets:
        click.echo(_("No vets yet."))
        return
    rows = [
        (vet.id, vet.full_name, specialty_names(vet), _("yes") if vet.active else _("no"))
        for vet in vets
    ]
    click.echo(text_table((_("ID"), _("Name"), _("Specialties"), _("Takes bookings")), rows))


@vets_cli.command("deactivate")
@click.argument("vet_id", metavar="ID", type=int)
def deactivate(vet_id):
    """Stop offering a vet for bookings; their appointments and visits stay."""
    with write_transactions():
        vet = db.session.get(Vet, vet_id)
        if vet is None:
            raise click.ClickException(
                _("There is no vet with id %(id)d (see `flask vets list`).", id=vet_id))
        if not vet.active:
            click.echo(_("%(name)s was already inactive.", name=vet.full_name))
            return
        deactivate_vet(vet)
        db.session.commit()
    click.echo(_("%(name)s no longer takes bookings.", name=vet.full_name))


def specialty_names(vet):
    """A vet's specialties, comma-separated, or 'none'; they must have been loaded."""
    return ", ".join(specialty.name for specialty in vet.specialties) or _("none")
