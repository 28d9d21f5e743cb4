"""The base of the pages' forms, and helpers for any form."""

from functools import cache

from babel.support import Translations
from flask import has_request_context, request
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import SelectChoice, widgets
from wtforms.i18n import messages_path
from wtforms.validators import NumberRange, ValidationError

from app.i18n import SOURCE_LANGUAGE, _, _l, current_locale

# The first option of a required select: no real value, so leaving it is a "required" error
# instead of silently choosing the first entry.
CHOOSE = _l("Choose…")


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

        def get_translations(self, form):
            # WTForms' own messages ("This field is required.") in the page's language. Flask-WTF
            # reads WTForms' catalog from disk on every request that builds a form; it is kept
            # here, one per language, for the life of the process.
            locale = current_locale()  # None outside an app context: the source language
            return wtforms_catalog(str(locale) if locale else SOURCE_LANGUAGE)


@cache
def wtforms_catalog(language):
    """WTForms' messages in ``language``, read once."""
    return Translations.load(messages_path(), [language], domain="wtforms")


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
        _("%(field)s: %(errors)s", field=form[name].label.text,
          errors=" ".join(str(message) for message in messages))  # some are lazy (_l)
        for name, messages in form.errors.items()
    )


def html_params(**attributes):
    """WTForms' ``html_params``, the same markup for a fraction of the work.

    Every widget renders its attributes through it, and WTForms builds each one with
    ``Markup.format``: half the instructions of a form page went there (a pet's edit page,
    with its selects of types and sexes). Sorted, ``class_`` as ``class``, ``data_``/``aria_``
    with hyphens, True as a bare attribute, False left out, keys and values escaped, quotes
    in an already-safe value as ``&quot;``: tests/test_form_rendering.py compares the two.
    """
    params = []
    for key, value in sorted(attributes.items()):
        key = escape(widgets.core.clean_key(key))
        if value is True:
            params.append(key)
        elif value is not False:
            value = str(escape(value)).replace('"', "&quot;")
            params.append(f'{key}="{value}"')
    return Markup(" ".join(params))


def _render_attributes_with(function):
    """Make every WTForms widget and label render its attributes with ``function``."""
    # Three references: the module's global (selects, options, text areas), the staticmethod
    # that inputs and buttons call as self.html_params, and wtforms.widgets' (labels).
    original = widgets.core.html_params
    widgets.core.html_params = widgets.html_params = function
    for widget in vars(widgets.core).values():
        if isinstance(widget, type) and vars(widget).get("html_params") is not None:
            widget.html_params = staticmethod(function)
    return getattr(original, "wtforms_original", original)


# WTForms' own is kept, to compare against (tests/test_form_rendering.py).
WTFORMS_HTML_PARAMS = html_params.wtforms_original = _render_attributes_with(html_params)
