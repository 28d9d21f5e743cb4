"""Staff's hand on the outbox: retry a failed message, cancel a pending one (pages and CLI)."""

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.i18n import _
from app.models import Message, MessageStatus
from app.models.columns import utcnow


class MessageRefused(Exception):
    """The change cannot be made; the text says why, for the page or the command."""


def locked_message(message_id):
    """The message with its row locked (PostgreSQL; SQLite's writers are serialised), or None.

    Locked so that a retry or cancel and a sender's claim or outcome cannot interleave: the
    second one to get here sees what the first did.
    """
    return db.session.scalars(
        sa.select(Message)
        .where(Message.id == message_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one_or_none()


def _not_failed(message):
    """Why a message that is not failed cannot be sent again, as a sentence."""
    # TRANSLATORS: %(status)s is the message's state as stored: pending, sent, failed, cancelled.
    return _("Message %(id)d is %(status)s, not failed: nothing was changed. (It may have "
             "changed meanwhile; see its page for where it is now.)", id=message.id,
             status=message.status.value)


def _not_pending(message):
    """Why a message that is not pending cannot be cancelled, as a sentence."""
    # TRANSLATORS: %(status)s is the message's state as stored: pending, sent, failed, cancelled.
    return _("Message %(id)d is %(status)s, not pending: nothing was changed. (It may have "
             "changed meanwhile; see its page for where it is now.)", id=message.id,
             status=message.status.value)


def retry_message(message_id):
    """Make a failed message pending again, due now, with its attempts counted from zero."""
    message = locked_message(message_id)
    if message is None:
        raise MessageRefused(_("There is no message %(id)d.", id=message_id))
    if message.status is not MessageStatus.FAILED:
        raise MessageRefused(_not_failed(message))
    message.status = MessageStatus.PENDING
    message.attempts = 0
    message.next_attempt_at = utcnow()
    message.claimed_by = message.claimed_until = None
    db.session.flush()
    return message


def cancel_message(message_id, by):
    """Withdraw a pending message that no sender is sending just now; ``by`` names who."""
    message = locked_message(message_id)
    if message is None:
        raise MessageRefused(_("There is no message %(id)d.", id=message_id))
    if message.status is not MessageStatus.PENDING:
        raise MessageRefused(_not_pending(message))
    if message.claimed_until is not None and message.claimed_until > utcnow():
        raise MessageRefused(_("Message %(id)d is being sent just now: nothing was changed. "
                               "Look again in a minute.", id=message.id))
    message.status = MessageStatus.CANCELLED
    message.claimed_by = message.claimed_until = None
    message.last_response = f"Cancelled by {by}."[: Message.last_response.type.length]
    db.session.flush()
    return message


def outbox_query(status=None):
    """Messages newest first (of one status, if given), each with its owner."""
    query = sa.select(Message).options(joinedload(Message.owner))
    if status is not None:
        query = query.where(Message.status == status)
    return query.order_by(Message.created_at.desc(), Message.id.desc())


def status_counts():
    """How many messages there are of each status (every status present, 0 if none)."""
    counts = dict(db.session.execute(
        sa.select(Message.status, sa.func.count(Message.id)).group_by(Message.status)
    ).all())
    return {status: counts.get(status, 0) for status in MessageStatus}
