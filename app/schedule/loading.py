"""What the schedule reads: its vets, its appointments and a pet in context, each in one query."""

from datetime import datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from app.appointments.schedule import appointment_options, booked_on, day_sheet_vets
from app.extensions import db
from app.models import Appointment, AppointmentStatus, Pet, Vet

# The grid shows the type's name and colour too; loader options are immutable, built once.
WITH_TYPE = joinedload(Appointment.type)
BY_NAME = (Vet.last_name, Vet.first_name, Vet.id)


def day_vets(day, selected_id=None, with_cancelled=False):
    """The vets a day's grid may show (day_sheet_vets: the day sheet's, and the vet asked for),
    each as (vet, whether an appointment of theirs is drawn that day: cancelled ones only
    ``with_cancelled``)."""
    booked = booked_on(day)
    drawn = booked if with_cancelled else booked.where(
        Appointment.status != AppointmentStatus.CANCELLED)
    return db.session.execute(
        day_sheet_vets(day, also=selected_id).add_columns(Vet.id.in_(drawn))
    ).all()


def active_vets():
    """The vets who take bookings, by name (the week view's chooser)."""
    return db.session.scalars(sa.select(Vet).where(Vet.active).order_by(*BY_NAME)).all()


def appointments_between(first_day, last_day, vet_ids=None, with_cancelled=False):
    """The appointments from first_day to last_day (inclusive), of some vets (``vet_ids``) or
    all, with pet, owner, type and vet, in one query."""
    start = datetime.combine(first_day, time.min)
    end = datetime.combine(last_day, time.min) + timedelta(days=1)
    query = (
        sa.select(Appointment)
        .options(*appointment_options(), WITH_TYPE)
        .where(Appointment.starts_at >= start, Appointment.starts_at < end)
        .order_by(Appointment.starts_at, Appointment.id)
    )
    if vet_ids is not None:
        query = query.where(Appointment.vet_id.in_(vet_ids))
    if not with_cancelled:
        query = query.where(Appointment.status != AppointmentStatus.CANCELLED)
    return db.session.scalars(query).unique().all()


def pet_in_context(pet_id):
    """The pet being booked for, with owner and type, or None."""
    if pet_id is None:
        return None
    return db.session.scalar(
        sa.select(Pet).options(joinedload(Pet.owner), joinedload(Pet.type)).where(Pet.id == pet_id)
    )
