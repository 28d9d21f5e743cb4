"""The schedule's query string: ?date=&view=&vet=&pet=&type=&cancelled=, read strictly.

A value that cannot be meant (a date that is no date, a view that does not exist) is a 4xx
page that says what is wrong, never a guess and never a 500.
"""

import re
from dataclasses import dataclass, replace
from datetime import date, timedelta

from flask import abort

from app.clinic import clinic_today
from app.routing import MAX_ID

VIEWS = ("day", "week")
CANCELLED = ("hide", "show")
WEEK = timedelta(days=7)
ID = re.compile(r"[0-9]{1,10}")


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
        abort(404, description=f"There is no {what} {raw[:40]!r}.")
    return int(raw)


def read_choice(args, name, choices):
    """One of ``choices`` (the first when absent); a 400 for another word."""
    raw = args.get(name) or choices[0]
    if raw not in choices:
        abort(400, description=f"{name} must be one of: {', '.join(choices)}.")
    return raw


def read_day(raw):
    """The ?date= day (today when absent); a 404 for something that is not a date."""
    if not raw:
        return clinic_today()
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        abort(404, description="The date must be written as YYYY-MM-DD.")
    # The page links to the week either side: the calendar's first and last weeks have none.
    if not date.min + 2 * WEEK <= day <= date.max - 2 * WEEK:
        abort(404, description="There is no schedule for that date.")
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
