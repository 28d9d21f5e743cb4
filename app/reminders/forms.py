"""The due list's filters and the dismissal of one reminder."""

from datetime import timedelta

from wtforms import DateField, HiddenField, IntegerField, SelectChoice, SelectField, SubmitField
from wtforms.validators import AnyOf, InputRequired, Optional, ValidationError

from app.clinic import clinic_today
from app.forms import PageForm, WholeNumberRange
from app.i18n import _, _l
from app.models import DismissalReason
from app.reminders.due import DueFilter
from app.routing import MAX_ID
from app.vaccinations.types import vaccine_types
from app.vets.forms import vet_choices

# Without ?to=, the list runs to this many days from today.
DEFAULT_DAYS_AHEAD = 30
ANY = 0
ID_RULE = WholeNumberRange(ANY, MAX_ID, _l("Choose from the list."))
# The filter arguments the list's links and forms carry along.
FILTER_ARGS = ("from", "to", "vaccine", "vet")


class DueListForm(PageForm):
    """?from=&to=&vaccine=&vet=: a range of due dates, a vaccine type, the vet of the last dose."""

    class Meta:
        csrf = False  # a GET filter: it changes nothing

    first_day = DateField(_l("Due from"), name="from", validators=[Optional()],
                          description=_l("Blank: every overdue dose."))
    last_day = DateField(_l("Due by"), name="to", validators=[Optional()])
    vaccine = SelectField(_l("Vaccine"), coerce=int, default=ANY, validate_choice=False,
                          validators=[Optional(), ID_RULE])
    vet = SelectField(_l("Vet of the last dose"), coerce=int, default=ANY, validate_choice=False,
                      validators=[Optional(), ID_RULE])
    submit = SubmitField(_l("Show"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.vaccine.choices = lambda: [(ANY, _("Any vaccine"))] + [
            (row.id, row.name) for row in vaccine_types()]
        self.vet.choices = lambda: [(ANY, _("Any vet"))] + vet_choices(active_only=False)

    def validate_last_day(self, field):
        """The range runs forwards."""
        if field.data and self.first_day.data and field.data < self.first_day.data:
            raise ValidationError(_("The end of the range is before its start."))

    def filters(self):
        """The DueFilter this (valid) form asks for."""
        return due_filter(self.first_day.data, self.last_day.data, self.vaccine.data or None,
                          self.vet.data or None)


def due_filter(first_day=None, last_day=None, vaccine_type_id=None, vet_id=None):
    """A DueFilter; without a last day, DEFAULT_DAYS_AHEAD days from today."""
    last_day = last_day or clinic_today() + timedelta(days=DEFAULT_DAYS_AHEAD)
    return DueFilter(last_day=last_day, first_day=first_day, vaccine_type_id=vaccine_type_id,
                     vet_id=vet_id)


REASONS = [(reason.value, reason.label) for reason in DismissalReason]


class DismissForm(PageForm):
    """Dismiss one reminder: the pet, vaccine type and due date it is about, and why."""

    pet_id = IntegerField(validators=[InputRequired(), WholeNumberRange(1, MAX_ID)])
    vaccine_type_id = IntegerField(validators=[InputRequired(), WholeNumberRange(1, MAX_ID)])
    due_on = DateField(validators=[InputRequired()])
    reason = SelectField(_l("Reason"), choices=[SelectChoice(*choice) for choice in REASONS],
                         validators=[InputRequired(), AnyOf([value for value, _ in REASONS])])
    back = HiddenField()  # the due list's query string, to return to
    submit = SubmitField(_l("Dismiss"))
