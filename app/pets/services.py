"""Writing pets: the rules the web forms and the CLI import share."""

import contextlib
from datetime import datetime, time

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from app.constraints import UNIQUE, constraint_name
from app.extensions import db
from app.i18n import _
from app.models import (
    Appointment,
    AppointmentStatus,
    Pet,
    PetAlert,
    PetWeight,
    Sex,
    Vaccination,
    Visit,
)
from app.pets.profile import PROFILE_FIELDS, deceased_problem, microchip_problem
from app.validation import FieldRefusal
from app.visits.services import visit_listing_options

UNIQUE_NAME_INDEX = "uq_pets_owner_id_name_lower"
UNIQUE_MICROCHIP_INDEX = "uq_pets_microchip"
# What is still to come; the rest (completed, cancelled, no-show, or past) is history.
UPCOMING_STATUSES = (AppointmentStatus.SCHEDULED, AppointmentStatus.CHECKED_IN)


class DuplicatePetName(ValueError):
    """The owner already has a pet of that name (ignoring case)."""

    def __init__(self, name):
        super().__init__(_("This owner already has a pet named %(name)s.", name=repr(name)))


class DuplicateMicrochip(FieldRefusal):
    """Another pet has this microchip number (found first, or refused by the unique index)."""

    field = "microchip"

    def __init__(self):
        super().__init__(UNIQUE[UNIQUE_MICROCHIP_INDEX].message)


class ProfileRefused(FieldRefusal):
    """A profile value breaks a rule (a date of death before birth, a malformed microchip)."""


def microchip_taken(number, exclude_pet_id=None):
    """Whether another pet has this microchip number (an indexed look-up)."""
    query = sa.select(Pet.id).where(Pet.microchip == number)
    if exclude_pet_id is not None:
        query = query.where(Pet.id != exclude_pet_id)
    return db.session.scalar(query.limit(1)) is not None


def check_profile(pet, birth_date, profile):
    """Raise unless the profile values (those given, else the stored ones) keep the rules.

    The form and the API check these first, for their own messages; this is the one place
    every path passes through, with what is stored (an API client may leave fields out).
    """
    microchip = profile.get("microchip", pet.microchip if pet else None)
    deceased_on = profile.get("deceased_on", pet.deceased_on if pet else None)
    if problem := microchip_problem(microchip):
        raise ProfileRefused(problem, field="microchip")
    if problem := deceased_problem(deceased_on, birth_date):
        raise ProfileRefused(problem, field="deceased_on")
    if microchip and microchip_taken(microchip, exclude_pet_id=pet.id if pet else None):
        raise DuplicateMicrochip()


def profile_values(profile):
    """Only the profile fields, blank texts stored as NULL."""
    unknown = set(profile) - set(PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"not pet profile fields: {sorted(unknown)}")
    values = dict(profile)
    for field in ("breed", "colour", "microchip"):
        if field in values:
            values[field] = values[field] or None
    if "sex" in values:
        values["sex"] = Sex(values["sex"])
    return values


def pet_name_taken(owner_id, name, exclude_pet_id=None):
    """Whether the owner has another pet with this name, ignoring case."""
    query = sa.select(Pet.id).where(
        Pet.owner_id == owner_id, sa.func.lower(Pet.name) == sa.func.lower(name)
    )
    if exclude_pet_id is not None:
        query = query.where(Pet.id != exclude_pet_id)
    return db.session.scalar(query.limit(1)) is not None


@contextlib.contextmanager
def _unique_guard(name):
    """Run a change in a savepoint; a unique index's refusal becomes DuplicatePetName or
    DuplicateMicrochip (the request that lost a race hears what the first check says).

    Only the savepoint is rolled back, so whatever else the request wrote is kept.
    """
    try:
        with db.session.begin_nested():
            yield
    except IntegrityError as error:
        if constraint_name(error) == UNIQUE_NAME_INDEX:
            raise DuplicatePetName(name) from None
        if constraint_name(error) == UNIQUE_MICROCHIP_INDEX:
            raise DuplicateMicrochip() from None
        raise


def add_pet(owner_id, name, birth_date, type_id, **profile):
    """Add a pet to an owner, with any profile fields (PROFILE_FIELDS).

    Raises DuplicatePetName, DuplicateMicrochip or ProfileRefused.
    """
    # Checked first for a clear message; the unique indexes still decide when two requests race.
    if pet_name_taken(owner_id, name):
        raise DuplicatePetName(name)
    values = profile_values(profile)
    check_profile(None, birth_date, values)
    pet = Pet(owner_id=owner_id, name=name, birth_date=birth_date, type_id=type_id, **values)
    with _unique_guard(name):
        db.session.add(pet)
    return pet


def update_pet(pet, name, birth_date, type_id, **profile):
    """Change a pet; profile fields left out keep their stored values.

    Raises DuplicatePetName, DuplicateMicrochip or ProfileRefused.
    """
    if pet_name_taken(pet.owner_id, name, exclude_pet_id=pet.id):
        raise DuplicatePetName(name)
    values = profile_values(profile)
    check_profile(pet, birth_date, values)
    with _unique_guard(name):
        pet.name, pet.birth_date, pet.type_id = name, birth_date, type_id
        for field, value in values.items():
            setattr(pet, field, value)
    return pet


def delete_pet(pet):
    """Delete a pet; its appointments and visits go with it, each one audited."""
    # As for owners, app.audit loads (and locks) what the database cascade would take.
    db.session.delete(pet)
    db.session.flush()


def records_of(pet_id, now):
    """How many records go with the pet: visits, vaccinations, upcoming and past
    appointments, weights, alerts (one statement)."""
    def count(model, *where):
        return (sa.select(sa.func.count()).select_from(model)
                .where(model.pet_id == pet_id, *where).scalar_subquery())

    upcoming = sa.and_(Appointment.status.in_(UPCOMING_STATUSES), Appointment.starts_at >= now)
    row = db.session.execute(sa.select(
        count(Visit).label("visits"),
        count(Vaccination).label("vaccinations"),
        count(Appointment, upcoming).label("upcoming"),
        count(Appointment, sa.not_(upcoming)).label("past"),
        count(PetWeight).label("weights"),
        count(PetAlert).label("alerts"),
    )).one()
    return row._asdict()


# The pet of that owner, with its owner and type: built once, its cache key too.
PET_OF_OWNER = (
    sa.select(Pet)
    .options(joinedload(Pet.owner), joinedload(Pet.type))
    .where(Pet.id == sa.bindparam("pet_id"), Pet.owner_id == sa.bindparam("owner_id"))
)
PET_OF_OWNER_WITH_ALERTS = PET_OF_OWNER.options(selectinload(Pet.alerts))


def pet_with_owner(owner_id, pet_id, alerts=True):
    """The pet of that owner with its owner, type and (unless ``alerts`` is False) alerts
    loaded, or None."""
    statement = PET_OF_OWNER_WITH_ALERTS if alerts else PET_OF_OWNER
    return db.session.scalar(statement, {"pet_id": pet_id, "owner_id": owner_id})


def pet_page(owner_id, pet_id):
    """The pet of that owner with its owner, type, every appointment (vet, type) and visits
    (vet, addenda and their authors), in a fixed number of statements; or None."""
    return db.session.scalar(
        sa.select(Pet)
        .options(
            joinedload(Pet.owner),
            joinedload(Pet.type),
            selectinload(Pet.alerts),
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


def microchipped(number):
    """A select of (pet id, owner id) of the pet with this microchip (uq_pets_microchip)."""
    return sa.select(Pet.id, Pet.owner_id).where(Pet.microchip == number)
