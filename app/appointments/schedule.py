"""Reading the schedule: a day sheet, a vet's week, today's counts, and what they load.

Each reads what its page shows in one query (joinedload for the pet, owner, type and vet)
and one for the pets' alerts, so the number of statements does not grow with the
appointments shown.
"""

from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from app.extensions import db
from app.models import Appointment, AppointmentStatus, Owner, Pet, Vet


def appointment_options():
    """Loader options to show an appointment with its pet (owner, type, alerts), vet and type."""
    pet = joinedload(Appointment.pet)
    return [
        pet.joinedload(Pet.owner),
        pet.joinedload(Pet.type),
        # One more statement for all the pets' alerts, however many appointments there are.
        pet.selectinload(Pet.alerts),
        joinedload(Appointment.vet),
        joinedload(Appointment.visit),
        joinedload(Appointment.type),
    ]


def appointment_page_options():
    """appointment_options, and the follow-up chain both ways (what it follows, its follow-ups)."""
    return [
        *appointment_options(),
        joinedload(Appointment.follows),
        selectinload(Appointment.follow_ups),
    ]


def has_day_sheet(day):
    """Whether the calendar has the days on either side of ``day``.

    A day sheet reads up to the next midnight and links to the day before and after, which
    the calendar's first and last days (years 1 and 9999) do not have.
    """
    return date.min < day < date.max


def day_bounds(day):
    """Midnight to midnight of a day, as wall-clock datetimes."""
    start = datetime.combine(day, time.min)
    return start, start + timedelta(days=1)


def day_sheet_row_options():
    """appointment_options for the rows of the day sheet page: of the pet and its owner,
    only the columns a row shows (a busy day is hundreds of rows); any other raises."""
    pet = joinedload(Appointment.pet).load_only(
        Pet.name, Pet.owner_id, Pet.type_id, Pet.deceased_on, raiseload=True
    )
    return [
        pet.joinedload(Pet.owner).load_only(
            Owner.first_name, Owner.last_name, Owner.telephone, raiseload=True
        ),
        pet.joinedload(Pet.type),
        pet.selectinload(Pet.alerts),
        joinedload(Appointment.vet),
        joinedload(Appointment.type),
    ]


def day_sheet(day, vet_id=None, vet_ids=None, options=None):
    """A day's appointments (of one vet or some, if asked) with pet, owner and vet, in one query.

    ``options``: loader options instead of appointment_options().
    """
    start, end = day_bounds(day)
    query = (
        sa.select(Appointment)
        .join(Appointment.vet)
        .options(*(appointment_options() if options is None else options))
        .where(Appointment.starts_at >= start, Appointment.starts_at < end)
        .order_by(Vet.last_name, Vet.first_name, Vet.id, Appointment.starts_at)
    )
    if vet_id is not None:
        query = query.where(Appointment.vet_id == vet_id)
    if vet_ids is not None:
        query = query.where(Appointment.vet_id.in_(vet_ids))
    return db.session.scalars(query).unique().all()


def booked_on(day):
    """A select of the ids of the vets with an appointment that day, cancelled ones included."""
    start, end = day_bounds(day)
    return sa.select(Appointment.vet_id).where(
        Appointment.starts_at >= start, Appointment.starts_at < end
    )


def day_sheet_vets(day, also=None):
    """A select of a day's vets by name, for the day sheet and the schedule grid: all who take
    bookings, any booked that day, and the vet ``also`` (whatever they are)."""
    shown = sa.or_(Vet.active, Vet.id.in_(booked_on(day)))
    if also is not None:
        shown = sa.or_(shown, Vet.id == also)
    return sa.select(Vet).where(shown).order_by(Vet.last_name, Vet.first_name, Vet.id)


def vet_schedule(vet_id, first_day, days=7):
    """A vet's appointments from first_day for ``days`` days, with pet and owner."""
    start = datetime.combine(first_day, time.min)
    query = (
        sa.select(Appointment)
        .options(*appointment_options())
        .where(
            Appointment.vet_id == vet_id,
            Appointment.starts_at >= start,
            Appointment.starts_at < start + timedelta(days=days),
        )
        .order_by(Appointment.starts_at)
    )
    return db.session.scalars(query).unique().all()


def todays_counts(day):
    """(vet, number of appointments holding a slot today) for every active vet, by name."""
    start, end = day_bounds(day)
    booked = (
        sa.select(Appointment.vet_id, sa.func.count(Appointment.id).label("n"))
        .where(Appointment.starts_at >= start, Appointment.starts_at < end)
        .where(Appointment.status != AppointmentStatus.CANCELLED)
        .group_by(Appointment.vet_id)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(Vet, sa.func.coalesce(booked.c.n, 0))
        .outerjoin(booked, booked.c.vet_id == Vet.id)
        .where(Vet.active)
        .order_by(Vet.last_name, Vet.first_name)
    )
    return rows.all()
