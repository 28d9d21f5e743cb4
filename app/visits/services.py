"""Visits recorded directly (walk-ins and history), corrected, amended and deleted: one set
of rules for the web views and the API. Completing an appointment writes its visit in
app.appointments.services.

The correction window: the visit's author, or an administrator, may correct it for
VISIT_CORRECTION_HOURS after it was recorded (created_at, UTC). After that it is locked:
nobody corrects it, and anyone who may record visits adds an addendum instead. The rule is
correction_refusal(); the pages, the API and the templates all ask it.
"""

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, has_request_context
from flask_login import current_user
from sqlalchemy.orm import joinedload, selectinload

from app.auth.permissions import can
from app.extensions import db
from app.i18n import _, day_and_time
from app.models import Role, Visit, VisitAddendum
from app.models.columns import utcnow
from app.validation import visit_date_problem

# update_visit(vet_id=KEEP): the visit keeps its vet.
KEEP = object()


class VisitRefused(ValueError):
    """A visit breaks a rule (it is dated in the future)."""


class CorrectionRefused(Exception):
    """Nobody, or not this user, may correct the visit now; ``status`` is 403 or 409."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


class AddendumRefused(Exception):
    """An addendum cannot be written (it has no author to sign it)."""


def acting_user_id():
    """The id of the signed-in staff member writing a record; None for a command."""
    if has_request_context() and current_user.is_authenticated:
        return current_user.id
    return None


def record_visit(pet_id, day, description, vet_id=None):
    """Record a walk-in or historical visit directly; VisitRefused if it breaks a rule."""
    refuse_visit_date(day)
    visit = Visit(pet_id=pet_id, date=day, description=description, vet_id=vet_id,
                  author_id=acting_user_id())
    db.session.add(visit)
    db.session.flush()
    return visit


def correction_deadline(visit):
    """When the visit locks: VISIT_CORRECTION_HOURS after it was recorded (UTC)."""
    return visit.created_at + timedelta(hours=current_app.config["VISIT_CORRECTION_HOURS"])


def correction_refusal(visit, user, now=None):
    """Why ``user`` may not correct ``visit`` at ``now`` (a CorrectionRefused), or None.

    ``user`` None is a caller that no account speaks for (the API with API_AUTH_ENABLED off,
    a command): only the window applies to it.
    """
    if user is not None:
        if not can("visits.record", user):
            return CorrectionRefused(403, _("Your role does not allow correcting visits."))
        if user.role is not Role.ADMIN and visit.author_id != user.id:
            return CorrectionRefused(
                403, _("Only the vet who wrote this visit, or an administrator, can correct "
                       "it. Add an addendum instead.")
            )
    deadline = correction_deadline(visit)
    if (now or utcnow()) >= deadline:
        return CorrectionRefused(
            409, _("This visit is locked: corrections were possible until %(deadline)s UTC. "
                   "Add an addendum instead.", deadline=day_and_time(deadline))
        )
    return None


def may_correct(visit):
    """Whether the signed-in user may correct the visit now (for the Edit links)."""
    return correction_refusal(visit, current_user) is None


def update_visit(visit, day, description, vet_id=KEEP, *, editor):
    """Correct a visit's date, description or vet, as ``editor`` (a User, or None: see
    correction_refusal); CorrectionRefused outside the window or for another vet,
    VisitRefused if the new values break a rule."""
    refusal = correction_refusal(visit, editor)
    if refusal:
        raise refusal
    refuse_visit_date(day)
    visit.date, visit.description = day, description
    if vet_id is not KEEP:
        visit.vet_id = vet_id
    db.session.flush()
    return visit


def refuse_visit_date(day):
    """Raise VisitRefused for a date no visit can have."""
    problem = visit_date_problem(day)
    if problem:
        raise VisitRefused(problem)


def add_addendum(visit, text, author_id):
    """Add an addendum to a visit, locked or not, signed by ``author_id``."""
    if author_id is None:
        raise AddendumRefused(_("An addendum is signed by its author: sign in to add one."))
    addendum = VisitAddendum(visit_id=visit.id, author_id=author_id, text=text)
    db.session.add(addendum)
    db.session.flush()
    return addendum


def delete_visit(visit):
    """Delete a visit record with its addenda (its appointment, if any, stays completed)."""
    db.session.delete(visit)
    db.session.flush()


def visit_listing_options():
    """Loader options for a list of visits: vet, author, addenda and their authors.

    One statement for all the addenda of the listed visits, however many there are.
    """
    return (
        joinedload(Visit.vet),
        joinedload(Visit.author),
        selectinload(Visit.addenda).joinedload(VisitAddendum.author),
    )


def pet_visits(pet_id):
    """A pet's visits, newest first, loaded for templates/pets/_visits.html."""
    return db.session.scalars(
        sa.select(Visit)
        .options(*visit_listing_options())
        .where(Visit.pet_id == pet_id)
        .order_by(Visit.date.desc(), Visit.id.desc())
    ).all()
