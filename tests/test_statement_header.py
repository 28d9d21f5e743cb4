"""SQL_STATEMENT_HEADER: the opt-in statement count that the benchmarks read."""

from datetime import date

import pytest
import sqlalchemy as sa

from app import create_app
from app.extensions import db
from app.models import Owner, Pet, PetType
from app.ops.statements import HEADER
from tests.staff import signed_in


@pytest.fixture
def counting_app(empty_database_url):
    """An app with the header on, on a database of its own (its commits are real)."""
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": empty_database_url,
            "WTF_CSRF_ENABLED": False,
            "SQL_STATEMENT_HEADER": True,
        }
    )
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.engine.dispose()


def add_owner_with_pets(app, pets):
    """An owner with ``pets`` pets; the owner's id."""
    with app.app_context():
        cat = PetType(name="cat")
        owner = Owner(first_name="Jean", last_name="Coleman", address="105 N. Lake St.",
                      city="Monona", telephone="+16085552654")
        owner.pets = [Pet(name=f"Pet {n}", birth_date=date(2020, 1, 1), type=cat)
                      for n in range(pets)]
        db.session.add(owner)
        db.session.commit()
        return owner.id


def test_responses_carry_no_statement_count_by_default(client):
    assert HEADER not in client.get("/owners/find").headers


def test_the_header_counts_every_statement_the_request_sent(counting_app):
    client = signed_in(counting_app, "reception")
    owner_id = add_owner_with_pets(counting_app, 3)
    sent = []
    with counting_app.app_context():
        engine = db.engine

    def record(conn, cursor, statement, *args):
        sent.append(statement)

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        response = client.get(f"/owners/{owner_id}")
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
    assert response.status_code == 200
    queries = [s for s in sent if not s.lstrip().upper().startswith("BEGIN")]
    # Signed-in user; owner, pets and types; alerts; visits; upcoming appointments; messages.
    assert int(response.headers[HEADER]) == len(queries) == 6


def test_the_count_is_per_request_and_zero_for_a_page_without_queries(counting_app):
    client = signed_in(counting_app, "reception")
    with client.get("/static/css/petclinic.css") as stylesheet:  # no query: a public file
        assert stylesheet.headers[HEADER] == "0"
    first = client.get("/owners/find").headers[HEADER]
    assert client.get("/owners/find").headers[HEADER] == first == "1"  # the signed-in user
