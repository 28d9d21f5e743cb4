"""`flask appointments day` (the front desk's printed list) and `flask export appointments`."""

from datetime import datetime, time, timedelta

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from app.appointments.free_slots import candidate_vets, next_free_slots
from app.appointments.schedule import day_sheet
from app.cli import CommandGroup, text_table
from app.clinic import clinic_now, clinic_today
from app.csv_files import APPOINTMENT_COLUMNS, output_option, write_csv
from app.extensions import db
from app.i18n import _, _l, current_locale, full_day, ngettext, short_day
from app.models import Appointment, AppointmentType, Owner, Pet, PetType, Vet
from app.models.appointment import MAX_DURATION, MIN_DURATION
from app.phone import format_phone

DATE = click.DateTime(formats=["%Y-%m-%d"])
DAY_HEADERS = (_l("Time"), _l("Vet"), _l("Pet"), _l("Owner"), _l("Phone"), _l("Reason"),
               _l("Status"))

appointments_cli = CommandGroup("appointments", help="The clinic's appointments.")


@appointments_cli.command("day")
@click.option("--date", "day", type=DATE, help="The day, as YYYY-MM-DD. Default: today at the clinic.")
@click.option("--vet", "vet_id", type=int, help="Only this vet's appointments (ids: `flask vets list`).")
def day_list(day, vet_id):
    """Print a day's appointments as a table for the front desk, by vet and time."""
    day = day.date() if day else clinic_today()
    heading = _("Appointments on %(day)s", day=heading_day(day))
    if vet_id is not None:
        vet = db.session.get(Vet, vet_id)
        if vet is None:
            raise click.ClickException(
                _("There is no vet with id %(id)s (see `flask vets list`).", id=vet_id)
            )
        heading = _("Appointments on %(day)s, %(vet)s", day=heading_day(day), vet=vet.full_name)
    appointments = day_sheet(day, vet_id)
    click.echo(heading)
    click.echo()
    if not appointments:
        click.echo(_("No appointments."))
        return
    click.echo(text_table([str(header) for header in DAY_HEADERS],
                          [day_row(appointment) for appointment in appointments]))
    click.echo()
    # The English keeps "1 appointments." (tests/test_cli_appointments.py compares it).
    click.echo(ngettext("%(num)d appointments.", "%(num)d appointments.", len(appointments)))


def heading_day(value):
    """The day as the printed list heads it: Thursday 03 December 2026 in English, the
    locale's full date (with its weekday) in the others."""
    if current_locale().language == "en":
        return f"{value:%A %d %B %Y}"
    return full_day(value)


@appointments_cli.command("free")
@click.option("--minutes", type=click.IntRange(MIN_DURATION, MAX_DURATION), help="Length (default: the type's, else 30).")
@click.option("--type", "type_name", help="An appointment type by name: its length and specialty.")
@click.option("--vet", "vet_id", type=int, help="Only this vet (default: any vet who can).")
@click.option("--pet", "pet_id", type=int, help="The pet: its own appointments count as busy.")
@click.option("--from", "first_day", type=DATE, help="From this day, as YYYY-MM-DD (default: now).")
@click.option("--count", type=click.IntRange(1, 100), default=10, show_default=True)
def free(minutes, type_name, vet_id, pet_id, first_day, count):
    """Print the next free slots, soonest first, under every booking rule."""
    kind = None
    if type_name is not None:
        kind = db.session.scalar(sa.select(AppointmentType).where(AppointmentType.name == type_name))
        if kind is None:
            raise click.ClickException(
                _("There is no appointment type %(name)s.", name=repr(type_name))
            )
    if vet_id is not None and db.session.get(Vet, vet_id) is None:
        raise click.ClickException(
            _("There is no vet with id %(id)s (see `flask vets list`).", id=vet_id)
        )
    if pet_id is not None and db.session.get(Pet, pet_id) is None:
        raise click.ClickException(_("There is no pet with id %(id)s.", id=pet_id))
    minutes = minutes or (kind.duration_minutes if kind else 30)
    vets = candidate_vets(vet_id, kind.specialty_id if kind else None)
    start = first_day if first_day else clinic_now()
    slots = next_free_slots(vets, minutes, start, pet_id=pet_id, count=count)
    if not slots:
        click.echo(ngettext("No free slot of %(num)d minute up to the booking horizon.",
                            "No free slot of %(num)d minutes up to the booking horizon.",
                            minutes))
        return
    click.echo(text_table((_("Day"), _("Time"), _("Vet"), _("Vet id")), [
        (short_day(slot.starts_at), f"{slot.starts_at:%H:%M}-{slot.ends_at:%H:%M}",
         slot.vet.full_name, slot.vet.id)
        for slot in slots
    ]))


def day_row(appointment):
    """One appointment as the front desk reads it."""
    pet, owner = appointment.pet, appointment.pet.owner
    return (
        f"{appointment.starts_at:%H:%M}-{appointment.ends_at:%H:%M}",
        appointment.vet.full_name,
        f"{pet.name} ({pet.type.name})",
        owner.full_name,
        format_phone(owner.telephone),
        appointment.reason,
        appointment.status.label,
    )


@click.command("appointments")
@click.option("--from", "first_day", type=DATE, help="First day, as YYYY-MM-DD (default: the first).")
@click.option("--to", "last_day", type=DATE, help="Last day, included, as YYYY-MM-DD (default: the last).")
@output_option
@with_appcontext
def export_appointments(first_day, last_day, output):
    """Export appointments as CSV, by start time, with their vet, pet and owner."""
    first_day = first_day.date() if first_day else None
    last_day = last_day.date() if last_day else None
    if first_day and last_day and last_day < first_day:
        raise click.BadParameter(_("--to is before --from."), param_hint="'--to'")
    write_csv(output, APPOINTMENT_COLUMNS, appointment_rows(first_day, last_day))


def appointment_rows(first_day=None, last_day=None, batch_size=1000):
    """Yield a CSV row per appointment between the days (both included), streamed in batches."""
    query = (
        sa.select(
            Appointment.id,
            Appointment.starts_at,
            Appointment.ends_at,
            Appointment.duration_minutes,
            Appointment.status,
            Appointment.reason,
            Vet.id,
            Vet.first_name + " " + Vet.last_name,
            Pet.id,
            Pet.name,
            PetType.name,
            Owner.id,
            Owner.first_name + " " + Owner.last_name,
            Owner.telephone,
        )
        .join(Appointment.vet)
        .join(Appointment.pet)
        .join(Pet.type)
        .join(Pet.owner)
        .order_by(Appointment.starts_at, Appointment.id)
        .execution_options(yield_per=batch_size)
    )
    if first_day:
        query = query.where(Appointment.starts_at >= datetime.combine(first_day, time.min))
    if last_day:
        end = datetime.combine(last_day + timedelta(days=1), time.min)
        query = query.where(Appointment.starts_at < end)
    for row in db.session.execute(query):
        values = list(row)
        values[1] = f"{values[1]:%Y-%m-%d %H:%M}"
        values[2] = f"{values[2]:%Y-%m-%d %H:%M}"
        values[4] = values[4].value
        yield dict(zip(APPOINTMENT_COLUMNS, values))
