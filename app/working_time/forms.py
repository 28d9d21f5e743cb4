"""Working-time forms: the clinic's week and closures, a vet's rota and absences.

Every rule the tables' CHECK constraints hold is checked here first (through the same
functions the services and the commands use), so a form never reaches one.
"""

from datetime import datetime

from flask_babel.speaklater import LazyString
from wtforms import BooleanField, DateField, Form, FormField, StringField, SubmitField, TimeField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from app.forms import PageForm
from app.i18n import _, _l, weekday_name
from app.models import Absence, ClinicClosure
from app.models.working_time import WEEKDAYS
from app.validation import max_length, printable, strip
from app.working_time.services import absence_problem, closure_problem, hours_problem, shift_problem


class DayHoursForm(Form):
    """One weekday of the clinic's week: open or not, and from when to when."""

    open = BooleanField(_l("Open"))
    opens = TimeField(_l("Opens"), validators=[Optional()])
    closes = TimeField(_l("Closes"), validators=[Optional()])

    def validate(self, extra_validators=None):
        """Valid when closed, or open with both times in order."""
        if not super().validate(extra_validators):
            return False
        if self.open.data and (problem := hours_problem(self.opens.data, self.closes.data)):
            (self.closes if self.opens.data else self.opens).errors.append(problem)
            return False
        return True

    def opening(self):
        """(opens, closes), or None when the day is closed."""
        return (self.opens.data, self.closes.data) if self.open.data else None


class WeekForm(PageForm):
    """Seven rows, one a weekday (fields monday … sunday), each of the class's ``row`` form."""

    def days(self):
        """The weekday rows, Monday first."""
        return [self[name.lower()] for name in WEEKDAYS]


def with_weekdays(form_class, row):
    """Give a WeekForm one row per weekday, named after it (in English) and labelled with its
    name in the page's language (Babel's, read when the label is drawn)."""
    for number, name in enumerate(WEEKDAYS):
        setattr(form_class, name.lower(), FormField(row, label=LazyString(weekday_name, number)))
    return form_class


class OpeningHoursForm(WeekForm):
    """The clinic's seven weekdays, Monday first."""

    submit = SubmitField(_l("Save opening hours"))

    def fill(self, hours):
        """Show {weekday: (opens, closes) or None}."""
        for weekday, row in enumerate(self.days()):
            opening = hours[weekday]
            row.open.data = opening is not None
            row.opens.data, row.closes.data = opening or (None, None)

    def week(self):
        """{weekday: (opens, closes) or None} as submitted."""
        return {weekday: row.opening() for weekday, row in enumerate(self.days())}


class RotaDayForm(Form):
    """One weekday of a vet's rota: works or not, hours, an optional break."""

    works = BooleanField(_l("Works"))
    starts = TimeField(_l("Starts"), validators=[Optional()])
    ends = TimeField(_l("Ends"), validators=[Optional()])
    break_starts = TimeField(_l("Break from"), validators=[Optional()])
    break_ends = TimeField(_l("Break until"), validators=[Optional()])

    def validate(self, extra_validators=None):
        """Valid when off, or working with hours in order and any break inside them."""
        if not super().validate(extra_validators):
            return False
        if self.works.data and (problem := shift_problem(*self.shift())):
            message, field = problem
            self[field].errors.append(message)
            return False
        return True

    def shift(self):
        """(starts, ends, break_starts, break_ends) as submitted."""
        return (self.starts.data, self.ends.data, self.break_starts.data, self.break_ends.data)


class RotaForm(WeekForm):
    """A vet's weekly rota, Monday first."""

    submit = SubmitField(_l("Save rota"))

    def fill(self, week):
        """Show {weekday: (starts, ends, break_starts, break_ends) or None}."""
        for weekday, row in enumerate(self.days()):
            shift = week[weekday]
            row.works.data = shift is not None
            row.starts.data, row.ends.data, row.break_starts.data, row.break_ends.data = (
                shift or (None,) * 4
            )

    def week(self):
        """{weekday: shift or None} as submitted."""
        return {weekday: row.shift() if row.works.data else None
                for weekday, row in enumerate(self.days())}

    def validate(self, extra_validators=None):
        """The rows' rules, and at least one working day (no rota at all is another choice)."""
        if not super().validate(extra_validators):
            return False
        if not any(row.works.data for row in self.days()):
            self.form_errors.append(
                _("Tick at least one working day. A vet without a rota works the clinic's "
                  "hours: use “Work the clinic's hours” for that.")
            )
            return False
        return True


with_weekdays(OpeningHoursForm, DayHoursForm)
with_weekdays(RotaForm, RotaDayForm)


class ClosureForm(PageForm):
    """A day the whole clinic is closed."""

    day = DateField(_l("Day"), validators=[InputRequired(_l("Enter a date."))])
    reason = StringField(
        _l("Reason"),
        filters=[strip],
        validators=[DataRequired(), Length(max=max_length(ClinicClosure.reason)), printable],
    )
    submit = SubmitField(_l("Add closure"))

    def validate_day(self, field):
        """Not a day that has passed, nor one already closed."""
        if field.data and (problem := closure_problem(field.data)):
            raise ValidationError(problem)


class AbsenceForm(PageForm):
    """A time a vet is away: from a day and time up to another."""

    starts_date = DateField(_l("From (day)"), validators=[InputRequired(_l("Enter a date."))])
    starts_time = TimeField(_l("From (time)"), validators=[InputRequired(_l("Enter a time."))])
    ends_date = DateField(_l("Until (day)"), validators=[InputRequired(_l("Enter a date."))])
    ends_time = TimeField(_l("Until (time)"), validators=[InputRequired(_l("Enter a time."))])
    reason = StringField(
        _l("Reason"),
        filters=[strip],
        validators=[DataRequired(), Length(max=max_length(Absence.reason)), printable],
    )
    submit = SubmitField(_l("Add absence"))

    def span(self):
        """(starts_at, ends_at) as submitted; only after the fields are valid."""
        return (datetime.combine(self.starts_date.data, self.starts_time.data),
                datetime.combine(self.ends_date.data, self.ends_time.data))

    def validate(self, extra_validators=None):
        """The fields, then the span: ending after it starts, and not over already."""
        if not super().validate(extra_validators):
            return False
        if problem := absence_problem(*self.span()):
            message, field = problem
            self[field].errors.append(message)
            return False
        return True
