"""Pet forms."""

import sqlalchemy as sa
from wtforms import DateField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length

from app.extensions import db
from app.concurrency import VersionField
from app.forms import PageForm
from app.models import Pet, PetType
from app.validation import max_length, plausible_birth_date, printable, strip


def pet_type_choices():
    """(id, name) of every pet type, by name."""
    rows = db.session.execute(sa.select(PetType.id, PetType.name).order_by(PetType.name))
    return [(type_id, name) for type_id, name in rows]


class PetForm(PageForm):
    """Add or edit a pet."""

    name = StringField(
        "Name",
        filters=[strip],
        validators=[DataRequired(), Length(max=max_length(Pet.name)), printable],
    )
    birth_date = DateField(
        "Birth date", validators=[InputRequired("Enter a date."), plausible_birth_date]
    )
    type_id = SelectField("Type", coerce=int, validators=[InputRequired("Choose a type.")])
    version = VersionField()  # the version the form was loaded at (app.concurrency)
    submit = SubmitField("Save pet")

    def __init__(self, *args, type_choices=None, **kwargs):
        """``type_choices``: the (id, name) pairs when the caller has them already."""
        super().__init__(*args, **kwargs)
        self.type_id.choices = pet_type_choices() if type_choices is None else type_choices


class FirstPetForm(PetForm):
    """The optional first pet on the new-owner form: same rules, checked only when filled in."""

    class Meta:
        csrf = False  # submitted inside the owner form, which carries the token

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="pet", **kwargs)
        self.name.label.text = "Pet name"
        for field in (self.name, self.birth_date, self.type_id):
            field.flags.required = False  # optional as a whole: no "required" marks

    def filled_in(self):
        """Whether the user started describing a pet."""
        return bool(self.name.raw_data and self.name.raw_data[0].strip()) or bool(
            self.birth_date.raw_data and self.birth_date.raw_data[0].strip()
        )
