"""Named reference data (pet types, specialties): adding with a clear error on duplicates."""

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.constraints import IN_USE, constraint_name, violation
from app.extensions import db
from app.i18n import _, ngettext
from app.models import AppointmentType, Pet, PetType, Specialty, VaccineType, Vet
from app.validation import max_length


class DuplicateName(ValueError):
    """A pet type or specialty of that name exists already."""


class NameInUse(ValueError):
    """A pet type still has pets, so it cannot be deleted."""


def clean_name(name, longest=None):
    """A name as stored: single spaces, lower case; ValueError when empty or too long."""
    name = " ".join(name.split()).lower()
    # A specialty's name column has the pet type's length.
    longest = longest or max_length(PetType.name)
    if not name or len(name) > longest:
        raise ValueError(_("A name needs 1 to %(longest)d characters.", longest=longest))
    return name


def _name_taken(model, name, exclude_id=None):
    """Whether another row of the model has this (clean) name."""
    query = sa.select(model.id).where(model.name == name)
    if exclude_id is not None:
        query = query.where(model.id != exclude_id)
    return db.session.scalar(query.limit(1)) is not None


def _raise_duplicate(error, model, name):
    """DuplicateName when the model's unique name refused the write; else the error itself."""
    if constraint_name(error) == f"uq_{model.__tablename__}_name":
        raise DuplicateName(_("%(name)s exists already.", name=repr(name))) from None
    raise error


def add_named(model, name):
    """Add a row of a name-only model (PetType, Specialty); names are kept lower-case."""
    name = clean_name(name)
    if _name_taken(model, name):
        raise DuplicateName(_("%(name)s exists already.", name=repr(name)))
    row = model(name=name)
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError as error:
        _raise_duplicate(error, model, name)
    return row


def rename_named(row, name):
    """Rename a pet type or specialty; DuplicateName when another row has the name."""
    name = clean_name(name)
    if _name_taken(type(row), name, exclude_id=row.id):
        raise DuplicateName(_("%(name)s exists already.", name=repr(name)))
    try:
        with db.session.begin_nested():
            row.name = name
    except IntegrityError as error:
        _raise_duplicate(error, type(row), name)
    return row


def _count(query):
    return db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))


def _names(query):
    return ", ".join(db.session.scalars(query.limit(5)))


def uses_of(row):
    """Where a pet type or specialty is in use, in words ("3 pets have the type 'cat'");
    empty when it may be removed."""
    if isinstance(row, PetType):
        pets = _count(sa.select(Pet.id).where(Pet.type_id == row.id))
        if pets:
            return [ngettext("%(num)d pet has the type %(name)s.",
                             "%(num)d pets have the type %(name)s.", pets, name=repr(row.name))]
        return []
    needing = sa.select(AppointmentType.name).where(AppointmentType.specialty_id == row.id)
    types = _count(needing)
    if types:
        return [ngettext("%(num)d appointment type needs it: %(names)s.",
                         "%(num)d appointment types need it: %(names)s.", types,
                         names=_names(needing.order_by(AppointmentType.name)))]
    return []


def losses_of(row):
    """What goes with a pet type or specialty that may be removed (its links, which cascade)."""
    if isinstance(row, PetType):
        vaccines = _names(sa.select(VaccineType.name).join(VaccineType.species)
                          .where(PetType.id == row.id).order_by(VaccineType.name))
        return ([_("Vaccine types no longer for %(name)s: %(vaccines)s.", name=repr(row.name),
                   vaccines=vaccines)] if vaccines else [])
    vets = db.session.scalars(sa.select(Vet).join(Vet.specialties)
                              .where(Specialty.id == row.id).order_by(Vet.last_name)).all()
    if vets:
        return [_("Vets who lose it: %(vets)s.", vets=", ".join(vet.full_name for vet in vets))]
    return []


def delete_named(row):
    """Delete a pet type or specialty; NameInUse, saying where, while pets have the type or
    appointment types need the specialty (ON DELETE RESTRICT decides a race).

    A specialty goes from the vets that had it, a pet type from the vaccine types for it
    (their association rows cascade).
    """
    if uses := uses_of(row):
        raise NameInUse(_("%(name)s is still in use and cannot be deleted: %(uses)s",
                          name=repr(row.name), uses=" ".join(uses)))
    delete_unless_in_use(row, NameInUse(
        _("%(name)s is still in use and cannot be deleted: it was given to a record meanwhile.",
          name=repr(row.name))
    ))


def delete_unless_in_use(row, refusal):
    """Delete a row of reference data in a savepoint; raise ``refusal`` (an exception) if rows
    refer to it (ON DELETE RESTRICT), leaving the rest of the transaction as it was."""
    try:
        with db.session.begin_nested():
            db.session.delete(row)
    except IntegrityError as error:
        if violation(error) is not IN_USE:
            raise
        raise refusal from None


def list_named(model):
    """Every row of a name-only model, by name."""
    return db.session.scalars(sa.select(model).order_by(model.name)).all()
