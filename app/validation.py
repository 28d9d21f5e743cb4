"""Field rules shared by the forms of several features."""

from datetime import timedelta

from wtforms.validators import ValidationError

from app.clinic import clinic_today
from app.phone import InvalidPhoneNumber, normalise_phone

# The oldest pets alive (tortoises, parrots) are well inside this.
MAX_PET_AGE_YEARS = 150


def strip(value):
    """Trim surrounding white space from text input (a WTForms filter)."""
    return value.strip() if isinstance(value, str) else value


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
    today = clinic_today()
    if field.data > today:
        raise ValidationError("The birth date cannot be in the future.")
    if field.data < today - timedelta(days=365 * MAX_PET_AGE_YEARS):
        raise ValidationError(f"The birth date is more than {MAX_PET_AGE_YEARS} years ago.")


def printable(form, field):
    """Refuse control characters (they come from paste accidents or attacks, never from people)."""
    if field.data and any(not ch.isprintable() for ch in field.data if ch not in "\n\r\t"):
        raise ValidationError("Remove the control characters from this field.")
