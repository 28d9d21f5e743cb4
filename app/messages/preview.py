"""Admins preview each message template with sample data, built in memory (nothing written).

The HTML body is shown in an iframe served by its own route, with a sandboxing
Content-Security-Policy: a template's HTML runs no script and loads nothing, and cannot
reach the signed-in page around it.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from flask import Blueprint, Response, abort, render_template

from app.auth.permissions import permission_required
from app.clinic import clinic_today
from app.i18n import _, current_locale
from app.messages.render import DueDose, Slot, render
from app.models import MessageKind

bp = Blueprint("message_templates", __name__, url_prefix="/messages/templates")

# The framed HTML: no script, no loads, no forms (sandbox); framed only by our own pages.
FRAME_POLICY = "sandbox; default-src 'none'; frame-ancestors 'self'"


@dataclass(frozen=True)
class SampleOwner:
    """An owner who is not in the database (id 0: no row has it)."""

    id: int = 0
    first_name: str = "Jean"
    last_name: str = "Coleman & Sons"  # shows the escaping of the HTML and not of the text
    language: str | None = None


def sample(kind):
    """(subject, text, html) of ``kind`` rendered for a sample owner, pet and appointment."""
    today = clinic_today()
    slot = Slot(pet_name="Leo", vet_name="James Carter",
                starts_at=datetime.combine(today + timedelta(days=1), time(10, 30)),
                duration_minutes=30, reason="Annual check-up <and> vaccination")
    previous = Slot(pet_name="Leo", vet_name="Helen Leary",
                    starts_at=datetime.combine(today + timedelta(days=1), time(9, 0)),
                    duration_minutes=30, reason=slot.reason)
    doses = [
        DueDose("Leo", "Rabies", today + timedelta(days=14), overdue=False),
        DueDose("Max", "FVRCP", today - timedelta(days=3), overdue=True),
    ]
    # In the language of the page: each owner is sent the message in their own.
    owner = SampleOwner(language=str(current_locale()))
    return render(kind, owner, slot=slot, previous=previous, doses=doses)


def kind_or_404(kind):
    """The MessageKind named in the URL; a 404 for anything else."""
    try:
        return MessageKind(kind)
    except ValueError:
        abort(404, description=_("There is no message template of that name."))


@bp.get("")
@permission_required("messages.manage")
def index():
    """Every message template, each with its sample subject."""
    kinds = [(kind, sample(kind)[0]) for kind in MessageKind]
    return render_template("messages/templates.html", kinds=kinds)


@bp.get("/<message_kind>")
@permission_required("messages.manage")
def show(message_kind):
    """One template with sample data: subject, plain text, and the HTML in a sandboxed frame."""
    kind = kind_or_404(message_kind)
    subject, text, _html = sample(kind)
    return render_template("messages/template.html", kind=kind, subject=subject, text=text)


@bp.get("/<message_kind>/html")
@permission_required("messages.manage")
def html(message_kind):
    """The sample HTML body alone, sandboxed, for the preview page's frame."""
    response = Response(sample(kind_or_404(message_kind))[2], mimetype="text/html")
    response.headers["Content-Security-Policy"] = FRAME_POLICY
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response
