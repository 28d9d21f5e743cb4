"""The messages an appointment's life sends, queued by app/appointments/services.py.

A booking queues its confirmation, a move its "rescheduled" notice, a cancellation its
notice, each in the transaction that makes the change: if it rolls back, so does the message.
A move or a cancellation also withdraws the appointment's pending reminder (the reminder
run queues a new one for a new time: app/messages/reminders.py).
"""

import sqlalchemy as sa

from app.audit import current_actor
from app.extensions import db
from app.messages.outbox import queue, withheld
from app.messages.render import Slot, render
from app.models import (
    AppointmentNotice,
    AppointmentStatus,
    Message,
    MessageKind,
    MessageStatus,
    Owner,
    Pet,
    Vet,
)


def slot_of(appointment, pet_name, vet):
    """What a message says about ``appointment`` (its vet given, as the services hold it)."""
    return Slot(pet_name=pet_name, vet_name=vet.full_name, starts_at=appointment.starts_at,
                duration_minutes=appointment.duration_minutes, reason=appointment.reason)


def owner_and_pet_name(pet_id):
    """The pet's owner (the row) and the pet's name, in one statement."""
    return db.session.execute(
        sa.select(Owner, Pet.name).join(Pet, Pet.owner_id == Owner.id).where(Pet.id == pet_id)
    ).one()


def queue_appointment_message(kind, appointment, vet, previous=None):
    """Queue a message of ``kind`` about the appointment to its pet's owner; None if withheld.

    ``previous``: for a move, what it was moved from (Slot's fields but the pet name).
    """
    owner, pet_name = owner_and_pet_name(appointment.pet_id)
    if withheld(owner, kind) is not None:
        return None  # nothing to render: queue() would withhold it too
    slot = slot_of(appointment, pet_name, vet)
    before = Slot(pet_name=pet_name, **previous) if previous is not None else None
    subject, text, html = render(kind, owner, slot=slot, previous=before)
    return queue(owner, kind, subject, text, html, current_actor()[:80], appointment=appointment)


def withdraw_reminder(appointment, why):
    """Cancel the appointment's pending reminder, saying ``why``, and forget its notices.

    Without its notices, the reminder run treats the appointment's (new) time as never
    reminded of, so a moved appointment gets a reminder for the time it now has.
    """
    db.session.execute(
        sa.update(Message)
        .where(Message.appointment_id == appointment.id,
               Message.kind == MessageKind.APPOINTMENT_REMINDER,
               Message.status == MessageStatus.PENDING)
        .values(status=MessageStatus.CANCELLED, last_response=why[:500])
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        sa.delete(AppointmentNotice).where(AppointmentNotice.appointment_id == appointment.id)
    )


def booked(appointment, vet):
    """Queue the confirmation of a new booking."""
    return queue_appointment_message(MessageKind.CONFIRMATION, appointment, vet)


def as_it_was(appointment, vet):
    """What the appointment is before a move (``vet``: its vet), for moved() to compare."""
    return {"starts_at": appointment.starts_at, "vet_id": appointment.vet_id,
            "vet_name": vet.full_name, "duration_minutes": appointment.duration_minutes,
            "reason": appointment.reason}


def moved(appointment, vet, previous):
    """If its time or vet changed: withdraw the old time's reminder, queue the "rescheduled" notice.

    A new reason or length alone is not worth a message. ``previous``: as_it_was() before.
    """
    previous = dict(previous)
    if (previous["starts_at"], previous.pop("vet_id")) == (appointment.starts_at,
                                                           appointment.vet_id):
        return None
    # A note in the message's row (data): English, whatever language the page speaks.
    moment = appointment.starts_at
    withdraw_reminder(appointment, f"Not sent: the appointment was moved to {moment:%A} "
                                   f"{moment.day} {moment:%B %Y} at {moment:%H:%M}.")
    return queue_appointment_message(MessageKind.RESCHEDULED, appointment, vet, previous)


def status_changed(appointment):
    """After a status change: a cancellation withdraws the reminder and queues its notice.

    Returns the appointment. Its vet is loaded (the status change locked it).
    """
    if appointment.status is AppointmentStatus.CANCELLED:
        withdraw_reminder(appointment, "Not sent: the appointment was cancelled.")
        vet = db.session.get(Vet, appointment.vet_id)
        queue_appointment_message(MessageKind.CANCELLATION, appointment, vet)
    return appointment
