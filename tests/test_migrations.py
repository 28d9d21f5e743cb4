"""Migrations build the schema the models describe, and take it away again."""

import pytest
import sqlalchemy as sa

from app import create_app
from app.extensions import db


def table_names(app):
    """The tables the database has now."""
    with app.app_context():
        return set(sa.inspect(db.engine).get_table_names())


def expression_index_names(app):
    """Names of the indexes on lower(...), which SQLite's reflection (and so db check) skips."""
    query = {
        "sqlite": "SELECT name FROM sqlite_master WHERE type = 'index' AND sql LIKE :pattern",
        "postgresql": "SELECT indexname FROM pg_indexes WHERE indexdef LIKE :pattern",
    }
    with app.app_context(), db.engine.connect() as conn:
        rows = conn.execute(sa.text(query[conn.dialect.name]), {"pattern": "%lower(%"})
        return set(rows.scalars())


@pytest.fixture
def migration_app(empty_database_url):
    """An app on the empty database; its engine is disposed whatever the test does."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database_url, "SECRET_KEY": "x"})
    yield app
    with app.app_context():
        db.engine.dispose()


def test_upgrade_check_downgrade_and_upgrade_again(migration_app):
    app = migration_app
    runner = app.test_cli_runner()
    model_tables = set(db.metadata.tables)

    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert table_names(app) == model_tables | {"alembic_version"}

    assert expression_index_names(app) == {"uq_pets_owner_id_name_lower"}

    result = runner.invoke(args=["db", "check"])
    assert result.exit_code == 0, result.output

    result = runner.invoke(args=["db", "downgrade", "base"])
    assert result.exit_code == 0, result.output
    assert table_names(app) == {"alembic_version"}

    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert table_names(app) == model_tables | {"alembic_version"}


def test_seed_demo_with_upgrade_migrates_first_then_seeds_and_skips_the_second_time(migration_app):
    """`make run`'s one start-up command: `flask db upgrade`, then the demo clinic."""
    runner = migration_app.test_cli_runner()

    result = runner.invoke(args=["seed", "demo", "--upgrade"])
    assert result.exit_code == 0, result.output
    assert table_names(migration_app) == set(db.metadata.tables) | {"alembic_version"}
    assert "Demo clinic created" in result.output
    assert runner.invoke(args=["db", "check"]).exit_code == 0

    again = runner.invoke(args=["seed", "demo", "--upgrade"])
    assert again.exit_code == 0, again.output
    assert "Demo clinic skipped" in again.output


def test_visit_corrections_migration_keeps_the_visits_it_finds(migration_app):
    """0010: existing visits get version 1 and no author, and come back whole on downgrade."""
    app, runner = migration_app, migration_app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade", "d25f88340957"]).exit_code == 0
    now = "2026-12-01 10:00:00+00:00"
    with app.app_context(), db.engine.begin() as conn:
        for statement in (
            "INSERT INTO owners (id, first_name, last_name, address, city, telephone, created_at,"
            " updated_at) VALUES (1, 'G', 'F', 'a', 'c', '+16085551023', :now, :now)",
            "INSERT INTO pet_types (id, name) VALUES (1, 'cat')",
            "INSERT INTO pets (id, name, birth_date, owner_id, type_id, created_at, updated_at)"
            " VALUES (1, 'Leo', '2020-01-01', 1, 1, :now, :now)",
            "INSERT INTO visits (id, pet_id, visit_date, description, created_at)"
            " VALUES (1, 1, '2026-11-30', 'Seen.', :now)",
        ):
            conn.execute(sa.text(statement), {"now": now})
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    with app.app_context(), db.engine.connect() as conn:
        row = conn.execute(sa.text("SELECT description, version, author_id FROM visits")).one()
        assert tuple(row) == ("Seen.", 1, None)
    result = runner.invoke(args=["db", "downgrade", "d25f88340957"])
    assert result.exit_code == 0, result.output
    with app.app_context(), db.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT description FROM visits")).scalar_one() == "Seen."
        assert "visit_addenda" not in sa.inspect(conn).get_table_names()
