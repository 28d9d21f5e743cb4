"""A booking form filled from its URL: ?type_id=&vet_id=&date=&start_time=HH:MM&duration_minutes=
&reason=.

The schedule's free slots and the reminders' due list link here. A value that cannot be used is left out, never an error:
the form is still there to fill in by hand.
"""

from datetime import date, datetime, time

from app.appointments.schedule import has_day_sheet
from app.models import Appointment
from app.models.appointment import MAX_DURATION, MIN_DURATION
from app.reference.appointment_types import appointment_type_or_none
from app.routing import MAX_ID
from app.validation import max_length


def _whole(raw, low, high):
    """A whole number from low to high written in decimal digits, or None."""
    if raw is None or not raw.isascii() or not raw.isdigit() or len(raw) > 10:
        return None
    number = int(raw)
    return number if low <= number <= high else None


def _day(raw):
    """A YYYY-MM-DD date, or None."""
    try:
        day = date.fromisoformat(raw or "")
    except ValueError:
        return None
    return day if has_day_sheet(day) else None


def _clock(raw):
    """An HH:MM (or HH:MM:SS) time of day, to the minute, or None."""
    for pattern in ("%H:%M", "%H:%M:%S"):
        try:
            return datetime.strptime(raw or "", pattern).time().replace(second=0)
        except ValueError:
            continue
    return None


def booking_prefill(args):
    """{field: value} of the booking fields that ``args`` (a query string) gives usably."""
    values = {
        "vet_id": _whole(args.get("vet_id"), 1, MAX_ID),
        "date": _day(args.get("date")),
        "start_time": _clock(args.get("start_time")),
        "duration_minutes": _whole(args.get("duration_minutes"), MIN_DURATION, MAX_DURATION),
    }
    return {name: value for name, value in values.items() if value is not None}


def prefill_booking_form(form, args):
    """Fill the booking form's fields that the query string gives; a type also gives its
    duration, unless the query string gives one."""
    values = booking_prefill(args)
    type_id = _whole(args.get("type_id"), 1, MAX_ID)
    kind = appointment_type_or_none(type_id) if type_id is not None else None
    if kind is not None:
        values["type_id"] = kind.id
        values.setdefault("duration_minutes", kind.duration_minutes)
    # "Book" on a reminder row names what the booking is for (?reason=Vaccination: rabies).
    reason = args.get("reason", "")[: max_length(Appointment.reason)].strip()
    if reason:
        values["reason"] = reason
    for name, value in values.items():
        form[name].data = value


def slot_query(values):
    """The query string arguments of booking_prefill's values (to carry them on)."""
    written = {
        name: value.strftime("%H:%M") if isinstance(value, time) else
        value.isoformat() if isinstance(value, date) else str(value)
        for name, value in values.items()
    }
    return written


def booking_query(vet_id, starts_at, minutes):
    """The query string arguments that book ``vet_id`` at ``starts_at`` for ``minutes``."""
    return {
        "vet_id": vet_id,
        "date": starts_at.date().isoformat(),
        "start_time": starts_at.strftime("%H:%M"),
        "duration_minutes": minutes,
    }
