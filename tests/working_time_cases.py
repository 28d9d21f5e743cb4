"""Every working-time rule as a case that each booking path (a new booking, a reschedule, a
follow-up at completion, the JSON API) is tested against.

A case sets up working time around a Wednesday a few days ahead (the tests hold whatever the
weekday they run on), names a time that rule refuses with its words, and a time nearby that
the same set-up allows, so the rule is shown to be the one refusing.
"""

from datetime import datetime, time, timedelta

import pytest

from app.models import Absence, ClinicClosure, OpeningHours, RotaDay

WEDNESDAY = 2


def wednesday_ahead(today):
    """The first Wednesday at least two days after today."""
    day = today + timedelta(days=2)
    return day + timedelta(days=(WEDNESDAY - day.weekday()) % 7)


def week_of_hours(session, **changes):
    """Give the clinic all seven rows, 08:00–18:00, except weekdays (by number) in changes."""
    for weekday in range(7):
        opens, closes = changes.get(f"d{weekday}", (time(8), time(18)))
        session.add(OpeningHours(weekday=weekday, opens=opens, closes=closes))


def clinic_closed(session, vet_id, day):
    week_of_hours(session, **{f"d{WEDNESDAY}": (None, None)})


def clinic_hours(session, vet_id, day):
    week_of_hours(session, **{f"d{WEDNESDAY}": (time(9), time(13))})


def closure(session, vet_id, day):
    session.add(ClinicClosure(day=day, reason="Staff training"))


def day_off(session, vet_id, day):
    session.add(RotaDay(vet_id=vet_id, weekday=WEDNESDAY + 1, starts=time(8), ends=time(18)))


def vet_hours(session, vet_id, day):
    session.add(RotaDay(vet_id=vet_id, weekday=WEDNESDAY, starts=time(12), ends=time(17)))


def lunch_break(session, vet_id, day):
    session.add(RotaDay(vet_id=vet_id, weekday=WEDNESDAY, starts=time(8), ends=time(17),
                        break_starts=time(12), break_ends=time(13)))


def absence(session, vet_id, day):
    session.add(Absence(vet_id=vet_id, starts_at=datetime.combine(day, time(9)),
                        ends_at=datetime.combine(day, time(11)), reason="Course"))


def nothing(session, vet_id, day):
    """The horizon needs no working time: the defaults apply every day."""


# (rule, set-up, refused (days after the Wednesday, HH:MM), its words, allowed (days, HH:MM)).
# The horizon's days are counted from its last bookable day instead. Words may name {day}.
RULES = [
    ("clinic_closed", clinic_closed, (0, "10:00"), "The clinic is closed on Wednesdays.",
     (1, "10:00")),
    ("clinic_hours", clinic_hours, (0, "13:00"),
     "Outside clinic hours on Wednesdays (09:00–13:00)", (0, "12:30")),
    ("closure", closure, (0, "10:00"), "The clinic is closed on {day:%d %b %Y} (Staff training).",
     (1, "10:00")),
    ("day_off", day_off, (0, "10:00"), "James Carter does not work on Wednesdays.", (1, "10:00")),
    ("vet_hours", vet_hours, (0, "11:45"),
     "Outside James Carter's hours on Wednesdays (12:00–17:00).", (0, "12:00")),
    ("break", lunch_break, (0, "11:45"), "James Carter has a break 12:00–13:00 on Wednesdays.",
     (0, "13:00")),
    ("absence", absence, (0, "10:45"),
     "James Carter is away on {day:%d %b %Y}, 09:00–11:00 (Course).", (0, "11:00")),
    ("horizon", nothing, (1, "10:00"), "Bookings open up to 365 days ahead", (0, "10:00")),
]

CASES = [pytest.param(*case[1:], id=case[0]) for case in RULES]


def when(base, offset, at):
    """The datetime of a case's (days, HH:MM), counted from ``base``."""
    hour, minute = map(int, at.split(":"))
    return datetime.combine(base + timedelta(days=offset), time(hour, minute))


def horizon_day(today):
    """The last day that can be booked (BOOKING_HORIZON_DAYS, 365, after today)."""
    return today + timedelta(days=365)


def moments(setup, refused, allowed, day, today):
    """(refused datetime, allowed datetime) of a case: from the Wednesday, or the horizon."""
    base = horizon_day(today) if setup is nothing else day
    return when(base, *refused), when(base, *allowed)


def set_up(dbs, setup, vet_id, day):
    """Apply a case's working time and commit it."""
    with dbs() as session:
        setup(session, vet_id, day)
        session.commit()
