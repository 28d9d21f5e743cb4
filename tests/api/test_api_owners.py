"""Owners through the API: the contract's operations, status codes and validation rules."""

import pytest
import sqlalchemy as sa

from app.models import Owner
from tests import factories
from tests.api.conftest import assert_problem

GEORGE = {
    "firstName": "George",
    "lastName": "Franklin",
    "address": "110 W. Liberty St.",
    "city": "Madison",
    "telephone": "6085551023",
}


def test_adding_an_owner_answers_201_with_location_and_the_owner(api, dbs):
    response = api().post("/owners", json=GEORGE)
    assert response.status_code == 201
    body = response.get_json()
    assert response.headers["Location"] == f"/api/owners/{body['id']}"
    assert body == {**GEORGE, "id": body["id"], "pets": [], "email": None}
    with dbs() as session:
        assert session.get(Owner, body["id"]).telephone == "+16085551023"


def test_telephone_is_accepted_as_people_write_it_and_answered_as_digits(api):
    body = api().post("/owners", json={**GEORGE, "telephone": "(608) 555-1023"}).get_json()
    assert body["telephone"] == "6085551023"


def test_listing_owners_filters_by_last_name_prefix_ignoring_case(api, dbs):
    with dbs() as session:
        franklin = factories.owner(session, "Franklin")
        factories.pet(session, franklin)
        factories.owner(session, "Davis")
        session.commit()
    response = api().get("/owners?lastName=fRa")
    assert response.status_code == 200
    [owner] = response.get_json()
    assert owner["lastName"] == "Franklin"
    assert owner["pets"][0]["name"] == "Leo"
    assert owner["pets"][0]["type"]["name"] == "cat"


def test_no_matching_owner_is_an_empty_list_not_a_404(api):
    response = api().get("/owners?lastName=Nobody")
    assert response.status_code == 200
    assert response.get_json() == []


def test_owner_list_loads_pets_and_visits_in_a_constant_number_of_statements(
    api, dbs, statements
):
    def add_owners(count):
        with dbs() as session:
            for n in range(count):
                owner = factories.owner(session, f"Lister{chr(97 + n)}")
                for name in ("Leo", "Max"):
                    factories.visit(session, factories.pet(session, owner, name=name))
            session.commit()

    client = api()
    add_owners(1)
    client.get("/vets")  # the first Basic call of a worker checks the password in full
    statements.reset()
    assert len(client.get("/owners?lastName=Lister").get_json()) == 1
    few = statements.count
    add_owners(5)
    statements.reset()
    assert len(client.get("/owners?lastName=Lister").get_json()) == 6
    assert statements.count == few


def test_owner_page_is_zero_based_with_totals(api, dbs):
    with dbs() as session:
        for name in ("Pagea", "Pageb", "Pagec"):
            factories.owner(session, name)
        session.commit()
    body = api().get("/v2/owners?lastName=page&page=1&size=2").get_json()
    assert [o["lastName"] for o in body["content"]] == ["Pagec"]
    assert (body["page"], body["size"], body["totalElements"], body["totalPages"]) == (1, 2, 3, 2)
    empty = api().get("/v2/owners?lastName=page&page=7&size=2").get_json()
    assert empty["content"] == [] and empty["totalElements"] == 3


@pytest.mark.parametrize("query", ["page=-1", "size=0", "size=101", "page=x", "size=1.5"])
def test_owner_page_refuses_bad_paging(api, query):
    body = assert_problem(api().get(f"/v2/owners?{query}"), 400)
    assert body["schemaValidationErrors"][0]["in"] == "query"


def test_getting_an_owner_shows_pets_with_visits(api, dbs):
    with dbs() as session:
        owner = factories.owner(session)
        factories.visit(session, factories.pet(session, owner), description="Rabies shot")
        session.commit()
    body = api().get(f"/owners/{owner.id}").get_json()
    assert body["pets"][0]["visits"][0]["description"] == "Rabies shot"
    assert body["pets"][0]["ownerId"] == owner.id


def test_unknown_owner_is_404_problem(api):
    assert_problem(api().get("/owners/999999"), 404, "There is no owner with id 999999.")
    assert_problem(api().get("/owners/99999999999"), 404)


def test_updating_an_owner_keeps_an_email_the_client_does_not_know(api, dbs):
    with dbs() as session:
        owner = factories.owner(session, email="george@example.com")
        session.commit()
    response = api().put(f"/owners/{owner.id}", json={**GEORGE, "city": "Monona", "id": 5, "pets": []})
    assert response.status_code == 204 and response.data == b""
    saved = api().get(f"/owners/{owner.id}").get_json()
    assert saved["city"] == "Monona"
    assert saved["email"] == "george@example.com"


def test_update_of_a_missing_owner_is_404(api):
    assert_problem(api().put("/owners/999999", json=GEORGE), 404)


def test_deleting_an_owner_answers_204_and_removes_pets(api, dbs):
    with dbs() as session:
        owner = factories.owner(session)
        pet = factories.pet(session, owner)
        session.commit()
    response = api().delete(f"/owners/{owner.id}")
    assert response.status_code == 204 and response.data == b""
    assert_problem(api().get(f"/pets/{pet.id}"), 404)
    assert_problem(api().get(f"/owners/{owner.id}"), 404)
    assert_problem(api().delete(f"/owners/{owner.id}"), 404)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("firstName", None, "Field may not be null."),
        ("firstName", "", "Length must be between 1 and 30."),
        ("firstName", "G" * 31, "Length must be between 1 and 30."),
        ("firstName", "George2", "Use letters"),
        ("firstName", "Anne Marie Louise Claire", "Use letters"),
        ("firstName", "George.", "Use letters"),
        ("lastName", "", "Length must be between 1 and 30."),
        ("lastName", "Franklin!", "Use letters"),
        ("address", "", "Length must be between 1 and 255."),
        ("address", "a" * 256, "Length must be between 1 and 255."),
        ("address", "Main St\x00", "Remove the control characters."),
        ("city", "", "Length must be between 1 and 80."),
        ("city", "c" * 81, "Length must be between 1 and 80."),
        ("telephone", "", "Length must be between 1 and 20."),
        ("telephone", "6" * 21, "Length must be between 1 and 20."),
        ("telephone", "call me", "Use digits"),
        ("telephone", "12", "too few or too many digits"),
        ("telephone", "0000000000", "This number does not exist"),
        ("telephone", "1234567890", "This number does not exist"),
        ("email", "not-an-email", "email"),
        ("firstName", 42, "Not a valid string."),
    ],
)
def test_owner_fields_follow_the_contract_rules(api, field, value, message):
    body = assert_problem(api().post("/owners", json={**GEORGE, field: value}), 400)
    errors = body["schemaValidationErrors"]
    assert {error["pointer"] for error in errors} == {f"/{field}"}
    assert any(message.lower() in error["message"].lower() for error in errors)


@pytest.mark.parametrize("field", ["firstName", "lastName", "address", "city", "telephone"])
def test_every_contract_owner_field_is_required(api, field):
    fields = {k: v for k, v in GEORGE.items() if k != field}
    body = assert_problem(api().post("/owners", json=fields), 400)
    assert body["schemaValidationErrors"][0]["message"] == (
        f"[Path '/{field}'] Missing data for required field."
    )


@pytest.mark.parametrize("name", ["José", "O'Brien", "Smith-Jones", "Anne Marie", "St. John"[3:]])
def test_contract_names_with_letters_of_any_language_are_accepted(api, name):
    assert api().post("/owners", json={**GEORGE, "firstName": name}).status_code == 201


def test_last_name_may_end_with_a_dot(api):
    assert api().post("/owners", json={**GEORGE, "lastName": "Jr."}).status_code == 201


def test_invalid_owner_writes_nothing(api, dbs):
    assert_problem(api().post("/owners", json={**GEORGE, "telephone": "x"}), 400)
    with dbs() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Owner)) == 0
