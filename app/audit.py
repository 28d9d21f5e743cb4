"""The audit trail: a flush hook records who created, changed or deleted owners, pets,
appointments and visits, whether the write came from a web request or a CLI command."""

import getpass

import sqlalchemy as sa
from flask import has_request_context
from flask_login import current_user

from app.database import BoundSession
from app.extensions import db
from app.models import Appointment, AuditEntry, Owner, Pet, Visit
from app.models.columns import utcnow

AUDITED = {Owner: "owner", Pet: "pet", Appointment: "appointment", Visit: "visit"}
# Bookkeeping columns that say nothing a reader of the trail needs.
QUIET_COLUMNS = {"created_at", "updated_at", "ends_at"}


def current_actor():
    """Who is making the change: the signed-in user, or the operating-system user of a CLI run."""
    if has_request_context():
        return current_user.username if current_user.is_authenticated else "anonymous"
    return f"cli:{getpass.getuser()}"


def _describe(obj):
    """A short description of a record from its own columns (never a lazy load)."""
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
            "entity_id": obj.id, "summary": summary[:2000]}


def _after_flush(session, flush_context):
    """Write an audit row for every audited record this flush created, changed or deleted."""
    rows, actor, now = [], None, utcnow()
    for objects, action in ((session.new, "create"), (session.dirty, "update"),
                            (session.deleted, "delete")):
        for obj in objects:
            if type(obj) not in AUDITED:
                continue
            actor = actor or current_actor()
            if action == "update":
                changes = _changes(obj)
                if not changes:
                    continue
                if isinstance(obj, Appointment) and "status: " in changes:
                    action_name = obj.status.value  # cancelled, checked_in, completed, no_show
                else:
                    action_name = "update"
                rows.append(_entry(action_name, obj, changes, actor, now))
            else:
                rows.append(_entry(action, obj, _describe(obj), actor, now))
    if rows:
        session.connection().execute(sa.insert(AuditEntry), rows)


def record_changes():
    """Install the flush hook once on the app's session class."""
    if not sa.event.contains(BoundSession, "after_flush", _after_flush):
        sa.event.listen(BoundSession, "after_flush", _after_flush)


def trail_for(*records):
    """Audit entries of the given (entity_type, ids) pairs, newest first."""
    clauses = [
        sa.and_(AuditEntry.entity_type == kind, AuditEntry.entity_id.in_(ids))
        for kind, ids in records
        if ids
    ]
    if not clauses:
        return []
    return db.session.scalars(
        sa.select(AuditEntry).where(sa.or_(*clauses)).order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(200)
    ).all()
