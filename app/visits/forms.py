"""The visit forms: a walk-in or historical visit, its correction, an addendum."""

from wtforms import DateField, SelectField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from app.concurrency import VersionField
from app.forms import PageForm
from app.i18n import _l
from app.models import Visit, VisitAddendum
from app.validation import max_length, printable, strip
from app.vets.forms import vet_choices
from app.weights.forms import KilogramsField


class VisitForm(PageForm):
    """Record a walk-in or historical visit."""

    date = DateField(_l("Date"), validators=[InputRequired(_l("Enter a date."))])
    description = TextAreaField(
        _l("Description"),
        filters=[strip],
        validators=[DataRequired(), Length(max=max_length(Visit.description)), printable],
    )
    vet_id = SelectField(_l("Vet (optional)"), coerce=int, validators=[Optional()])
    kilograms = KilogramsField()
    submit = SubmitField(_l("Add visit"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.vet_id.choices = [(0, "—")] + vet_choices(active_only=False)


class VisitEditForm(VisitForm):
    """Correct a visit inside its correction window."""

    version = VersionField()  # the version the form was loaded at (app.concurrency)
    submit = SubmitField(_l("Save correction"))


class AddendumForm(PageForm):
    """Add an addendum to a visit (it is never changed afterwards)."""

    text = TextAreaField(
        _l("Addendum"),
        filters=[strip],
        validators=[DataRequired(), Length(max=max_length(VisitAddendum.text)), printable],
    )
    submit = SubmitField(_l("Add addendum"))
