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

    assert expression_index_names(app) == {"ix_owners_last_name_lower", "uq_pets_owner_id_name_lower"}

    result = runner.invoke(args=["db", "check"])
    assert result.exit_code == 0, result.output

    result = runner.invoke(args=["db", "downgrade", "base"])
    assert result.exit_code == 0, result.output
    assert table_names(app) == {"alembic_version"}

    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert table_names(app) == model_tables | {"alembic_version"}
