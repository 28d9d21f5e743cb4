"""What every template can use: filters, the navigation bar and per-pet actions."""

from flask import current_app

from app.auth.permissions import can
from app.clinic import clinic_now
from app.concurrency import CHANGED_MEANWHILE
from app.phone import format_phone

# (endpoint, label, permission): shown once the feature is registered and the role allows.
NAV_LINKS = [
    ("main.index", "Home", None),
    ("owners.find", "Find owners", "owners.view"),
    ("vets.index", "Veterinarians", "vets.view"),
    ("appointments.day", "Day sheet", "appointments.view"),
    ("reminders.due_list", "Reminders", "reminders.view"),
    ("users.index", "Staff accounts", "users.manage"),
    ("reference.index", "Pet types & specialties", "reference.manage"),
]

PET_ACTIONS = [
    ("appointments.book", "Book appointment", "appointments.book"),
    ("free_slots.find", "Find free slots", "appointments.book"),
    ("visits.new", "Add visit", "visits.record"),
    ("vaccinations.index", "Vaccinations", "owners.view"),
]


def _allowed(entries):
    """(endpoint, label) of the entries whose page exists and which the user may open."""
    return [
        (endpoint, label)
        for endpoint, label, permission in entries
        if endpoint in current_app.view_functions and (permission is None or can(permission))
    ]


def nav_links():
    """The navigation entries for the current user."""
    return _allowed(NAV_LINKS)


def pet_actions():
    """The per-pet action links for the current user."""
    return _allowed(PET_ACTIONS)


def register(app):
    """Install the filters and globals on the app."""
    app.add_template_filter(format_phone, "phone")
    app.add_template_filter(lambda d: d.strftime("%d %b %Y") if d else "", "day")
    app.add_template_filter(lambda t: t.strftime("%H:%M") if t else "", "hhmm")
    app.add_template_filter(lambda t: t.strftime("%d %b %Y %H:%M UTC") if t else "", "utc")
    app.add_template_global(nav_links)
    app.add_template_global(pet_actions)
    app.add_template_global(clinic_now)
    app.add_template_global(CHANGED_MEANWHILE, "changed_meanwhile")
