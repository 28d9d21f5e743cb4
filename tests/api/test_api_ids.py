"""The largest id (app.routing.MAX_ID, PostgreSQL's INTEGER): one past it is no id at all."""

import pytest

from app.routing import MAX_ID
from tests import factories
from tests.api.conftest import assert_problem

TOO_LARGE = MAX_ID + 1


@pytest.mark.parametrize(
    "path",
    [
        f"/owners/{TOO_LARGE}",
        f"/owners/1/pets/{TOO_LARGE}",
        f"/pets/{TOO_LARGE}",
        f"/visits/{TOO_LARGE}",
        f"/vets/{TOO_LARGE}",
        f"/pettypes/{TOO_LARGE}",
        f"/specialties/{TOO_LARGE}",
        f"/appointments/{TOO_LARGE}",
    ],
)
def test_an_id_over_the_largest_in_a_url_is_a_404(api, path):
    assert_problem(api().get(path), 404)
    assert_problem(api().delete(path), 404)


@pytest.mark.parametrize("path", [f"/owners/{MAX_ID}", f"/vets/{MAX_ID}", f"/pets/{MAX_ID}"])
def test_the_largest_id_in_a_url_is_looked_up_and_not_found(api, path):
    assert_problem(api().get(path), 404, f"with id {MAX_ID}")


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/visits", {"petId": TOO_LARGE, "description": "Checked over."}, "petId"),
        ("/appointments", {"petId": TOO_LARGE, "vetId": 1, "startsAt": "2030-01-07T10:00:00",
                           "reason": "Check-up"}, "petId"),
        ("/owners/1/pets", {"name": "Max", "birthDate": "2021-03-04",
                            "type": {"id": TOO_LARGE, "name": "dog"}}, "type"),
    ],
)
def test_an_id_over_the_largest_in_a_json_body_is_a_400(api, path, body, field):
    response = api().post(path, json=body)
    assert_problem(response, 400, field)


def test_a_vet_id_over_the_largest_in_the_query_is_a_400(api):
    assert_problem(api().get(f"/appointments?vetId={TOO_LARGE}"), 400, "vetId")


# --- ids sent as strings of digits, as the Spring implementation's Jackson reads them ---------


@pytest.fixture
def family(dbs):
    """An owner with a cat, and a dog type to change it to."""
    with dbs() as session:
        owner = factories.owner(session)
        pet = factories.pet(session, owner)
        dog = factories.pet_type(session, "dog")
        session.commit()
        return {"owner": owner.id, "pet": pet.id, "cat": pet.type_id, "dog": dog.id}


def test_a_pet_type_id_sent_as_a_string_adds_a_pet(api, family):
    # The Spring Postman collection's own request.
    body = {"birthDate": "2021-03-04", "name": "Drax", "type": {"id": str(family["cat"]),
                                                                "name": "cat"}}
    response = api().post(f"/owners/{family['owner']}/pets", json=body)
    assert response.status_code == 201, response.get_data(as_text=True)
    assert response.get_json()["type"] == {"id": family["cat"], "name": "cat"}


def test_a_pet_type_id_sent_as_a_string_changes_a_pet(api, family):
    body = {"birthDate": "2020-09-07", "name": "Leo", "type": {"id": str(family["dog"])},
            "id": str(family["pet"]), "ownerId": str(family["owner"])}
    assert api().put(f"/pets/{family['pet']}", json=body).status_code == 204
    assert api().get(f"/pets/{family['pet']}").get_json()["type"]["name"] == "dog"


def test_a_pet_id_sent_as_a_string_records_a_visit(api, family):
    response = api().post("/visits", json={"petId": str(family["pet"]), "description": "Ears."})
    assert response.status_code == 201, response.get_data(as_text=True)
    assert response.get_json()["petId"] == family["pet"]


@pytest.mark.parametrize(
    "value",
    ["1.5", "abc", "", " 1", "1 ", "+1", "-1", "0x1", "1_0", "\u0661", "1e3", str(TOO_LARGE),
     "9" * 40, True, False, 1.5, 1.0, None, [1], {"id": 1}],
)
def test_anything_but_a_whole_number_in_range_is_not_an_id(api, family, value):
    body = {"birthDate": "2021-03-04", "name": "Drax", "type": {"id": value}}
    response = api().post(f"/owners/{family['owner']}/pets", json=body)
    problem = assert_problem(response, 400)
    assert {error["pointer"] for error in problem["schemaValidationErrors"]} == {"/type/id"}
    assert [p["name"] for p in api().get(f"/owners/{family['owner']}").get_json()["pets"]] == ["Leo"]
