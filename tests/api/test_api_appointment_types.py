"""The API's typeId (outside the Spring contract): booking, reschedule and follow-ups under the
rule of a type's specialty, and the OpenAPI document describing it."""

from datetime import datetime, time, timedelta

import pytest

from tests.api.conftest import assert_problem
from tests.test_appointment_type_bookings import (  # noqa: F401 (the fixture)
    SURGERY_REFUSED,
    checked_in_today,
    clinic,
    rows,
)

def api_booking(clinic, **change):
    """An API booking body."""
    starts = datetime.combine(clinic["day"], time(10)).isoformat()
    return {"petId": clinic["leo"], "vetId": clinic["douglas"], "startsAt": starts,
            "durationMinutes": 120, "reason": "Spay", **change}


def test_the_api_books_with_and_without_a_type(api, dbs, clinic):
    typed = api("reception").post("/appointments", json=api_booking(clinic, typeId=clinic["surgery"]))
    assert typed.status_code == 201, typed.text
    body = typed.get_json()
    assert (body["typeId"], body["typeName"], body["followsId"]) == (clinic["surgery"], "surgery", None)
    plain = api("reception").post("/appointments", json=api_booking(
        clinic, vetId=clinic["leary"], startsAt=api_booking(clinic)["startsAt"].replace("T10", "T13"),
        durationMinutes=30))
    assert plain.status_code == 201 and plain.get_json()["typeId"] is None


@pytest.mark.parametrize(
    ("change", "detail"),
    [
        ({"vetId": "leary", "typeId": "surgery"}, f"vetId: {SURGERY_REFUSED}"),
        ({"typeId": 424242}, "typeId: Choose one of the appointment types."),
        ({"typeId": "surgery-ish"}, "typeId"),
        ({"typeId": -1}, "typeId"),
    ],
)
def test_the_api_refuses_an_unknown_type_or_a_vet_without_its_specialty(
    api, dbs, clinic, change, detail
):
    change = {key: clinic.get(value, value) if isinstance(value, str) else value
              for key, value in change.items()}
    assert_problem(api().post("/appointments", json=api_booking(clinic, **change)), 400, detail)
    assert rows(dbs) == []


def test_an_api_reschedule_without_a_type_keeps_it_and_checks_it_against_the_new_vet(
    api, dbs, clinic
):
    body = api().post("/appointments", json=api_booking(clinic, typeId=clinic["surgery"])).get_json()
    url = f"/appointments/{body['id']}"
    fields = {key: value for key, value in api_booking(clinic).items() if key != "petId"}
    moved = api().put(url, json=fields | {"durationMinutes": 60})
    assert moved.status_code == 200 and moved.get_json()["typeId"] == clinic["surgery"]
    assert_problem(api().put(url, json=fields | {"vetId": clinic["leary"]}), 400, SURGERY_REFUSED)
    cleared = api().put(url, json=fields | {"vetId": clinic["leary"], "typeId": None})
    assert cleared.status_code == 200 and cleared.get_json()["typeId"] is None


def test_an_api_follow_up_keeps_the_type_and_its_specialty_rule(api, dbs, clinic):
    first = checked_in_today(dbs, clinic)
    later = datetime.combine(clinic["day"] + timedelta(days=7), time(9)).isoformat()
    refused = api("vet").post(f"/appointments/{first}/complete", json={
        "description": "Spayed.", "followUp": {"vetId": clinic["leary"], "startsAt": later}})
    assert refused.status_code == 201
    assert refused.get_json()["followUpProblem"] == SURGERY_REFUSED

    second = checked_in_today(dbs, clinic, vet="carter", kind="consultation", minutes=30)
    done = api("vet").post(f"/appointments/{second}/complete", json={
        "description": "Fine.", "followUp": {"vetId": clinic["leary"], "startsAt": later}})
    follow_up = done.get_json()["followUp"]
    assert (follow_up["typeId"], follow_up["followsId"]) == (clinic["consultation"], second)


def test_the_openapi_document_describes_type_id_as_outside_the_contract(anonymous):
    document = anonymous.get("/api/openapi.json").get_json()
    schemas = document["components"]["schemas"]
    fields = next(schema for name, schema in schemas.items() if name.startswith("NewAppointment"))
    type_id = fields["properties"]["typeId"]
    assert "outside the Spring PetClinic contract" in type_id["description"]
    assert "typeId" not in fields.get("required", [])
