"""What every template can use: filters and the navigation bar."""

from flask import current_app

from app.phone import format_phone

# Navigation entries, shown once the feature that owns the endpoint is registered.
NAV_LINKS = [
    ("main.index", "Home"),
    ("owners.find", "Find owners"),
    ("vets.index", "Veterinarians"),
    ("appointments.day", "Day sheet"),
]


# Per-pet actions on the owner page, shown once their feature is registered.
PET_ACTIONS = [
    ("appointments.book", "Book appointment"),
    ("visits.new", "Add visit"),
]


def pet_actions():
    """The per-pet action links whose pages exist in this app."""
    return [(ep, label) for ep, label in PET_ACTIONS if ep in current_app.view_functions]


def nav_links():
    """The navigation entries whose pages exist in this app."""
    return [(ep, label) for ep, label in NAV_LINKS if ep in current_app.view_functions]


def register(app):
    """Install the filters and globals on the app."""
    app.add_template_filter(format_phone, "phone")
    app.add_template_filter(lambda d: d.strftime("%d %b %Y") if d else "", "day")
    app.add_template_filter(lambda t: t.strftime("%H:%M") if t else "", "hhmm")
    app.add_template_global(nav_links)
    app.add_template_global(pet_actions)
