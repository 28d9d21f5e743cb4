"""The next dose is due calendar months after the dose: month ends and leap days, with Hypothesis."""

import calendar
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.models.vaccination import MAX_INTERVAL_MONTHS
from app.vaccinations.due_dates import add_months, next_due_on


@pytest.mark.parametrize(
    ("given_on", "months", "due"),
    [
        (date(2025, 1, 31), 1, date(2025, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),   # a leap year's February
        (date(2024, 2, 29), 12, date(2025, 2, 28)),  # a leap day, a year on
        (date(2024, 2, 29), 48, date(2028, 2, 29)),  # four years on: a leap day again
        (date(2024, 2, 29), 36, date(2027, 2, 28)),
        (date(2025, 3, 31), 1, date(2025, 4, 30)),
        (date(2025, 8, 31), 6, date(2026, 2, 28)),
        (date(2025, 12, 15), 1, date(2026, 1, 15)),  # into the next year
        (date(2025, 11, 30), 3, date(2026, 2, 28)),
        (date(2025, 5, 17), 12, date(2026, 5, 17)),
        (date(2099, 12, 31), 120, date(2109, 12, 31)),
    ],
)
def test_month_ends_and_leap_days(given_on, months, due):
    assert next_due_on(given_on, months) == due


def months_between(earlier, later):
    """Whole calendar months from one date's month to another's."""
    return (later.year - earlier.year) * 12 + later.month - earlier.month


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)),
       st.integers(min_value=1, max_value=MAX_INTERVAL_MONTHS))
def test_due_is_exactly_months_apart_on_the_same_day_or_the_months_last(given_on, months):
    due = add_months(given_on, months)
    assert months_between(given_on, due) == months
    last_day = calendar.monthrange(due.year, due.month)[1]
    # The same day of the month when the month has it, else the month's last day.
    assert due.day == min(given_on.day, last_day)
    assert due > given_on


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)),
       st.integers(min_value=1, max_value=60), st.integers(min_value=1, max_value=60))
def test_a_day_that_every_month_has_adds_up_month_by_month(given_on, first, second):
    # Days 1-28 exist in every month, so no clamping happens and additions compose.
    start = given_on.replace(day=min(given_on.day, 28))
    assert add_months(add_months(start, first), second) == add_months(start, first + second)
