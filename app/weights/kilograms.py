"""Kilograms as people type them, and the one rule that flags a change in weight."""

import re
from dataclasses import dataclass
from decimal import ROUND_UP, Decimal

from babel import numbers

from app.i18n import _, _l, current_locale
from app.models.weight import HUNDREDTH, MAX_KILOGRAMS

# Digits, then optionally a decimal point or comma and more digits. ASCII digits only: other
# scripts' digits are no weight anyone types on the clinic's keyboards.
_NUMBER = re.compile(r"(?P<whole>[0-9]*)(?:[.,](?P<places>[0-9]*))?", re.ASCII)
HOW_TO_WRITE = _l("Enter the weight in kilograms, e.g. 4.5 or 12.35.")
# The flag: a change of more than this fraction of the previous weight.
FLAG_FRACTION = Decimal("0.10")
FLAG_PERCENT = int(FLAG_FRACTION * 100)  # as the pages say it: "more than 10 %"


def decimal(value, places=None):
    """A Decimal as the page's language writes it, with its own places unless ``places``
    (4.50, or 4,50), never grouped: English writes it exactly as str() does."""
    if places is None:
        places = max(0, -value.as_tuple().exponent)
    pattern = "0." + "0" * places if places else "0"
    return numbers.format_decimal(value, format=pattern, locale=_locale())


def _locale():
    """The page's language; English outside an app (a rule checked on its own)."""
    return current_locale() or "en"


class KilogramsRefused(ValueError):
    """Text that is not a weight this clinic records."""


def parse_kilograms(text):
    """The Decimal weight written in ``text`` ("4.5", "4,5", "12.35"); KilogramsRefused if none.

    A decimal comma is read as a decimal point ("4,5" is 4.50 kg), as many scales and
    people write it; "1,250" has three decimals and is refused, so a thousands separator
    can never turn 1250 kg into 1.25 kg.
    """
    text = text.strip()
    if text.startswith("-"):
        raise KilogramsRefused(_("A weight is more than 0 kg."))
    match = _NUMBER.fullmatch(text)
    if not match or not (match["whole"] or match["places"]):
        raise KilogramsRefused(str(HOW_TO_WRITE))
    whole, places = match["whole"].lstrip("0"), match["places"] or ""
    if len(places) > 2:
        raise KilogramsRefused(
            _("Use at most two decimals (and no thousands separator), e.g. 4.25 or 1250.")
        )
    # Checked on the digits, before any conversion: a thousand-digit number is just too big.
    if len(whole) > len(str(int(MAX_KILOGRAMS))):
        raise KilogramsRefused(_("A weight is at most %(kg)s kg.", kg=decimal(MAX_KILOGRAMS)))
    return checked_kilograms(Decimal(f"{whole or 0}.{places or 0}").quantize(HUNDREDTH))


def checked_kilograms(value):
    """``value`` (a Decimal of at most two places) if it is a weight at all; else KilogramsRefused."""
    if value <= 0:
        raise KilogramsRefused(_("A weight is more than 0 kg."))
    if value > MAX_KILOGRAMS:
        raise KilogramsRefused(_("A weight is at most %(kg)s kg.", kg=decimal(MAX_KILOGRAMS)))
    return value


@dataclass(frozen=True)
class Change:
    """How a weight differs from the previous one: percent (signed) and whether it is flagged."""

    percent: Decimal
    flagged: bool
    since: object  # the previous weight's date

    @property
    def label(self):
        """'+12.5 %' or '-3.0 %'."""
        signed = numbers.format_decimal(self.percent, format="+0.0;-0.0", locale=_locale())
        return f"{signed} %"


def weight_change(previous, current, since=None):
    """The change from the previous weight to this one; flagged when it is more than 10 %.

    The one rule for pages, chart and API. Exact: |current - previous| > 10 % of previous,
    in Decimals. The percent shown is rounded away from zero to one place, so it never
    contradicts the flag: a change of exactly 10 % shows 10.0 and is not flagged; 10.01 %
    shows 10.1 and is.
    """
    difference = current - previous
    flagged = abs(difference) > previous * FLAG_FRACTION
    percent = (difference * 100 / previous).quantize(Decimal("0.1"), rounding=ROUND_UP)
    return Change(percent=percent, flagged=flagged, since=since)
