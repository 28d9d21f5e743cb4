"""`flask vets ...` and `flask specialties ...`: the clinic's vets and their specialties."""

import click
from werkzeug.datastructures import MultiDict

from app.cli import CommandGroup, text_table
from app.database import write_transactions
from app.extensions import db
from app.forms import error_summary
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
            known = ", ".join(row.name for row in list_named(Specialty)) or "none"
            raise click.ClickException(
                f"{unknown} Known: {known} (add one with `flask specialties add`)."
            ) from None
        fields = [("first_name", first_name), ("last_name", last_name)]
        fields += [("specialty_ids", str(specialty.id)) for specialty in chosen]
        form = VetForm(formdata=MultiDict(fields), meta={"csrf": False})
        if not form.validate():
            raise click.ClickException(f"No vet added. {error_summary(form)}")
        vet = create_vet(form.first_name.data, form.last_name.data, form.specialty_ids.data)
        db.session.commit()
    click.echo(f"Added vet {vet.id}: {vet.full_name} ({specialty_names(vet)}).")


@vets_cli.command("list")
@click.option("--active", "active_only", is_flag=True, help="Only vets who take bookings.")
def list_vets(active_only):
    """List the vets with their ids, specialties and whether they take bookings."""
    vets = db.session.scalars(vets_query(active_only=active_only)).all()
    if not vets:
        click.echo("No vets yet.")
        return
    rows = [
        (vet.id, vet.full_name, specialty_names(vet), "yes" if vet.active else "no")
        for vet in vets
    ]
    click.echo(text_table(("ID", "Name", "Specialties", "Takes bookings"), rows))


@vets_cli.command("deactivate")
@click.argument("vet_id", metavar="ID", type=int)
def deactivate(vet_id):
    """Stop offering a vet for bookings; their appointments and visits stay."""
    with write_transactions():
        vet = db.session.get(Vet, vet_id)
        if vet is None:
            raise click.ClickException(f"There is no vet with id {vet_id} (see `flask vets list`).")
        if not vet.active:
            click.echo(f"{vet.full_name} was already inactive.")
            return
        deactivate_vet(vet)
        db.session.commit()
    click.echo(f"{vet.full_name} no longer takes bookings.")


def specialty_names(vet):
    """A vet's specialties, comma-separated, or 'none'; they must have been loaded."""
    return ", ".join(specialty.name for specialty in vet.specialties) or "none"
