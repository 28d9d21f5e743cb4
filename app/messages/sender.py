"""Deliver the outbox: pending messages whose time has come, each once, none lost.

How a message is sent (one message at a time, three short steps):

1. **Claim** it, in a write transaction of its own: the oldest due, unclaimed pending message
   gets ``claimed_by`` (this sender: host and process) and ``claimed_until`` (now +
   MESSAGE_CLAIM_SECONDS), and the transaction commits. On PostgreSQL the candidate is read
   with ``SELECT ... FOR UPDATE SKIP LOCKED``, so two senders claiming at the same instant
   take different rows instead of queueing behind each other; on SQLite the transaction
   begins IMMEDIATE (app.database.write_transactions), so claims are one at a time. Either
   way a claimed message is not due for anyone else until the claim runs out.
2. **Send** it over SMTP, *outside* any transaction: no row lock and no SQLite write lock is
   held while the mail server is slow or unreachable, so the site's own writes never wait
   for it.
3. **Record** what happened, in another short write transaction, only if the message is
   still pending and still ours: sent (``sent_at``, the server's answer), a transient failure
   (``attempts`` + 1, tried again MESSAGE_RETRY_SECONDS * 2**(attempts-1) later, failed after
   MESSAGE_MAX_ATTEMPTS), or a permanent one (failed at once).

A sender killed anywhere loses nothing: a message it had not claimed is still pending; one it
had claimed stays claimed until ``claimed_until`` and is then sent by the next pass (its own,
restarted, or another host's). Only a message the server had already accepted when the
sender died (step 2 done, step 3 not) goes twice, with the same Message-ID, so the receiving
side can tell; that is at most the one message it was sending. The claim must therefore
outlast any real send (README, "Messages to owners": MESSAGE_CLAIM_SECONDS).

Before sending, the claim checks again what the producers check when queueing
(app.messages.outbox.withheld): a message whose owner has since lost their address or
consent, or a reminder whose appointment was cancelled, is cancelled instead.
"""

import dataclasses
import logging
import os
import socket
from datetime import timedelta
from email.message import EmailMessage
from email.utils import format_datetime

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import joinedload

from app.database import write_transactions
from app.extensions import db
from app.i18n import _
from app.messages.backends import (
    DeliveryFailure,
    PermanentFailure,
    TransientFailure,
    backend_for,
    describe,
)
from app.messages.outbox import withheld
from app.messages.tokens import unsubscribe_url
from app.models import AppointmentStatus, Message, MessageKind, MessageStatus
from app.models.columns import utcnow

logger = logging.getLogger("petclinic.messages")

ANSWER_LENGTH = Message.last_response.type.length
UNSUBSCRIBE_ENDPOINT = "unsubscribe.confirm"


@dataclasses.dataclass
class PassResult:
    """What one pass did: how many messages went each way, and why it stopped early."""

    sent: int = 0
    retry: int = 0
    failed: int = 0
    withheld: int = 0
    stopped_because: str | None = None

    @property
    def handled(self):
        """Messages this pass took a decision on."""
        return self.sent + self.retry + self.failed + self.withheld

    def summary(self):
        """One line for the command's output."""
        counts = {"sent": self.sent, "retry": self.retry, "failed": self.failed,
                  "withheld": self.withheld}
        if self.stopped_because:
            # TRANSLATORS: %(reason)s is "asked to stop." or the mail server's failure (English).
            return _("%(sent)d sent, %(retry)d to retry, %(failed)d failed, %(withheld)d "
                     "withheld. Stopped early: %(reason)s", reason=self.stopped_because, **counts)
        return _("%(sent)d sent, %(retry)d to retry, %(failed)d failed, %(withheld)d withheld.",
                 **counts)


def sender_name():
    """Who is claiming: this host and process (a restarted sender is a new one)."""
    return f"{socket.gethostname()}:{os.getpid()}"[: Message.claimed_by.type.length]


def _due(now):
    """Pending, its time come, and not claimed by a sender that may still be sending it."""
    return sa.and_(
        Message.status == MessageStatus.PENDING,
        Message.next_attempt_at <= now,
        sa.or_(Message.claimed_until.is_(None), Message.claimed_until <= now),
    )


def anything_due():
    """Whether any message is due, read without taking SQLite's write lock."""
    found = db.session.scalar(sa.select(Message.id).where(_due(utcnow())).limit(1))
    db.session.commit()  # end the read; the claim begins a write transaction of its own
    return found is not None


def not_to_send(message):
    """Why a claimed message must not go after all (a sentence), or None."""
    reason = withheld(message.owner, message.kind)
    if reason is None and message.kind is MessageKind.APPOINTMENT_REMINDER:
        if message.appointment is None:
            reason = "The appointment no longer exists."
        elif message.appointment.status is AppointmentStatus.CANCELLED:
            reason = "The appointment was cancelled."
    return reason


def claim_next(me):
    """Claim the oldest due message for sender ``me``; (message, reason withheld) or None.

    A message that must not be sent (``not_to_send``) is cancelled in the same transaction
    and returned with the reason.
    """
    now = utcnow()
    with write_transactions():
        message = db.session.scalars(
            sa.select(Message)
            .where(_due(now))
            .order_by(Message.next_attempt_at, Message.id)
            .limit(1)
            .options(joinedload(Message.owner), joinedload(Message.appointment))
            .with_for_update(of=Message, skip_locked=True)
            .execution_options(populate_existing=True)
        ).first()
        if message is None:
            db.session.commit()
            return None
        if message.claimed_by is not None:
            logger.warning("message %s: %s's claim ran out at %s; sending it again "
                           "(Message-ID %s)", message.id, message.claimed_by,
                           message.claimed_until, message.message_id)
        reason = not_to_send(message)
        if reason:
            message.status = MessageStatus.CANCELLED
            message.last_response = f"Not sent: {reason}"[:ANSWER_LENGTH]
            message.claimed_by = message.claimed_until = None
        else:
            message.claimed_by = me
            message.claimed_until = now + timedelta(
                seconds=current_app.config["MESSAGE_CLAIM_SECONDS"])
        db.session.commit()
    return message, reason


def email_for(message):
    """The message as it goes out: an EmailMessage, text with an HTML alternative.

    Date is when the message was written (queued), so a re-send after a crash is the same
    message, Message-ID and all. Reminders the owner may opt out of carry List-Unsubscribe
    (and RFC 8058's one-click List-Unsubscribe-Post) once the unsubscribe page exists.
    ValueError for a header no message may carry (a line break in the subject).
    """
    email = EmailMessage()
    email["From"] = current_app.config["MAIL_FROM"]
    email["To"] = message.to_address
    email["Subject"] = message.subject
    email["Date"] = format_datetime(message.created_at)
    email["Message-ID"] = message.message_id
    email["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies, please
    if not message.kind.transactional and UNSUBSCRIBE_ENDPOINT in current_app.view_functions:
        email["List-Unsubscribe"] = f"<{unsubscribe_url(message.owner_id)}>"
        email["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    email.set_content(message.body_text)
    email.add_alternative(message.body_html, subtype="html")
    return email


def retry_delay(attempts):
    """How long after its ``attempts``-th failed attempt a message is tried again."""
    return timedelta(seconds=current_app.config["MESSAGE_RETRY_SECONDS"] * 2 ** (attempts - 1))


def record(message, me, answer=None, failure=None):
    """Write the outcome of one attempt if the message is still ours: "sent", "retry", "failed".

    Returns None when it is not (our claim ran out and another sender or staff acted on it).
    """
    now = utcnow()
    attempts = message.attempts + 1
    values = {"attempts": attempts, "claimed_by": None, "claimed_until": None}
    if failure is None:
        outcome = "sent"
        values |= {"status": MessageStatus.SENT, "sent_at": now, "last_response": answer}
    elif isinstance(failure, TransientFailure) and attempts < current_app.config[
            "MESSAGE_MAX_ATTEMPTS"]:
        outcome = "retry"
        values |= {"next_attempt_at": now + retry_delay(attempts), "last_response": str(failure)}
    else:
        outcome = "failed"
        reason = str(failure)
        if isinstance(failure, TransientFailure):
            reason = f"Gave up after {attempts} attempts: {reason}"
        values |= {"status": MessageStatus.FAILED, "last_response": reason}
    values["last_response"] = values["last_response"][:ANSWER_LENGTH]
    with write_transactions():
        result = db.session.execute(
            sa.update(Message)
            .where(Message.id == message.id, Message.status == MessageStatus.PENDING,
                   Message.claimed_by == me)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
    if result.rowcount != 1:
        logger.warning("message %s: %s (%s) not recorded, the claim was lost meanwhile",
                       message.id, outcome, values["last_response"])
        return None
    return outcome


def send_due(limit=None, stop_requested=lambda: False):
    """One pass: send due messages until none is due, ``limit`` are done or a stop is asked.

    A pass also ends when the mail server is unavailable: the message in hand counts a
    transient failure, and the rest wait for the next pass rather than each waiting out
    the same timeout.
    """
    result = PassResult()
    if not anything_due():
        return result
    me = sender_name()
    with backend_for(current_app.config) as backend:
        while limit is None or result.handled < limit:
            if stop_requested():
                # TRANSLATORS: ends "... Stopped early: asked to stop."
                result.stopped_because = _("asked to stop.")
                break
            claimed = claim_next(me)
            if claimed is None:
                break
            message, reason = claimed
            if reason:
                logger.info("message %s withheld: %s", message.id, reason)
                result.withheld += 1
                continue
            answer = failure = None
            try:
                answer = backend.send(email_for(message))
            except DeliveryFailure as error:
                failure = error
            except ValueError as error:
                failure = PermanentFailure(f"The message could not be built: {error}")
            except Exception as error:  # a fault of ours: counted, so one message cannot
                logger.exception("message %s: unexpected error", message.id)  # crash-loop us
                failure = TransientFailure(f"Unexpected error: {describe(error)}")
            outcome = record(message, me, answer, failure)
            if outcome is not None:
                setattr(result, outcome, getattr(result, outcome) + 1)
            if failure is not None:
                logger.warning("message %s to %s: %s (%s)", message.id, message.to_address,
                               failure, outcome)
            if getattr(failure, "server_unavailable", False):
                result.stopped_because = str(failure)
                break
    return result
