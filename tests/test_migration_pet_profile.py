"""Migration 0011 (pet profile and alerts) on a database that already has pets."""

import pytest
import sqlalchemy as sa

from app import create_app
from app.extensions import db

BEFORE = "bff013791cf7"


@pytest.fixture
def migration_app(empty_database_url):
    """An app on the empty database; its engine is disposed whatever the test does."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database_url, "SECRET_KEY": "x"})
    yield app
    with app.app_context():
        db.engine.dispose()


def migrate(app, *args):
    result = app.test_cli_runner().invoke(args=["db", *args])
    assert result.exit_code == 0, result.output


def index_sql(app):
    """name → definition of the pets table's indexes, as the database has them."""
    query = {
        "sqlite": "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'pets'",
        "postgresql": "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'pets'",
    }
    with app.app_context(), db.engine.connect() as conn:
        return dict(conn.execute(sa.text(query[conn.dialect.name])).all())


def test_existing_pets_get_the_defaults_and_keep_their_indexes(migration_app):
    app = migration_app
    migrate(app, "upgrade", BEFORE)
    with app.app_context(), db.engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO owners (first_name, last_name, address, city, telephone,"
                             " created_at, updated_at, version) VALUES ('G', 'F', 'a', 'c',"
                             " '+16085551023', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1)"))
        conn.execute(sa.text("INSERT INTO pet_types (name) VALUES ('cat')"))
        for name in ("Leo", "Max"):
            conn.execute(sa.text(
                "INSERT INTO pets (name, birth_date, owner_id, type_id, created_at, updated_at,"
                " version) SELECT :name, '2020-09-07', owners.id, pet_types.id, CURRENT_TIMESTAMP,"
                " CURRENT_TIMESTAMP, 1 FROM owners, pet_types"), {"name": name})
    before = index_sql(app)

    migrate(app, "upgrade")
    with app.app_context(), db.engine.connect() as conn:
        rows = conn.execute(sa.text(
            "SELECT name, sex, neutered, breed, colour, microchip, deceased_on FROM pets"
            " ORDER BY name")).all()
    assert [tuple(row) for row in rows] == [
        ("Leo", "unknown", False, None, None, None, None),
        ("Max", "unknown", False, None, None, None, None),
    ]
    after = index_sql(app)
    # No rebuild: every index is still there, as it was, the case-insensitive name one too.
    assert {name: sql for name, sql in after.items() if name in before} == before
    assert "uq_pets_microchip" in after and "lower(" in after["uq_pets_owner_id_name_lower"]

    migrate(app, "downgrade", BEFORE)
    assert index_sql(app) == before
    with app.app_context():
        columns = {c["name"] for c in sa.inspect(db.engine).get_columns("pets")}
        assert "microchip" not in columns and "pet_alerts" not in sa.inspect(db.engine).get_table_names()
