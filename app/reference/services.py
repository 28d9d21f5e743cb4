"""Named reference data (pet types, specialties): adding with a clear error on duplicates."""

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.extensions import db


class DuplicateName(ValueError):
    """A pet type or specialty of that name exists already."""


def add_named(model, name):
    """Add a row of a name-only model (PetType, Specialty); names are kept lower-case."""
    name = " ".join(name.split()).lower()
    if not name or len(name) > 80:
        raise ValueError("A name needs 1 to 80 characters.")
    if db.session.scalar(sa.select(model.id).where(model.name == name)) is not None:
        raise DuplicateName(f"{name!r} exists already.")
    row = model(name=name)
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        raise DuplicateName(f"{name!r} exists already.") from None
    return row


def list_named(model):
    """Every row of a name-only model, by name."""
    return db.session.scalars(sa.select(model).order_by(model.name)).all()
