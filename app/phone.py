"""Telephone numbers: accepted as people write them, stored as E.164, shown nationally.

One rule for every way in (the pages, the API, CSV imports): normalise_phone. For clients that
take digits only (the Spring PetClinic REST contract's telephone), dialled_digits writes a
stored number as the digits one dials from the clinic's region, which normalise_phone reads
back to the same number.
"""

import functools

import phonenumbers
from flask import current_app

from app.i18n import _


class InvalidPhoneNumber(ValueError):
    """The text is not a telephone number."""


def normalise_phone(text, region=None):
    """Return ``text`` as an E.164 number (+16085551023), or raise InvalidPhoneNumber."""
    region = region or current_app.config["PHONE_REGION"]
    cleaned = (text or "").strip()
    allowed = set("0123456789 +-().")
    if not cleaned or set(cleaned) - allowed or cleaned.count("+") > 1 or "+" in cleaned[1:]:
        raise InvalidPhoneNumber(_("Use digits, spaces and + - ( ) . only."))
    try:
        number = phonenumbers.parse(cleaned, region)
    except phonenumbers.NumberParseException:
        raise InvalidPhoneNumber(_("This is not a telephone number.")) from None
    if not phonenumbers.is_possible_number(number):
        raise InvalidPhoneNumber(_("This number has too few or too many digits."))
    # A possible number has the right length; a valid one also has a real area code and
    # exchange (0000000000 and 1234567890 are possible in the US, and exist nowhere).
    if not phonenumbers.is_valid_number(number):
        raise InvalidPhoneNumber(
            _("This number does not exist: check the area code and digits."))
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def format_phone(value):
    """Show a stored E.164 number the way people write it in the clinic's region."""
    if not value:
        return ""
    return _format_phone(value, current_app.config["PHONE_REGION"])


# Parsing and formatting a number costs more than the rest of its table row, and the same
# numbers come back all day: the day sheet is reloaded, owners are looked up again.
@functools.lru_cache(maxsize=8192)
def _format_phone(value, region):
    """format_phone's work for one number and region, remembered."""
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        return value
    if not phonenumbers.is_valid_number(number):
        return value  # stored before the rule refused it: shown as it is, until an edit fixes it
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if phonenumbers.region_code_for_number(number) == region
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, style)


def dialled_digits(value):
    """A stored number as the digits dialled from the clinic's region: 6085551023 for a number
    of the region, 011442079460958 for London from the US; normalise_phone reads both back.

    For clients that accept digits only, as the Spring PetClinic REST contract does. A number
    stored before the rule refused it, or one that no string of digits dials unambiguously from
    the region (Brazil's international prefix names a carrier), is answered as stored.
    """
    if not value:
        return ""
    return _dialled_digits(value, current_app.config["PHONE_REGION"])


@functools.lru_cache(maxsize=8192)
def _dialled_digits(value, region):
    """dialled_digits' work for one number and region, remembered."""
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        return value
    if not phonenumbers.is_valid_number(number):
        return value
    if phonenumbers.region_code_for_number(number) == region:
        digits = phonenumbers.national_significant_number(number)
    else:
        dialled = phonenumbers.format_out_of_country_calling_number(number, region)
        digits = "".join(c for c in dialled if c.isdigit())
    try:
        read_back = phonenumbers.parse(digits, region)
    except phonenumbers.NumberParseException:
        return value
    same = phonenumbers.format_number(read_back, phonenumbers.PhoneNumberFormat.E164) == value
    return digits if same else value
