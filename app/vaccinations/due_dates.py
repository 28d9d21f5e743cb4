"""When the next dose is due: calendar months after the dose, not a number of days."""

import calendar
from datetime import date


def add_months(day, months):
    """The same day of the month, ``months`` later; the month's last day where it has no such day.

    31 Jan + 1 month is 28 Feb (29 Feb in a leap year); 29 Feb + 12 months is 28 Feb.
    """
    month_index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(month_index, 12)
    last_day = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last_day))


def next_due_on(given_on, interval_months):
    """The day a vaccine given on ``given_on`` is due again."""
    return add_months(given_on, interval_months)
