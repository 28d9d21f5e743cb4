"""What every template can use: filters, the navigation bar and per-pet actions."""

import functools

from flask import current_app, g, has_request_context, request
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from app.auth.permissions import granted
from app.clinic import clinic_now
from app.concurrency import CHANGED_MEANWHILE
from app.forms import CHOOSE
from app.i18n import _, _l, current_locale, day_and_time
from app.phone import format_phone

# (endpoint, label, permission): shown once the feature is registered and the role allows.
NAV_LINKS = [
    ("main.index", _l("Home"), None),
    ("owners.find", _l("Find owners"), "owners.view"),
    ("vets.index", _l("Veterinarians"), "vets.view"),
    ("schedule.grid", _l("Schedule"), "appointments.view"),
    ("appointments.day", _l("Day sheet"), "appointments.view"),
    ("reminders.due_list", _l("Reminders"), "reminders.view"),
    ("users.index", _l("Staff accounts"), "users.manage"),
    ("reference.index", _l("Reference data"), "reference.manage"),
    ("working_time.clinic", _l("Working time"), "schedule.manage"),
    ("messages.outbox", _l("Outbox"), "messages.manage"),
    ("message_templates.index", _l("Message templates"), "messages.manage"),
    ("audit_log.index", _l("Audit trail"), "audit.view"),
    ("api_docs.docs", _l("API docs"), "api.docs"),
]

PET_ACTIONS = [
    ("appointments.book", _l("Book appointment"), "appointments.book"),
    ("free_slots.find", _l("Find free slots"), "appointments.book"),
    ("visits.new", _l("Add visit"), "visits.record"),
    ("weights.index", _l("Weights"), "owners.view"),
    ("vaccinations.index", _l("Vaccinations"), "owners.view"),
]
# Not offered for a deceased pet (a visit can still be recorded: the record stays open).
LIVING_PETS_ONLY = {"appointments.book", "free_slots.find"}


def _allowed(entries):
    """(endpoint, label) of the entries whose page exists and which the user may open."""
    views, permissions = current_app.view_functions, granted()
    return [
        (endpoint, str(label))  # the label in the request's language
        for endpoint, label, permission in entries
        if endpoint in views and (permission is None or permission in permissions)
    ]


def nav_links():
    """The navigation entries for the current user."""
    return _allowed(NAV_LINKS)


def navigation():
    """The navigation bar's links and search box (templates/_navigation.html) for this page.

    They depend on nothing but the role's permissions, the language, the page's own link and
    the app's mount point, so each such bar is rendered once per worker and kept (at most
    NAVIGATIONS of them); no clinic data is in it. The signed-in user's name and the
    sign-out form's CSRF token are drawn by base.html on every request.
    """
    render = current_app.extensions["navigation"]
    return render(granted(), str(current_locale()), request.endpoint, request.script_root)


NAVIGATIONS = 1024  # 4 roles x 4 languages x every page's own link, with room to spare


def _navigation_renderer(app):
    @functools.lru_cache(maxsize=NAVIGATIONS)
    def render(permissions, locale, active, script_root):
        template = app.jinja_env.get_template("_navigation.html")
        return Markup(template.render(links=nav_links(), active=active,
                                      search="owners.view" in permissions))

    return render


def pet_actions(pet=None):
    """The per-pet action links for the current user (and that pet: none to book if deceased)."""
    actions = _allowed(PET_ACTIONS)
    if pet is not None and pet.deceased_on is not None:
        actions = [(endpoint, label) for endpoint, label in actions
                   if endpoint not in LIVING_PETS_ONLY]
    return actions


def status_actions_page():
    """What every row's status buttons on one page share (templates/appointments/_actions.html):
    the clinic's clock, the user's permissions, the forms' CSRF token and the buttons' labels.
    The day sheet asks once for its hundreds of rows."""
    permissions = granted()
    return {
        "now": clinic_now(),
        "book": "appointments.book" in permissions,
        "complete": "appointments.complete" in permissions,
        "token": generate_csrf(),
        "labels": {"check-in": _("Check in"), "no-show": _("No show"), "cancel": _("Cancel"),
                   "complete": _("Complete")},
    }


def error_id(field, index=0):
    """The id of a form field's ``index``-th error message, which aria-describedby names."""
    return f"{field.id}-error" + (f"-{index + 1}" if index else "")


def invalid_field_attributes(field, attributes):
    """The attributes of a field that has errors: ``attributes`` plus aria-invalid,
    aria-describedby naming its error messages (after any description given) and, on the
    page's first invalid field, autofocus, so that a failed submit lands on what to correct
    (templates/bootstrap5/form.html draws them)."""
    attributes = dict(attributes)
    described = [attributes.pop(name) for name in ("aria_describedby", "aria-describedby")
                 if attributes.get(name)]
    described += [error_id(field, index) for index in range(len(field.errors))]
    attributes.update({"aria-invalid": "true", "aria-describedby": " ".join(described)})
    if has_request_context() and "first_invalid_field" not in g:
        g.first_invalid_field = field.id
        attributes["autofocus"] = True
    return attributes


def register(app):
    """Install the filters and globals on the app."""
    app.add_template_filter(format_phone, "phone")
    app.add_template_filter(lambda t: t.strftime("%H:%M") if t else "", "hhmm")
    app.add_template_filter(lambda t: f"{day_and_time(t)} UTC" if t else "", "utc")
    app.extensions["navigation"] = _navigation_renderer(app)
    app.add_template_global(navigation)
    app.add_template_global(pet_actions)
    app.add_template_global(status_actions_page)
    app.add_template_global(clinic_now)
    app.add_template_global(lambda: current_app.config["CLINIC_TIMEZONE"], "clinic_zone")
    app.add_template_global(CHOOSE, "choose")
    app.add_template_global(CHANGED_MEANWHILE, "changed_meanwhile")
    app.add_template_global(error_id)
    app.add_template_global(invalid_field_attributes)
