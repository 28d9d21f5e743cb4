"""Vaccine types, the reference data: add, change, remove (refused while in use), list."""

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app.constraints import constraint_name
from app.extensions import db
from app.i18n import _
from app.models import PetType, Vaccination, VaccineType
from app.models.vaccination import MAX_INTERVAL_MONTHS
from app.reference.services import delete_unless_in_use
from app.validation import FieldRefusal, max_length

NAME_UNIQUE = "uq_vaccine_types_name"


class VaccineTypeRefused(FieldRefusal):
    """A vaccine type cannot be saved as asked; ``field`` says which field is wrong."""

    field = "name"


class DuplicateVaccineName(VaccineTypeRefused):
    """Another vaccine type has that name (ignoring case)."""


class VaccineTypeInUse(ValueError):
    """Vaccinations or reminders refer to the vaccine type, so it cannot be removed."""


def clean_vaccine_name(name):
    """A name as stored: single spaces, the case as typed; VaccineTypeRefused when unusable."""
    name = " ".join((name or "").split())
    longest = max_length(VaccineType.name)
    if not name or len(name) > longest:
        raise VaccineTypeRefused(_("A name needs 1 to %(num)d characters.", num=longest))
    if any(not character.isprintable() for character in name):
        raise VaccineTypeRefused(_("A name cannot hold control characters."))
    return name


def _check(name, interval_months, species_ids, exclude_id=None):
    """The clean name and the pet types, after every rule; VaccineTypeRefused otherwise."""
    name = clean_vaccine_name(name)
    if not isinstance(interval_months, int) or not 1 <= interval_months <= MAX_INTERVAL_MONTHS:
        raise VaccineTypeRefused(
            _("The interval is 1 to %(num)d months.", num=MAX_INTERVAL_MONTHS),
            field="interval_months",
        )
    taken = sa.select(VaccineType.id).where(sa.func.lower(VaccineType.name) == name.lower())
    if exclude_id is not None:
        taken = taken.where(VaccineType.id != exclude_id)
    if db.session.scalar(taken.limit(1)) is not None:
        raise DuplicateVaccineName(
            _("A vaccine type named %(name)s exists already.", name=repr(name)))
    wanted = set(species_ids or ())
    if not wanted:
        raise VaccineTypeRefused(_("Choose the species it applies to."), field="species")
    species = db.session.scalars(sa.select(PetType).where(PetType.id.in_(wanted))).all()
    if len(species) != len(wanted):
        raise VaccineTypeRefused(_("A chosen species does not exist."), field="species")
    return name, species


def _saved(row):
    """Flush the row in a savepoint; the unique name's refusal (a race) is VaccineTypeRefused."""
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError as error:
        if constraint_name(error) != NAME_UNIQUE:
            raise
        raise DuplicateVaccineName(
            _("A vaccine type named %(name)s exists already.", name=repr(row.name))
        ) from None
    return row


def add_vaccine_type(name, interval_months, species_ids):
    """A new vaccine type for the species (pet type ids), due again after so many months."""
    name, species = _check(name, interval_months, species_ids)
    return _saved(VaccineType(name=name, interval_months=interval_months, species=species))


def update_vaccine_type(row, name, interval_months, species_ids):
    """Change a vaccine type (loaded with its species); doses already given keep their due dates."""
    name, species = _check(name, interval_months, species_ids, exclude_id=row.id)
    row.name, row.interval_months, row.species = name, interval_months, species
    return _saved(row)


def doses_of(row):
    """How many vaccinations on record are of this vaccine type."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(Vaccination)
                             .where(Vaccination.vaccine_type_id == row.id))


def remove_vaccine_type(row):
    """Remove a vaccine type; VaccineTypeInUse while doses refer to it (ON DELETE RESTRICT)."""
    delete_unless_in_use(row, VaccineTypeInUse(
        _("%(name)s has vaccinations on record, so it cannot be removed.", name=repr(row.name))
    ))


def vaccine_types():
    """Every vaccine type with its species, by name."""
    return db.session.scalars(
        sa.select(VaccineType).options(selectinload(VaccineType.species)).order_by(VaccineType.name)
    ).all()


def vaccine_type(type_id):
    """One vaccine type with its species, or None."""
    return db.session.get(VaccineType, type_id, options=[selectinload(VaccineType.species)])


def vaccine_type_named(name):
    """The vaccine type of this name (any case), or None."""
    return db.session.scalar(
        sa.select(VaccineType)
        .options(selectinload(VaccineType.species))
        .where(sa.func.lower(VaccineType.name) == " ".join(name.split()).lower())
    )


def vaccine_choices(pet_type_id):
    """(id, name) of the vaccine types that apply to pets of this type, by name."""
    return db.session.execute(
        sa.select(VaccineType.id, VaccineType.name)
        .join(VaccineType.species)
        .where(PetType.id == pet_type_id)
        .order_by(VaccineType.name)
    ).all()
