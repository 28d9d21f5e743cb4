"""Queue a message in the caller's transaction: it exists only if that transaction commits."""

from email.utils import make_msgid
from urllib.parse import urlsplit

from flask import current_app

from app.extensions import db
from app.models import Message, MessageKind


def withheld(owner, kind):
    """Why ``owner`` is not to get a message of ``kind`` (a sentence), or None.

    An owner without an email address gets nothing; one without consent (or who opted
    out) gets only transactional messages (MessageKind.transactional).
    """
    if not owner.email:
        return "No email address is recorded."
    if not kind.transactional and not owner.email_consent:
        return "The owner has not agreed to reminders by email."
    return None


def message_id_domain():
    """The right-hand side of our Message-IDs: MESSAGE_ID_DOMAIN, SITE_URL's host, or a fixed one."""
    configured = current_app.config.get("MESSAGE_ID_DOMAIN")
    if configured:
        return configured
    host = urlsplit(current_app.config.get("SITE_URL") or "").hostname
    return host or "petclinic.invalid"


def queue(owner, kind, subject, body_text, body_html, queued_by, appointment=None):
    """Add a rendered message for ``owner`` to the session, or None when it is withheld.

    ``kind`` is a MessageKind; ``queued_by`` names who or what caused it, as the audit trail
    names people. The caller's commit is what makes the message exist.
    """
    kind = MessageKind(kind)
    if withheld(owner, kind) is not None:
        return None
    message = Message(
        owner_id=owner.id,
        appointment_id=appointment.id if appointment is not None else None,
        kind=kind,
        to_address=owner.email,
        subject=subject[: Message.subject.type.length],
        body_text=body_text,
        body_html=body_html,
        message_id=make_msgid(idstring="petclinic", domain=message_id_domain()),
        queued_by=queued_by,
    )
    db.session.add(message)
    return message
