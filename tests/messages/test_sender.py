"""The sender against a real SMTP server: what goes out, retries with backoff, failures, backstops."""

import logging
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.messages.backends import DEVELOPMENT_ANSWER
from app.messages.sender import send_due
from app.messages.tokens import owner_id_from
from app.models import AppointmentStatus, Message, MessageKind, MessageStatus, Owner
from app.models.columns import utcnow
from tests import factories as f
from tests.messages.conftest import queue_message


def stored(dbs, message_id):
    """The message as the database has it now."""
    with dbs() as session:
        return session.get(Message, message_id, populate_existing=True)


def send(dbs, **options):
    """One pass of the sender, as `flask messages send` runs it."""
    with dbs():
        return send_due(**options)


def queued(dbs, **options):
    """Queue and commit one message; its id."""
    with dbs() as session:
        message = queue_message(session, **options)
        session.commit()
        return message.id


def test_a_message_goes_out_with_its_headers_text_and_html_and_message_id(
        dbs, mail_settings, smtp_server, app):
    message_id = queued(dbs, subject="Your appointment on Friday")
    result = send(dbs)
    assert (result.sent, result.retry, result.failed) == (1, 0, 0)

    [received] = smtp_server.received
    row = stored(dbs, message_id)
    email = received.message
    assert received.rcpt_tos == ["jean.coleman@example.com"]
    assert received.mail_from == "clinic@petclinic.invalid"
    assert email["From"] == app.config["MAIL_FROM"]
    assert email["To"] == "jean.coleman@example.com"
    assert email["Subject"] == "Your appointment on Friday"
    assert received.message_id == row.message_id
    assert email["Date"].datetime == row.created_at.replace(microsecond=0)
    assert email["Auto-Submitted"] == "auto-generated"
    assert email["List-Unsubscribe"] is None  # a confirmation is transactional
    assert email.get_content_type() == "multipart/alternative"
    text, html = email.get_body(("plain",)), email.get_body(("html",))
    assert text.get_content().replace("\r\n", "\n") == row.body_text
    assert html.get_content().strip() == row.body_html
    assert row.status is MessageStatus.SENT
    assert row.attempts == 1 and row.sent_at is not None
    assert row.last_response.startswith("250 2.0.0 Ok: queued as Q1")
    assert row.claimed_by is None and row.claimed_until is None


def test_a_reminder_carries_list_unsubscribe_and_its_one_click_post_opts_the_owner_out(
        dbs, mail_settings, smtp_server, anonymous, app, monkeypatch):
    monkeypatch.setitem(app.config, "SITE_URL", "https://clinic.test")
    with dbs() as session:
        owner = f.owner(session, last_name="Oneclick", email="one@example.com",
                        email_consent=True)
        reminder = queue_message(session, owner=owner, kind=MessageKind.VACCINATION_REMINDER)
        confirmation = queue_message(session, owner=owner)
        session.commit()
        owner_id, ids = owner.id, (reminder.id, confirmation.id)
    assert send(dbs).sent == 2
    by_id = {item.message_id: item.message for item in smtp_server.received}
    email = by_id[stored(dbs, ids[0]).message_id]
    assert by_id[stored(dbs, ids[1]).message_id]["List-Unsubscribe"] is None  # transactional
    link = str(email["List-Unsubscribe"]).strip()
    assert link.startswith("<https://clinic.test/unsubscribe/") and link.endswith(">")
    token = link[1:-1].rsplit("/", 1)[1]
    with app.app_context():
        assert owner_id_from(token) == owner_id
    assert email["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # What a mail program does for RFC 8058's one-click: POST that body to that address.
    answer = anonymous.post(f"/unsubscribe/{token}", data={"List-Unsubscribe": "One-Click"})
    assert answer.status_code == 200
    with dbs() as session:
        assert session.get(Owner, owner_id, populate_existing=True).email_consent is False


def test_the_server_down_then_up_is_retried_with_doubling_backoff_then_delivered(
        dbs, mail_settings, smtp_server):
    message_id = queued(dbs)
    smtp_server.stop()

    first = send(dbs)
    row = stored(dbs, message_id)
    assert (first.sent, first.retry) == (0, 1)
    assert "Connection refused" in first.stopped_because
    assert row.status is MessageStatus.PENDING and row.attempts == 1
    assert "unavailable" in row.last_response and row.claimed_by is None
    delay = row.next_attempt_at - utcnow()
    assert timedelta(seconds=0) < delay <= timedelta(seconds=1)
    assert send(dbs).handled == 0  # not due again yet

    time.sleep(delay.total_seconds() + 0.05)
    assert send(dbs).retry == 1
    row = stored(dbs, message_id)
    assert row.attempts == 2
    assert timedelta(seconds=1) < row.next_attempt_at - utcnow() <= timedelta(seconds=2)

    smtp_server.start()
    time.sleep((row.next_attempt_at - utcnow()).total_seconds() + 0.05)
    assert send(dbs).sent == 1
    row = stored(dbs, message_id)
    assert row.status is MessageStatus.SENT and row.attempts == 3
    assert smtp_server.message_ids() == [row.message_id]


def test_an_unavailable_server_ends_the_pass_after_one_message(dbs, mail_settings, smtp_server):
    ids = [queued(dbs) for _ in range(3)]
    smtp_server.stop()
    result = send(dbs)
    assert (result.retry, result.handled) == (1, 1)
    assert [stored(dbs, i).attempts for i in ids] == [1, 0, 0]


def test_the_sender_gives_up_after_message_max_attempts(dbs, mail_settings, smtp_server, app,
                                                        monkeypatch):
    monkeypatch.setitem(app.config, "MESSAGE_MAX_ATTEMPTS", 2)
    message_id = queued(dbs)
    smtp_server.handler.data_reply = "451 4.3.0 Try again later"
    assert send(dbs).retry == 1
    row = stored(dbs, message_id)
    assert row.last_response == "451 4.3.0 Try again later"
    time.sleep((row.next_attempt_at - utcnow()).total_seconds() + 0.05)
    assert send(dbs).failed == 1
    row = stored(dbs, message_id)
    assert row.status is MessageStatus.FAILED and row.attempts == 2
    assert row.last_response == "Gave up after 2 attempts: 451 4.3.0 Try again later"
    assert smtp_server.received == []


def test_a_refused_recipient_fails_at_once_and_the_next_message_still_goes(
        dbs, mail_settings, smtp_server):
    refused, accepted = queued(dbs), queued(dbs)
    smtp_server.handler.rcpt_reply = "550 5.1.1 No such user here"
    with dbs():
        first = send_due(limit=1)
    smtp_server.handler.rcpt_reply = None
    second = send(dbs)
    assert (first.failed, second.sent) == (1, 1)
    row = stored(dbs, refused)
    assert row.status is MessageStatus.FAILED and row.attempts == 1
    assert row.last_response == "recipient refused: 550 5.1.1 No such user here"
    assert stored(dbs, accepted).status is MessageStatus.SENT


def test_a_5xx_answer_to_the_message_fails_it_at_once(dbs, mail_settings, smtp_server):
    message_id = queued(dbs)
    smtp_server.handler.data_reply = "554 5.6.0 Message refused"
    assert send(dbs).failed == 1
    assert stored(dbs, message_id).last_response == "554 5.6.0 Message refused"


def test_a_subject_with_a_line_break_is_failed_not_sent_and_not_a_crash(
        dbs, mail_settings, smtp_server):
    message_id = queued(dbs, subject="Hello\r\nBcc: everyone@example.com")
    assert send(dbs).failed == 1
    row = stored(dbs, message_id)
    assert row.status is MessageStatus.FAILED
    assert row.last_response.startswith("The message could not be built:")
    assert smtp_server.received == []


def test_a_reminder_to_an_owner_who_withdrew_consent_is_cancelled_not_sent(
        dbs, mail_settings, smtp_server):
    with dbs() as session:
        owner = f.owner(session, last_name="Optsout", email="o@example.com", email_consent=True)
        reminder = queue_message(session, owner=owner, kind=MessageKind.VACCINATION_REMINDER)
        owner.email_consent = False  # opted out after it was queued
        confirmation = queue_message(session, owner=owner)
        session.commit()
        ids = reminder.id, confirmation.id
    result = send(dbs)
    assert (result.withheld, result.sent) == (1, 1)
    row = stored(dbs, ids[0])
    assert row.status is MessageStatus.CANCELLED and row.attempts == 0
    assert row.last_response == "Not sent: The owner has not agreed to reminders by email."
    assert smtp_server.message_ids() == [stored(dbs, ids[1]).message_id]


def test_a_reminder_of_a_cancelled_appointment_is_cancelled_not_sent(
        dbs, mail_settings, smtp_server):
    with dbs() as session:
        owner = f.owner(session, last_name="Remindme", email="r@example.com")
        appointment = f.appointment(session, f.pet(session, owner), f.vet(session))
        message = queue_message(session, owner=owner, appointment=appointment,
                                kind=MessageKind.APPOINTMENT_REMINDER)
        appointment.status = AppointmentStatus.CANCELLED
        session.commit()
        message_id = message.id
    assert send(dbs).withheld == 1
    row = stored(dbs, message_id)
    assert row.status is MessageStatus.CANCELLED
    assert row.last_response == "Not sent: The appointment was cancelled."
    assert smtp_server.received == []


def test_a_message_another_sender_is_sending_is_left_alone_until_its_claim_runs_out(
        dbs, mail_settings, smtp_server, caplog):
    message_id = queued(dbs)
    with dbs() as session:
        session.execute(sa.update(Message).where(Message.id == message_id).values(
            claimed_by="elsewhere:1", claimed_until=utcnow() + timedelta(minutes=5)))
        session.commit()
    assert send(dbs).handled == 0
    with dbs() as session:
        session.execute(sa.update(Message).where(Message.id == message_id).values(
            claimed_until=utcnow() - timedelta(seconds=1)))
        session.commit()
    with caplog.at_level(logging.WARNING, "petclinic.messages"):
        assert send(dbs).sent == 1
    assert "elsewhere:1's claim ran out" in caplog.text
    assert len(smtp_server.received) == 1


def test_without_smtp_host_messages_are_logged_and_marked_not_delivered(
        dbs, app, monkeypatch, caplog, smtp_server):
    monkeypatch.setitem(app.config, "SMTP_HOST", "")
    message_id = queued(dbs, subject="Development only")
    with caplog.at_level(logging.INFO, "petclinic.messages"):
        assert send(dbs).sent == 1
    row = stored(dbs, message_id)
    assert row.status is MessageStatus.SENT and row.last_response == DEVELOPMENT_ANSWER
    [line] = [r.getMessage() for r in caplog.records if r.name == "petclinic.messages"]
    assert "jean.coleman@example.com" in line and "'Development only'" in line
    assert row.message_id in line
    assert smtp_server.received == []


@pytest.mark.parametrize("limit", [1, 2])
def test_limit_bounds_a_pass(dbs, mail_settings, smtp_server, limit):
    for _ in range(3):
        queued(dbs)
    assert send(dbs, limit=limit).sent == limit
    assert len(smtp_server.received) == limit


def test_an_unexpected_error_while_sending_counts_as_an_attempt_instead_of_stopping_the_sender(
        dbs, mail_settings, smtp_server, monkeypatch, caplog):
    from app.messages import backends

    def broken(self, email):
        raise RuntimeError("a bug in the backend")

    first, second = queued(dbs), queued(dbs)
    monkeypatch.setattr(backends.SMTPBackend, "send", broken)
    with caplog.at_level(logging.ERROR, "petclinic.messages"):
        result = send(dbs)
    assert (result.retry, result.handled) == (2, 2)  # both tried: no pass ends on a bug
    row = stored(dbs, first)
    assert row.attempts == 1 and row.claimed_by is None
    assert row.last_response == "Unexpected error: RuntimeError: a bug in the backend"
    assert stored(dbs, second).attempts == 1
    assert "RuntimeError: a bug in the backend" in caplog.text  # with its traceback
