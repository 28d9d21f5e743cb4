"""Pets and visits through the API: the owner's pets, every pet, and visit records."""

from datetime import date, timedelta

import pytest

from tests import factories
from tests.api.conftest import assert_problem


@pytest.fixture
def owner(dbs):
    """An owner with one cat, Leo, and the dog type."""
    with dbs() as session:
        row = factories.owner(session)
        factories.pet(session, row)
        factories.pet_type(session, "dog")
        session.commit()
        return row


def pet_fields(dbs, name="Max", kind="dog", birth_date="2021-03-04"):
    """A pet body as the contract's clients send it."""
    with dbs() as session:
        kind_row = factories.pet_type(session, kind)
        return {"name": name, "birthDate": birth_date, "type": {"id": kind_row.id, "name": kind}}


def leo_id(api, owner):
    """The id of the owner's cat."""
    return api().get(f"/owners/{owner.id}").get_json()["pets"][0]["id"]


def test_adding_a_pet_answers_201_with_location(api, dbs, owner):
    response = api().post(f"/owners/{owner.id}/pets", json=pet_fields(dbs))
    assert response.status_code == 201
    body = response.get_json()
    # Where the Spring implementation points: the pet itself, not the owner's pet.
    assert response.headers["Location"] == f"/api/pets/{body['id']}"
    assert (body["name"], body["type"]["name"], body["ownerId"], body["visits"]) == (
        "Max", "dog", owner.id, []
    )


def test_a_duplicate_pet_name_ignoring_case_is_409(api, dbs, owner):
    response = api().post(f"/owners/{owner.id}/pets", json=pet_fields(dbs, name="LEO"))
    assert_problem(response, 409, "already has a pet named 'LEO'")


def test_renaming_a_pet_to_a_sibling_name_is_409(api, dbs, owner):
    api().post(f"/owners/{owner.id}/pets", json=pet_fields(dbs))
    response = api().put(f"/owners/{owner.id}/pets/{leo_id(api, owner)}", json=pet_fields(dbs))
    assert_problem(response, 409)


@pytest.mark.parametrize(
    ("change", "pointer"),
    [
        ({"name": ""}, "/name"),
        ({"name": "n" * 31}, "/name"),
        ({"name": None}, "/name"),
        ({"birthDate": "2021-02-30"}, "/birthDate"),
        ({"birthDate": (date.today() + timedelta(days=2)).isoformat()}, "/birthDate"),
        ({"birthDate": "1800-01-01"}, "/birthDate"),
        ({"type": None}, "/type"),
        ({"type": {"name": "dog"}}, "/type/id"),
        ({"type": {"id": "1.5"}}, "/type/id"),
        ({"type": {"id": True}}, "/type/id"),
        ({"type": {"id": -1}}, "/type/id"),
    ],
)
def test_pet_fields_follow_the_contract_rules(api, dbs, owner, change, pointer):
    response = api().post(f"/owners/{owner.id}/pets", json={**pet_fields(dbs), **change})
    body = assert_problem(response, 400)
    assert {error["pointer"] for error in body["schemaValidationErrors"]} == {pointer}


@pytest.mark.parametrize("field", ["name", "birthDate", "type"])
def test_every_contract_pet_field_is_required(api, dbs, owner, field):
    fields = {k: v for k, v in pet_fields(dbs).items() if k != field}
    assert_problem(api().post(f"/owners/{owner.id}/pets", json=fields), 400, "Missing data")


def test_an_unknown_pet_type_is_400(api, dbs, owner):
    fields = {**pet_fields(dbs), "type": {"id": 424242}}
    assert_problem(api().post(f"/owners/{owner.id}/pets", json=fields), 400, "no pet type with id")


def test_adding_a_pet_to_a_missing_owner_is_404(api, dbs):
    assert_problem(api().post("/owners/999999/pets", json=pet_fields(dbs)), 404)


def test_an_owners_pet_is_404_under_another_owner(api, dbs, owner):
    with dbs() as session:
        other = factories.owner(session, "Davis")
        session.commit()
    pet_id = leo_id(api, owner)
    assert api().get(f"/owners/{owner.id}/pets/{pet_id}").status_code == 200
    assert_problem(api().get(f"/owners/{other.id}/pets/{pet_id}"), 404)


def test_updating_an_owners_pet_is_204_without_a_body(api, dbs, owner):
    pet_id = leo_id(api, owner)
    response = api().put(f"/owners/{owner.id}/pets/{pet_id}", json=pet_fields(dbs, name="Leon"))
    assert response.status_code == 204
    assert response.data == b""
    assert api().get(f"/pets/{pet_id}").get_json()["type"]["name"] == "dog"


def test_pets_list_page_get_update_delete(api, dbs, owner):
    pet_id = leo_id(api, owner)
    assert [p["id"] for p in api().get("/pets").get_json()] == [pet_id]
    page = api().get("/v2/pets?page=0&size=5").get_json()
    assert page["totalElements"] == 1 and page["content"][0]["id"] == pet_id
    updated = api().put(f"/pets/{pet_id}", json=pet_fields(dbs, name="Leon"))
    assert updated.status_code == 204 and updated.data == b""
    assert api().get(f"/pets/{pet_id}").get_json()["name"] == "Leon"
    deleted = api().delete(f"/pets/{pet_id}")
    assert deleted.status_code == 204 and deleted.data == b""
    for method in ("get", "put", "delete"):
        kwargs = {"json": pet_fields(dbs)} if method == "put" else {}
        assert_problem(getattr(api(), method)(f"/pets/{pet_id}", **kwargs), 404)


def test_adding_a_visit_defaults_to_today_and_answers_201(api, owner, today):
    pet_id = leo_id(api, owner)
    response = api().post(f"/owners/{owner.id}/pets/{pet_id}/visits", json={"description": "Shot"})
    assert response.status_code == 201
    body = response.get_json()
    assert response.headers["Location"] == f"/api/visits/{body['id']}"
    assert (body["date"], body["petId"], body["description"]) == (today.isoformat(), pet_id, "Shot")


@pytest.mark.parametrize(
    ("fields", "pointer"),
    [
        ({}, "/description"),
        ({"description": ""}, "/description"),
        # The column's 2,000, wider than the contract's 255: visits written at completion.
        ({"description": "d" * 2001}, "/description"),
        ({"description": "Shot", "date": "2999-01-01"}, "/date"),
        ({"description": "Shot", "date": "yesterday"}, "/date"),
    ],
)
def test_visit_fields_follow_the_contract_rules(api, owner, fields, pointer):
    response = api().post(f"/owners/{owner.id}/pets/{leo_id(api, owner)}/visits", json=fields)
    body = assert_problem(response, 400)
    assert {error["pointer"] for error in body["schemaValidationErrors"]} == {pointer}


def test_a_visit_of_a_pet_of_another_owner_is_404(api, owner):
    assert_problem(api().post(f"/owners/{owner.id}/pets/999999/visits", json={"description": "x"}), 404)


def test_visits_list_add_get_update_delete(api, owner):
    pet_id = leo_id(api, owner)
    created = api().post("/visits", json={"petId": pet_id, "description": "Check", "date": "2024-02-01"})
    assert created.status_code == 201
    visit_id = created.get_json()["id"]
    assert [v["id"] for v in api().get("/visits").get_json()] == [visit_id]
    assert api().get(f"/visits/{visit_id}").get_json()["date"] == "2024-02-01"
    updated = api().put(f"/visits/{visit_id}", json={"description": "Checked"})
    assert updated.status_code == 204 and updated.data == b""
    assert api().get(f"/visits/{visit_id}").get_json() | {"id": 0} == {
        "id": 0, "petId": pet_id, "date": "2024-02-01", "description": "Checked",
        "vetId": None, "appointmentId": None,
    }
    deleted = api().delete(f"/visits/{visit_id}")
    assert deleted.status_code == 204 and deleted.data == b""
    assert_problem(api().get(f"/visits/{visit_id}"), 404)


def test_a_visit_for_an_unknown_pet_is_400(api):
    assert_problem(api().post("/visits", json={"petId": 999999, "description": "x"}), 400, "petId")


def test_a_visit_needs_its_pet_id(api):
    body = assert_problem(api().post("/visits", json={"description": "x"}), 400)
    assert body["schemaValidationErrors"][0]["pointer"] == "/petId"
