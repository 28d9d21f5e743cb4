"""Appointment types (vaccination 15 minutes, surgery 120 needing "surgery"...): the rules the
reference page, the `flask appointment-types` commands and the booking service share."""

import re

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from app.constraints import constraint_name
from app.extensions import db
from app.i18n import _, ngettext
from app.models import Appointment, AppointmentType, Specialty
from app.models.appointment import MAX_DURATION, MIN_DURATION
from app.reference.services import DuplicateName, NameInUse, clean_name, delete_unless_in_use
from app.validation import max_length

COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
UNIQUE_NAME = "uq_appointment_types_name"


def colour_problem(text):
    """Why ``text`` is not a colour as "#rrggbb" (or blank: none), else None."""
    if text and not COLOUR.fullmatch(text):
        return _("Write a colour as # and six hexadecimal digits, e.g. #3366cc.")
    return None


def _values(name, duration_minutes, colour, specialty_id):
    """Column values, cleaned and checked; ValueError says what is wrong."""
    name = clean_name(name, longest=max_length(AppointmentType.name))
    if not MIN_DURATION <= duration_minutes <= MAX_DURATION:
        raise ValueError(_("An appointment lasts %(low)d to %(high)d minutes.", low=MIN_DURATION,
                           high=MAX_DURATION))
    colour = (colour or "").strip()
    if problem := colour_problem(colour):
        raise ValueError(problem)
    if specialty_id is not None and db.session.get(Specialty, specialty_id) is None:
        raise ValueError(_("There is no such specialty."))
    return {"name": name, "duration_minutes": duration_minutes,
            "colour": colour.lower() or None, "specialty_id": specialty_id}


def _name_taken(name, exclude_id=None):
    """Whether another appointment type has this (clean) name."""
    query = sa.select(AppointmentType.id).where(AppointmentType.name == name)
    if exclude_id is not None:
        query = query.where(AppointmentType.id != exclude_id)
    return db.session.scalar(query.limit(1)) is not None


def _saved(row, values):
    """Write the values in a savepoint; the unique name's refusal (a race) is DuplicateName."""
    if _name_taken(values["name"], exclude_id=row.id):
        raise DuplicateName(_("%(name)s exists already.", name=repr(values["name"])))
    try:
        with db.session.begin_nested():
            for column, value in values.items():
                setattr(row, column, value)
            db.session.add(row)
    except IntegrityError as error:
        if constraint_name(error) != UNIQUE_NAME:
            raise
        raise DuplicateName(_("%(name)s exists already.", name=repr(values["name"]))) from None
    return row


def add_appointment_type(name, duration_minutes, colour=None, specialty_id=None):
    """Add a type; names are kept lower-case. ValueError (DuplicateName...) when refused."""
    return _saved(AppointmentType(), _values(name, duration_minutes, colour, specialty_id))


def update_appointment_type(row, name, duration_minutes, colour=None, specialty_id=None):
    """Rename a type or change its duration, colour or specialty (booked appointments keep
    their own duration)."""
    return _saved(row, _values(name, duration_minutes, colour, specialty_id))


def times_used(row):
    """How many appointments have this type."""
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(Appointment).where(Appointment.type_id == row.id)
    )


def delete_appointment_type(row):
    """Remove a type no appointment has; NameInUse otherwise (ON DELETE RESTRICT decides a race)."""
    used = times_used(row)
    if used:
        raise NameInUse(ngettext("%(num)d appointment has the type %(name)s, so it cannot be removed.",
                                 "%(num)d appointments have the type %(name)s, so it cannot be "
                                 "removed.", used, name=repr(row.name)))
    delete_unless_in_use(row, NameInUse(
        _("The type %(name)s was given to an appointment meanwhile, so it cannot be removed.",
          name=repr(row.name))
    ))


def list_appointment_types():
    """Every appointment type by name, with its specialty."""
    return db.session.scalars(
        sa.select(AppointmentType)
        .options(joinedload(AppointmentType.specialty))
        .order_by(AppointmentType.name)
    ).all()


def appointment_type_named(name):
    """The type of that name (matched as stored: case and spacing aside), or None."""
    return db.session.scalar(
        sa.select(AppointmentType)
        .options(joinedload(AppointmentType.specialty))
        .where(AppointmentType.name == " ".join(name.split()).lower())
    )


def appointment_type_or_none(type_id):
    """The type with that id and its specialty, or None."""
    return db.session.get(
        AppointmentType, type_id, options=[joinedload(AppointmentType.specialty)]
    )
