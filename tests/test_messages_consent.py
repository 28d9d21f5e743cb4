"""Owners' choices: consent recorded with who and when, the public unsubscribe page, the log."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from app.extensions import db
from app.messages.outbox import queue, withheld
from app.messages.public import BY_OWNER
from app.messages.tokens import SALT, unsubscribe_token, unsubscribe_url
from app.models import Message, MessageKind, MessageStatus, Owner
from tests import factories
from tests.api.conftest import ApiClient, basic
from tests.staff import ensure_staff

NEW_OWNER = {
    "first_name": "Jean",
    "last_name": "Coleman",
    "address": "105 N. Lake St.",
    "city": "Madison",
    "telephone": "608-555-2654",
    "email": "jean@example.com",
}


def queued(session, owner, kind, subject="Subject"):
    message = queue(owner, kind, subject, "text", "<p>html</p>", queued_by="test")
    session.flush()
    return message


def test_registering_with_consent_records_who_and_when(client, dbs):
    before = datetime.now(UTC)
    response = client.post("/owners/new", data=NEW_OWNER | {"email_consent": "y"})
    assert response.status_code == 302
    with dbs() as session:
        owner = session.scalars(sa.select(Owner).filter_by(last_name="Coleman")).one()
        assert owner.email_consent is True
        assert owner.email_consent_by == "admin"
        assert owner.email_consent_at >= before - timedelta(seconds=1)


def test_registering_without_consent_records_nothing(client, dbs):
    client.post("/owners/new", data=NEW_OWNER)
    with dbs() as session:
        owner = session.scalars(sa.select(Owner).filter_by(last_name="Coleman")).one()
        assert (owner.email_consent, owner.email_consent_at, owner.email_consent_by) == (
            False, None, None)


def edit(client, owner, **changes):
    page = client.get(f"/owners/{owner.id}/edit").get_data(as_text=True)
    version = page.split('name="version"')[1].split('value="')[1].split('"')[0]
    data = NEW_OWNER | {"version": version} | changes
    return client.post(f"/owners/{owner.id}/edit", data=data)


def test_saving_again_keeps_the_recorded_consent_and_withdrawing_records_anew(
        client, sign_in, dbs):
    with dbs() as session:
        owner = factories.owner(session, email="jean@example.com", email_consent=True,
                                email_consent_at=datetime(2026, 1, 5, tzinfo=UTC),
                                email_consent_by="desk")
        session.commit()
    assert edit(client, owner, email_consent="y").status_code == 302
    with dbs() as session:
        kept = session.get(Owner, owner.id)
        assert (kept.email_consent_by, kept.email_consent_at.year) == ("desk", 2026)
        assert kept.email_consent_at.month == 1
    assert edit(sign_in("reception"), owner).status_code == 302  # box left unticked
    with dbs() as session:
        withdrawn = session.get(Owner, owner.id)
        assert withdrawn.email_consent is False
        assert withdrawn.email_consent_by == "reception"
        assert withdrawn.email_consent_at.date() >= datetime.now(UTC).date() - timedelta(days=1)


def test_the_api_neither_asks_nor_changes_consent(app, dbs):
    ensure_staff(app)
    api = ApiClient(app.test_client(), basic("admin"))
    with dbs() as session:
        owner = factories.owner(session, email="jean@example.com", email_consent=True,
                                email_consent_at=datetime(2026, 1, 5, tzinfo=UTC),
                                email_consent_by="desk")
        session.commit()
    body = api.get(f"/owners/{owner.id}").get_json()
    body.pop("pets", None)
    assert api.put(f"/owners/{owner.id}", json=body).status_code in (200, 204)
    with dbs() as session:
        assert session.get(Owner, owner.id).email_consent_by == "desk"


@pytest.mark.parametrize(
    ("email", "consent", "kind", "expected"),
    [
        (None, True, MessageKind.CONFIRMATION, "No email address is recorded."),
        ("a@example.com", False, MessageKind.VACCINATION_REMINDER,
         "The owner has not agreed to reminders by email."),
        ("a@example.com", False, MessageKind.CONFIRMATION, None),
        ("a@example.com", False, MessageKind.APPOINTMENT_REMINDER, None),
        ("a@example.com", True, MessageKind.VACCINATION_REMINDER, None),
    ],
)
def test_who_gets_what(dbs, email, consent, kind, expected):
    with dbs() as session:
        owner = factories.owner(session, email=email, email_consent=consent)
        assert withheld(owner, kind) == expected
        message = queued(session, owner, kind)
        assert (message is None) == (expected is not None)
        if message is not None:
            assert message.to_address == email
            assert message.message_id.startswith("<") and message.message_id.endswith(">")


def test_every_queued_message_has_its_own_message_id(dbs):
    with dbs() as session:
        owner = factories.owner(session, email="a@example.com")
        ids = {queued(session, owner, MessageKind.CONFIRMATION).message_id for _ in range(20)}
        assert len(ids) == 20


def test_the_unsubscribe_page_asks_first_and_changes_nothing_on_get(anonymous, app, dbs):
    with dbs() as session:
        owner = factories.owner(session, email="a@example.com", email_consent=True)
        session.commit()
        url = unsubscribe_url(owner.id)
    assert url.startswith("http://localhost/unsubscribe/")
    response = anonymous.get(url)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Stop reminder emails" in page and "George" in page
    with dbs() as session:
        assert session.get(Owner, owner.id).email_consent is True


def test_unsubscribing_records_the_opt_out_and_withdraws_pending_reminders(anonymous, dbs):
    with dbs() as session:
        owner = factories.owner(session, email="a@example.com", email_consent=True)
        reminder = queued(session, owner, MessageKind.VACCINATION_REMINDER)
        confirmation = queued(session, owner, MessageKind.CONFIRMATION)
        session.commit()
        token = unsubscribe_token(owner.id)
    response = anonymous.post(f"/unsubscribe/{token}")
    assert response.status_code == 200
    assert "no more vaccination reminders" in response.get_data(as_text=True)
    with dbs() as session:
        opted_out = session.get(Owner, owner.id)
        assert (opted_out.email_consent, opted_out.email_consent_by) == (False, BY_OWNER)
        assert session.get(Message, reminder.id).status is MessageStatus.CANCELLED
        assert session.get(Message, confirmation.id).status is MessageStatus.PENDING
        assert queued(session, opted_out, MessageKind.VACCINATION_REMINDER) is None


def test_the_owner_page_says_what_the_owner_gets_and_lists_their_messages(client, dbs):
    with dbs() as session:
        owner = factories.owner(session, email="a@example.com")
        for number in range(7):
            queued(session, owner, MessageKind.CONFIRMATION, subject=f"Booked number {number}")
        session.commit()
    page = client.get(f"/owners/{owner.id}").get_data(as_text=True)
    assert "Gets only confirmations and appointment reminders" in page
    assert "Booked number 6" in page and "Booked number 1" not in page  # the latest five
    assert f"/owners/{owner.id}/messages" in page
    log = client.get(f"/owners/{owner.id}/messages").get_data(as_text=True)
    assert log.count("Booked number") == 7  # one page of PAGE_SIZE (10)
    assert "Pending" in log


def test_an_owner_without_email_is_told_to_get_nothing(client, dbs):
    with dbs() as session:
        owner = factories.owner(session)
        session.commit()
    page = client.get(f"/owners/{owner.id}").get_data(as_text=True)
    assert "No email address: the clinic sends this owner no messages." in page


@pytest.mark.parametrize("damage", ["tampered", "foreign", "garbage"])
def test_a_damaged_token_is_refused_and_changes_nothing(anonymous, app, dbs, damage):
    with dbs() as session:
        owner = factories.owner(session, email="a@example.com", email_consent=True)
        session.commit()
        token = unsubscribe_token(owner.id)
        if damage == "tampered":
            token = unsubscribe_token(owner.id + 1)[:-4] + token[-4:]
        elif damage == "foreign":
            token = URLSafeTimedSerializer("another-secret", salt=SALT).dumps({"owner": owner.id})
        else:
            token = "not-a-token"
    response = anonymous.post(f"/unsubscribe/{token}")
    assert response.status_code == 400
    assert "not valid" in response.get_data(as_text=True)
    with dbs() as session:
        assert session.get(Owner, owner.id).email_consent is True


class Backdated(TimestampSigner):
    """Signs with a timestamp from long ago, as an old message's link was."""

    def get_timestamp(self):
        return super().get_timestamp() - 91 * 24 * 3600


def test_an_expired_token_is_refused(anonymous, app, dbs):
    with dbs() as session:
        owner = factories.owner(session, email="a@example.com", email_consent=True)
        session.commit()
    signing = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=SALT, signer=Backdated)
    token = signing.dumps({"owner": owner.id})
    response = anonymous.post(f"/unsubscribe/{token}")
    assert response.status_code == 400
    assert "expired" in response.get_data(as_text=True)
    with dbs() as session:
        assert session.get(Owner, owner.id).email_consent is True


def test_a_token_for_an_owner_since_deleted_says_so(anonymous, app, dbs):
    with dbs() as session:
        owner = factories.owner(session, email="a@example.com")
        session.flush()
        token = unsubscribe_token(owner.id)
        session.delete(owner)
        session.commit()
    response = anonymous.get(f"/unsubscribe/{token}")
    assert response.status_code == 404
    assert "nothing to unsubscribe" in response.get_data(as_text=True)


def test_a_message_leaves_with_its_owner(dbs):
    with dbs() as session:
        owner = factories.owner(session, email="a@example.com")
        queued(session, owner, MessageKind.CONFIRMATION)
        session.delete(owner)
        session.flush()
        assert session.scalar(sa.select(sa.func.count()).select_from(Message)) == 0
