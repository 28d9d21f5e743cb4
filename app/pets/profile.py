"""A pet's profile rules (microchip, deceased date), shared by the pet form, the API and the
pet service, so each path refuses the same things with the same words."""

import re

from app.clinic import clinic_today
from app.i18n import _, day
from app.models.pet import MICROCHIP_DIGITS

# What the service takes besides name, birth date and type; absent ones are left as stored.
PROFILE_FIELDS = ("sex", "neutered", "breed", "colour", "microchip", "deceased_on")
MICROCHIP_PATTERN = re.compile(rf"[0-9]{{{MICROCHIP_DIGITS}}}")


def is_microchip(text):
    """Whether text is a whole microchip number: exactly 15 ASCII digits."""
    return bool(MICROCHIP_PATTERN.fullmatch(text or ""))


def microchip_problem(number):
    """Why a microchip number is not one, or None (None and "" mean no microchip)."""
    if number and not is_microchip(number):
        return _("A microchip number is %(num)d digits (ISO 11784). This one is not.",
                 num=MICROCHIP_DIGITS)
    return None


def without_separators(text):
    """A microchip number as typed from a label ("985 112 003-456 789"): spaces, dashes gone."""
    return re.sub(r"[\s-]", "", text) if isinstance(text, str) else text


def deceased_problem(deceased_on, birth_date):
    """Why a pet cannot have died on that day, or None."""
    if deceased_on is None:
        return None
    if deceased_on > clinic_today():
        return _("The date of death cannot be in the future.")
    if birth_date is not None and deceased_on < birth_date:
        return _("The date of death cannot be before the birth date.")
    return None


def booking_refusal(pet):
    """Why a pet (a Pet, or a row with its name and deceased_on) cannot be booked, or None.

    The booking service asks it under the pet's row lock; the booking and free-slot pages ask
    it first, so as not to offer a form for a pet that cannot be booked.
    """
    if pet.deceased_on is None:
        return None
    return _("%(name)s is recorded as deceased (%(day)s).", name=pet.name, day=day(pet.deceased_on))
