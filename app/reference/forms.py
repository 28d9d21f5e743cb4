"""The appointment type form (pet types and specialties have only a name: routes.NameForm)."""

import sqlalchemy as sa
from wtforms import IntegerField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from app.appointments.forms import DURATION_RULE, optional_id
from app.extensions import db
from app.forms import PageForm
from app.i18n import _, _l
from app.models import AppointmentType, Specialty
from app.reference.appointment_types import colour_problem
from app.validation import max_length, printable, strip


def colour_rule(form, field):
    """A colour written as #rrggbb."""
    if problem := colour_problem(field.data):
        raise ValidationError(problem)


class AppointmentTypeForm(PageForm):
    """An appointment type: name, default duration, colour, and the specialty it needs."""

    name = StringField(
        _l("Name"),
        filters=[strip],
        validators=[DataRequired(), Length(max=max_length(AppointmentType.name)), printable],
    )
    duration_minutes = IntegerField(
        _l("Duration (minutes)"), default=30,
        validators=[InputRequired(_l("Enter minutes.")), DURATION_RULE],
    )
    colour = StringField(
        _l("Colour on the schedule"),
        filters=[strip],
        validators=[Optional(), Length(max=max_length(AppointmentType.colour)), colour_rule],
        description=_l("#rrggbb, e.g. #3366cc; blank for none."),
    )
    specialty_id = SelectField(_l("Needs a vet with the specialty"), coerce=optional_id)
    submit = SubmitField(_l("Add type"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        rows = db.session.execute(sa.select(Specialty.id, Specialty.name).order_by(Specialty.name))
        self.specialty_id.choices = [SelectChoice("", _("None"))] + [
            SelectChoice(str(specialty_id), name) for specialty_id, name in rows
        ]

    def values(self):
        """The service's arguments from a valid form."""
        return {
            "name": self.name.data,
            "duration_minutes": self.duration_minutes.data,
            "colour": self.colour.data,
            "specialty_id": self.specialty_id.data,
        }
