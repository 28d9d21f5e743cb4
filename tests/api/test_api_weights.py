"""A pet's weights through the API: kilograms as exact strings, the 10 % flag, the rules."""

from datetime import timedelta

import pytest

from tests import factories
from tests.api.conftest import assert_problem


@pytest.fixture
def pet_id(dbs):
    with dbs() as session:
        pet = factories.pet(session, factories.owner(session))
        session.commit()
        return pet.id


def test_a_weight_is_recorded_and_answered_as_the_exact_string(api, pet_id, today):
    response = api().post(f"/pets/{pet_id}/weights", json={"kilograms": "12.35"})
    assert response.status_code == 201, response.get_data(as_text=True)
    body = response.get_json()
    assert response.headers["Location"] == f"/api/pets/{pet_id}/weights/{body['id']}"
    assert body == {"id": body["id"], "petId": pet_id, "kilograms": "12.35",
                    "recordedOn": today.isoformat(), "visitId": None, "appointmentId": None,
                    "changePercent": None, "flagged": False}
    again = api().get(f"/pets/{pet_id}/weights/{body['id']}")
    assert '"kilograms":"12.35"' in again.get_data(as_text=True).replace(" ", "")


def test_the_list_is_oldest_first_with_each_change_and_flag(api, pet_id):
    for day, kilograms in (("2025-02-03", "4.10"), ("2025-01-05", "4.00"),
                           ("2025-03-03", "4.61")):
        assert api("reception").post(f"/pets/{pet_id}/weights", json={
            "kilograms": kilograms, "recordedOn": day}).status_code == 201
    body = api().get(f"/pets/{pet_id}/weights").get_json()
    assert [(w["recordedOn"], w["kilograms"], w["changePercent"], w["flagged"]) for w in body] == [
        ("2025-01-05", "4.00", None, False),
        ("2025-02-03", "4.10", "+2.5", False),
        ("2025-03-03", "4.61", "+12.5", True),
    ]


@pytest.mark.parametrize(("kilograms", "message"), [
    (12.35, "Send kilograms as a string"),
    (12, "Send kilograms as a string"),
    ("12.345", "at most two decimals"),
    ("4,5", "at most two decimals after a point"),
    ("0", "more than 0 kg"),
    ("0.00", "more than 0 kg"),
    ("-1", "at most two decimals after a point"),
    ("10000", "at most two decimals after a point"),
    ("1e3", "at most two decimals after a point"),
    (None, "Field may not be null."),
])
def test_a_bad_weight_is_a_400_naming_the_field(api, pet_id, kilograms, message):
    response = api().post(f"/pets/{pet_id}/weights", json={"kilograms": kilograms})
    body = assert_problem(response, 400)
    [error] = body["schemaValidationErrors"]
    assert error["pointer"] == "/kilograms" and message in error["message"]
    assert api().get(f"/pets/{pet_id}/weights").get_json() == []


def test_a_weight_for_tomorrow_is_refused(api, pet_id, today):
    response = api().post(f"/pets/{pet_id}/weights", json={
        "kilograms": "4.5", "recordedOn": (today + timedelta(days=1)).isoformat()})
    body = assert_problem(response, 400)
    assert body["schemaValidationErrors"][0]["pointer"] == "/recordedOn"


def test_weights_of_a_pet_that_is_not_there_are_404s(api, pet_id):
    assert_problem(api().get("/pets/999999/weights"), 404)
    assert_problem(api().post("/pets/999999/weights", json={"kilograms": "4.5"}), 404)
    assert_problem(api().get(f"/pets/{pet_id}/weights/999999"), 404)


def test_the_document_says_kilograms_are_strings(api):
    document = api(None).get("/openapi.json").get_json()
    for name in ("Weight", "WeightFields"):
        kilograms = document["components"]["schemas"][name]["properties"]["kilograms"]
        assert kilograms["type"] == "string" and kilograms["example"] == "12.35"
        assert kilograms["pattern"] == r"^[0-9]{1,4}(\.[0-9]{1,2})?$"
    assert {"get", "post"} <= set(document["paths"]["/api/pets/{pet_id}/weights"])
