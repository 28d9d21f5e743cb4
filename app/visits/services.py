"""Visits recorded directly (walk-ins and history), corrected and deleted: one set of rules
for the web views and the API. Completing an appointment writes its visit in
app.appointments.services."""

from app.extensions import db
from app.models import Visit
from app.validation import visit_date_problem


class VisitRefused(ValueError):
    """A visit breaks a rule (it is dated in the future)."""


def record_visit(pet_id, day, description, vet_id=None):
    """Record a walk-in or historical visit directly; VisitRefused if it breaks a rule."""
    refuse_visit_date(day)
    visit = Visit(pet_id=pet_id, date=day, description=description, vet_id=vet_id)
    db.session.add(visit)
    db.session.flush()
    return visit


def update_visit(visit, day, description):
    """Correct a visit's date or description; VisitRefused if it breaks a rule."""
    refuse_visit_date(day)
    visit.date, visit.description = day, description
    db.session.flush()
    return visit


def refuse_visit_date(day):
    """Raise VisitRefused for a date no visit can have."""
    problem = visit_date_problem(day)
    if problem:
        raise VisitRefused(problem)


def delete_visit(visit):
    """Delete a visit record (its appointment, if any, stays completed)."""
    db.session.delete(visit)
    db.session.flush()
