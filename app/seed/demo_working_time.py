"""The demo clinic's working time, and demo appointments moved onto days their vet works."""

from datetime import datetime, time, timedelta

import sqlalchemy as sa

from app.extensions import db
from app.models import Absence, ClinicClosure, OpeningHours, RotaDay
from app.working_time.calendar import load_working_time

# Monday to Friday 08:00–18:00, Saturday morning, closed on Sunday.
DEMO_HOURS = [(time(8), time(18))] * 5 + [(time(9), time(13)), (None, None)]

# (vet last name, weekdays, starts, ends, break): a full week with a lunch break, and a part-time
# vet. The others have no rota: they work whenever the clinic is open.
DEMO_ROTAS = [
    ("Leary", range(5), time(8), time(17), (time(12), time(13))),
    ("Jenkins", (1, 3), time(9), time(15), None),
]

# A staff day on the first weekday ten days or more ahead, and a course three weeks ahead.
CLOSURE_REASON = "Staff training day"
ABSENCE = ("Ortega", 21, 23, "Surgery course")  # vet, from day, until day (midnights), reason


def closure_day(today):
    """The demo's staff day: the first Monday–Friday at least ten days after today."""
    day = today + timedelta(days=10)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def seed_working_time(vet_ids, today):
    """Give the demo clinic hours (unless it has some), rotas, a closure and an absence."""
    if not db.session.scalar(sa.select(sa.func.count()).select_from(OpeningHours)):
        db.session.execute(sa.insert(OpeningHours), [
            {"weekday": day, "opens": opens, "closes": closes}
            for day, (opens, closes) in enumerate(DEMO_HOURS)
        ])
    db.session.execute(sa.insert(RotaDay), [
        {"vet_id": vet_ids[last], "weekday": day, "starts": starts, "ends": ends,
         "break_starts": pause[0] if pause else None, "break_ends": pause[1] if pause else None}
        for last, days, starts, ends, pause in DEMO_ROTAS
        for day in days
    ])
    db.session.execute(sa.insert(ClinicClosure).values(day=closure_day(today), reason=CLOSURE_REASON))
    last, first_day, last_day, reason = ABSENCE
    db.session.execute(sa.insert(Absence).values(
        vet_id=vet_ids[last], reason=reason,
        starts_at=datetime.combine(today + timedelta(days=first_day), time.min),
        ends_at=datetime.combine(today + timedelta(days=last_day), time.min),
    ))


class DemoCalendar:
    """Where a demo appointment can go: its own day if its vet works then, else the nearest."""

    SEARCH_DAYS = 14

    def __init__(self, vets, today):
        self.vets = {vet.id: vet for vet in vets}
        self.today = today
        reach = timedelta(days=60)
        self.working_time = load_working_time(self.vets, today - reach, today + reach)

    def place(self, vet_id, day, hour, minutes):
        """The start on ``day`` or the nearest working day (later for today and after,
        earlier for the past) when the vet can be booked at ``hour`` for ``minutes``."""
        step = timedelta(days=-1 if day < self.today else 1)
        for _ in range(self.SEARCH_DAYS):
            starts_at = datetime.combine(day, time(hour))
            ends_at = starts_at + timedelta(minutes=minutes)
            if self.working_time.unavailable(self.vets[vet_id], starts_at, ends_at) is None:
                return starts_at
            day += step
        return datetime.combine(day, time(hour))
