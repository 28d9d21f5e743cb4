"""The factory, configuration, pages that every feature relies on, and the demo seed."""

import logging
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from app import config as app_config
from app import create_app
from app.extensions import db
from app.models import Appointment, Owner, Pet, PetType, Specialty, Vet, Visit


def test_engine_options_add_pool_settings_only_for_server_databases(monkeypatch):
    monkeypatch.setenv("DB_POOL_SIZE", "7")
    monkeypatch.setenv("DB_POOL_RECYCLE", "60")
    server = app_config.engine_options("postgresql+psycopg://u@h/db")
    assert server["pool_size"] == 7 and server["pool_recycle"] == 60
    assert server["pool_pre_ping"] is True
    sqlite = app_config.engine_options("sqlite:///x.db")
    assert "pool_size" not in sqlite and sqlite["connect_args"]["timeout"] == 15


def test_a_plain_postgres_url_gets_the_psycopg_driver(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://u@h:5432/clinic")
    assert app_config.from_environment()["SQLALCHEMY_DATABASE_URI"] == (
        "postgresql+psycopg://u@h:5432/clinic"
    )


def test_a_malformed_number_setting_is_refused_with_its_name(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://u@h/db")
    monkeypatch.setenv("DB_POOL_SIZE", "lots")
    with pytest.raises(RuntimeError, match="DB_POOL_SIZE"):
        app_config.from_environment()


@pytest.mark.parametrize(("name", "value"), [("PAGE_SIZE", "0"), ("SEARCH_COUNT_LIMIT", "-1")])
def test_a_list_size_below_one_is_refused_at_start(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(RuntimeError, match=f"{name} must be at least 1, got {value}"):
        app_config.from_environment()


def test_serving_the_app_imports_no_migration_tooling():
    """A worker imports the app without Flask-Migrate, Alembic and Mako (about 130 ms of its
    start, a sixth): `flask db` imports them when it runs (app/migrate.py)."""
    root = Path(__file__).resolve().parent.parent
    code = ("import sys, wsgi; print(sorted({name.split('.')[0] for name in sys.modules} & "
            "{'alembic', 'flask_migrate', 'mako', 'pygments'}))")
    done = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True,
                          env={"SECRET_KEY": "import-test", "DATABASE_URL": "sqlite://",
                               "PATH": "/usr/bin:/bin"}, check=True)
    assert done.stdout.strip() == "[]", done.stderr


def test_sessions_keep_loaded_values_after_commit(app):
    with app.app_context():
        assert db.session.session_factory.kw["expire_on_commit"] is False


def test_slow_statements_are_logged_with_their_duration(database_url, caplog):
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "x",
                      "SLOW_QUERY_MS": 0})
    with caplog.at_level(logging.WARNING, logger="petclinic.sql"), app.app_context():
        db.session.execute(sa.text("SELECT 1"))
        db.session.remove()
        db.engine.dispose()
    assert any(
        "slow query (" in r.getMessage() and "SELECT 1" in r.getMessage() for r in caplog.records
    )


def test_home_page_shows_counts(client, dbs):
    with dbs() as session:
        session.add(Vet(first_name="James", last_name="Carter"))
        session.commit()
    page = client.get("/").get_data(as_text=True)
    assert "Welcome" in page
    assert "vets on staff" in page
    assert "/bootstrap/static/css/bootstrap.min.css" in page  # served locally, no CDN


def test_unknown_page_is_a_404_in_the_site_layout(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "PetClinic" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "path",
    [
        "/owners/2147483647",  # PostgreSQL's largest INTEGER: looked up, not found
        "/owners/2147483648",
        "/owners/99999999999999999999",  # beyond 64 bits: SQLite's driver overflowed (a 500)
        "/owners/1/pets/9223372036854775808/edit",
        "/appointments/18446744073709551616",
        "/vets/99999999999999999999",
    ],
)
def test_an_id_no_database_can_hold_is_a_404(client, path):
    assert client.get(path).status_code == 404


@pytest.mark.parametrize(
    "body",
    ["1", "[1, 2]", '"Smith"', "null", '{"first_name": 5, "last_name": ["a", "b"]}',
     '{"first_name": {"nested": 1}, "last_name": "Smith", "address": "1 Main St.",'
     ' "city": "Madison", "telephone": "608 555 1023"}'],
)
def test_a_page_form_posted_as_json_is_refused_like_an_empty_form(client, dbs, body):
    # Flask-WTF fills forms from JSON bodies too, and a JSON number, list or nested object
    # broke the fields (TypeError, a 500). Pages read form posts only.
    response = client.post("/owners/new", data=body, content_type="application/json")
    assert response.status_code == 200 and "This field is required." in response.text
    with dbs() as session:
        assert session.scalar(sa.select(sa.func.count(Owner.id))) == 0


def test_unknown_page_is_a_json_problem_for_api_clients(client):
    response = client.get("/no-such-page", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["status"] == 404


def test_bootstrap_is_served_from_the_app(client):
    response = client.get("/bootstrap/static/css/bootstrap.min.css")
    assert response.status_code == 200
    response.close()


def table_counts(session):
    """Row counts of the seeded tables."""
    models = (PetType, Specialty, Vet, Owner, Pet, Appointment, Visit)
    return {
        m.__name__: session.scalar(sa.select(sa.func.count()).select_from(m)) for m in models
    }


def test_seed_demo_creates_the_demo_clinic_and_is_idempotent(runner, dbs):
    first = runner.invoke(args=["seed", "demo"])
    assert first.exit_code == 0, first.output
    with dbs() as session:
        after_first = table_counts(session)
    assert after_first["PetType"] == 6 and after_first["Specialty"] == 3
    assert after_first["Owner"] == 10 and after_first["Pet"] == 13 and after_first["Vet"] == 6
    assert after_first["Appointment"] > 0 and after_first["Visit"] > 0

    second = runner.invoke(args=["seed", "demo"])
    assert second.exit_code == 0, second.output
    assert "skipped" in second.output
    with dbs() as session:
        assert table_counts(session) == after_first
