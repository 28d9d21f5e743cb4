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
from app.i18n import _, _l, day, day_and_time
from app.models import Absence, ClinicClosure, OpeningHours, RotaDay


class Unavailable(NamedTuple):
    """Why a time cannot be booked: ``rule`` (a short key the schedule shows) and a message."""

    rule: str
    message: str
    field: str = "start_time"  # the booking form field the message belongs next to


# The rules, as the schedule labels a time that is not working time.
RULE_LABELS = {
    "closure": _l("Clinic closed"),
    "clinic_closed": _l("Clinic closed"),
    "clinic_hours": _l("Clinic closed"),
    "day_off": _l("Not working"),
    "vet_hours": _l("Not working"),
    "break": _l("Break"),
    "absence": _l("Away"),
}

# A weekday as the rules' sentences say it, every week, Monday first (date.weekday()).
ON_WEEKDAYS = (
    # TRANSLATORS: "on Mondays" ... fill %(on_weekdays)s in "The clinic is closed
    # %(on_weekdays)s." and the other working-time refusals: write your language's form
    # there ("los lunes", "le lundi", "montags").
    _l("on Mondays"),
    _l("on Tuesdays"),
    _l("on Wednesdays"),
    _l("on Thursdays"),
    _l("on Fridays"),
    _l("on Saturdays"),
    _l("on Sundays"),
)


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


def hhmm(clock):
    """A time of day as HH:MM, as every language writes it here ('' for none)."""
    return f"{clock:%H:%M}" if clock else ""


def offset(clock):
    """A time of day as the time since midnight."""
    return timedelta(hours=clock.hour, minutes=clock.minute, seconds=clock.second)


def within(starts_at, ends_at, opens, closes):
    """Whether [starts_at, ends_at) lies between two times of starts_at's day."""
    midnight = datetime.combine(starts_at.date(), time.min)
    return starts_at - midnight >= offset(opens) and ends_at - midnight <= offset(closes)


def away_text(vet, absence):
    """Why an absence refuses a time, its span as staff read it."""
    starts_at, ends_at = absence.starts_at, absence.ends_at
    if starts_at.date() == ends_at.date():
        return _("%(vet)s is away on %(day)s, %(starts)s–%(ends)s (%(reason)s).",
                 vet=vet.full_name, day=day(starts_at), starts=hhmm(starts_at),
                 ends=hhmm(ends_at), reason=absence.reason)
    return _("%(vet)s is away from %(starts)s to %(ends)s (%(reason)s).", vet=vet.full_name,
             starts=day_and_time(starts_at), ends=day_and_time(ends_at), reason=absence.reason)


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
        on_day, on_weekdays = starts_at.date(), ON_WEEKDAYS[starts_at.weekday()]
        if on_day in self.closures:
            return Unavailable(
                "closure",
                _("The clinic is closed on %(day)s (%(reason)s).", day=day(on_day),
                  reason=self.closures[on_day]),
                "date",
            )
        opening = self.hours[on_day.weekday()]
        if opening is None:
            return Unavailable(
                "clinic_closed",
                _("The clinic is closed %(on_weekdays)s.", on_weekdays=on_weekdays),
                "date",
            )
        opens, closes = opening
        if not within(starts_at, ends_at, opens, closes):
            return Unavailable(
                "clinic_hours",
                _("Outside clinic hours %(on_weekdays)s (%(opens)s–%(closes)s): the appointment "
                  "must start and end within them.", on_weekdays=on_weekdays,
                  opens=hhmm(opens), closes=hhmm(closes)),
            )
        rota = self.rotas.get(vet.id)
        if rota is not None:
            shift = rota.get(on_day.weekday())
            if shift is None:
                return Unavailable(
                    "day_off",
                    _("%(vet)s does not work %(on_weekdays)s.", vet=vet.full_name,
                      on_weekdays=on_weekdays),
                    "date",
                )
            if not within(starts_at, ends_at, shift.starts, shift.ends):
                return Unavailable(
                    "vet_hours",
                    _("Outside %(vet)s's hours %(on_weekdays)s (%(starts)s–%(ends)s).",
                      vet=vet.full_name, on_weekdays=on_weekdays,
                      starts=hhmm(shift.starts), ends=hhmm(shift.ends)),
                )
            if shift.break_starts is not None and not (
                within(starts_at, ends_at, shift.starts, shift.break_starts)
                or within(starts_at, ends_at, shift.break_ends, shift.ends)
            ):
                return Unavailable(
                    "break",
                    _("%(vet)s has a break %(starts)s–%(ends)s %(on_weekdays)s.",
                      vet=vet.full_name, starts=hhmm(shift.break_starts),
                      ends=hhmm(shift.break_ends), on_weekdays=on_weekdays),
                )
        for absence in self.absences.get(vet.id, ()):
            if absence.starts_at < ends_at and absence.ends_at > starts_at:
                return Unavailable("absence", away_text(vet, absence))
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
