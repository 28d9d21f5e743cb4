"""Field rules shared by the forms of several features and by the JSON API.

Each rule is a plain function returning what is wrong (or None), so the WTForms validators
below and the API's marshmallow schemas apply the very same rule. A text field's limit is
its column's length (max_length), so the forms, the API and the database cannot disagree;
the few limits that differ on purpose are the named constants below.
"""

from datetime import timedelta

from wtforms.validators import ValidationError

from app.clinic import clinic_today
from app.i18n import _
from app.phone import InvalidPhoneNumber, normalise_phone


class FieldRefusal(ValueError):
    """A rule a service refuses by; ``field`` names the form field (or JSON field) to blame."""

    field = None

    def __init__(self, message, field=None):
        super().__init__(message)
        if field is not None:
            self.field = field


# The oldest pets alive (tortoises, parrots) are well inside this.
MAX_PET_AGE_YEARS = 150

# A telephone number is stored as E.164: a "+" and at most 15 digits (the column has room).
E164_MAX_DIGITS = 15
# People type it with separators ("+1 (608) 555-1023"): at most one after each digit, so the
# raw input may be longer than what is stored.
TELEPHONE_INPUT_MAX = 2 * E164_MAX_DIGITS

# A password is stored only as its hash, so no column bounds it: a passphrase of several
# words fits, a pasted document (hashed at a cost on every sign-in attempt) does not.
PASSWORD_INPUT_MAX = 200


def max_length(attribute):
    """The length of the column a model attribute is stored in (Owner.city: 80)."""
    return attribute.property.columns[0].type.length


def strip(value):
    """Trim surrounding white space from text input (a WTForms filter)."""
    return value.strip() if isinstance(value, str) else value


def has_control_characters(text):
    """Whether text holds control characters other than tab and line breaks."""
    return any(not ch.isprintable() for ch in text if ch not in "\n\r\t")


def birth_date_problem(day):
    """Why a birth date is implausible (in the future or absurdly long ago), or None."""
    today = clinic_today()
    if day > today:
        return _("The birth date cannot be in the future.")
    if day < today - timedelta(days=365 * MAX_PET_AGE_YEARS):
        return _("The birth date is more than %(num)d years ago.", num=MAX_PET_AGE_YEARS)
    return None


def visit_date_problem(day):
    """Why a visit cannot have this date (a visit is what happened, never ahead), or None."""
    if day > clinic_today():
        return _("A visit cannot be in the future; book an appointment instead.")
    return None


def telephone_number(form, field):
    """Accept a telephone number as people write it."""
    try:
        normalise_phone(field.data)
    except InvalidPhoneNumber as error:
        raise ValidationError(str(error)) from None


def plausible_birth_date(form, field):
    """A birth date that is not in the future and not absurdly long ago."""
    if field.data is None:
        return
    problem = birth_date_problem(field.data)
    if problem:
        raise ValidationError(problem)


def printable(form, field):
    """Refuse control characters (they come from paste accidents or attacks, never from people)."""
    if field.data and has_control_characters(field.data):
        raise ValidationError(_("Remove the control characters from this field."))
