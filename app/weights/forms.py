"""The weight field the check-in, completion, visit and weights forms share, and the weights form."""

from wtforms import DateField, SubmitField
from wtforms.fields import Field
from wtforms.validators import InputRequired, StopValidation
from wtforms.widgets import TextInput

from app.forms import PageForm
from app.i18n import _, _l
from app.weights.kilograms import KilogramsRefused, parse_kilograms


class KilogramsField(Field):
    """Kilograms typed as text ("4.5", "4,5"); ``data`` is a Decimal of two places, or None."""

    widget = TextInput()

    def __init__(self, label=_l("Weight (kg, optional)"), validators=None, **kwargs):
        kwargs.setdefault("render_kw", {"inputmode": "decimal", "autocomplete": "off"})
        super().__init__(label, validators, **kwargs)

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else str(self.data)

    def process_formdata(self, valuelist):
        self.data = None
        if not valuelist or not valuelist[0].strip():
            return
        try:
            self.data = parse_kilograms(valuelist[0])
        except KilogramsRefused as refusal:
            raise ValueError(str(refusal)) from None


def weight_required(form, field):
    """A weight must be given (one that is given but wrong has its own message already)."""
    if field.data is None and not field.errors:
        raise StopValidation(_("Enter the weight."))


class WeightForm(PageForm):
    """Record a weight on its own: kilograms and the day it was taken."""

    kilograms = KilogramsField(_l("Weight (kg)"), validators=[weight_required])
    recorded_on = DateField(_l("Weighed on"), validators=[InputRequired(_l("Enter a date."))])
    submit = SubmitField(_l("Record weight"))


class CheckInForm(PageForm):
    """Check in, with the weight taken at the desk if there is one."""

    kilograms = KilogramsField()
    submit = SubmitField(_l("Check in with weight"))
