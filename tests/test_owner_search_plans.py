"""At 100,000 owners every kind of search reads indexes: no full scan of owners or pets.

The plans are the databases' own (EXPLAIN QUERY PLAN on SQLite; EXPLAIN (FORMAT JSON) on
PostgreSQL after ANALYZE), for the page query and the count query of each kind, on a
database of this module's own filled once with Core bulk inserts.
"""

import itertools
import random
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from app import create_app
from app.extensions import db
from app.models import Owner, Pet, PetType
from app.models.search_columns import search_values
from app.owners.search import OwnerSearch
from app.seed import vocabulary as words
from tests.conftest import empty_database

pytestmark = pytest.mark.slow

OWNERS = 100_000
BATCH = 10_000
CHIP = "985000000004240"  # every tenth pet is chipped with its id

# One search of each kind, as the desk types them.
SEARCHES = {
    "last name": "Campb",
    "first name": "Aaliy",
    "pet name": "Biscu",
    "first last": "alice camp",
    "last first": "Campbell Ali",
    "telephone": "(608) 555-1023",
    "last digits": "1023",
    "email": "alice.campbell1@",
    "microchip": CHIP,
}


def owner_rows(rng, now):
    """Owners as the bulk seed draws them, with their search columns."""
    for owner_id in range(1, OWNERS + 1):
        first, last = rng.choice(words.FIRST_NAMES), rng.choice(words.LAST_NAMES)
        email = f"{first}.{last}{rng.randrange(100)}@example.com".lower() if rng.random() < 0.6 else None
        row = {"id": owner_id, "first_name": first, "last_name": last, "address": "1 Main St",
               "city": "Madison", "telephone": f"+1608{rng.randrange(10**7):07d}", "email": email,
               "created_at": now, "updated_at": now}
        if owner_id == 1:  # the one the telephone and email searches find, at least
            row |= {"first_name": "Alice", "last_name": "Campbell", "telephone": "+16085551023",
                    "email": "alice.campbell1@example.com"}
        yield row | search_values(Owner, row)


def pet_rows(rng, now, type_id):
    """One or two pets per owner, one in ten microchipped."""
    pet_id = 0
    for owner_id in range(1, OWNERS + 1):
        for name in rng.sample(words.PET_NAMES, rng.choice((1, 1, 2))):
            pet_id += 1
            row = {"id": pet_id, "owner_id": owner_id, "name": name, "type_id": type_id,
                   "birth_date": date(2020, 1, 1), "microchip": None if pet_id % 10 else
                   f"985{pet_id:012d}", "sex": "unknown", "neutered": False,
                   "created_at": now, "updated_at": now}
            yield row | search_values(Pet, row)


def insert_in_batches(conn, table, rows):
    """Core executemany, BATCH rows at a time; on PostgreSQL, COPY (ten times faster)."""
    if conn.dialect.name == "postgresql":
        first = next(rows)
        cursor = conn.connection.driver_connection.cursor()
        with cursor.copy(f"COPY {table.name} ({', '.join(first)}) FROM STDIN") as copy:
            for row in itertools.chain([first], rows):
                copy.write_row(list(row.values()))
        return
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            conn.execute(sa.insert(table), batch)
            batch = []
    if batch:
        conn.execute(sa.insert(table), batch)


@pytest.fixture(scope="module")
def clinic(database_url, tmp_path_factory):
    """An app on a database of its own holding 100,000 owners and their pets, analysed."""
    with empty_database(database_url, tmp_path_factory.mktemp("plans"), "search_plans") as url:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "x", "TESTING": True})
        with app.app_context():
            db.create_all()  # tests only
            rng, now = random.Random(19), datetime.now(UTC)
            with db.engine.begin() as conn:
                type_id = conn.scalar(sa.insert(PetType).values(name="cat").returning(PetType.id))
                insert_in_batches(conn, Owner.__table__, owner_rows(rng, now))
                insert_in_batches(conn, Pet.__table__, pet_rows(rng, now, type_id))
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("ANALYZE")
        yield app
        with app.app_context():
            db.engine.dispose()


def plan(statement):
    """The database's plan: (operation, table, index) for each step that reads a table."""
    dialect = db.engine.dialect
    sql = statement.compile(dialect=dialect, compile_kwargs={"literal_binds": True})
    with db.engine.connect() as conn:
        if dialect.name == "sqlite":
            return [row[-1] for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}")]
        (document,) = conn.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {sql}").scalar()
    steps, nodes = [], [document["Plan"]]
    while nodes:
        node = nodes.pop()
        nodes.extend(node.get("Plans", []))
        if "Relation Name" in node:
            steps.append(f"{node['Node Type']} on {node['Relation Name']} {node.get('Index Name', '')}")
    return steps


def full_scans(steps):
    """The steps that read all of owners or pets (SQLite: SCAN, even of an index; PostgreSQL:
    Seq Scan)."""
    return [step for step in steps
            if step.startswith(("SCAN owners", "SCAN pets", "Seq Scan on owners", "Seq Scan on pets"))]


@pytest.mark.parametrize("kind", list(SEARCHES))
def test_each_kind_of_search_reads_indexes_only(clinic, kind):
    with clinic.test_request_context():
        search = OwnerSearch(SEARCHES[kind])
        page = plan(search.owners().limit(clinic.config["PAGE_SIZE"]).offset(0))
        count = plan(search.count_query(clinic.config["SEARCH_COUNT_LIMIT"]))
        assert full_scans(page) == [], page
        assert full_scans(count) == [], count
        assert search.count(clinic.config["SEARCH_COUNT_LIMIT"]) >= 1  # a real search, with matches


def test_the_list_of_every_owner_is_read_in_index_order(clinic):
    with clinic.test_request_context():
        steps = plan(OwnerSearch("").owners().limit(10).offset(0))
    assert any("ix_owners_last_name_folded" in step for step in steps), steps
    assert not any(step.startswith(("Seq Scan", "USE TEMP B-TREE")) or "ORDER BY" in step
                   for step in steps), steps


def test_the_fixture_holds_a_clinic_of_the_promised_size(clinic):
    with clinic.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Owner)) == OWNERS
        assert db.session.scalar(sa.select(Pet.owner_id).where(Pet.microchip == CHIP)) is not None
