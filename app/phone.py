"""Telephone numbers: accepted as people write them, stored as E.164, shown nationally."""

import functools

import phonenumbers
from flask import current_app


class InvalidPhoneNumber(ValueError):
    """The text is not a telephone number."""


def normalise_phone(text, region=None):
    """Return ``text`` as an E.164 number (+16085551023), or raise InvalidPhoneNumber."""
    region = region or current_app.config["PHONE_REGION"]
    cleaned = (text or "").strip()
    allowed = set("0123456789 +-().")
    if not cleaned or set(cleaned) - allowed or cleaned.count("+") > 1 or "+" in cleaned[1:]:
        raise InvalidPhoneNumber("Use digits, spaces and + - ( ) . only.")
    try:
        number = phonenumbers.parse(cleaned, region)
    except phonenumbers.NumberParseException:
        raise InvalidPhoneNumber("This is not a telephone number.") from None
    if not phonenumbers.is_possible_number(number):
        raise InvalidPhoneNumber("This number has too few or too many digits.")
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
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if phonenumbers.region_code_for_number(number) == region
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, style)


def national_digits(value):
    """A stored number as digits only (6085551023) when it is in the clinic's region, else E.164.

    For clients that accept digits only, as the Spring PetClinic REST contract does.
    """
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, current_app.config["PHONE_REGION"])
    except phonenumbers.NumberParseException:
        return value
    if phonenumbers.region_code_for_number(number) != current_app.config["PHONE_REGION"]:
        return value
    return phonenumbers.national_significant_number(number)
