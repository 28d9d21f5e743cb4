"""Field types and rules of the API's schemas, each built on the clinic's own rule."""

import re
from zoneinfo import ZoneInfo

import marshmallow as ma
from email_validator import EmailNotValidError, validate_email
from flask import current_app

from app.appointments.schedule import has_day_sheet
from app.pets.profile import microchip_problem
from app.phone import InvalidPhoneNumber, dialled_digits, normalise_phone
from app.routing import MAX_ID
from app.validation import (
    birth_date_problem,
    has_control_characters,
    max_length,
    visit_date_problem,
)

# The contract's narrowings, kept on purpose so that its clients' own checks still hold:
#
# - Names: the contract's pattern (below), where the pages ask only for printable text
#   (people are named as they are: "Mary Ann de la Cruz", "Jean-Paul II"). Its clients check
#   names by that pattern themselves, so the API holds to it; a name written on the pages
#   that breaks it is answered as it is, and must be changed to be sent back.
# - Telephone: the contract's maxLength 20 on the raw input. Its digits-only pattern is
#   widened to numbers as people write them (README), but its length is kept; the pages allow
#   app.validation.TELEPHONE_INPUT_MAX, and both store the same E.164 number.
# - Passwords: the contract's maxLength 80 (the pages allow PASSWORD_INPUT_MAX).
CONTRACT_TELEPHONE_MAX = 20
CONTRACT_PASSWORD_MAX = 80

# The contract's name rule: letters, in up to three parts joined by a space, ' or -; a last
# name may end in a dot. The contract spells "a letter" \p{L}, which Python's re (and so
# openapi-spec-validator and schemathesis) cannot read; [^\W\d_] is the same class in re.
_LETTER = r"[^\W\d_]"
FIRST_NAME_PATTERN = rf"^{_LETTER}+([ '-]{_LETTER}+){{0,2}}$"
LAST_NAME_PATTERN = rf"^{_LETTER}+([ '-]{_LETTER}+){{0,2}}\.?$"
NAME_RULE = (
    "Letters of any language (the contract's \\p{L}), in up to three parts joined by a "
    "space, ' or -."
)


def raise_problem(problem):
    """Raise a marshmallow ValidationError when a clinic rule found a problem."""
    if problem:
        raise ma.ValidationError(problem)


class Id(ma.fields.Integer):
    """An id from 0 to 2^31-1 (the contract's int32, minimum 0): a JSON integer, or a string of
    digits (``"1"``), as the Spring implementation's JSON library (Jackson) accepts one.

    Its clients send ids either way (the Spring Postman collection adds a pet with
    ``"type": {"id": "1"}``). Anything else is refused: a fraction, even ``1.0`` or ``"1.5"``
    (Jackson would cut it to 1), a boolean, signs, spaces, other digits than 0-9 (which
    Python's ``int`` would read) and numbers past MAX_ID.
    """

    DIGITS = re.compile(r"[0-9]{1,10}")

    def __init__(self, **kwargs):
        kwargs.setdefault("validate", ma.validate.Range(0, MAX_ID))
        super().__init__(strict=True, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str):
            if not self.DIGITS.fullmatch(value):
                raise self.make_error("invalid", input=value)
            value = int(value)
        return super()._deserialize(value, attr, data, **kwargs)


class Text(ma.fields.String):
    """A string, trimmed, without control characters (which no person types)."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if has_control_characters(text):
            raise ma.ValidationError("Remove the control characters.")
        return text


def name_field(pattern, longest, **kwargs):
    """A first or last name under the contract's rule: letters in up to three parts."""
    return Text(
        validate=[
            ma.validate.Length(1, longest),
            ma.validate.Regexp(
                pattern, error="Use letters, in up to three parts joined by a space, ' or -."
            ),
        ],
        metadata={"description": NAME_RULE},
        **kwargs,
    )


def first_name(column, **kwargs):
    """A first name (contract pattern), as long as its column allows."""
    return name_field(FIRST_NAME_PATTERN, max_length(column), **kwargs)


def last_name(column, **kwargs):
    """A last name (contract pattern; may end in a dot), as long as its column allows."""
    return name_field(LAST_NAME_PATTERN, max_length(column), **kwargs)


def telephone_rule(value):
    """The clinic's telephone rule (app.phone): a real number, as people write it."""
    try:
        normalise_phone(value)
    except InvalidPhoneNumber as error:
        raise ma.ValidationError(str(error)) from None


def email_rule(value):
    """The same e-mail check as the owner form's (email-validator, no DNS look-up)."""
    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError as error:
        raise ma.ValidationError(str(error)) from None


class Telephone(ma.fields.String):
    """Shown as the digits dialled from the clinic's region (the contract's pattern)."""

    def _serialize(self, value, attr, obj, **kwargs):
        return dialled_digits(value) if value else value


def birth_date_rule(day):
    """The clinic's birth-date rule (not in the future, not absurdly old)."""
    raise_problem(birth_date_problem(day))


def microchip_rule(number):
    """The microchip rule: 15 digits (ISO 11784)."""
    raise_problem(microchip_problem(number) if number != "" else "Send null for no microchip.")


def visit_date_rule(day):
    """The clinic's visit-date rule (not in the future)."""
    raise_problem(visit_date_problem(day))


def calendar_day_rule(day):
    """A day with a day sheet: the calendar has the days on either side of it."""
    if not has_day_sheet(day):
        raise ma.ValidationError("Not a day the clinic has.")


def clinic_zone():
    """The clinic's time zone."""
    return ZoneInfo(current_app.config["CLINIC_TIMEZONE"])


class ClinicDateTime(ma.fields.DateTime):
    """A wall-clock time at the clinic: shown with its UTC offset, read with or without one."""

    def _serialize(self, value, attr, obj, **kwargs):
        return value.replace(tzinfo=clinic_zone()).isoformat() if value is not None else None

    def _deserialize(self, value, attr, data, **kwargs):
        moment = super()._deserialize(value, attr, data, **kwargs)
        try:
            if moment.tzinfo is not None:
                moment = moment.astimezone(clinic_zone()).replace(tzinfo=None)
        except (OverflowError, ValueError):
            raise ma.ValidationError("Not a time the clinic can book.") from None
        if not 1 < moment.year < 9999:
            raise ma.ValidationError("Not a time the clinic can book.")
        return moment
