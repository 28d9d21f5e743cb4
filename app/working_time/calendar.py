"""When vets can be booked over some days, and why a time cannot: one source for every rule.

``load_working_time(vet_ids, first_day, last_day)`` reads the clinic's hours and closures and
the vets' rotas and absences in a fixed number of statements, whatever the number of vets or
days. Its ``unavailable()`` is the rule a booking (web, API, follow-up, CLI) is checked against;
its ``windows()`` are what the schedule shades and the next-free-slot search walks.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import NamedTuple

import sqlalchemy as sa
from flask import current_app

from app.extensions import db
from app.models import Absence, ClinicClosure, OpeningHours, RotaDay
from app.models.working_time import WEEKDAYS


class Unavailable(NamedTuple):
    """Why a time cannot be booked: ``rule`` (a short key the schedule shows) and a message."""

    rule: str
    message: str
    field: str = "start_time"  # the booking form field the message belongs next to


# The rules, as the schedule labels a time that is not working time.
RULE_LABELS = {
    "closure": "Clinic closed",
    "clinic_closed": "Clinic closed",
    "clinic_hours": "Clinic closed",
    "day_off": "Not working",
    "vet_hours": "Not working",
    "break": "Break",
    "absence": "Away",
}


def default_hours():
    """Every weekday CLINIC_OPENS–CLINIC_CLOSES: a clinic that has not set its own hours."""
    config = current_app.config
    return {weekday: (config["CLINIC_OPENS"], config["CLINIC_CLOSES"]) for weekday in range(7)}


def clinic_hours():
    """{weekday: (opens, closes) or None when closed}: the table, or the defaults if it is empty."""
    rows = db.session.scalars(sa.select(OpeningHours)).all()
    if not rows:
        return default_hours()
    hours = dict.fromkeys(range(7))
    for row in rows:
        hours[row.weekday] = (row.opens, row.closes) if row.opens is not None else None
    return hours


def offset(clock):
    """A time of day as the time since midnight."""
    return timedelta(hours=clock.hour, minutes=clock.minute, seconds=clock.second)


def within(starts_at, ends_at, opens, closes):
    """Whether [starts_at, ends_at) lies between two times of starts_at's day."""
    midnight = datetime.combine(starts_at.date(), time.min)
    return starts_at - midnight >= offset(opens) and ends_at - midnight <= offset(closes)


def span_text(starts_at, ends_at):
    """An absence's span as staff read it."""
    if starts_at.date() == ends_at.date():
        return f"on {starts_at:%d %b %Y}, {starts_at:%H:%M}–{ends_at:%H:%M}"
    return f"from {starts_at:%d %b %Y %H:%M} to {ends_at:%d %b %Y %H:%M}"


@dataclass(frozen=True)
class WorkingTime:
    """The working time of some vets over some days (built by load_working_time)."""

    hours: dict  # weekday -> (opens, closes) | None
    closures: dict  # date -> reason
    rotas: dict  # vet_id -> {weekday: RotaDay}; absent for a vet without a rota
    absences: dict  # vet_id -> [Absence], by start

    def opening(self, day):
        """(opens, closes) of the clinic on ``day``, or None when it is closed."""
        if day in self.closures:
            return None
        return self.hours[day.weekday()]

    def unavailable(self, vet, starts_at, ends_at):
        """Why ``vet`` cannot be booked for [starts_at, ends_at), or None when they can.

        The rules in order: a closure, the clinic's weekday and hours, the vet's rota day,
        hours and break, then their absences.
        """
        day, weekday = starts_at.date(), WEEKDAYS[starts_at.weekday()]
        if day in self.closures:
            return Unavailable(
                "closure", f"The clinic is closed on {day:%d %b %Y} ({self.closures[day]}).", "date"
            )
        opening = self.hours[day.weekday()]
        if opening is None:
            return Unavailable("clinic_closed", f"The clinic is closed on {weekday}s.", "date")
        opens, closes = opening
        if not within(starts_at, ends_at, opens, closes):
            return Unavailable(
                "clinic_hours",
                f"Outside clinic hours on {weekday}s ({opens:%H:%M}–{closes:%H:%M}): the "
                f"appointment must start and end within them.",
            )
        rota = self.rotas.get(vet.id)
        if rota is not None:
            shift = rota.get(day.weekday())
            if shift is None:
                return Unavailable("day_off", f"{vet.full_name} does not work on {weekday}s.", "date")
            if not within(starts_at, ends_at, shift.starts, shift.ends):
                return Unavailable(
                    "vet_hours",
                    f"Outside {vet.full_name}'s hours on {weekday}s "
                    f"({shift.starts:%H:%M}–{shift.ends:%H:%M}).",
                )
            if shift.break_starts is not None and not (
                within(starts_at, ends_at, shift.starts, shift.break_starts)
                or within(starts_at, ends_at, shift.break_ends, shift.ends)
            ):
                return Unavailable(
                    "break",
                    f"{vet.full_name} has a break {shift.break_starts:%H:%M}–"
                    f"{shift.break_ends:%H:%M} on {weekday}s.",
                )
        for absence in self.absences.get(vet.id, ()):
            if absence.starts_at < ends_at and absence.ends_at > starts_at:
                return Unavailable(
                    "absence",
                    f"{vet.full_name} is away {span_text(absence.starts_at, absence.ends_at)} "
                    f"({absence.reason}).",
                )
        return None

    def windows(self, vet_id, day):
        """The vet's bookable periods of ``day``: [(starts_at, ends_at)], in order."""
        opening = self.opening(day)
        if opening is None:
            return []
        opens, closes = opening
        spans = [(opens, closes)]
        rota = self.rotas.get(vet_id)
        if rota is not None:
            shift = rota.get(day.weekday())
            if shift is None:
                return []
            spans = [(max(opens, shift.starts), min(closes, shift.ends))]
            if shift.break_starts is not None:
                (start, end), = spans
                spans = [(start, min(end, shift.break_starts)), (max(start, shift.break_ends), end)]
        periods = [
            (datetime.combine(day, start), datetime.combine(day, end))
            for start, end in spans
            if start < end
        ]
        for absence in self.absences.get(vet_id, ()):
            periods = list(_without(periods, absence.starts_at, absence.ends_at))
        return periods


def _without(periods, starts_at, ends_at):
    """The periods with [starts_at, ends_at) taken out."""
    for start, end in periods:
        if ends_at <= start or starts_at >= end:
            yield start, end
            continue
        if start < starts_at:
            yield start, starts_at
        if ends_at < end:
            yield ends_at, end


def load_working_time(vet_ids, first_day, last_day):
    """The working time of these vets from first_day to last_day (inclusive), in four queries."""
    vet_ids = list(vet_ids)
    closures = dict(
        db.session.execute(
            sa.select(ClinicClosure.day, ClinicClosure.reason).where(
                ClinicClosure.day.between(first_day, last_day)
            )
        ).all()
    )
    rotas, absences = {}, {}
    if vet_ids:
        for row in db.session.scalars(sa.select(RotaDay).where(RotaDay.vet_id.in_(vet_ids))):
            rotas.setdefault(row.vet_id, {})[row.weekday] = row
        start = datetime.combine(first_day, time.min)
        end = datetime.combine(last_day, time.min) + timedelta(days=1)
        for absence in db.session.scalars(
            sa.select(Absence)
            .where(Absence.vet_id.in_(vet_ids), Absence.starts_at < end, Absence.ends_at > start)
            .order_by(Absence.starts_at)
        ):
            absences.setdefault(absence.vet_id, []).append(absence)
    return WorkingTime(clinic_hours(), closures, rotas, absences)
