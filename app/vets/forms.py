"""Vet forms."""

import sqlalchemy as sa
from wtforms import BooleanField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from app.concurrency import VersionField
from app.extensions import db
from app.forms import PageForm
from app.i18n import _l
from app.models import Specialty, Vet
from app.validation import max_length, printable, strip


def vet_choices(active_only=True, include_id=None):
    """(id, name) of the vets that can be chosen; ``include_id`` is kept even if inactive."""
    query = sa.select(Vet.id, Vet.first_name, Vet.last_name).order_by(Vet.last_name, Vet.first_name)
    if active_only:
        query = query.where(sa.or_(Vet.active, Vet.id == include_id))
    return [(vet_id, f"{first} {last}") for vet_id, first, last in db.session.execute(query)]


class VetForm(PageForm):
    """A vet's names, specialties, and whether they take bookings."""

    first_name = StringField(
        _l("First name"),
        filters=[strip],
        validators=[DataRequired(), Length(max=max_length(Vet.first_name)), printable],
    )
    last_name = StringField(
        _l("Last name"),
        filters=[strip],
        validators=[DataRequired(), Length(max=max_length(Vet.last_name)), printable],
    )
    specialty_ids = SelectMultipleField(_l("Specialties"), coerce=int)
    active = BooleanField(_l("Takes bookings"), default=True)
    version = VersionField()  # the version the form was loaded at (app.concurrency)
    submit = SubmitField(_l("Save vet"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        rows = db.session.execute(sa.select(Specialty.id, Specialty.name).order_by(Specialty.name))
        self.specialty_ids.choices = [(specialty_id, name) for specialty_id, name in rows]
