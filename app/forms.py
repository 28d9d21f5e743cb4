"""The base of the pages' forms, and helpers for any form."""

from flask import has_request_context, request
from flask_wtf import FlaskForm
from wtforms import SelectChoice
from wtforms.validators import NumberRange, ValidationError

# The first option of a required select: no real value, so leaving it is a "required" error
# instead of silently choosing the first entry.
CHOOSE = "Choose…"


class PageForm(FlaskForm):
    """A form of the web pages: it reads what a browser posts, never a JSON body."""

    class Meta:
        def wrap_formdata(self, form, formdata):
            # Flask-WTF also fills a form from a JSON body, which may be a number, a list or
            # nested objects that no field expects (a TypeError, so a 500). Form data passed
            # in explicitly (a MultiDict: query strings, CSV rows) is used as it is.
            if has_request_context() and request.is_json and not hasattr(formdata, "getlist"):
                return None
            return super().wrap_formdata(form, formdata)


def optional_id(value):
    """A select's value as an id, or None for its blank choice."""
    return None if value in ("", None) else int(value)


def with_placeholder(choices):
    """A required select's choices after a "Choose…" option whose value is empty."""
    return [SelectChoice("", CHOOSE), *choices]


class WholeNumberRange(NumberRange):
    """NumberRange for whole numbers of any size."""

    def __call__(self, form, field):
        # NumberRange tests for NaN through a float, and a number of 309 digits or more
        # overflows one (OverflowError, a 500): compare integers as integers first.
        if isinstance(field.data, int) and not self.min <= field.data <= self.max:
            raise ValidationError(self.message)
        super().__call__(form, field)


def error_summary(form):
    """All of a form's errors in one sentence, each with its field's label."""
    return " ".join(
        f"{form[name].label.text}: {' '.join(messages)}" for name, messages in form.errors.items()
    )
