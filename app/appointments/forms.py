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
from app.models import Appointment, Vaccination, Visit
from app.models.appointment import MAX_DURATION, MIN_DURATION
from app.reference.appointment_types import list_appointment_types
from app.routing import MAX_ID
from app.vaccinations.forms import next_due_field, offer_vaccines, vaccine_field
from app.validation import max_length, printable, strip
from app.vets.forms import vet_choices
from app.weights.forms import KilogramsField

DURATION_RULE = WholeNumberRange(
    MIN_DURATION, MAX_DURATION, f"Between {MIN_DURATION} and {MAX_DURATION} minutes."
)
CHOOSE_TYPE = "Choose one of the appointment types."


def an_id(form, field):
    """An id that a database integer can hold (None passes: nothing chosen)."""
    if field.data is not None and not 1 <= field.data <= MAX_ID:
        raise ValidationError(CHOOSE_TYPE)


def appointment_type_choices():
    """The types to choose from, each option carrying its duration (static/js/appointment-type.js
    copies it into the duration field)."""
    choices = [SelectChoice("", "None")]
    for kind in list_appointment_types():
        label = f"{kind.name.capitalize()} ({kind.duration_minutes} min)"
        if kind.specialty:
            label += f", needs {kind.specialty.name}"
        choices.append(SelectChoice(str(kind.id), label,
                                    render_kw={"data-minutes": kind.duration_minutes}))
    return choices


class AppointmentForm(PageForm):
    """Book or reschedule: type, vet, date, start time, duration, reason."""

    # Optional (the reason stays free text); the booking service checks the type chosen.
    type_id = SelectField(
        "Type", coerce=optional_id, validate_choice=False, invalid_value_message=CHOOSE_TYPE,
        validators=[an_id], render_kw={"data-fills-duration": "duration_minutes"},
    )

    # The booking service checks the chosen vet under a row lock (there, and taking
    # bookings), so a submitted form is not checked against the list of every vet: the list
    # is read only when the form is drawn, and a booking's cost does not grow with the staff.
    # Bounded like every id, though: a number past any database integer is a form error.
    vet_id = SelectField(
        "Vet", coerce=optional_id, validate_choice=False,
        validators=[InputRequired("Choose a vet."), WholeNumberRange(1, MAX_ID, "Choose a vet.")]
    )
    date = DateField("Date", validators=[InputRequired("Enter a date.")])
    start_time = TimeField("Start time", validators=[InputRequired("Enter a time.")])
    duration_minutes = IntegerField(
        "Duration (minutes)", default=30, validators=[InputRequired("Enter minutes."), DURATION_RULE]
    )
    reason = StringField(
        "Reason",
        filters=[strip],
        validators=[DataRequired(), Length(max=max_length(Appointment.reason)), printable],
    )
    version = VersionField()  # the version the form was loaded at (app.concurrency)
    submit = SubmitField("Book")

    def __init__(self, *args, current_vet_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.vet_id.choices = lambda: with_placeholder(vet_choices(include_id=current_vet_id))
        self.type_id.choices = appointment_type_choices


class CompleteForm(PageForm):
    """Complete an appointment: what happened, and optionally a follow-up booking."""

    description = TextAreaField(
        "What happened",
        filters=[strip],
        validators=[DataRequired(), Length(max=max_length(Visit.description)), printable],
    )
    kilograms = KilogramsField()
    follow_up = BooleanField("Book a follow-up")
    follow_up_vet_id = SelectField("Follow-up vet", coerce=int, validators=[Optional()])
    follow_up_date = DateField("Follow-up date", validators=[Optional()])
    follow_up_time = TimeField("Follow-up time", validators=[Optional()])
    follow_up_minutes = IntegerField(
        "Follow-up duration (minutes)", default=30, validators=[Optional(), DURATION_RULE]
    )
    # A vaccination given at the visit: saved with it, or (if refused) nothing is.
    vaccine_type_id = vaccine_field("Vaccine given", required=False)
    # Required with a vaccine: the service refuses a dose without its batch number.
    batch = StringField("Batch (lot)", filters=[strip], validators=[
        Optional(), Length(max=max_length(Vaccination.batch)), printable])
    next_due_on = next_due_field()
    submit = SubmitField("Complete")

    def __init__(self, *args, pet_type_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.follow_up_vet_id.choices = vet_choices()
        offer_vaccines(self.vaccine_type_id, pet_type_id, blank="— none —")

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
            f"{field.label.text}: {' '.join(field.errors) or 'missing.'}"
            for field in self.follow_up_fields()
            if field.errors or field.data is None
        ]
        return " ".join(problems) or None
