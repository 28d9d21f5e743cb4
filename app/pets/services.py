"""Writing pets: the rules the web forms and the CLI import share."""

import contextlib
from datetime import datetime, time

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from app.constraints import constraint_name
from app.extensions import db
from app.models import Appointment, AppointmentStatus, Pet
from app.visits.services import visit_listing_options

UNIQUE_NAME_INDEX = "uq_pets_owner_id_name_lower"
# What is still to come; the rest (completed, cancelled, no-show, or past) is history.
UPCOMING_STATUSES = (AppointmentStatus.SCHEDULED, AppointmentStatus.CHECKED_IN)


class DuplicatePetName(ValueError):
    """The owner already has a pet of that name (ignoring case)."""

    def __init__(self, name):
        super().__init__(f"This owner already has a pet named {name!r}.")


def pet_name_taken(owner_id, name, exclude_pet_id=None):
    """Whether the owner has another pet with this name, ignoring case."""
    query = sa.select(Pet.id).where(
        Pet.owner_id == owner_id, sa.func.lower(Pet.name) == sa.func.lower(name)
    )
    if exclude_pet_id is not None:
        query = query.where(Pet.id != exclude_pet_id)
    return db.session.scalar(query.limit(1)) is not None


@contextlib.contextmanager
def _unique_name_guard(name):
    """Run a change in a savepoint; the unique-name index's refusal becomes DuplicatePetName.

    Only the savepoint is rolled back, so whatever else the request wrote is kept.
    """
    try:
        with db.session.begin_nested():
            yield
    except IntegrityError as error:
        if constraint_name(error) == UNIQUE_NAME_INDEX:
            raise DuplicatePetName(name) from None
        raise


def add_pet(owner_id, name, birth_date, type_id):
    """Add a pet to an owner; raise DuplicatePetName when the name is taken."""
    # Checked first for a clear message; the unique index still decides when two requests race.
    if pet_name_taken(owner_id, name):
        raise DuplicatePetName(name)
    pet = Pet(owner_id=owner_id, name=name, birth_date=birth_date, type_id=type_id)
    with _unique_name_guard(name):
        db.session.add(pet)
    return pet


def update_pet(pet, name, birth_date, type_id):
    """Change a pet; raise DuplicatePetName when the new name is taken."""
    if pet_name_taken(pet.owner_id, name, exclude_pet_id=pet.id):
        raise DuplicatePetName(name)
    with _unique_name_guard(name):
        pet.name, pet.birth_date, pet.type_id = name, birth_date, type_id
    return pet


def delete_pet(pet):
    """Delete a pet; its appointments and visits go with it, each one audited."""
    # As for owners, app.audit loads (and locks) what the database cascade would take.
    db.session.delete(pet)
    db.session.flush()


def pet_with_owner(owner_id, pet_id):
    """The pet of that owner with its owner and type loaded, or None."""
    return db.session.scalar(
        sa.select(Pet)
        .options(joinedload(Pet.owner), joinedload(Pet.type))
        .where(Pet.id == pet_id, Pet.owner_id == owner_id)
    )


def pet_page(owner_id, pet_id):
    """The pet of that owner with its owner, type, every appointment (vet, type) and visits
    (vet, addenda and their authors), in a fixed number of statements; or None."""
    return db.session.scalar(
        sa.select(Pet)
        .options(
            joinedload(Pet.owner),
            joinedload(Pet.type),
            selectinload(Pet.appointments).options(
                joinedload(Appointment.vet), joinedload(Appointment.type)
            ),
            selectinload(Pet.visits).options(*visit_listing_options()),
        )
        .where(Pet.id == pet_id, Pet.owner_id == owner_id)
    )


def upcoming_and_history(appointments, today):
    """(upcoming appointments from today on, soonest first; the rest, latest first)."""
    start_of_today = datetime.combine(today, time.min)

    def upcoming(appointment):
        return appointment.status in UPCOMING_STATUSES and appointment.starts_at >= start_of_today

    ordered = sorted(appointments, key=lambda appointment: appointment.starts_at)
    return ([a for a in ordered if upcoming(a)],
            [a for a in reversed(ordered) if not upcoming(a)])
