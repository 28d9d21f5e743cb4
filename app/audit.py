"""The audit trail: flush hooks record who created, changed or deleted owners, pets (with
their vaccinations and weights, in the pet's trail), appointments, visits and working time
(clinic hours, closures, rotas, absences), and who added an addendum to a visit, whether
the write came from a web request or a CLI command; merges of owners and pets moved to another
owner are recorded as such (record_event)."""

import getpass

import sqlalchemy as sa
from flask import has_request_context
from flask_login import current_user
from sqlalchemy.orm import joinedload

from app.audit_log.readable import readable
from app.database import BoundSession
from app.extensions import db
from app.models import (
    Absence,
    Appointment,
    AuditEntry,
    ClinicClosure,
    OpeningHours,
    Owner,
    Pet,
    PetWeight,
    RotaDay,
    Vaccination,
    Visit,
    VisitAddendum,
)
from app.models.columns import utcnow
from app.models.working_time import WEEKDAYS

AUDITED = {Owner: "owner", Pet: "pet", Appointment: "appointment", Visit: "visit",
           OpeningHours: "clinic_hours", ClinicClosure: "closure", RotaDay: "rota",
           Absence: "absence", Vaccination: "pet", PetWeight: "pet"}
# Bookkeeping columns that say nothing a reader of the trail needs.
QUIET_COLUMNS = {"created_at", "updated_at", "ends_at", "version",
                 # the search columns: copies of the names and telephone that are audited
                 "first_name_folded", "last_name_folded", "email_folded", "phone_digits_reversed",
                 "name_folded"}


def current_actor():
    """Who is making the change: the signed-in user, or the operating-system user of a CLI run."""
    if has_request_context():
        return current_user.username if current_user.is_authenticated else "anonymous"
    return f"cli:{getpass.getuser()}"


def _entity_id(obj):
    """The number a record is found by in the trail: a rota's or absence's is its vet's,
    a weekday's hours its weekday (0 is Monday), a closure's its day as YYYYMMDD."""
    if isinstance(obj, RotaDay | Absence):
        return obj.vet_id
    if isinstance(obj, Vaccination | PetWeight):
        return obj.pet_id  # in the pet's trail
    if isinstance(obj, OpeningHours):
        return obj.weekday
    if isinstance(obj, ClinicClosure):
        return int(f"{obj.day:%Y%m%d}")
    return obj.id


def _hours(starts, ends):
    return f"{starts:%H:%M}–{ends:%H:%M}" if starts is not None else "closed"


def _describe(obj):
    """A short description of a record from its own columns (never a lazy load)."""
    if isinstance(obj, OpeningHours):
        return f"{WEEKDAYS[obj.weekday]} {_hours(obj.opens, obj.closes)}"
    if isinstance(obj, ClinicClosure):
        return f"closed {obj.day}: {obj.reason}"
    if isinstance(obj, RotaDay):
        pause = f", break {_hours(obj.break_starts, obj.break_ends)}" if obj.break_starts else ""
        return f"{WEEKDAYS[obj.weekday]} {_hours(obj.starts, obj.ends)}{pause}"
    if isinstance(obj, Absence):
        return f"absence #{obj.id} {obj.starts_at:%Y-%m-%d %H:%M} to {obj.ends_at:%Y-%m-%d %H:%M}: {obj.reason}"
    if isinstance(obj, Vaccination):
        return (f"vaccination #{obj.id} (vaccine type #{obj.vaccine_type_id}) given "
                f"{obj.given_on}, batch {obj.batch}, next due {obj.next_due_on}")
    if isinstance(obj, PetWeight):
        return f"weight #{obj.id}: {obj.kilograms} kg on {obj.recorded_on}"
    if isinstance(obj, Owner):
        return f"{obj.first_name} {obj.last_name}"
    if isinstance(obj, Pet):
        return f"pet {obj.name}"
    if isinstance(obj, Appointment):
        return f"{obj.starts_at:%Y-%m-%d %H:%M} with vet #{obj.vet_id} for pet #{obj.pet_id}: {obj.reason}"
    return f"visit of pet #{obj.pet_id} on {obj.date}"


def _changes(obj):
    """'field: old → new' for each changed column of a dirty record."""
    state = sa.inspect(obj)
    parts = []
    for attr in state.mapper.column_attrs:
        if attr.key in QUIET_COLUMNS:
            continue
        history = state.attrs[attr.key].history
        if history.has_changes() and history.deleted != history.added:
            old = history.deleted[0] if history.deleted else None
            new = history.added[0] if history.added else None
            parts.append(f"{attr.key}: {old} → {new}")
    return "; ".join(parts)


def _entry(action, obj, summary, actor, now):
    return {"at": now, "actor": actor, "action": action, "entity_type": AUDITED[type(obj)],
            "entity_id": _entity_id(obj), "summary": summary[:2000]}


def _addendum_entry(addendum, actor, now):
    """An addendum is a line in its visit's trail (addenda are only ever added)."""
    return {"at": now, "actor": actor, "action": "addendum", "entity_type": AUDITED[Visit],
            "entity_id": addendum.visit_id,
            "summary": f"addendum #{addendum.id}: {addendum.text}"[:2000]}


def _lock_and_delete_what_the_cascade_takes(session, flush_context, instances):
    """Bring every pet, appointment and visit an owner or pet delete takes into this flush.

    ON DELETE CASCADE would remove whatever the caller did not load without a word to the
    audit; loaded here and deleted by the ORM, each one is in ``session.deleted`` when the
    trail is written, in at most four statements however many records go.
    """
    deleted = session.deleted
    owner_ids = {sa.inspect(obj).identity[0] for obj in deleted if isinstance(obj, Owner)}
    pet_ids = {sa.inspect(obj).identity[0] for obj in deleted if isinstance(obj, Pet)}
    if not owner_ids and not pet_ids:
        return
    # Locked first, so a pet, appointment or visit another transaction is adding under them
    # is either committed before the reads below (and read) or refused by its foreign key
    # after this commit: never removed by the cascade unseen. SQLite has no row locks (no
    # FOR UPDATE): one writer at a time, and a transaction whose reads another writer has
    # overtaken cannot write at all, so it cannot delete what it did not read either.
    if owner_ids:
        session.execute(sa.select(Owner.id).where(Owner.id.in_(owner_ids)).with_for_update())
    pets = session.scalars(
        sa.select(Pet).where(sa.or_(Pet.owner_id.in_(owner_ids), Pet.id.in_(pet_ids))).with_for_update()
    ).all()
    pet_ids |= {pet.id for pet in pets}
    going = [
        *pets,
        # Appointments refer to each other (follow-ups), so the unit of work deletes them one
        # by one and reads each one's vet, type and followed appointment first: loaded here,
        # in this statement, not refused by raise_on_sql (a typed appointment was a 500).
        *session.scalars(sa.select(Appointment).options(
            joinedload(Appointment.vet), joinedload(Appointment.type),
            joinedload(Appointment.follows),
        ).where(Appointment.pet_id.in_(pet_ids))),
        *session.scalars(sa.select(Visit).where(Visit.pet_id.in_(pet_ids))),
    ]
    for obj in going:
        session.delete(obj)


def _after_flush(session, flush_context):
    """Write an audit row for every audited record this flush created, changed or deleted."""
    rows, actor, now = [], None, utcnow()
    for objects, action in ((session.new, "create"), (session.dirty, "update"),
                            (session.deleted, "delete")):
        for obj in objects:
            if isinstance(obj, VisitAddendum) and action == "create":
                actor = actor or current_actor()
                rows.append(_addendum_entry(obj, actor, now))
            if type(obj) not in AUDITED:
                continue
            actor = actor or current_actor()
            if action == "update":
                changes = _changes(obj)
                if not changes:
                    continue
                if isinstance(obj, OpeningHours | RotaDay | Absence | Vaccination | PetWeight):
                    changes = f"{_describe(obj)} ({changes})"  # which day, which absence
                if isinstance(obj, Appointment) and "status: " in changes:
                    action_name = obj.status.value  # cancelled, checked_in, completed, no_show
                else:
                    action_name = "update"
                rows.append(_entry(action_name, obj, changes, actor, now))
            else:
                rows.append(_entry(action, obj, _describe(obj), actor, now))
    if rows:
        session.connection().execute(sa.insert(AuditEntry), rows)


def record_event(action, record, summary):
    """An entry for a change the flush hooks cannot name from one record's columns alone: a
    merge of two owners, a pet moved from one owner to another (``record``: an audited one)."""
    db.session.add(AuditEntry(at=utcnow(), actor=current_actor(), action=action,
                              entity_type=AUDITED[type(record)], entity_id=_entity_id(record),
                              summary=summary[:2000]))


def record_changes():
    """Install the flush hooks once on the app's session class."""
    if not sa.event.contains(BoundSession, "before_flush", _lock_and_delete_what_the_cascade_takes):
        sa.event.listen(BoundSession, "before_flush", _lock_and_delete_what_the_cascade_takes)
    if not sa.event.contains(BoundSession, "after_flush", _after_flush):
        sa.event.listen(BoundSession, "after_flush", _after_flush)


def trail_for(*records, known=()):
    """The trail of the given (entity_type, ids) pairs, newest first, in words
    (app.audit_log.readable; ``known``: records the page has loaded, named at no cost)."""
    clauses = [
        sa.and_(AuditEntry.entity_type == kind, AuditEntry.entity_id.in_(ids))
        for kind, ids in records
        if ids
    ]
    if not clauses:
        return []
    return readable(db.session.scalars(
        sa.select(AuditEntry).where(sa.or_(*clauses)).order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(200)
    ).all(), known)
