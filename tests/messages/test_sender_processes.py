"""Real `flask messages` processes: two at once, one killed mid-batch, one stopped by SIGTERM.

They share the test database (real commits: ``committing``) and one real SMTP server.
"""

import os
import secrets
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.messages.outbox import queue
from app.models import Message, MessageKind, MessageStatus
from tests import factories as f

pytestmark = [pytest.mark.slow, pytest.mark.committing]

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


@pytest.fixture
def outbox(committing):
    """``outbox(n)`` queues n messages to one owner, really committed; their Message-IDs."""

    def fill(count):
        with committing.app_context():
            owner = f.owner(db.session, last_name="Manymessages", email="many@example.com")
            messages = [queue(owner, MessageKind.CONFIRMATION, f"Message {number}",
                              f"Text {number}", f"<p>HTML {number}</p>", queued_by="tests")
                        for number in range(count)]
            db.session.commit()
            return [message.message_id for message in messages]

    return fill


def statuses(app):
    """How many messages are in each status, and how many are claimed."""
    with app.app_context():
        counts = dict(db.session.execute(
            sa.select(Message.status, sa.func.count()).group_by(Message.status)).all())
        claimed = db.session.scalar(
            sa.select(sa.func.count()).where(Message.claimed_by.is_not(None)))
    return counts, claimed


def flask_messages(database_url, smtp_server, *args, **settings):
    """Start `flask messages ...` as an administrator would, pointed at the test SMTP server."""
    env = {name: os.environ[name] for name in ("PATH", "HOME", "LANG") if name in os.environ}
    env |= {"DATABASE_URL": database_url, "SECRET_KEY": secrets.token_urlsafe(32),
            "FLASK_APP": "wsgi", "PYTHONUNBUFFERED": "1"}
    env |= smtp_server.environment() | {name: str(value) for name, value in settings.items()}
    return subprocess.Popen([str(BIN / "flask"), "messages", *args], cwd=REPO, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for(condition, timeout, what):
    """Poll until ``condition()`` is true; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    pytest.fail(f"gave up after {timeout} s waiting for {what}")


def test_two_senders_at_once_deliver_each_of_200_messages_exactly_once(
        committing, database_url, smtp_server, outbox):
    message_ids = outbox(200)
    smtp_server.handler.delay = 0.005  # a mail server that takes its time: the two overlap
    senders = [flask_messages(database_url, smtp_server, "send") for _ in range(2)]
    outputs = [sender.communicate(timeout=180) for sender in senders]

    for sender, (out, err) in zip(senders, outputs):
        assert sender.returncode == 0, err
    delivered = Counter(smtp_server.message_ids())
    assert sorted(delivered) == sorted(message_ids)
    assert set(delivered.values()) == {1}, [m for m, n in delivered.items() if n > 1]
    sent_by_each = [int(out.split(" sent")[0]) for out, _ in outputs]
    assert sum(sent_by_each) == 200
    assert min(sent_by_each) > 0, outputs  # both really took part
    counts, claimed = statuses(committing)
    assert counts == {MessageStatus.SENT: 200} and claimed == 0


def test_a_sender_killed_mid_batch_loses_nothing_and_resends_only_the_one_in_hand(
        committing, database_url, smtp_server, outbox):
    message_ids = outbox(40)
    worker = flask_messages(database_url, smtp_server, "worker", "--interval", "0.2",
                            MESSAGE_CLAIM_SECONDS=2)

    def kill_at_the_tenth(count):
        # The server has the 10th message but the sender has not heard so: the worst moment.
        if count == 10:
            os.kill(worker.pid, signal.SIGKILL)

    smtp_server.handler.on_data = kill_at_the_tenth
    worker.communicate(timeout=60)
    assert worker.returncode == -signal.SIGKILL
    smtp_server.handler.on_data = None
    counts, claimed = statuses(committing)
    assert counts == {MessageStatus.SENT: 9, MessageStatus.PENDING: 31}
    assert claimed == 1  # the tenth, until its claim runs out

    restarted = flask_messages(database_url, smtp_server, "worker", "--interval", "0.2",
                               MESSAGE_CLAIM_SECONDS=2)
    try:
        wait_for(lambda: statuses(committing)[0] == {MessageStatus.SENT: 40}, 60,
                 "the restarted worker to send the rest")
    finally:
        restarted.send_signal(signal.SIGTERM)
        _, err = restarted.communicate(timeout=30)
    assert restarted.returncode == 0, err

    delivered = Counter(smtp_server.message_ids())
    assert sorted(delivered) == sorted(message_ids)  # nothing lost
    duplicates = [message_id for message_id, times in delivered.items() if times > 1]
    assert duplicates == [message_ids[9]]  # only the one in hand, with its own Message-ID
    assert delivered[message_ids[9]] == 2
    assert "claim ran out" in err


def test_sigterm_stops_the_worker_after_the_message_in_hand_and_nothing_is_lost(
        committing, database_url, smtp_server, outbox):
    message_ids = outbox(20)
    worker = flask_messages(database_url, smtp_server, "worker", "--interval", "0.2")

    def stop_at_the_fifth(count):
        if count == 5:  # while the sender waits for the server's answer to the fifth
            os.kill(worker.pid, signal.SIGTERM)

    smtp_server.handler.on_data = stop_at_the_fifth
    out, err = worker.communicate(timeout=60)
    assert worker.returncode == 0, err
    assert "Stopped (SIGTERM)." in out
    counts, claimed = statuses(committing)
    assert counts == {MessageStatus.SENT: 5, MessageStatus.PENDING: 15}  # the fifth recorded
    assert claimed == 0

    smtp_server.handler.on_data = None
    rest = flask_messages(database_url, smtp_server, "send")
    out, err = rest.communicate(timeout=60)
    assert rest.returncode == 0, err
    assert out.startswith("15 sent, 0 to retry, 0 failed")
    assert Counter(smtp_server.message_ids()) == Counter(message_ids)  # each exactly once


def test_an_idle_worker_stops_at_once_on_sigterm_and_on_sigint(database_url, smtp_server):
    for signum in (signal.SIGTERM, signal.SIGINT):
        worker = flask_messages(database_url, smtp_server, "worker", "--interval", "60")
        assert worker.stdout.readline().startswith("Sending messages every 60 s")
        started = time.monotonic()
        worker.send_signal(signum)
        out, err = worker.communicate(timeout=10)
        assert worker.returncode == 0, err
        assert f"Stopped ({signal.Signals(signum).name})." in out
        assert time.monotonic() - started < 10  # not the 60 s interval
