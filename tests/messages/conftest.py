"""Fixtures for the outbox's tests: a real SMTP server, settings pointing at it, messages."""

import itertools

import pytest

from app.messages.outbox import queue
from app.models import MessageKind, MessageStatus
from tests import factories as f
from tests.messages.smtp import SMTPServer

_numbers = itertools.count(1)


@pytest.fixture
def smtp_server():
    """A running aiosmtpd server on a free port, stopped after the test."""
    server = SMTPServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def mail_settings(app, smtp_server, monkeypatch):
    """The app's sender pointed at the test server, retrying after 1 s (doubling), 3 attempts."""
    settings = smtp_server.config(MESSAGE_RETRY_SECONDS=1, MESSAGE_MAX_ATTEMPTS=3,
                                  MESSAGE_CLAIM_SECONDS=60)
    for name, value in settings.items():
        monkeypatch.setitem(app.config, name, value)
    return settings


def queue_message(session, owner=None, kind=MessageKind.CONFIRMATION, appointment=None,
                  subject=None, email="jean.coleman@example.com", consent=True):
    """Queue one rendered message (as the producers do) to a new owner, or to ``owner``."""
    if owner is None:
        owner = f.owner(session, last_name=f"Mailowner{next(_numbers)}", email=email,
                        email_consent=consent)
    number = next(_numbers)
    message = queue(owner, kind, subject or f"Your appointment ({number})",
                    f"Dear {owner.first_name},\n\nSee you soon. ({number})\n",
                    f"<p>Dear {owner.first_name},</p><p>See you soon. ({number})</p>",
                    queued_by="tests", appointment=appointment)
    session.flush()
    return message


def queued(dbs, status=MessageStatus.PENDING, **fields):
    """One committed message in ``status`` (and other ``fields``); its id."""
    with dbs() as session:
        message = queue_message(session)
        message.status = status
        for name, value in fields.items():
            setattr(message, name, value)
        session.commit()
        return message.id
