"""Forms: a vaccination on the pet's page, the vaccination part of a completion, a vaccine type."""

from wtforms import (
    DateField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    widgets,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from app.forms import CHOOSE, PageForm, WholeNumberRange
from app.i18n import _l
from app.models import Vaccination, VaccineType
from app.models.vaccination import MAX_INTERVAL_MONTHS
from app.routing import MAX_ID
from app.vaccinations.types import vaccine_choices
from app.validation import max_length, printable, strip
from app.vets.forms import vet_choices

NO_CHOICE = 0
ID_RULE = WholeNumberRange(NO_CHOICE, MAX_ID, _l("Choose from the list."))


def vaccine_field(label, required):
    """A vaccine type select (its choices are the pet's species' vaccines, set per pet)."""
    validators = [InputRequired(_l("Choose a vaccine.")),
                  WholeNumberRange(1, MAX_ID, _l("Choose a vaccine."))]
    # The service checks that the vaccine applies to the pet's species, under its own
    # message; the choices only offer the right ones.
    return SelectField(label, coerce=int, validate_choice=False,
                       validators=validators if required else [Optional(), ID_RULE])


def next_due_field():
    """The next due date: blank means the vaccine's interval after the dose."""
    return DateField(
        _l("Next due"), validators=[Optional()],
        description=_l("Leave blank for the vaccine's interval after this dose."),
    )


def offer_vaccines(field, pet_type_id, blank=None):
    """Give a vaccine select the vaccines of the pet's species (and a blank first choice)."""
    choices = [(vaccine_id, name) for vaccine_id, name in vaccine_choices(pet_type_id)]
    field.choices = ([(NO_CHOICE, blank)] if blank else []) + choices


class VaccinationForm(PageForm):
    """Record a dose given to a pet."""

    vaccine_type_id = vaccine_field(_l("Vaccine"), required=True)
    given_on = DateField(_l("Given on"),
                         validators=[InputRequired(_l("Enter the date it was given."))])
    batch = StringField(
        _l("Batch (lot)"),
        filters=[strip],
        validators=[DataRequired(), Length(max=max_length(Vaccination.batch)), printable],
    )
    vet_id = SelectField(_l("Vet"), coerce=int, validate_choice=False,
                         validators=[Optional(), ID_RULE])
    next_due_on = next_due_field()
    submit = SubmitField(_l("Record vaccination"))

    def __init__(self, *args, pet_type_id, **kwargs):
        super().__init__(*args, **kwargs)
        offer_vaccines(self.vaccine_type_id, pet_type_id, blank=CHOOSE)
        self.vet_id.choices = lambda: [(NO_CHOICE, "—")] + vet_choices()


class DueDateForm(PageForm):
    """Correct a recorded dose's next due date (a vet's call: a booster brought forward)."""

    next_due_on = DateField(_l("Next due"),
                            validators=[InputRequired(_l("Enter the date it is due."))])
    submit = SubmitField(_l("Save the due date"))


class VaccineTypeForm(PageForm):
    """A vaccine type: its name, the species it applies to, the months until the next dose."""

    name = StringField(
        _l("Name"),
        filters=[strip],
        validators=[DataRequired(), Length(max=max_length(VaccineType.name)), printable],
    )
    species = SelectMultipleField(
        _l("Species"), coerce=int,
        validators=[DataRequired(_l("Choose the species it applies to."))],
        option_widget=widgets.CheckboxInput(), widget=widgets.ListWidget(prefix_label=False),
    )
    interval_months = IntegerField(
        _l("Months until the next dose"),
        validators=[InputRequired(_l("Enter the months.")),
                    WholeNumberRange(1, MAX_INTERVAL_MONTHS,
                                     _l("Between 1 and %(num)d months.", num=MAX_INTERVAL_MONTHS))],
    )
    submit = SubmitField(_l("Save"))
