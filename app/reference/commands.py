"""`flask specialties ...` and `flask pettypes ...` (add and list a name-only reference
table), and `flask appointment-types ...`."""

import click
import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from app.cli import CommandGroup, text_table
from app.database import write_transactions
from app.extensions import db
from app.forms import error_summary
from app.i18n import _, _l
from app.models import PetType, Specialty
from app.reference import add_named, list_named
from app.reference.appointment_types import (
    add_appointment_type,
    appointment_type_named,
    delete_appointment_type,
    list_appointment_types,
)
from app.reference.forms import AppointmentTypeForm
from app.reference.services import NameInUse, delete_named, rename_named

# What the commands say of a row of each model, whole sentences (%(name)s: the quoted name).
TEXTS = {
    PetType: {
        "not_added": _l("No pet type added: %(why)s"),
        "added": _l("Added pet type %(name)s (id %(id)s)."),
        "missing": _l("There is no pet type %(name)s (see `flask %(group)s list`)."),
        "renamed": _l("Renamed pet type %(old)s to %(new)s."),
        "removed": _l("Removed pet type %(name)s."),
        "none": _l("No pet type yet."),
    },
    Specialty: {
        "not_added": _l("No specialty added: %(why)s"),
        "added": _l("Added specialty %(name)s (id %(id)s)."),
        "missing": _l("There is no specialty %(name)s (see `flask %(group)s list`)."),
        "renamed": _l("Renamed specialty %(old)s to %(new)s."),
        "removed": _l("Removed specialty %(name)s."),
        "none": _l("No specialty yet."),
    },
}


def reference_group(name, model, noun):
    """A command group with `add NAME`, `rename OLD NEW`, `remove NAME` and `list` for
    ``model`` (PetType, Specialty), by the reference page's rules."""
    group = CommandGroup(name, help=f"The {noun} list (reference data).")
    texts = TEXTS[model]

    @group.command("add", help=f"Add a {noun}; names are stored lower-case and must be new.")
    @click.argument("name")
    def add(name):
        with write_transactions():
            try:
                row = add_named(model, name)
            except ValueError as refusal:  # DuplicateName, or an empty or overlong name
                raise click.ClickException(texts["not_added"] % {"why": refusal}) from None
            db.session.commit()
        click.echo(texts["added"] % {"name": repr(row.name), "id": row.id})

    def named(name):
        row = db.session.scalar(sa.select(model).where(model.name == " ".join(name.split()).lower()))
        if row is None:
            raise click.ClickException(
                texts["missing"] % {"name": repr(name), "group": group.name}
            )
        return row

    @group.command("rename", help=f"Rename a {noun}; the new name must be free.")
    @click.argument("old")
    @click.argument("new")
    def rename(old, new):
        with write_transactions():
            row = named(old)
            was = row.name
            try:
                rename_named(row, new)
            except ValueError as refusal:  # DuplicateName, or an empty or overlong name
                raise click.ClickException(_("Not renamed: %(why)s", why=refusal)) from None
            db.session.commit()
        click.echo(texts["renamed"] % {"old": repr(was), "new": repr(row.name)})

    @group.command("remove", help=f"Remove a {noun} that nothing uses.")
    @click.argument("name")
    def remove(name):
        with write_transactions():
            row = named(name)
            try:
                delete_named(row)
            except NameInUse as refusal:
                raise click.ClickException(str(refusal)) from None
            db.session.commit()
        click.echo(texts["removed"] % {"name": repr(row.name)})

    @group.command("list", help=f"List every {noun}, by name.")
    def list_rows():
        rows = list_named(model)
        if not rows:
            click.echo(str(texts["none"]))
            return
        click.echo(text_table((_("ID"), _("Name")), [(row.id, row.name) for row in rows]))

    return group


appointment_types_cli = CommandGroup(
    "appointment-types", help="The appointment types (reference data): name, minutes, colour, specialty."
)


@appointment_types_cli.command("add")
@click.argument("name")
@click.option("--minutes", type=int, required=True, help="The type's default duration.")
@click.option("--colour", default="", help="Its colour on the schedule, as #rrggbb.")
@click.option("--specialty", metavar="NAME", help="The specialty a vet needs to be booked for it.")
def add_appointment_type_command(name, minutes, colour, specialty):
    """Add an appointment type, checked by the same rules as the reference page."""
    with write_transactions():
        fields = [("name", name), ("duration_minutes", str(minutes)), ("colour", colour)]
        if specialty:
            needed = db.session.scalar(
                sa.select(Specialty).where(Specialty.name == " ".join(specialty.split()).lower())
            )
            if needed is None:
                known = ", ".join(row.name for row in list_named(Specialty)) or _("none")
                raise click.ClickException(
                    _("Unknown specialty: %(name)s. Known: %(known)s (add one with `flask "
                      "specialties add`).", name=specialty, known=known)
                )
            fields.append(("specialty_id", str(needed.id)))
        form = AppointmentTypeForm(formdata=MultiDict(fields), meta={"csrf": False})
        if not form.validate():
            raise click.ClickException(
                _("No appointment type added. %(problems)s", problems=problems_of(form))
            )
        try:
            row = add_appointment_type(**form.values())
        except ValueError as refusal:  # DuplicateName, or too long once lower-cased
            raise click.ClickException(
                _("No appointment type added: %(why)s", why=refusal)
            ) from None
        db.session.commit()
    click.echo(_("Added appointment type %(name)s (id %(id)s, %(minutes)d minutes).",
                 name=repr(row.name), id=row.id, minutes=row.duration_minutes))


def problems_of(form):
    """error_summary's sentence of a refused form, its messages (some translated lazily, as the
    validators' are) made text first: error_summary joins them as strings."""
    for field in form:
        field.errors = [str(error) for error in field.errors]
    return error_summary(form)


@appointment_types_cli.command("list")
def list_appointment_types_command():
    """List the appointment types, by name."""
    rows = list_appointment_types()
    if not rows:
        click.echo(_("No appointment types yet."))
        return
    click.echo(text_table(
        (_("ID"), _("Name"), _("Minutes"), _("Colour"), _("Needs")),
        [(row.id, row.name, row.duration_minutes, row.colour or "-",
          row.specialty.name if row.specialty else "-") for row in rows],
    ))


@appointment_types_cli.command("remove")
@click.argument("name")
def remove_appointment_type_command(name):
    """Remove an appointment type that no appointment has."""
    with write_transactions():
        row = appointment_type_named(name)
        if row is None:
            raise click.ClickException(
                _("There is no appointment type %(name)s (see `flask appointment-types list`).",
                  name=repr(name))
            )
        try:
            delete_appointment_type(row)
        except NameInUse as refusal:
            raise click.ClickException(str(refusal)) from None
        db.session.commit()
    click.echo(_("Removed appointment type %(name)s.", name=repr(row.name)))
