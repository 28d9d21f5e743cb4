"""The schedule's query string: ?date=&view=&vet=&pet=&type=&cancelled=, read strictly.

A value that cannot be meant (a date that is no date, a view that does not exist) is a 4xx
page that says what is wrong, never a guess and never a 500.
"""

import re
from dataclasses import dataclass, replace
from datetime import date, timedelta

from flask import abort

from app.clinic import clinic_today
from app.i18n import _, _l
from app.routing import MAX_ID

VIEWS = ("day", "week")
CANCELLED = ("hide", "show")
WEEK = timedelta(days=7)
ID = re.compile(r"[0-9]{1,10}")
# What a 404 says of an id that names nothing, by what it should name.
NO_SUCH = {
    "vet": _l("There is no vet %(value)s."),
    "pet": _l("There is no pet %(value)s."),
    "appointment type": _l("There is no appointment type %(value)s."),
}


@dataclass(frozen=True)
class ScheduleArgs:
    """What a schedule URL asks for."""

    day: date
    view: str = "day"
    vet_id: int | None = None
    pet_id: int | None = None
    cancelled: str = "hide"
    type_id: int | None = None  # an appointment type: its free slots link for its length

    @property
    def show_cancelled(self):
        """Whether cancelled appointments are drawn (struck through)."""
        return self.cancelled == "show"

    @property
    def monday(self):
        """The Monday of the week of ``day``."""
        return self.day - timedelta(days=self.day.weekday())

    def days(self):
        """The days shown: the day, or the seven days of its week from Monday."""
        if self.view == "day":
            return [self.day]
        return [self.monday + timedelta(days=n) for n in range(7)]

    def step(self):
        """How far previous and next move: a day or a week."""
        return timedelta(days=1) if self.view == "day" else WEEK

    def query(self, **changes):
        """The URL arguments of this schedule with some changed (None drops an argument)."""
        moved = replace(self, **changes)
        values = {
            "date": moved.day.isoformat(),
            "view": moved.view if moved.view != "day" else None,
            "vet": moved.vet_id,
            "pet": moved.pet_id,
            "type": moved.type_id,
            "cancelled": moved.cancelled if moved.show_cancelled else None,
        }
        return {name: value for name, value in values.items() if value is not None}


def read_id(raw, what):
    """An id from the query string, or None when absent; a 404 for anything else."""
    if raw is None or raw == "":
        return None
    if not ID.fullmatch(raw) or not 1 <= int(raw) <= MAX_ID:
        abort(404, description=NO_SUCH[what] % {"value": repr(raw[:40])})
    return int(raw)


def read_choice(args, name, choices):
    """One of ``choices`` (the first when absent); a 400 for another word."""
    raw = args.get(name) or choices[0]
    if raw not in choices:
        abort(400, description=_("%(name)s must be one of: %(choices)s.", name=name,
                                 choices=", ".join(choices)))
    return raw


def read_day(raw):
    """The ?date= day (today when absent); a 404 for something that is not a date."""
    if not raw:
        return clinic_today()
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        abort(404, description=_("The date must be written as YYYY-MM-DD."))
    # The page links to the week either side: the calendar's first and last weeks have none.
    if not date.min + 2 * WEEK <= day <= date.max - 2 * WEEK:
        abort(404, description=_("There is no schedule for that date."))
    return day


def schedule_args(args):
    """The ScheduleArgs of a request's query string."""
    return ScheduleArgs(
        day=read_day(args.get("date")),
        view=read_choice(args, "view", VIEWS),
        vet_id=read_id(args.get("vet"), "vet"),
        pet_id=read_id(args.get("pet"), "pet"),
        type_id=read_id(args.get("type"), "appointment type"),
        cancelled=read_choice(args, "cancelled", CANCELLED),
    )
