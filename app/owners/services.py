"""Finding and writing owners: the queries and rules the views and the CLI share."""

import functools
from datetime import datetime, time

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from app.audit import current_actor
from app.constraints import violation
from app.eager import collection_statement, fill
from app.extensions import db
from app.i18n import _
from app.models import Appointment, Owner, Pet, Visit, VisitAddendum
from app.models.columns import utcnow
from app.models.search_columns import fold
from app.owners.search_sql import CodePointAscending, starts_with
from app.pets.services import UPCOMING_STATUSES, DuplicatePetName, add_pet
from app.phone import normalise_phone

OWNER_FIELDS = ("first_name", "last_name", "address", "city", "telephone", "email")
# Loader options are immutable and hold no session: built once, shared by every request.
WITH_PETS = selectinload(Owner.pets)


def last_name_starts_with(term, owner=Owner):
    """Owners whose last name starts with ``term``, ignoring case; % _ and quotes are literal.

    ``owner`` is the entity searched: ``Owner`` or an alias of it.
    """
    # Folded as the stored copy is: a range of ix_owners_last_name_folded.
    return starts_with(owner.last_name_folded, fold(term))


def last_name_order(owner=Owner):
    """ORDER BY terms in the order of ix_owners_last_name_folded (last name by code point)."""
    return CodePointAscending(owner.last_name_folded), owner.first_name, owner.id


def search_owners(term, owner=Owner):
    """A select of owners (or an alias) matching the last-name prefix (all when empty), with pets."""
    # In the order of ix_owners_last_name_folded: a page of the list reads ten index entries
    # instead of sorting every owner that matches.
    with_pets = WITH_PETS if owner is Owner else selectinload(owner.pets)
    query = sa.select(owner).options(with_pets).order_by(*last_name_order(owner))
    if term:
        query = query.where(last_name_starts_with(term, owner))
    return query


# The owner page, read more than any other: every statement built once (app/eager.py).
# Owner, pets and types in one joined statement (one owner: no row explosion), then one
# statement each for the pets' alerts, visits (addenda are rare: joined) and upcoming
# appointments, whatever the numbers.
OWNER_WITH_PETS = (
    sa.select(Owner)
    .where(Owner.id == sa.bindparam("owner_id"))
    .options(joinedload(Owner.pets).joinedload(Pet.type))
)
PET_ALERTS = collection_statement(Pet.alerts)
PET_VISITS = collection_statement(
    Pet.visits,
    joinedload(Visit.vet),
    joinedload(Visit.author),
    joinedload(Visit.addenda).joinedload(VisitAddendum.author),
)


@functools.lru_cache(maxsize=2)
def upcoming_appointments(today):
    """The statement of the pets' appointments still to come from ``today``, built once a day."""
    start_of_today = datetime.combine(today, time.min)
    return collection_statement(
        Pet.appointments,
        joinedload(Appointment.vet),
        joinedload(Appointment.type),
        where=Appointment.status.in_(UPCOMING_STATUSES) & (Appointment.starts_at >= start_of_today),
    )


def owner_details(owner_id, today):
    """The owner with every pet's type, alerts, visits and appointments from ``today``; or None."""
    owner = db.session.execute(OWNER_WITH_PETS, {"owner_id": owner_id}).unique().scalar()
    if owner is not None:
        fill(owner.pets, Pet.alerts, PET_ALERTS)
        fill(owner.pets, Pet.visits, PET_VISITS)
        fill(owner.pets, Pet.appointments, upcoming_appointments(today))
    return owner


def owner_deletion_options():
    """Loader options for the delete confirmation: everything that will go with the owner."""
    return [
        selectinload(Owner.pets).options(
            joinedload(Pet.type), selectinload(Pet.appointments), selectinload(Pet.visits)
        )
    ]


def owner_values(details):
    """Column values from validated form data: telephone normalised, blank email as NULL."""
    values = {field: details[field] for field in OWNER_FIELDS}
    values["telephone"] = normalise_phone(values["telephone"])
    values["email"] = values["email"] or None
    return values


def record_consent(owner, agreed, by=None):
    """Record whether the owner agrees to reminders by email, with when and by whom, if it changed.

    Only a change is recorded: saving the form again keeps the original date and person.
    """
    agreed, current = bool(agreed), bool(owner.email_consent)  # None on a new owner: no
    if agreed == current and (owner.email_consent_at is not None or not agreed):
        return  # unchanged, or never asked and still no: nothing to record
    owner.email_consent = bool(agreed)
    owner.email_consent_at = utcnow()
    owner.email_consent_by = by or current_actor()


def register_owner(details, first_pet=None):
    """Add an owner and, in a savepoint, an optional first pet.

    Returns (owner, pet, problem): when the pet cannot be saved, only its savepoint is
    rolled back, the owner stays, pet is None and problem says why.
    """
    owner = Owner(**owner_values(details))
    if "email_consent" in details:  # the pages ask; the Spring-contract API does not
        record_consent(owner, details["email_consent"])
    if "language" in details:  # the pages ask too
        owner.language = details["language"] or None
    db.session.add(owner)
    db.session.flush()
    if first_pet is None:
        return owner, None, None
    try:
        pet = add_pet(owner.id, **first_pet)
    except DuplicatePetName as error:
        return owner, None, str(error)
    except IntegrityError as error:
        refusal = violation(error)
        if refusal is None:
            raise
        return owner, None, _("The database refused the pet: %(reason)s", reason=refusal.message)
    return owner, pet, None


def update_owner(owner, details):
    """Change an owner's name and contact details."""
    for field, value in owner_values(details).items():
        setattr(owner, field, value)
    if "email_consent" in details:
        record_consent(owner, details["email_consent"])
    if "language" in details:
        owner.language = details["language"] or None
    db.session.flush()
    return owner


def delete_owner(owner):
    """Delete an owner; pets, appointments and visits go with it, each one audited."""
    # The caller need load nothing: the audit's before_flush hook locks and loads the whole
    # family, so the ON DELETE CASCADE behind it never removes a record the trail missed.
    db.session.delete(owner)
    db.session.flush()
