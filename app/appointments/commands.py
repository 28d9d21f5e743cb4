"""`flask appointments day` (the front desk's printed list) and `flask export appointments`."""

from datetime import datetime, time, timedelta

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from app.appointments.schedule import day_sheet
from app.cli import CommandGroup, text_table
from app.clinic import clinic_today
from app.csv_files import APPOINTMENT_COLUMNS, output_option, write_csv
from app.extensions import db
from app.models import Appointment, Owner, Pet, PetType, Vet
from app.phone import format_phone

DATE = click.DateTime(formats=["%Y-%m-%d"])
DAY_HEADERS = ("Time", "Vet", "Pet", "Owner", "Phone", "Reason", "Status")

appointments_cli = CommandGroup("appointments", help="The clinic's appointments.")


@appointments_cli.command("day")
@click.option("--date", "day", type=DATE, help="The day, as YYYY-MM-DD. Default: today at the clinic.")
@click.option("--vet", "vet_id", type=int, help="Only this vet's appointments (ids: `flask vets list`).")
def day_list(day, vet_id):
    """Print a day's appointments as a table for the front desk, by vet and time."""
    day = day.date() if day else clinic_today()
    heading = f"Appointments on {day:%A %d %B %Y}"
    if vet_id is not None:
        vet = db.session.get(Vet, vet_id)
        if vet is None:
            raise click.ClickException(f"There is no vet with id {vet_id} (see `flask vets list`).")
        heading += f", {vet.full_name}"
    appointments = day_sheet(day, vet_id)
    click.echo(heading)
    click.echo()
    if not appointments:
        click.echo("No appointments.")
        return
    click.echo(text_table(DAY_HEADERS, [day_row(appointment) for appointment in appointments]))
    click.echo()
    click.echo(f"{len(appointments)} appointments.")


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
        raise click.BadParameter("--to is before --from.", param_hint="'--to'")
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
