"""Render a message of a kind from its templates: templates/email/<kind>.txt and <kind>.html.

The text template holds the subject too (``{% block subject %}``). Flask's environment
autoescapes by file name (select_jinja_autoescape): the .html templates are escaped, the .txt
ones are not, so an owner's name with an ampersand reads right in both. Appointment times are
the clinic's wall-clock time, as everywhere in the app. A message is written in the owner's
language, else the clinic's (app/i18n.py), whoever sends it.
"""

from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app

from app.i18n import _, for_owner, full_day, long_day
from app.messages.tokens import unsubscribe_url
from app.models import MessageKind


@dataclass(frozen=True)
class Slot:
    """What a message says about an appointment."""

    pet_name: str
    vet_name: str
    starts_at: datetime
    duration_minutes: int
    reason: str


@dataclass(frozen=True)
class DueDose:
    """One line of a vaccination reminder: a pet's vaccine due (or overdue) on a day."""

    pet_name: str
    vaccine_name: str
    due_on: date
    overdue: bool


def when(moment):
    """An appointment's time as an owner reads it: Thursday 3 December 2026 at 10:00."""
    clock = moment.strftime("%H:%M")
    return _("%(day)s at %(time)s", day=full_day(moment), time=clock)


def on_day(day):
    """A date as an owner reads it: 3 December 2026."""
    return long_day(day)


def clinic():
    """The clinic's name, address and telephone, from configuration."""
    config = current_app.config
    return {"name": config["CLINIC_NAME"], "address": config["CLINIC_ADDRESS"],
            "phone": config["CLINIC_PHONE"]}


def render(kind, owner, **context):
    """(subject, text, html) of a message of ``kind`` to ``owner`` (id, first and last name).

    ``context`` is what the kind's templates name: ``slot`` (a Slot) for appointment
    messages, ``previous`` (the Slot before a move) for rescheduled ones, ``doses`` (DueDose
    rows) for vaccination reminders.
    """
    kind = MessageKind(kind)
    env = current_app.jinja_env
    values = {"owner": owner, "clinic": clinic(), "unsubscribe_url": unsubscribe_url(owner.id),
              "when": when, "on_day": on_day, "kind": kind, **context}
    with for_owner(owner):
        text_template = env.get_template(f"email/{kind.value}.txt")
        subject = "".join(text_template.blocks["subject"](text_template.new_context(values)))
        text = text_template.render(values)
        html = env.get_template(f"email/{kind.value}.html").render(values)
    return " ".join(subject.split()), text.strip() + "\n", html
