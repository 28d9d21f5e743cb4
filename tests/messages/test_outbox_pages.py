"""The outbox pages: the list by status, a message, retry and cancel, failures on the home page."""

import re
from datetime import timedelta

import pytest

from app.extensions import db
from app.models import Message, MessageStatus
from app.models.columns import utcnow
from tests.concurrency import post_at_once
from tests.messages.conftest import queue_message, queued
from tests.staff import signed_in


def stored(dbs, message_id):
    """The message as the database has it now."""
    with dbs() as session:
        return session.get(Message, message_id, populate_existing=True)


def rows(page):
    """The message ids the outbox table lists, in order."""
    return [int(n) for n in re.findall(r'id="message-(\d+)"', page.get_data(as_text=True))]


def test_the_outbox_lists_newest_first_with_owner_kind_subject_attempts_and_answer(client, dbs):
    older = queued(dbs, MessageStatus.SENT, attempts=1, last_response="250 Ok: queued as X1",
                   created_at=utcnow() - timedelta(hours=2))
    newer = queued(dbs, MessageStatus.FAILED, attempts=3, last_response="550 No such user")
    page = client.get("/messages")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert rows(page) == [newer, older]
    owner_id = stored(dbs, newer).owner_id
    assert f'href="/owners/{owner_id}"' in text and f'href="/messages/{newer}"' in text
    assert "Confirmation" in text and "550 No such user" in text and "250 Ok: queued as X1" in text
    assert rows(client.get("/messages?status=failed")) == [newer]
    assert rows(client.get("/messages?status=sent")) == [older]
    assert rows(client.get("/messages?status=cancelled")) == []


def test_an_unknown_status_is_a_400_and_a_page_past_the_end_is_empty(client):
    assert client.get("/messages?status=lost").status_code == 400
    assert client.get("/messages?status=pending&page=500").status_code == 200
    assert client.get("/messages?page=0").status_code == 404


def test_the_outbox_pages_through_many_messages(client, dbs, app, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    ids = [queued(dbs, created_at=utcnow() - timedelta(minutes=n)) for n in range(5)]
    assert rows(client.get("/messages?status=pending")) == ids[:2]
    third = client.get("/messages?status=pending&page=3")
    assert rows(third) == ids[4:]
    assert "status=pending" in third.get_data(as_text=True)  # the pager keeps the filter


def test_the_outbox_and_a_message_take_the_same_statements_however_many_there_are(
        client, dbs, statements):
    def count(url):
        client.get(url)  # warm: the signed-in user's first load
        statements.reset()
        assert client.get(url).status_code == 200
        return statements.count

    first = queued(dbs)
    few = count("/messages"), count(f"/messages/{first}")
    for _ in range(12):
        queued(dbs)
    assert (count("/messages"), count(f"/messages/{first}")) == few
    assert few[0] <= 5  # user, counts, page count, page rows (+ session check)


def test_a_message_page_shows_its_headers_and_text(client, dbs):
    message_id = queued(dbs, subject="See you on Friday")
    row = stored(dbs, message_id)
    text = client.get(f"/messages/{message_id}").get_data(as_text=True)
    assert "See you on Friday" in text
    for header in ("From", "To", "Subject", "Date", "Message-ID", "Auto-Submitted"):
        assert f'<th scope="row" class="text-nowrap">{header}</th>' in text
    assert row.message_id.replace("<", "&lt;").replace(">", "&gt;") in text
    assert "See you soon." in text and "Cancel message" in text and ">Retry<" not in text


def test_a_message_that_cannot_be_built_shows_why_instead_of_failing(client, dbs):
    message_id = queued(dbs, subject="Broken\nBcc: someone@example.com")
    page = client.get(f"/messages/{message_id}")
    assert page.status_code == 200
    assert "This message cannot be sent as it is" in page.get_data(as_text=True)


def test_a_missing_message_is_a_404(client):
    assert client.get("/messages/999999").status_code == 404
    assert client.post("/messages/999999/retry").status_code == 404
    assert client.post("/messages/999999/cancel").status_code == 404


def test_retry_makes_a_failed_message_pending_again(client, dbs):
    message_id = queued(dbs, MessageStatus.FAILED, attempts=5, last_response="550 No")
    page = client.post(f"/messages/{message_id}/retry", follow_redirects=True)
    assert "The message is pending again" in page.get_data(as_text=True)
    row = stored(dbs, message_id)
    assert (row.status, row.attempts) == (MessageStatus.PENDING, 0)
    assert row.next_attempt_at <= utcnow()


def test_cancel_withdraws_a_pending_message_and_records_who(client, dbs):
    message_id = queued(dbs)
    page = client.post(f"/messages/{message_id}/cancel", follow_redirects=True)
    assert "The message is cancelled" in page.get_data(as_text=True)
    row = stored(dbs, message_id)
    assert row.status is MessageStatus.CANCELLED and row.last_response == "Cancelled by admin."


@pytest.mark.parametrize("action, status, refusal", [
    ("retry", MessageStatus.SENT, "is sent, not failed: nothing was changed"),
    ("cancel", MessageStatus.SENT, "is sent, not pending: nothing was changed"),
    ("cancel", MessageStatus.FAILED, "is failed, not pending: nothing was changed"),
])
def test_a_change_the_state_no_longer_allows_is_refused_with_the_reason(
        client, dbs, action, status, refusal):
    message_id = queued(dbs, status)  # e.g. the page was loaded while it was still pending
    page = client.post(f"/messages/{message_id}/{action}", follow_redirects=True)
    assert refusal in page.get_data(as_text=True)
    assert stored(dbs, message_id).status is status


def test_cancel_is_refused_while_a_sender_is_sending_it(client, dbs):
    message_id = queued(dbs, claimed_by="host:1", claimed_until=utcnow() + timedelta(minutes=1))
    page = client.post(f"/messages/{message_id}/cancel", follow_redirects=True)
    assert "is being sent just now" in page.get_data(as_text=True)
    assert stored(dbs, message_id).status is MessageStatus.PENDING


@pytest.mark.committing
def test_two_admins_cancelling_at_once_get_one_success_and_one_refusal(committing):
    app = committing
    admins = [signed_in(app, "admin") for _ in range(2)]
    for _ in range(5):  # a race may go either way once; five rounds of it
        with app.app_context():
            message_id = queue_message(db.session).id
            db.session.commit()
        results = post_at_once(
            [(admin, f"/messages/{message_id}/cancel", {}) for admin in admins],
            follow_redirects=True)
        bodies = [body for _, body in results]
        assert sorted("The message is cancelled" in body for body in bodies) == [False, True]
        assert sum("is cancelled, not pending: nothing was changed" in body
                   for body in bodies) == 1
        with app.app_context():
            row = db.session.get(Message, message_id)
            assert row.status is MessageStatus.CANCELLED


def test_failed_messages_are_counted_on_the_home_page(client, sign_in, dbs):
    assert 'id="failed-messages"' not in client.get("/").get_data(as_text=True)
    queued(dbs, MessageStatus.FAILED)
    queued(dbs, MessageStatus.FAILED)
    admin = client.get("/").get_data(as_text=True)
    assert "2 messages to owners could not be sent." in admin
    assert 'href="/messages?status=failed"' in admin
    reception = sign_in("reception").get("/").get_data(as_text=True)
    assert "2 messages to owners could not be sent." in reception
    assert 'href="/messages' not in reception  # the outbox is the administrators'


def test_the_outbox_is_in_the_administrators_navigation_only(client, sign_in):
    assert 'href="/messages">Outbox</a>' in client.get("/owners/find").get_data(as_text=True)
    page = sign_in("reception").get("/owners/find").get_data(as_text=True)
    assert "Outbox" not in page
