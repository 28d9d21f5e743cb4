"""`flask messages send/worker/list/retry/cancel`: deliver and manage the outbox."""

import logging
import signal
import time

import click
import sqlalchemy as sa

from app.audit import current_actor
from app.cli import CommandGroup, text_table
from app.database import write_transactions
from app.extensions import db
from app.i18n import _, pgettext
from app.messages.sender import send_due
from app.messages.services import MessageRefused, cancel_message, outbox_query, retry_message
from app.models import MessageStatus
from app.routing import MAX_ID

logger = logging.getLogger("petclinic.messages")

messages_cli = CommandGroup("messages", help="Messages to owners: the outbox.")

STATUS = click.Choice([status.value for status in MessageStatus])


class StopSignals:
    """SIGTERM and SIGINT ask to stop after the message in hand, instead of killing mid-send.

    The handler only sets a flag (nothing that takes a lock runs inside a signal handler);
    the sender looks at it between messages and the worker's sleep between passes.
    """

    SIGNALS = (signal.SIGTERM, signal.SIGINT)

    def __init__(self):
        self.received = None
        self.previous = {}

    def __enter__(self):
        for signum in self.SIGNALS:
            self.previous[signum] = signal.signal(signum, self._handle)
        return self

    def __exit__(self, *exc_info):
        for signum, handler in self.previous.items():
            signal.signal(signum, handler)

    def _handle(self, signum, frame):
        self.received = signal.Signals(signum).name

    def requested(self):
        """Whether a stop was asked for."""
        return self.received is not None

    def sleep(self, seconds):
        """Sleep up to ``seconds``, waking within a fifth of a second of a stop."""
        deadline = time.monotonic() + seconds
        while not self.requested() and (left := deadline - time.monotonic()) > 0:
            time.sleep(min(left, 0.2))


@messages_cli.command("send")
@click.option("--limit", type=click.IntRange(min=1), help="Send at most this many messages.")
def send(limit):
    """Send the messages that are due, once (for a timer); print how many went each way."""
    with StopSignals() as stop:
        result = send_due(limit, stop.requested)
    click.echo(result.summary())


@messages_cli.command("worker")
@click.option("--interval", type=click.FloatRange(min=0.1), default=10.0, show_default=True,
              help="Seconds to wait between passes.")
@click.option("--limit", type=click.IntRange(min=1), help="At most this many messages a pass.")
def worker(interval, limit):
    """Send due messages in a loop until SIGTERM or SIGINT (then after the message in hand)."""
    with StopSignals() as stop:
        seconds = f"{interval:g}"
        click.echo(_("Sending messages every %(seconds)s s; SIGTERM or Ctrl-C stops.",
                     seconds=seconds))
        while not stop.requested():
            try:
                result = send_due(limit, stop.requested)
            except sa.exc.OperationalError as error:
                # The database is down or restarting: try again next pass (nothing was
                # half-written: a claim made meanwhile just runs out).
                logger.warning("messages worker: database unavailable: %s",
                               str(error.orig or error).strip().splitlines()[0])
                db.session.remove()
            else:
                if result.handled or result.stopped_because:
                    click.echo(result.summary())
            stop.sleep(interval)
    click.echo(_("Stopped (%(signal)s).", signal=stop.received))


@messages_cli.command("list")
@click.option("--status", type=STATUS, help="Only messages in this state.")
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True,
              help="The newest this many.")
def list_messages(status, limit):
    """List messages newest first: id, when, state, kind, to whom, attempts, last answer."""
    rows = db.session.scalars(
        outbox_query(MessageStatus(status) if status else None).limit(limit)
    ).all()
    if not rows:
        # TRANSLATORS: %(status)s is the state asked for: pending, sent, failed or cancelled.
        none = _("No %(status)s messages.", status=status) if status else _("No messages.")
        click.echo(none)
        return
    click.echo(text_table(
        (_("ID"), _("Created (UTC)"), _("Status"), _("Kind"), pgettext("message recipient", "To"),
         _("Tries"), _("Subject"), _("Last answer")),
        [(m.id, f"{m.created_at:%Y-%m-%d %H:%M}", m.status.value, m.kind.value, m.to_address,
          m.attempts, _short(m.subject, 40), _short(m.last_response or "-", 60)) for m in rows],
    ))


def _short(text, width):
    """Text cut to ``width`` characters, with an ellipsis when cut."""
    return text if len(text) <= width else text[: width - 1] + "…"


@messages_cli.command("retry")
@click.argument("message_id", type=click.IntRange(1, MAX_ID))
def retry(message_id):
    """Send a failed message again: pending, due now, attempts counted from zero."""
    with write_transactions():
        try:
            message = retry_message(message_id)
        except MessageRefused as refusal:
            raise click.ClickException(str(refusal)) from None
        db.session.commit()
    click.echo(_("Message %(id)d to %(address)s is pending again.", id=message.id,
                  address=message.to_address))


@messages_cli.command("cancel")
@click.argument("message_id", type=click.IntRange(1, MAX_ID))
def cancel(message_id):
    """Withdraw a pending message: it will not be sent."""
    with write_transactions():
        try:
            message = cancel_message(message_id, current_actor())
        except MessageRefused as refusal:
            raise click.ClickException(str(refusal)) from None
        db.session.commit()
    click.echo(_("Message %(id)d to %(address)s is cancelled.", id=message.id,
                  address=message.to_address))
