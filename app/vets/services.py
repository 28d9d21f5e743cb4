"""Writing vets: the rules the web forms and the CLI share."""

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.eager import collection_statement, fill
from app.extensions import db
from app.i18n import _
from app.models import Appointment, Specialty, Vet, Visit


class VetInUse(ValueError):
    """The vet has appointments or visits, so is deactivated instead of deleted."""


# The vets list's statements, built once (app/eager.py): a page of vets, then their
# specialties in one statement.
VETS_BY_NAME = sa.select(Vet).order_by(Vet.last_name, Vet.first_name, Vet.id)
VET_SPECIALTIES = collection_statement(Vet.specialties)


def with_specialties(vets):
    """Load the specialties of a list of vets."""
    fill(vets, Vet.specialties, VET_SPECIALTIES)
    return vets


def vets_query(active_only=False):
    """A select of vets by name with their specialties (one selectinload)."""
    query = VETS_BY_NAME.options(selectinload(Vet.specialties))
    if active_only:
        query = query.where(Vet.active)
    return query


def specialties_by_ids(ids):
    """The specialties with these ids; unknown ids raise ValueError."""
    ids = set(ids)
    found = db.session.scalars(sa.select(Specialty).where(Specialty.id.in_(ids))).all() if ids else []
    if len(found) != len(ids):
        raise ValueError(_("Unknown specialty."))
    return sorted(found, key=lambda s: s.name)


def specialties_by_names(names):
    """The specialties with these names (as stored: lower case); unknown names raise ValueError."""
    wanted = {" ".join(name.split()).lower() for name in names}
    found = (
        db.session.scalars(sa.select(Specialty).where(Specialty.name.in_(wanted))).all()
        if wanted
        else []
    )
    missing = wanted - {s.name for s in found}
    if missing:
        raise ValueError(_("Unknown specialty: %(names)s.", names=", ".join(sorted(missing))))
    return sorted(found, key=lambda s: s.name)


def create_vet(first_name, last_name, specialty_ids=(), active=True):
    """Add a vet."""
    vet = Vet(first_name=first_name, last_name=last_name, active=active)
    vet.specialties = specialties_by_ids(specialty_ids)
    db.session.add(vet)
    db.session.flush()
    return vet


def update_vet(vet, first_name, last_name, specialty_ids, active):
    """Change a vet's names, specialties and whether they take bookings.

    The vet must have been loaded with its specialties.
    """
    vet.first_name, vet.last_name, vet.active = first_name, last_name, active
    vet.specialties = specialties_by_ids(specialty_ids)
    db.session.flush()
    return vet


def deactivate_vet(vet):
    """Stop offering the vet for bookings; their history stays."""
    vet.active = False
    db.session.flush()
    return vet


def vet_has_records(vet_id):
    """Whether any appointment or visit refers to the vet."""
    for model in (Appointment, Visit):
        if db.session.scalar(sa.select(model.id).where(model.vet_id == vet_id).limit(1)):
            return True
    return False


def delete_vet(vet):
    """Delete a vet who has no appointments or visits; otherwise raise VetInUse."""
    if vet_has_records(vet.id):
        raise VetInUse(_("%(name)s has appointments or visits: deactivate instead.",
                         name=vet.full_name))
    db.session.delete(vet)
    db.session.flush()
