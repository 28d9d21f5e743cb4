"""The daily reminder run (`flask reminders queue`): appointment and vaccination reminders.

Idempotent by the database, not by a check alone: every reminder queued leaves a notice
(app/models/notice.py) unique on what it reminds of, written with its message in one
savepoint per appointment or owner. A second run, even one at the same moment, finds the
notice, or collides with it and rolls back only that savepoint.

Appointments to remind are locked (FOR UPDATE) for the run, so a move or a cancellation
meanwhile waits for it and then withdraws the reminder it queued. SQLite runs one writer
at a time (the command begins with BEGIN IMMEDIATE).
"""

from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from app.constraints import constraint_name
from app.extensions import db
from app.messages.appointments import slot_of
from app.messages.outbox import queue, withheld
from app.messages.render import DueDose, render
from app.models import (
    Appointment,
    AppointmentNotice,
    AppointmentStatus,
    MessageKind,
    Pet,
    ReminderContact,
    VaccinationNotice,
)
from app.models.columns import utcnow
from app.models.notice import BEFORE_DUE
from app.reminders.due import DueFilter, all_due, due

QUEUED_BY = "reminders"
APPOINTMENT_NOTICE = "pk_appointment_notices"
VACCINATION_NOTICE = "uq_vaccination_notices_stage"


@dataclass
class RunCounts:
    """What a run did, for the command to print."""

    appointments: int = 0  # appointment reminders queued
    appointments_withheld: int = 0  # owners without an email address
    owners: int = 0  # vaccination reminders queued (one per owner)
    doses: int = 0  # the vaccinations they list
    owners_withheld: int = 0  # no email address, or no consent
    raced: int = 0  # queued by another run at the same moment


def stage_on(due_on, today):
    """The reminder stage a dose due on ``due_on`` has reached by ``today``, or None (not yet).

    0 from VACCINATION_REMINDER_DAYS before the due date; overdue stage k (1 to
    VACCINATION_OVERDUE_REMINDERS) from k × VACCINATION_OVERDUE_SPACING_DAYS after it.
    """
    config = current_app.config
    if today < due_on - timedelta(days=config["VACCINATION_REMINDER_DAYS"]):
        return None
    overdue_days = (today - due_on).days
    spacing = config["VACCINATION_OVERDUE_SPACING_DAYS"]
    return max(BEFORE_DUE, min(config["VACCINATION_OVERDUE_REMINDERS"], overdue_days // spacing))


def _written_once(counts, constraint, write):
    """Run ``write`` in a savepoint; True if done, False if another run's notice beat it."""
    try:
        with db.session.begin_nested():
            write()
            db.session.flush()
    except IntegrityError as error:
        if constraint_name(error) != constraint:
            raise
        counts.raced += 1
        return False
    return True


def appointments_due_a_reminder(now):
    """Scheduled appointments starting within APPOINTMENT_REMINDER_HOURS of ``now`` that have
    no reminder for their start time yet, with pet, owner and vet; locked for the run."""
    horizon = now + timedelta(hours=current_app.config["APPOINTMENT_REMINDER_HOURS"])
    reminded = sa.exists().where(AppointmentNotice.appointment_id == Appointment.id,
                                 AppointmentNotice.starts_at == Appointment.starts_at)
    return db.session.scalars(
        sa.select(Appointment)
        .options(joinedload(Appointment.pet, innerjoin=True).joinedload(Pet.owner, innerjoin=True),
                 joinedload(Appointment.vet, innerjoin=True))
        .where(Appointment.status == AppointmentStatus.SCHEDULED,
               Appointment.starts_at > now, Appointment.starts_at <= horizon, ~reminded)
        .order_by(Appointment.starts_at, Appointment.id)
        .with_for_update(of=Appointment)
    ).all()


def queue_appointment_reminders(now, counts):
    """Queue a reminder of each appointment due one (see appointments_due_a_reminder)."""
    kind = MessageKind.APPOINTMENT_REMINDER
    for appointment in appointments_due_a_reminder(now):
        owner = appointment.pet.owner
        if withheld(owner, kind) is not None:
            counts.appointments_withheld += 1
            continue

        def write(appointment=appointment, owner=owner):
            slot = slot_of(appointment, appointment.pet.name, appointment.vet)
            message = queue(owner, kind, *render(kind, owner, slot=slot), QUEUED_BY,
                            appointment=appointment)
            db.session.flush()
            db.session.add(AppointmentNotice(appointment_id=appointment.id,
                                             starts_at=appointment.starts_at,
                                             message_id=message.id))

        if _written_once(counts, APPOINTMENT_NOTICE, write):
            counts.appointments += 1


def _sent_stages(filters):
    """(pet, vaccine type, due date, stage) of every notice of the open reminders in range."""
    doses = due(filters).subquery()
    return {tuple(row) for row in db.session.execute(
        sa.select(VaccinationNotice.pet_id, VaccinationNotice.vaccine_type_id,
                  VaccinationNotice.due_on, VaccinationNotice.stage)
        .join(doses, sa.and_(doses.c.pet_id == VaccinationNotice.pet_id,
                             doses.c.vaccine_type_id == VaccinationNotice.vaccine_type_id,
                             doses.c.next_due_on == VaccinationNotice.due_on))
    )}


def _record_contact(owner_id):
    """Set the owner's last reminder (the due list's "Last reminder") to now: an upsert."""
    dialect = db.session.connection().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(ReminderContact).values(owner_id=owner_id, last_sent_at=utcnow())
    db.session.execute(statement.on_conflict_do_update(
        index_elements=[ReminderContact.owner_id],
        set_={"last_sent_at": statement.excluded.last_sent_at},
    ))


def queue_vaccination_reminders(today, counts):
    """Queue one message per owner listing every dose that reached a stage not yet sent."""
    kind = MessageKind.VACCINATION_REMINDER
    filters = DueFilter(last_day=today + timedelta(
        days=current_app.config["VACCINATION_REMINDER_DAYS"]))
    sent = _sent_stages(filters)
    for row in list(all_due(filters)):  # read in full: the loop writes on the same connection
        doses = []
        for dose in row.doses:
            stage = stage_on(dose.next_due_on, today)
            key = (dose.pet_id, dose.vaccine_type_id, dose.next_due_on, stage)
            if stage is not None and key not in sent:
                doses.append((dose, stage))
        if not doses:
            continue
        if withheld(row.owner, kind) is not None:
            counts.owners_withheld += 1  # and nothing recorded: consent later, reminded then
            continue

        def write(owner=row.owner, doses=doses):
            lines = [DueDose(pet_name=dose.pet.name, vaccine_name=dose.vaccine_type.name,
                             due_on=dose.next_due_on, overdue=dose.next_due_on < today)
                     for dose, _ in doses]
            message = queue(owner, kind, *render(kind, owner, doses=lines), QUEUED_BY)
            db.session.flush()
            db.session.add_all([
                VaccinationNotice(pet_id=dose.pet_id, vaccine_type_id=dose.vaccine_type_id,
                                  due_on=dose.next_due_on, stage=stage, message_id=message.id)
                for dose, stage in doses
            ])
            db.session.flush()
            _record_contact(owner.id)

        if _written_once(counts, VACCINATION_NOTICE, write):
            counts.owners += 1
            counts.doses += len(doses)


def queue_reminders(now):
    """The run as of ``now`` (clinic wall-clock time): both kinds, in the caller's transaction."""
    counts = RunCounts()
    queue_appointment_reminders(now, counts)
    queue_vaccination_reminders(now.date(), counts)
    return counts
