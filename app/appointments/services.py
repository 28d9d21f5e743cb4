"""Booking and running appointments: the rules the web views, the API and the CLI share.

No double booking: a booking first locks the rows it depends on (the vets, then the pet,
always in that order so two bookings cannot deadlock) with SELECT ... FOR UPDATE, then
checks for overlaps, then inserts. On PostgreSQL the lock makes a second booking for the
same vet wait until the first commits, and its overlap check then sees the first. SQLite
has no row locks; there every write request begins with BEGIN IMMEDIATE (see
app.database), which serialises writers the same way.
"""

import contextlib
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from app.appointments.refusals import BookingRefused, IllegalTransition, SlotTaken, check_type
from app.clinic import clinic_now
from app.constraints import constraint_name
from app.extensions import db
from app.i18n import _, day, ngettext
from app.messages import appointments as messages
from app.models import (
    Appointment,
    AppointmentStatus,
    Pet,
    Vet,
    Visit,
)
from app.models.appointment import HOLDS_SLOT, MAX_DURATION, MIN_DURATION, NO_OVERLAP
from app.pets.profile import booking_refusal
from app.vaccinations.services import prepare_vaccination
from app.validation import max_length
from app.visits.services import acting_user_id
from app.working_time.calendar import hhmm, load_working_time

# reschedule(type_id=UNCHANGED): the appointment keeps its type (an API client that knows none).
UNCHANGED = object()


def lock_rows(vet_ids, pet_id):
    """Lock the vets (by id) and then the pet for the rest of the transaction.

    Returns ({vet_id: Vet or None}, the pet's (id, name, deceased_on) or None).
    """
    vets = {}
    for vet_id in sorted(set(vet_ids)):
        vets[vet_id] = db.session.scalar(
            sa.select(Vet)
            .where(Vet.id == vet_id)
            .with_for_update()
            .execution_options(populate_existing=True)  # fresh values once the lock is held
        )
    # Columns, not the entity: the lock and what the rules read, leaving loaded objects alone.
    pet = db.session.execute(
        sa.select(Pet.id, Pet.name, Pet.deceased_on).where(Pet.id == pet_id).with_for_update()
    ).first()
    return vets, pet


def overlapping(starts_at, ends_at, exclude_id=None):
    """Clause: appointments that hold a slot overlapping [starts_at, ends_at)."""
    clause = sa.and_(
        Appointment.starts_at < ends_at,
        # Implied by the next line, as no appointment lasts longer than MAX_DURATION; it
        # bounds the (vet_id, starts_at) and (pet_id, starts_at) index ranges to a few hours
        # instead of every earlier appointment of the vet and of the pet.
        Appointment.starts_at > starts_at - timedelta(minutes=MAX_DURATION),
        Appointment.ends_at > starts_at,
        Appointment.status.in_(HOLDS_SLOT),
    )
    if exclude_id is not None:
        clause = sa.and_(clause, Appointment.id != exclude_id)
    return clause


def check_slot(vet, pet_id, starts_at, duration, exclude_id=None, type_id=None):
    """Raise BookingRefused unless the vet can see the pet at that time (for that type)."""
    if vet is None:
        raise BookingRefused(_("Choose a vet."), field="vet_id")
    if not vet.active:
        raise BookingRefused(_("%(vet)s no longer takes bookings.", vet=vet.full_name),
                             field="vet_id")
    check_type(vet, type_id)
    if not MIN_DURATION <= duration <= MAX_DURATION:
        raise BookingRefused(
            _("An appointment lasts %(low)d to %(high)d minutes.", low=MIN_DURATION,
              high=MAX_DURATION),
            field="duration_minutes",
        )
    if starts_at <= clinic_now():
        raise BookingRefused(_("That time has already passed."))
    horizon = clinic_now().date() + timedelta(days=current_app.config["BOOKING_HORIZON_DAYS"])
    if starts_at.date() > horizon:
        # Checked before any date arithmetic: a start late on the calendar's last day
        # (9999-12-31) has no end to compute.
        raise BookingRefused(
            ngettext("Bookings open up to %(num)d day ahead, until %(day)s.",
                     "Bookings open up to %(num)d days ahead, until %(day)s.",
                     current_app.config["BOOKING_HORIZON_DAYS"], day=day(horizon)),
            field="date",
        )
    ends_at = starts_at + timedelta(minutes=duration)
    unavailable = load_working_time([vet.id], starts_at.date(), starts_at.date()).unavailable(
        vet, starts_at, ends_at
    )
    if unavailable:
        raise BookingRefused(unavailable.message, field=unavailable.field)
    clash = db.session.scalar(
        sa.select(Appointment)
        .options(joinedload(Appointment.pet), joinedload(Appointment.vet))
        .where(overlapping(starts_at, ends_at, exclude_id))
        .where(sa.or_(Appointment.vet_id == vet.id, Appointment.pet_id == pet_id))
        .order_by(Appointment.starts_at)
        .limit(1)
    )
    if clash is not None:
        who = clash.vet.full_name if clash.vet_id == vet.id else clash.pet.name
        raise SlotTaken(
            _("%(who)s is already booked %(starts)s–%(ends)s (%(reason)s). Choose another time.",
              who=who, starts=hhmm(clash.starts_at), ends=hhmm(clash.ends_at),
              reason=clash.reason)
        )


@contextlib.contextmanager
def slot_written(vet):
    """Write the block's booking in a savepoint; PostgreSQL's own overlap refusal is SlotTaken.

    The locks and check_slot keep overlaps out; the exclusion constraint (NO_OVERLAP) is the
    database's backstop for any path that skips them, and reads to the user as usual.
    """
    try:
        with db.session.begin_nested():
            yield
            db.session.flush()
    except IntegrityError as error:
        if constraint_name(error) != NO_OVERLAP:
            raise
        raise SlotTaken(
            _("%(vet)s is already booked at that time. Choose another time.", vet=vet.full_name)
        ) from None


def book_appointment(pet_id, vet_id, starts_at, duration, reason, type_id=None, follows_id=None):
    """Book a vet for a pet (of a type, following up another); BookingRefused when a rule says no."""
    vets, pet = lock_rows([vet_id], pet_id)
    if pet is None:
        raise BookingRefused(_("That pet does not exist."), field="pet_id")
    # Read under the pet's lock: a pet recorded as deceased meanwhile is not booked.
    if (refusal := booking_refusal(pet)) is not None:
        raise BookingRefused(refusal, field="pet_id")
    check_slot(vets[vet_id], pet_id, starts_at, duration, type_id=type_id)
    appointment = Appointment(
        pet_id=pet_id, vet_id=vet_id, reason=reason, type_id=type_id, follows_id=follows_id
    )
    with slot_written(vets[vet_id]):
        appointment.schedule(starts_at, duration)
        db.session.add(appointment)
    messages.booked(appointment, vets[vet_id])  # in this transaction: no booking, no message
    return appointment


def reschedule(appointment, vet_id, starts_at, duration, reason, type_id=UNCHANGED):
    """Move a scheduled appointment (or change its type), under the same rules as a booking."""
    if appointment.status is not AppointmentStatus.SCHEDULED:
        raise BookingRefused(
            _("Only a scheduled appointment can be changed; this one is %(status)s.",
              status=appointment.status.word)
        )
    if type_id is UNCHANGED:
        type_id = appointment.type_id  # and a kept type still needs its specialty of a new vet
    vets, _pet = lock_rows([vet_id, appointment.vet_id], appointment.pet_id)
    check_slot(vets[vet_id], appointment.pet_id, starts_at, duration, exclude_id=appointment.id,
               type_id=type_id)
    previous = messages.as_it_was(appointment, vets[appointment.vet_id])
    with slot_written(vets[vet_id]):
        appointment.vet_id, appointment.reason, appointment.type_id = vet_id, reason, type_id
        appointment.schedule(starts_at, duration)
    messages.moved(appointment, vets[vet_id], previous)  # if its time or vet changed
    return appointment


def change_status(appointment, status):
    """Move an appointment to ``status`` if its life allows it; else IllegalTransition.

    Not to completed: that writes the visit too (complete_appointment).
    """
    if status is AppointmentStatus.COMPLETED:
        raise IllegalTransition(
            _("An appointment is completed with its visit notes, not by status.")
        )
    return messages.status_changed(_move(appointment, status))


def lock_appointment(appointment):
    """Lock the appointment's vet, pet and then the appointment itself, and re-read its status.

    The same order as bookings lock in (vets, then the pet), so a status change and a
    booking into the slot it frees cannot deadlock; under the lock, a status another
    request changed meanwhile is the one the rules see (two desks cannot both act on
    "scheduled").
    """
    lock_rows([appointment.vet_id], appointment.pet_id)
    db.session.refresh(appointment, ["status", "version"], with_for_update=True)


def _move(appointment, status):
    """Move the status where TRANSITIONS allow, deciding under the row lock; else IllegalTransition."""
    lock_appointment(appointment)
    refusal = appointment.refusal(status, clinic_now())
    if refusal:
        raise IllegalTransition(refusal)
    appointment.status = status
    db.session.flush()
    return appointment


def complete_appointment(appointment, description, follow_up=None, vaccination=None):
    """Complete a checked-in appointment and write its visit; book an optional follow-up.

    The follow-up ({vet_id, starts_at, duration}) goes in a savepoint, of this one's type, for
    the reason "Follow-up: <this reason>", recording that it follows this one: if it is
    refused, only it is rolled back. A vaccination given at the visit ({vaccine_type_id,
    batch, next_due}; pet and its type loaded) is part of the visit: it is checked before
    anything is written, and VaccinationRefused leaves nothing written. Returns
    (visit, follow_up_appointment, problem).
    """
    dose = None
    if vaccination is not None:
        dose = prepare_vaccination(appointment.pet, given_on=appointment.starts_at.date(),
                                   vet_id=appointment.vet_id, **vaccination)
    _move(appointment, AppointmentStatus.COMPLETED)
    visit = Visit(
        pet_id=appointment.pet_id,
        vet_id=appointment.vet_id,
        appointment_id=appointment.id,
        date=appointment.starts_at.date(),
        description=description,
        author_id=acting_user_id(),
    )
    db.session.add(visit)
    db.session.flush()
    if dose is not None:
        dose.visit_id = visit.id
        db.session.add(dose)
        db.session.flush()
    if follow_up is None:
        return visit, None, None
    try:
        with db.session.begin_nested():
            # Stored as the booking's reason: in the clinic's records' language, not translated.
            reason = f"Follow-up: {appointment.reason}"[: max_length(Appointment.reason)]
            booked = book_appointment(
                appointment.pet_id, reason=reason, type_id=appointment.type_id,
                follows_id=appointment.id, **follow_up,
            )
    except BookingRefused as refusal:
        return visit, None, str(refusal)
    return visit, booked, None
