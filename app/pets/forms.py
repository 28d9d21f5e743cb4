"""Pet forms."""

import sqlalchemy as sa
from wtforms import BooleanField, DateField, SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from app.concurrency import VersionField
from app.extensions import db
from app.forms import PageForm, optional_id, with_placeholder
from app.i18n import _, _l
from app.models import Pet, PetType, Sex
from app.pets.profile import deceased_problem, microchip_problem, without_separators
from app.validation import max_length, plausible_birth_date, printable, strip

# Longer than any name or date the form accepts: the refusal still shows on what was typed.
TYPED_MAX = 100
SEX_CHOICES = [SelectChoice(sex.value, sex.label) for sex in (Sex.UNKNOWN, Sex.FEMALE, Sex.MALE)]


def sex_value(value):
    """The sex as the select field holds it: its value ("female"), from a Sex or a string;
    None for the "Choose…" placeholder."""
    if isinstance(value, Sex):
        return value.value
    return value or None


def microchip_number(form, field):
    """Fifteen digits (ISO 11784), or nothing."""
    if problem := microchip_problem(field.data):
        raise ValidationError(problem)


def plausible_death(form, field):
    """A date of death that is not in the future and not before the birth date."""
    if problem := deceased_problem(field.data, form.birth_date.data):
        raise ValidationError(problem)


def pet_type_choices():
    """(id, name) of every pet type, by name."""
    rows = db.session.execute(sa.select(PetType.id, PetType.name).order_by(PetType.name))
    return [(type_id, name) for type_id, name in rows]


class PetForm(PageForm):
    """Add or edit a pet."""

    name = StringField(
        _l("Name"),
        filters=[strip],
        validators=[DataRequired(), Length(max=max_length(Pet.name)), printable],
    )
    birth_date = DateField(
        _l("Birth date"), validators=[InputRequired(_l("Enter a date.")), plausible_birth_date]
    )
    type_id = SelectField(_l("Type"), coerce=optional_id,
                          validators=[InputRequired(_l("Choose a type."))])
    # "Unknown" is a real answer, so it is chosen, never assumed.
    sex = SelectField(_l("Sex"), choices=with_placeholder(SEX_CHOICES), coerce=sex_value,
                      validators=[InputRequired(_l("Choose the sex (or Unknown)."))])
    neutered = BooleanField(_l("Neutered"))
    breed = StringField(
        _l("Breed (optional)"),
        filters=[strip],
        validators=[Optional(), Length(max=max_length(Pet.breed)), printable],
    )
    colour = StringField(
        _l("Colour (optional)"),
        filters=[strip],
        validators=[Optional(), Length(max=max_length(Pet.colour)), printable],
    )
    microchip = StringField(
        _l("Microchip (optional)"),
        filters=[strip, without_separators],
        validators=[Optional(), Length(max=max_length(Pet.microchip)), microchip_number],
        description=_l("15 digits; spaces as printed on the label are fine."),
    )
    deceased_on = DateField(
        _l("Deceased on (optional)"),
        validators=[Optional(), plausible_death],
        description=_l("A deceased pet is no longer booked or reminded; its record stays."),
    )
    version = VersionField()  # the version the form was loaded at (app.concurrency)
    submit = SubmitField(_l("Save pet"))

    def __init__(self, *args, type_choices=None, **kwargs):
        """``type_choices``: the (id, name) pairs when the caller has them already."""
        super().__init__(*args, **kwargs)
        self.type_id.choices = with_placeholder(
            pet_type_choices() if type_choices is None else type_choices
        )


class FirstPetForm(PetForm):
    """The optional first pet on the new-owner form: same rules, checked only when filled in."""

    class Meta:
        csrf = False  # submitted inside the owner form, which carries the token

    # Only name, birth date and type are asked there; the pet's page asks the rest.
    sex = neutered = breed = colour = microchip = deceased_on = version = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="pet", **kwargs)
        self.name.label.text = _("Pet name")
        for field in (self.name, self.birth_date, self.type_id):
            field.flags.required = False  # optional as a whole: no "required" marks

    def typed(self):
        """What the user typed, as the Add pet form's query string (each value cut short, so
        the address stays within what servers accept)."""
        return {field.short_name: field.raw_data[0][:TYPED_MAX]
                for field in (self.name, self.birth_date, self.type_id)
                if field.raw_data and field.raw_data[0]}

    def filled_in(self):
        """Whether the user started describing a pet."""
        return bool(self.name.raw_data and self.name.raw_data[0].strip()) or bool(
            self.birth_date.raw_data and self.birth_date.raw_data[0].strip()
        )


def refused_pet_form(typed):
    """The Add pet form filled in with a refused first pet's details (``typed``: the query
    string made by FirstPetForm.typed), each refusal shown at its field."""
    form = PetForm(formdata=typed)
    form.validate()
    for field in form:
        if field.short_name not in typed:  # fields the owner form did not ask
            field.errors = []
    return form
