"""Appointment and visit forms."""


from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    Optional,
    ValidationError,
)

from app.concurrency import VersionField
from app.forms import PageForm, WholeNumberRange, optional_id, with_placeholder
from app.i18n import _, _l
from app.models import Appointment, Vaccination, Visit
from app.models.appointment import MAX_DURATION, MIN_DURATION
from app.reference.appointment_types import list_appointment_types
from app.routing import MAX_ID
from app.vaccinations.forms import next_due_field, offer_vaccines, vaccine_field
from app.validation import max_length, printable, strip
from app.vets.forms import vet_choices
from app.weights.forms import KilogramsField

DURATION_RULE = WholeNumberRange(
    MIN_DURATION, MAX_DURATION,
    _l("Between %(low)d and %(high)d minutes.", low=MIN_DURATION, high=MAX_DURATION),
)
CHOOSE_TYPE = _l("Choose one of the appointment types.")


def an_id(form, field):
    """An id that a database integer can hold (None passes: nothing chosen)."""
    if field.data is not None and not 1 <= field.data <= MAX_ID:
        raise ValidationError(CHOOSE_TYPE)


def appointment_type_choices():
    """The types to choose from, each option carrying its duration (static/js/appointment-type.js
    copies it into the duration field)."""
    choices = [SelectChoice("", _("None"))]
    for kind in list_appointment_types():
        if kind.specialty:
            label = _("%(type)s (%(minutes)d min), needs %(specialty)s",
                      type=kind.name.capitalize(), minutes=kind.duration_minutes,
                      specialty=kind.specialty.name)
        else:
            label = _("%(type)s (%(minutes)d min)", type=kind.name.capitalize(),
                      minutes=kind.duration_minutes)
        choices.append(SelectChoice(str(kind.id), label,
                                    render_kw={"data-minutes": kind.duration_minutes}))
    return choices


class AppointmentForm(PageForm):
    """Book or reschedule: type, vet, date, start time, duration, reason."""

    # Optional (the reason stays free text); the booking service checks the type chosen.
    type_id = SelectField(
        _l("Type"), coerce=optional_id, validate_choice=False, invalid_value_message=CHOOSE_TYPE,
        validators=[an_id], render_kw={"data-fills-duration": "duration_minutes"},
    )

    # The booking service checks the chosen vet under a row lock (there, and taking
    # bookings), so a submitted form is not checked against the list of every vet: the list
    # is read only when the form is drawn, and a booking's cost does not grow with the staff.
    # Bounded like every id, though: a number past any database integer is a form error.
    vet_id = SelectField(
        _l("Vet"), coerce=optional_id, validate_choice=False,
        validators=[InputRequired(_l("Choose a vet.")),
                    WholeNumberRange(1, MAX_ID, _l("Choose a vet."))]
    )
    date = DateField(_l("Date"), validators=[InputRequired(_l("Enter a date."))])
    start_time = TimeField(_l("Start time"), validators=[InputRequired(_l("Enter a time."))])
    duration_minutes = IntegerField(
        _l("Duration (minutes)"), default=30,
        validators=[InputRequired(_l("Enter minutes.")), DURATION_RULE],
    )
    reason = StringField(
        _l("Reason"),
        filters=[strip],
        validators=[DataRequired(), Length(max=max_length(Appointment.reason)), printable],
    )
    version = VersionField()  # the version the form was loaded at (app.concurrency)
    submit = SubmitField(_l("Book"))

    def __init__(self, *args, current_vet_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.vet_id.choices = lambda: with_placeholder(vet_choices(include_id=current_vet_id))
        self.type_id.choices = appointment_type_choices


class CompleteForm(PageForm):
    """Complete an appointment: what happened, and optionally a follow-up booking."""

    description = TextAreaField(
        _l("What happened"),
        filters=[strip],
        validators=[DataRequired(), Length(max=max_length(Visit.description)), printable],
    )
    kilograms = KilogramsField()
    follow_up = BooleanField(_l("Book a follow-up"))
    follow_up_vet_id = SelectField(_l("Follow-up vet"), coerce=int, validators=[Optional()])
    follow_up_date = DateField(_l("Follow-up date"), validators=[Optional()])
    follow_up_time = TimeField(_l("Follow-up time"), validators=[Optional()])
    follow_up_minutes = IntegerField(
        _l("Follow-up duration (minutes)"), default=30, validators=[Optional(), DURATION_RULE]
    )
    # A vaccination given at the visit: saved with it, or (if refused) nothing is.
    vaccine_type_id = vaccine_field(_l("Vaccine given"), required=False)
    # Required with a vaccine: the service refuses a dose without its batch number.
    batch = StringField(_l("Batch (lot)"), filters=[strip], validators=[
        Optional(), Length(max=max_length(Vaccination.batch)), printable])
    next_due_on = next_due_field()
    submit = SubmitField(_l("Complete"))

    def __init__(self, *args, pet_type_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.follow_up_vet_id.choices = vet_choices()
        offer_vaccines(self.vaccine_type_id, pet_type_id, blank=_("— none —"))

    def vaccination(self):
        """The vaccination the form asks for ({vaccine_type_id, batch, next_due}), or None."""
        if not self.vaccine_type_id.data:
            return None
        return {"vaccine_type_id": self.vaccine_type_id.data, "batch": self.batch.data,
                "next_due": self.next_due_on.data}

    def validate(self, extra_validators=None):
        """Valid when the completion is; the follow-up's own errors never block it."""
        super().validate(extra_validators)
        follow_up_names = {field.name for field in self.follow_up_fields()}
        return not any(field.errors for field in self if field.name not in follow_up_names)

    def follow_up_fields(self):
        """The fields that describe the follow-up booking."""
        return (self.follow_up_vet_id, self.follow_up_date, self.follow_up_time,
                self.follow_up_minutes)

    def follow_up_problem(self):
        """Why the requested follow-up cannot even be tried, or None."""
        problems = [
            _("%(label)s: %(errors)s", label=field.label.text,
              errors=" ".join(str(error) for error in field.errors))
            if field.errors else _("%(label)s: missing.", label=field.label.text)
            for field in self.follow_up_fields()
            if field.errors or field.data is None
        ]
        return " ".join(problems) or None
