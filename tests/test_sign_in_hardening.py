"""Sign-in under attack: an exact lockout under parallel guesses, no write lock while Argon2
runs, the same cost and answer for every refusal, and sessions that end on the server."""

import sqlite3
import threading
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher, extract_parameters

from app.auth import passwords
from app.auth import services as auth_services
from app.extensions import db
from app.models import StaffSession, User
from app.models.columns import utcnow
from tests.api.conftest import basic
from tests.concurrency import run_at_once
from tests.staff import PASSWORD, ensure_staff

GUESSES = 20


class CountingVerifier:
    """verify_password that counts checks of real hashes and takes a while, as Argon2 does."""

    def __init__(self, real, pause=0.05):
        self.real, self.pause, self.calls = real, pause, 0
        self.lock = threading.Lock()

    def __call__(self, password_hash, password):
        with self.lock:
            self.calls += 1
        time.sleep(self.pause)  # the window in which racing attempts used to slip through
        return self.real(password_hash, password)


def reception(app):
    """The reception account as stored now."""
    with app.app_context():
        return db.session.scalar(sa.select(User).where(User.username == "reception"))


@pytest.mark.committing
@pytest.mark.parametrize("path", ["page", "api"])
def test_parallel_guesses_check_at_most_the_limit_of_passwords(committing, monkeypatch, path):
    app = committing
    ensure_staff(app)
    verifier = CountingVerifier(auth_services.verify_password)
    monkeypatch.setattr(auth_services, "verify_password", verifier)

    def guess(i):
        # Every guess wrong: a right one among them would rightly start the count again
        # (a success clears it), and so, if its thread ran early, let more checks through.
        password = f"guess number {i}"
        client = app.test_client()
        if path == "page":
            return client.post("/login", data={"username": "reception", "password": password})
        return client.get("/api/vets", headers=basic("reception", password))

    answers = run_at_once(guess, GUESSES)
    limit = app.config["LOGIN_MAX_FAILURES"]
    assert verifier.calls <= limit, f"{verifier.calls} passwords checked; the limit is {limit}"
    assert not any(a.status_code in (200, 302) for a in answers)
    assert reception(app).locked_until is not None


@pytest.mark.committing
def test_the_password_is_checked_with_no_transaction_open(committing, monkeypatch, database_url):
    app = committing
    ensure_staff(app)
    seen = []
    real = auth_services.verify_password

    def verify_and_look(password_hash, password):
        seen.append(db.session().in_transaction())
        if sa.make_url(database_url).get_backend_name() == "sqlite":
            # Another writer can take SQLite's write lock at once: the sign-in holds none.
            other = sqlite3.connect(sa.make_url(database_url).database, timeout=0)
            try:
                other.execute("BEGIN IMMEDIATE")
                other.rollback()
                seen.append("write lock free")
            finally:
                other.close()
        # The attempt is counted, and committed, before the password is checked.
        with db.engine.connect() as other:
            seen.append(other.scalar(
                sa.select(User.failed_logins).where(User.username == "reception")))
        return real(password_hash, password)

    monkeypatch.setattr(auth_services, "verify_password", verify_and_look)
    client = app.test_client()
    assert client.post("/login", data={"username": "reception",
                                       "password": "wrong one"}).status_code == 401
    assert client.get("/api/vets", headers=basic("reception")).status_code == 200
    expected = [False, 1, False, 2]
    if sa.make_url(database_url).get_backend_name() == "sqlite":
        expected = [False, "write lock free", 1, False, "write lock free", 2]
    assert seen == expected
    assert reception(app).failed_logins == 0  # the success gave the reservations back


def test_the_stand_in_hash_costs_what_a_real_one_costs():
    production = PasswordHasher()
    stand_in = extract_parameters(passwords.stand_in_hash(production))
    real = extract_parameters(production.hash("a real password"))
    assert stand_in == real
    assert stand_in.memory_cost >= 64 * 1024 and stand_in.time_cost >= 2


def test_unknown_locked_and_deactivated_accounts_cost_one_check_each(app, anonymous, dbs,
                                                                     monkeypatch):
    ensure_staff(app)
    checks = []
    real = passwords.verify_password
    monkeypatch.setattr(passwords, "verify_password",
                        lambda h, p: checks.append(h) or real(h, p))
    monkeypatch.setattr(auth_services, "verify_password", passwords.verify_password)
    with dbs() as session:
        session.scalar(sa.select(User).where(User.username == "vet")).active = False
        session.scalar(sa.select(User).where(User.username == "admin")).locked_until = (
            utcnow() + timedelta(minutes=5))
        session.commit()
    answers = [anonymous.post("/login", data={"username": name, "password": PASSWORD})
               for name in ("nobody", "vet", "admin", "reception")]
    assert [a.status_code for a in answers] == [401, 401, 401, 302]
    assert len(checks) == 4
    texts = {a.get_data(as_text=True).split("Unknown username", 1)[1][:200] for a in answers[:3]}
    assert len(texts) == 1


# --- sessions that end ------------------------------------------------------------------------


def session_cookie(client):
    """The value of the client's session cookie."""
    return client.get_cookie("session").value


def test_a_cookie_copied_before_sign_out_is_refused_after_it(app, sign_in):
    desk = sign_in("reception")
    thief = app.test_client()
    thief.set_cookie("session", session_cookie(desk))
    assert thief.get("/owners/find").status_code == 200
    assert desk.post("/logout").status_code == 302
    assert thief.get("/owners/find").status_code == 302


def test_signing_out_ends_only_that_session(app, sign_in):
    first, second = sign_in("reception"), sign_in("reception")
    first.post("/logout")
    assert second.get("/owners/find").status_code == 200


def test_the_cookie_holds_a_session_token_and_nothing_of_the_password(app, sign_in, dbs):
    client = sign_in("reception")
    content = app.session_interface.get_signing_serializer(app).loads(session_cookie(client))
    with dbs() as session:
        user = session.scalar(sa.select(User).where(User.username == "reception"))
        digests = session.scalars(
            sa.select(StaffSession.token_digest).where(StaffSession.user_id == user.id)).all()
    token = content["_user_id"]
    assert user.password_hash[-12:] not in token and str(user.id) != token
    assert auth_services.token_digest(token) in digests


def test_a_session_ends_when_its_time_is_up(app, sign_in, dbs):
    client = sign_in("reception")
    with dbs() as session:
        session.execute(sa.update(StaffSession).values(expires_at=utcnow() - timedelta(seconds=1)))
        session.commit()
    assert client.get("/owners/find").status_code == 302


def test_a_new_password_ends_every_session_of_the_account(app, sign_in, dbs):
    client = sign_in("reception")
    with dbs() as session:
        user = session.scalar(sa.select(User).where(User.username == "reception"))
        auth_services.set_password(user, "a brand new password")
        session.commit()
        assert session.scalar(sa.select(sa.func.count()).select_from(StaffSession)
                              .where(StaffSession.user_id == user.id)) == 0
    assert client.get("/owners/find").status_code == 302


def test_an_admin_signs_an_account_out_everywhere(app, sign_in, dbs):
    first, second = sign_in("reception"), sign_in("reception")
    admin = sign_in("admin")
    account = reception(app)
    page = admin.get(f"/users/{account.id}/edit")
    assert "Sign out everywhere" in page.text
    answer = admin.post(f"/users/{account.id}/sign-out", follow_redirects=True)
    assert "2 sessions ended" in answer.text
    assert first.get("/owners/find").status_code == 302
    assert second.get("/owners/find").status_code == 302
    assert admin.get("/owners/find").status_code == 200


def test_flask_users_sign_out_ends_the_sessions_of_an_account(app, sign_in, runner):
    client = sign_in("reception")
    result = runner.invoke(args=["users", "sign-out", "Reception"])
    assert result.exit_code == 0 and "1 session ended" in result.output
    assert client.get("/owners/find").status_code == 302
    missing = runner.invoke(args=["users", "sign-out", "nobody"])
    assert missing.exit_code == 1 and "No account named" in missing.output


def test_the_staff_page_shows_locked_and_deactivated_accounts(app, sign_in, dbs):
    admin = sign_in("admin")
    with dbs() as session:
        session.scalar(sa.select(User).where(User.username == "vet")).active = False
        locked = session.scalar(sa.select(User).where(User.username == "reception"))
        locked.failed_logins, locked.locked_until = 5, utcnow() + timedelta(minutes=9)
        session.commit()
    page = admin.get("/users").text
    assert "deactivated" in page
    assert "locked until" in page and "after 5 failed sign-ins" in page
