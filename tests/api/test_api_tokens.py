"""Personal API tokens: pages and CLI, Bearer with the account's role, refusals at once,
no write per request, last use at most once a minute, and Basic without a write per call."""

import re
import sqlite3
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.auth.services import find_user, set_password
from app.extensions import db
from app.models import ApiToken, User
from app.models.columns import utcnow
from app.tokens.services import create_token, secret_digest
from app.users.services import deactivate_account
from tests.api.conftest import ApiClient, assert_problem, basic
from tests.concurrency import run_at_once
from tests.staff import ensure_staff

SECRET = re.compile(r"pct_[0-9a-f]{12}[A-Za-z0-9_-]{43}")
WRITES = ("INSERT", "UPDATE", "DELETE")


def new_token(dbs, username, days=30, name="script"):
    """Create a token for the account: (token id, secret)."""
    with dbs() as session:
        token, secret = create_token(find_user(username), name, days)
        session.commit()
        return token.id, secret


def bearer(app, secret):
    """An API client that sends the token."""
    return ApiClient(app.test_client(), {"Authorization": f"Bearer {secret}"})


def stored(dbs, token_id):
    """The token's row as stored now."""
    with dbs() as session:
        return session.get(ApiToken, token_id)


def writes(statements):
    """The write statements the counter saw."""
    return [sql for sql in statements.sql if sql.lstrip().upper().startswith(WRITES)]


# --- creating, listing, revoking ------------------------------------------------------------


def test_an_admin_creates_a_token_for_an_account_and_sees_the_secret_once(client, dbs):
    with dbs():
        reception_id = find_user("reception").id
    page = client.post(f"/users/{reception_id}/tokens", data={"name": "Desk scanner", "days": 30})
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    secret = SECRET.search(page.get_data(as_text=True)).group()
    with dbs() as session:
        token = session.scalar(sa.select(ApiToken).where(ApiToken.user_id == reception_id))
        row = session.execute(sa.select(ApiToken.__table__)).one()
    assert token.name == "Desk scanner" and token.secret_digest == secret_digest(secret)
    assert secret not in [str(value) for value in row]  # only the digest (and prefix) stored
    assert secret[4:16] == token.prefix
    assert timedelta(days=29, hours=23) < token.expires_at - utcnow() <= timedelta(days=30)
    again = client.get(f"/users/{reception_id}/tokens").get_data(as_text=True)
    assert "Desk scanner" in again and secret not in again and token.prefix in again


def test_staff_manage_their_own_tokens_and_no_one_elses(sign_in, dbs):
    desk = sign_in("reception")
    page = desk.post("/account/tokens", data={"name": "mine", "days": 7}).get_data(as_text=True)
    assert SECRET.search(page)
    other_id, _ = new_token(dbs, "vet")
    assert desk.post(f"/account/tokens/{other_id}/revoke").status_code == 404
    assert stored(dbs, other_id).revoked_at is None
    with dbs() as session:
        own = session.scalar(sa.select(ApiToken).where(ApiToken.name == "mine"))
    assert desk.post(f"/account/tokens/{own.id}/revoke").status_code == 302
    assert stored(dbs, own.id).revoked_at is not None
    assert "revoked" in desk.get("/account/tokens").get_data(as_text=True)


@pytest.mark.parametrize("data, message", [
    ({"name": "", "days": 30}, "This field is required"),
    ({"name": "long", "days": 366}, "between 1 and 365"),
    ({"name": "x" * 81, "days": 30}, "longer than 80"),
])
def test_a_bad_token_form_is_a_form_error_and_creates_nothing(sign_in, dbs, data, message):
    page = sign_in("vet").post("/account/tokens", data=data).get_data(as_text=True)
    assert message in page and not SECRET.search(page)
    with dbs() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(ApiToken)) == 0


def test_the_cli_creates_lists_and_revokes_tokens(app, runner, dbs):
    ensure_staff(app)
    created = runner.invoke(args=["users", "token", "create", "vet", "--name", "nightly", "--days", "10"])
    assert created.exit_code == 0, created.output
    secret = created.stdout.strip()
    assert SECRET.fullmatch(secret) and "shown this once" in created.stderr
    listed = runner.invoke(args=["users", "token", "list"])
    assert listed.exit_code == 0 and "nightly" in listed.output and "active" in listed.output
    assert secret not in listed.output and secret[4:16] in listed.output
    with dbs() as session:
        token = session.scalar(sa.select(ApiToken))
    assert token.secret_digest == secret_digest(secret)
    assert "nightly" not in runner.invoke(args=["users", "token", "list", "admin"]).output
    revoked = runner.invoke(args=["users", "token", "revoke", str(token.id)])
    assert revoked.exit_code == 0 and "revoked" in revoked.output
    assert "revoked" in runner.invoke(args=["users", "token", "list", "vet"]).output


@pytest.mark.parametrize("args, message", [
    (["create", "ghost", "--name", "x"], "No account named"),
    (["create", "vet", "--name", "x", "--days", "400"], "400 is not in the range"),
    (["create", "vet", "--name", "  "], "1 to 80 characters"),
    (["create", "vet"], "Missing option '--name'"),
    (["list", "ghost"], "No account named"),
    (["revoke", "999999"], "No API token with id 999999"),
])
def test_token_cli_refusals_are_clear_and_non_zero(app, runner, args, message):
    ensure_staff(app)
    result = runner.invoke(args=["users", "token", *args])
    assert result.exit_code != 0
    assert message in result.output


# --- using a token --------------------------------------------------------------------------


def test_a_token_speaks_with_its_accounts_role(app, api, dbs):
    _, desk = new_token(dbs, "reception")
    _, boss = new_token(dbs, "admin")
    owner_id = api().post("/owners", json={"firstName": "Tia", "lastName": "Token",
                                           "address": "1 Road", "city": "Town",
                                           "telephone": "6085551023"}).get_json()["id"]
    assert bearer(app, desk).get(f"/owners/{owner_id}").status_code == 200
    assert_problem(bearer(app, desk).delete(f"/owners/{owner_id}"), 403)
    assert_problem(bearer(app, desk).get("/users/vet"), 403)
    assert bearer(app, boss).delete(f"/owners/{owner_id}").status_code in (200, 204)
    # The role at request time, not at creation.
    with dbs() as session:
        session.execute(sa.update(User).where(User.username == "reception").values(role="admin"))
        session.commit()
    assert bearer(app, desk).get("/users/vet").status_code == 200


@pytest.mark.parametrize("spoil", ["revoke", "expire", "deactivate", "unknown", "garbled"])
def test_a_revoked_expired_deactivated_or_unknown_token_is_refused_at_once(app, api, dbs, spoil):
    token_id, secret = new_token(dbs, "vet")
    client = bearer(app, secret)
    assert client.get("/owners").status_code == 200
    with dbs() as session:
        token = session.get(ApiToken, token_id)
        if spoil == "revoke":
            token.revoked_at = utcnow()
        elif spoil == "expire":
            token.expires_at = utcnow() - timedelta(seconds=1)
        elif spoil == "deactivate":
            deactivate_account(find_user("vet"))
        session.commit()
    if spoil == "unknown":
        client = bearer(app, secret[:-4] + "AAAA")
    elif spoil == "garbled":
        client = bearer(app, "not-a-token")
    response = client.get("/owners")
    detail = {"revoke": "revoked", "expire": "expired", "deactivate": "deactivated",
              "unknown": "Unknown API token", "garbled": "start with pct_"}[spoil]
    assert_problem(response, 401, detail)
    challenges = ", ".join(response.headers.getlist("WWW-Authenticate"))
    assert re.findall(r"(?:^|, )(Basic|Bearer) realm=", challenges) == ["Basic", "Bearer"]


def test_a_token_get_writes_nothing_and_notes_its_use_once_a_minute(app, api, dbs, statements):
    token_id, secret = new_token(dbs, "reception")
    client = bearer(app, secret)
    statements.reset()
    assert client.get("/owners").status_code == 200
    # The first use is noted: one UPDATE, conditional, in a transaction of its own.
    assert [sql.split()[0:2] for sql in writes(statements)] == [["UPDATE", "api_tokens"]]
    assert "last_used_at IS NULL OR" in writes(statements)[0]
    first = stored(dbs, token_id).last_used_at
    assert first is not None
    statements.reset()
    for _ in range(3):
        assert client.get("/owners").status_code == 200
    assert writes(statements) == []  # within the minute: not even a statement
    assert not any("argon" in sql.lower() for sql in statements.sql)
    with dbs() as session:  # a minute later, the next use is noted again
        session.get(ApiToken, token_id).last_used_at = first - timedelta(seconds=61)
        session.commit()
    statements.reset()
    assert client.get("/owners").status_code == 200
    assert len(writes(statements)) == 1
    assert stored(dbs, token_id).last_used_at > first


def test_a_token_request_checks_no_password(app, api, dbs, monkeypatch):
    from app.auth import services as auth_services

    _, secret = new_token(dbs, "reception")
    calls = []
    monkeypatch.setattr(auth_services, "verify_password", lambda *a: calls.append(a))
    assert bearer(app, secret).get("/vets").status_code == 200
    assert calls == []


# --- HTTP Basic -----------------------------------------------------------------------------


def test_basic_writes_once_then_not_on_every_call(app, api, dbs, statements):
    client = api("vet")
    client.get("/vets")  # this worker's first call with the pair: the full check, and writes
    statements.reset()
    for _ in range(3):
        assert client.get("/vets").status_code == 200
    assert writes(statements) == []
    with dbs() as session:  # a minute on, the sign-in time is noted again, once
        find_user("vet").last_login_at = utcnow() - timedelta(minutes=2)
        session.commit()
    statements.reset()
    client.get("/vets")
    client.get("/vets")
    assert [sql.split()[0:2] for sql in writes(statements)] == [["UPDATE", "users"]]


def test_a_remembered_basic_password_is_forgotten_when_it_changes_or_the_account_goes(
    app, api, dbs
):
    client = api("vet")
    assert client.get("/vets").status_code == 200
    with dbs() as session:
        set_password(find_user("vet"), "a brand new password")
        session.commit()
    assert_problem(client.get("/vets"), 401)
    fresh = ApiClient(app.test_client(), basic("vet", "a brand new password"))
    assert fresh.get("/vets").status_code == 200
    with dbs() as session:
        find_user("vet").active = False
        session.commit()
    assert_problem(fresh.get("/vets"), 401)
    with dbs() as session:  # and a lock (someone guessing) holds for a remembered pair too
        user = find_user("vet")
        user.active, user.locked_until = True, utcnow() + timedelta(minutes=5)
        session.commit()
    assert_problem(fresh.get("/vets"), 401, "locked")


# --- SQLite: a GET takes no write lock ------------------------------------------------------


@pytest.mark.committing
@pytest.mark.parametrize("how", ["bearer", "basic"])
def test_an_api_get_succeeds_while_another_connection_holds_the_write_lock(
    committing, database_url, how
):
    if sa.make_url(database_url).get_backend_name() != "sqlite":
        pytest.skip("SQLite's one write lock; PostgreSQL readers never wait for writers")
    app = committing
    ensure_staff(app)
    with app.app_context():
        _, secret = create_token(find_user("reception"), "lock test", 1)
        db.session.commit()
    headers = ({"Authorization": f"Bearer {secret}"} if how == "bearer" else basic("reception"))
    client = app.test_client()
    assert client.get("/api/owners", headers=headers).status_code == 200  # use noted, pair known
    other = sqlite3.connect(sa.make_url(database_url).database, timeout=0)
    try:
        other.execute("BEGIN IMMEDIATE")  # another writer holds the lock throughout
        started = time.perf_counter()
        for _ in range(3):
            assert client.get("/api/owners", headers=headers).status_code == 200
        assert time.perf_counter() - started < 2  # no wait for the lock (busy timeout 15 s)
    finally:
        other.rollback()
        other.close()


@pytest.mark.committing
def test_racing_requests_note_a_tokens_use_once(committing):
    app = committing
    ensure_staff(app)
    with app.app_context():
        token, secret = create_token(find_user("reception"), "race", 1)
        token.last_used_at = utcnow() - timedelta(minutes=5)
        db.session.commit()
        engine = db.engine
    changed = []

    def count_rows(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("UPDATE API_TOKENS"):
            changed.append(cursor.rowcount)

    sa.event.listen(engine, "after_cursor_execute", count_rows)
    try:
        answers = run_at_once(
            lambda i: app.test_client().get(
                "/api/vets", headers={"Authorization": f"Bearer {secret}"}).status_code, 8)
    finally:
        sa.event.remove(engine, "after_cursor_execute", count_rows)
    assert answers == [200] * 8
    assert sum(changed) == 1, changed  # however many read the old time, one row was written
