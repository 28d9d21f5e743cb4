"""Production settings and health endpoints, in process (tests/test_deployment.py runs gunicorn)."""

import runpy
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import request, session

from app import config as app_config
from app import create_app
from app.extensions import db
from app.ops.security import MISSING_SECRET_KEY, SECURITY_HEADERS
from tests.probes import probe

GUNICORN_CONF = str(Path(__file__).resolve().parent.parent / "gunicorn.conf.py")


@pytest.fixture
def make_app(database_url):
    """Build an app on the test database from settings; every engine is disposed afterwards."""
    made = []

    def make(**settings):
        made.append(create_app({"SQLALCHEMY_DATABASE_URI": database_url, **settings}))
        return made[-1]

    yield make
    for app in made:
        with app.app_context():
            db.engine.dispose()


@pytest.mark.parametrize("secret_key", [None, "", "  ", app_config.DEFAULT_SECRET_KEY])
def test_production_refuses_to_start_without_a_real_secret_key(make_app, secret_key):
    with pytest.raises(RuntimeError) as refused:
        make_app(SECRET_KEY=secret_key)
    assert str(refused.value) == MISSING_SECRET_KEY
    assert "SECRET_KEY" in MISSING_SECRET_KEY and "secrets.token_urlsafe" in MISSING_SECRET_KEY


@pytest.mark.parametrize("mode", ["DEBUG", "TESTING"])
def test_debug_and_testing_may_use_the_development_secret_key(make_app, mode):
    app = make_app(SECRET_KEY=app_config.DEFAULT_SECRET_KEY, **{mode: True})
    assert app.config["SECRET_KEY"] == app_config.DEFAULT_SECRET_KEY


def set_cookie_header(app):
    """The Set-Cookie header of a response that stores something in the session."""

    @probe(app, "/_test/remember")
    def remember():
        session["seen"] = True
        return "ok"

    return app.test_client().get("/_test/remember").headers["Set-Cookie"]


def test_the_session_cookie_is_secure_httponly_and_same_site_lax_by_default(make_app):
    cookie = set_cookie_header(make_app(SECRET_KEY="a-real-secret"))
    assert "; Secure" in cookie and "; HttpOnly" in cookie and "; SameSite=Lax" in cookie


def test_secure_cookies_can_be_turned_off_for_a_plain_http_desk(monkeypatch, make_app):
    monkeypatch.setenv("SESSION_COOKIE_SECURE", "false")
    secure = app_config.from_environment()["SESSION_COOKIE_SECURE"]
    assert secure is False
    cookie = set_cookie_header(make_app(SECRET_KEY="a-real-secret", SESSION_COOKIE_SECURE=secure))
    assert "Secure" not in cookie and "; HttpOnly" in cookie


def client_address_and_scheme(app):
    """What the app believes about a request that came through a proxy."""

    @probe(app, "/_test/client")
    def client():
        return f"{request.remote_addr} {request.scheme}"

    proxied = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"}
    return app.test_client().get("/_test/client", headers=proxied).get_data(as_text=True)


def test_proxy_headers_are_ignored_unless_a_proxy_is_configured(make_app):
    assert client_address_and_scheme(make_app(SECRET_KEY="s")) == "127.0.0.1 http"


def test_proxy_headers_are_honoured_from_as_many_proxies_as_configured(monkeypatch, make_app):
    monkeypatch.setenv("PROXY_FIX_X_FOR", "1")
    monkeypatch.setenv("PROXY_FIX_X_PROTO", "1")
    proxy_fix = app_config.from_environment()["PROXY_FIX"]
    assert proxy_fix == {"x_for": 1, "x_proto": 1, "x_host": 0, "x_port": 0, "x_prefix": 0}
    app = make_app(SECRET_KEY="s", PROXY_FIX=proxy_fix)
    assert client_address_and_scheme(app) == "203.0.113.7 https"


def test_error_responses_carry_the_security_headers_and_the_request_id(app):
    response = app.test_client().get("/no-such-page", headers={"X-Request-ID": "desk-42"})
    assert response.status_code == 404
    assert response.headers["X-Request-ID"] == "desk-42"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_readyz_is_503_when_the_schema_is_not_at_the_migrations_head(app):
    # The test schema comes from create_all(): no alembic_version row at all.
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "unavailable" and "flask db upgrade" in body["reason"]
    assert body["revision"] == [] and len(body["head"]) == 1


def test_readyz_is_503_json_and_healthz_still_200_when_the_database_is_unreachable(tmp_path):
    unreachable = f"sqlite:///{tmp_path / 'no-such-directory' / 'petclinic.db'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": unreachable, "SECRET_KEY": "s"})
    client = app.test_client()
    ready = client.get("/readyz")
    assert ready.status_code == 503
    assert ready.get_json() == {"status": "unavailable", "reason": "database unreachable"}
    assert ready.headers["Cache-Control"] == "no-store"
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_health_checks_read_and_set_no_session_cookie(sign_in):
    client = sign_in("reception")
    with client:
        ready = client.get("/readyz")
        assert not session  # the signed-in cookie was not read
    alive = client.get("/healthz")
    for response in (ready, alive):
        assert "Set-Cookie" not in response.headers and "Cookie" not in response.vary
        assert response.headers["X-Frame-Options"] == "DENY" and response.headers["X-Request-ID"]
    assert client.get("/vets").status_code == 200  # still signed in


def test_healthz_is_answered_in_front_of_the_app_with_every_response_header(app):
    client = app.test_client()
    with client:
        alive = client.get("/healthz", headers={"X-Request-ID": "probe-7"})
        assert not request  # no request context: nothing of the app ran
    assert alive.status_code == 200 and alive.get_json() == {"status": "ok"}
    assert alive.headers["Cache-Control"] == "no-store"
    assert alive.headers["X-Request-ID"] == "probe-7"
    assert all(alive.headers[name] == value for name, value in SECURITY_HEADERS.items())
    head = client.head("/healthz")
    assert head.status_code == 200 and head.data == b"" and len(head.headers["X-Request-ID"]) == 32


def test_an_outage_page_renders_even_when_the_layout_itself_needs_the_database(tmp_path):
    unreachable = f"sqlite:///{tmp_path / 'no-such-directory' / 'petclinic.db'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": unreachable, "SECRET_KEY": "s"})

    @app.context_processor
    def signed_in_user():
        # What Flask-Login's current_user does on every page for a signed-in user: a query.
        return {"staff": db.session.scalar(sa.text("SELECT 1"))}

    @probe(app, "/_test/query")
    def query():
        return str(db.session.scalar(sa.text("SELECT 1")))

    page = app.test_client().get("/_test/query")
    text = page.get_data(as_text=True)
    assert page.status_code == 503
    assert "Service unavailable" in text and page.headers["X-Request-ID"] in text


def test_a_dead_postgresql_connection_is_a_503_and_the_next_request_recovers(make_app):
    app = make_app(SECRET_KEY="s")
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("PostgreSQL only: a server connection that the server ends")

    @probe(app, "/_test/lose-connection")
    def lose_connection():
        # The server ends this very session, as a restart or a failover does.
        db.session.execute(sa.text("SELECT pg_terminate_backend(pg_backend_pid())"))
        return "not reached"

    @probe(app, "/_test/query")
    def query():
        return str(db.session.scalar(sa.text("SELECT 1")))

    client = app.test_client()
    assert client.get("/_test/query").status_code == 200
    lost = client.get("/_test/lose-connection")
    assert lost.status_code == 503 and "Service unavailable" in lost.get_data(as_text=True)
    again = client.get("/_test/query")
    assert (again.status_code, again.get_data(as_text=True)) == (200, "1")


def test_gunicorn_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("HOST", "0.0.0.0")
    monkeypatch.setenv("PORT", "8123")
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    settings = runpy.run_path(GUNICORN_CONF)
    assert settings["bind"] == ["0.0.0.0:8123"] and settings["workers"] == 3
    assert settings["accesslog"] == "-" and settings["graceful_timeout"] > 0


def test_gunicorn_defaults_to_loopback_port_8000_and_workers_from_the_cpus(monkeypatch):
    for name in ("HOST", "PORT", "WEB_CONCURRENCY"):
        monkeypatch.delenv(name, raising=False)
    settings = runpy.run_path(GUNICORN_CONF)
    assert settings["bind"] == ["127.0.0.1:8000"]
    assert 3 <= settings["workers"] <= 8


def end_backend(url, pid):
    """End a PostgreSQL session from outside, as a restart does, and wait until it is gone."""
    import psycopg

    with psycopg.connect(host=url.host, port=url.port or 5432, user=url.username,
                         password=url.password, dbname=url.database, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])
        deadline = time.monotonic() + 5
        while admin.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone():
            assert time.monotonic() < deadline, f"backend {pid} did not end"
            time.sleep(0.01)


def test_a_connection_lost_after_the_page_was_built_costs_that_request_nothing(make_app):
    app = make_app(SECRET_KEY="s")
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("PostgreSQL only: a server connection that the server ends")

    @probe(app, "/_test/read-then-lose")
    def read_then_lose():
        # The session's transaction is open: its end (a ROLLBACK) meets a dead connection.
        end_backend(db.engine.url, db.session.scalar(sa.text("SELECT pg_backend_pid()")))
        return "built"

    @probe(app, "/_test/query")
    def query():
        return str(db.session.scalar(sa.text("SELECT 1")))

    client = app.test_client()
    built = client.get("/_test/read-then-lose")
    assert (built.status_code, built.get_data(as_text=True)) == (200, "built")
    assert client.get("/_test/query").get_data(as_text=True) == "1"


def test_a_connection_lost_while_the_engine_first_connects_is_a_503(make_app):
    app = make_app(SECRET_KEY="s")
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("PostgreSQL only: a server connection that the server ends")
    ended = []

    def end_the_first_connection(dbapi_connection, connection_record):
        # Before SQLAlchemy's own first-connect setup of the dialect, as a restart would.
        if not ended:
            ended.append(dbapi_connection.info.backend_pid)
            end_backend(engine.url, dbapi_connection.info.backend_pid)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "connect", end_the_first_connection, insert=True)

    @probe(app, "/_test/query")
    def query():
        return str(db.session.scalar(sa.text("SELECT 1")))

    client = app.test_client()
    lost = client.get("/_test/query")
    assert lost.status_code == 503 and "Service unavailable" in lost.get_data(as_text=True)
    assert client.get("/_test/query").get_data(as_text=True) == "1"
