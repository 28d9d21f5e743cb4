"""A vet's appointments as an iCalendar document (RFC 5545), built with the icalendar library.

What a feed may show: when, the pet, its species, the appointment's type and reason, and
its status. Nothing of the owner (no name, telephone, e-mail or address): a phone's
calendar is synced to other services and shown on lock screens.
"""

import functools
import hashlib
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from icalendar import Calendar, Event, Timezone, vDuration
from sqlalchemy.orm import joinedload

from app.clinic import clinic_today
from app.extensions import db
from app.models import Appointment, AppointmentStatus, Pet

# How far back a feed reaches; forward, it reaches as far as bookings can (BOOKING_HORIZON_DAYS).
PAST_DAYS = 30
# How often calendar apps are asked to fetch the feed again.
REFRESH = timedelta(minutes=15)


def feed_window():
    """(first, last) wall-clock datetimes of the appointments a feed holds, last excluded."""
    today = clinic_today()
    ahead = min(current_app.config["BOOKING_HORIZON_DAYS"], (date.max - today).days - 1)
    first = datetime.combine(today - timedelta(days=PAST_DAYS), time.min)
    return first, datetime.combine(today + timedelta(days=ahead + 1), time.min)


def feed_appointments(vet_id, first, last):
    """The vet's appointments starting in [first, last), with what their events show: one query."""
    return db.session.scalars(
        sa.select(Appointment)
        .options(joinedload(Appointment.pet).joinedload(Pet.type), joinedload(Appointment.type))
        .where(Appointment.vet_id == vet_id)
        .where(Appointment.starts_at >= first, Appointment.starts_at < last)
        .order_by(Appointment.starts_at, Appointment.id)
    ).all()


def feed_etag(vet, appointments, host, first):
    """A validator for the document these rows make, computed without building it.

    It covers everything an event shows (an appointment's version moves with each change to
    it, but a pet's or a type's new name does not), so an unchanged feed is answered 304.
    """
    shown = [
        (a.id, a.version, a.pet.name, a.pet.type.name, a.type.name if a.type else None)
        for a in appointments
    ]
    text = repr((host, first, vet.full_name, current_app.config["CLINIC_TIMEZONE"], shown))
    return hashlib.sha256(text.encode()).hexdigest()


def summary(appointment):
    """What a calendar shows of an appointment: "Leo (cat): Vaccination, yearly jab"."""
    pet = appointment.pet
    what = appointment.reason
    if appointment.type is not None:
        what = f"{appointment.type.name}, {what}"
    return f"{pet.name} ({pet.type.name}): {what}"


def appointment_event(appointment, zone, host, url_of):
    """One VEVENT: its UID names the appointment, so an update replaces the phone's copy."""
    cancelled = appointment.status is AppointmentStatus.CANCELLED
    return Event.new(
        uid=f"appointment-{appointment.id}@{host}",
        start=appointment.starts_at.replace(tzinfo=zone),
        end=appointment.ends_at.replace(tzinfo=zone),
        summary=summary(appointment),
        description=f"Status: {appointment.status.label}",
        status="CANCELLED" if cancelled else "CONFIRMED",
        # A version is 1 when the row is new; SEQUENCE starts at 0.
        sequence=appointment.version - 1,
        created=appointment.created_at,
        # Without a METHOD, DTSTAMP is the time the event last changed (RFC 5545, 3.8.7.2).
        stamp=appointment.updated_at,
        last_modified=appointment.updated_at,
        url=url_of(appointment),
    )


@functools.lru_cache(maxsize=8)
def clinic_timezone(zone_name, first_year, last_year):
    """The clinic's VTIMEZONE as the library derives it from zoneinfo, for these years.

    Its transitions cost a few milliseconds to work out and change only with the year, so
    each worker keeps the last few (the library asks for that).
    """
    return Timezone.from_tzinfo(ZoneInfo(zone_name), zone_name, date(first_year, 1, 1),
                                date(min(last_year + 1, date.max.year), 1, 1))


def vet_calendar(vet, appointments, host, first, last, url_of):
    """The feed's document as bytes; ``url_of(appointment)`` is its page (for signed-in staff)."""
    zone_name = current_app.config["CLINIC_TIMEZONE"]
    zone = ZoneInfo(zone_name)
    events = [appointment_event(a, zone, host, url_of) for a in appointments]
    calendar = Calendar.new(
        prodid="-//PetClinic//Calendar feed//EN",
        uid=f"vet-{vet.id}@{host}",
        name=f"PetClinic: {vet.full_name}",
        calscale="GREGORIAN",
        refresh_interval=REFRESH,
        # The zone comes first, before the events that name it.
        subcomponents=[clinic_timezone(zone_name, first.year, last.year), *events],
    )
    calendar.add("X-PUBLISHED-TTL", vDuration(REFRESH))
    calendar.add("X-WR-TIMEZONE", zone_name)
    return calendar.to_ical()
