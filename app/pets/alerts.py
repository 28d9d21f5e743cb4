"""Alerts on a pet: adding and removing them, each change in the pet's audit trail."""

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.audit import current_actor
from app.extensions import db
from app.i18n import _
from app.models import AlertSeverity, AuditEntry, Pet, PetAlert
from app.validation import FieldRefusal

# Enough for any real pet; a bound keeps every page that shows them bounded too.
MAX_ALERTS = 10


class AlertRefused(FieldRefusal):
    """An alert cannot be added (the pet is gone, or has as many alerts as it may)."""

    field = "text"


def with_alerts():
    """The loader option a page needs to show a pet's alerts (pets/_alerts.html): one statement
    for all the pets it loads. Under an appointment: joinedload(Appointment.pet).options(...)."""
    return selectinload(Pet.alerts)


def _audit(pet_id, action, alert):
    """Record an alert's change in the pet's trail (shown with the pet's other changes)."""
    db.session.add(AuditEntry(actor=current_actor(), action=action, entity_type="pet",
                              entity_id=pet_id, summary=f"{alert.severity.label}: {alert.text}"))


def add_alert(pet_id, text, severity):
    """Add an alert to a pet; raise AlertRefused past MAX_ALERTS or when the pet is gone."""
    # The pet's row lock makes the count and the insert one step: two desks adding the
    # tenth alert at once cannot make eleven (SQLite: one writer at a time anyway).
    found = db.session.scalar(sa.select(Pet.id).where(Pet.id == pet_id).with_for_update())
    if found is None:
        raise AlertRefused(_("That pet does not exist."), field="pet_id")
    count = db.session.scalar(
        sa.select(sa.func.count(PetAlert.id)).where(PetAlert.pet_id == pet_id)
    )
    if count >= MAX_ALERTS:
        raise AlertRefused(_("A pet has at most %(num)d alerts: remove one first.",
                             num=MAX_ALERTS))
    alert = PetAlert(pet_id=pet_id, text=text, severity=AlertSeverity(severity),
                     created_by=current_actor())
    db.session.add(alert)
    _audit(pet_id, "alert added", alert)
    db.session.flush()
    return alert


def alert_of(pet_id, alert_id):
    """The alert, if it is one of that pet's; else None."""
    return db.session.scalar(
        sa.select(PetAlert).where(PetAlert.id == alert_id, PetAlert.pet_id == pet_id)
    )


def remove_alert(alert):
    """Remove an alert (it is no longer true); the trail keeps what it said."""
    _audit(alert.pet_id, "alert removed", alert)
    db.session.delete(alert)
    db.session.flush()
    return alert
