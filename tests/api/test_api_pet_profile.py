"""The pet profile and alerts in the API: additions to the contract's pet (optional on the
way in, kept when a Spring client leaves them out) and /pets/<id>/alerts."""

from datetime import date, datetime, time, timedelta

import pytest

from app.constraints import UNIQUE
from app.models import Pet
from tests import factories
from tests.api.conftest import assert_problem

CHIP = "985112003456789"


@pytest.fixture
def family(dbs):
    """George's cat Leo (chipped, female) and dog Max; a vet; ids."""
    with dbs() as session:
        owner = factories.owner(session)
        leo = factories.pet(session, owner, name="Leo")
        leo.microchip, leo.sex, leo.colour = CHIP, "female", "ginger"
        max_ = factories.pet(session, owner, name="Max", kind="dog")
        vet = factories.vet(session)
        session.commit()
        return {"owner": owner.id, "leo": leo.id, "max": max_.id, "cat": leo.type_id,
                "dog": max_.type_id, "vet": vet.id}


def spring_pet(family, **changes):
    """A pet as a Spring PetClinic client sends it: the contract's fields only."""
    return {"name": "Max", "birthDate": "2020-09-07", "type": {"id": family["dog"], "name": "dog"}} | changes


def test_a_pet_is_answered_with_its_profile(api, family):
    body = api().get(f"/pets/{family['leo']}").get_json()
    assert {k: body[k] for k in ("sex", "neutered", "breed", "colour", "microchip", "deceasedOn")} == {
        "sex": "female", "neutered": False, "breed": None, "colour": "ginger",
        "microchip": CHIP, "deceasedOn": None}
    owner = api().get(f"/owners/{family['owner']}").get_json()
    assert {pet["microchip"] for pet in owner["pets"]} == {CHIP, None}


def test_a_spring_client_that_sends_no_profile_keeps_it(api, dbs, family):
    response = api().put(f"/pets/{family['leo']}", json=spring_pet(family, name="Leo",
                         type={"id": family["cat"]}))
    assert response.status_code == 204, response.get_data(as_text=True)
    body = api().get(f"/pets/{family['leo']}").get_json()
    assert body["microchip"] == CHIP and body["sex"] == "female"
    put = api().put(f"/owners/{family['owner']}/pets/{family['leo']}",
                    json=spring_pet(family, name="Leo", type={"id": family["cat"]}))
    assert put.status_code == 204
    with dbs() as session:
        leo = session.get(Pet, family["leo"])
        assert (leo.microchip, leo.sex.value, leo.colour) == (CHIP, "female", "ginger")


def test_a_pet_is_added_and_changed_with_its_profile(api, dbs, family, today):
    fields = spring_pet(family, name="Tom", sex="male", neutered=True, breed="Beagle",
                        colour="tricolour", microchip="276098106543210")
    response = api().post(f"/owners/{family['owner']}/pets", json=fields)
    assert response.status_code == 201, response.get_data(as_text=True)
    tom = response.get_json()
    assert (tom["sex"], tom["neutered"], tom["breed"], tom["microchip"]) == (
        "male", True, "Beagle", "276098106543210")
    changed = api().put(f"/pets/{tom['id']}", json=fields | {"microchip": None,
                                                           "deceasedOn": today.isoformat()})
    assert changed.status_code == 204
    body = api().get(f"/pets/{tom['id']}").get_json()
    assert body["microchip"] is None
    assert body["deceasedOn"] == today.isoformat()


@pytest.mark.parametrize(
    ("changes", "detail"),
    [
        ({"sex": "neuter"}, "sex"),
        ({"microchip": "98511200345678"}, "A microchip number is 15 digits"),
        ({"microchip": "98511200345678x"}, "A microchip number is 15 digits"),
        ({"microchip": ""}, "Send null for no microchip."),
        ({"breed": "b" * 41}, "breed"),
        ({"deceasedOn": "2020-09-06"}, "The date of death cannot be before the birth date."),
        ({"deceasedOn": "2999-01-01"}, "The date of death cannot be in the future."),
    ],
)
def test_an_invalid_profile_is_a_400(api, dbs, family, changes, detail):
    response = api().put(f"/pets/{family['max']}", json=spring_pet(family, **changes))
    assert_problem(response, 400, detail)


def test_a_birth_date_after_the_stored_date_of_death_is_a_400(api, dbs, family):
    with dbs() as session:
        session.get(Pet, family["max"]).deceased_on = date(2021, 1, 1)
        session.commit()
    response = api().put(f"/pets/{family['max']}", json=spring_pet(family, birthDate="2021-06-01"))
    assert_problem(response, 400, "deceasedOn: The date of death cannot be before the birth date.")


def test_a_microchip_another_pet_has_is_a_409(api, dbs, family):
    response = api().put(f"/pets/{family['max']}", json=spring_pet(family, microchip=CHIP))
    assert_problem(response, 409, UNIQUE["uq_pets_microchip"].message)


def test_booking_a_deceased_pet_is_a_400_naming_the_pet(api, dbs, family, today):
    with dbs() as session:
        session.get(Pet, family["leo"]).deceased_on = date(2026, 3, 12)
        session.commit()
    starts = datetime.combine(today + timedelta(days=2), time(10)).isoformat()
    response = api("reception").post("/appointments", json={
        "petId": family["leo"], "vetId": family["vet"], "startsAt": starts,
        "durationMinutes": 30, "reason": "Check-up"})
    assert_problem(response, 400, "petId: Leo is recorded as deceased (12 Mar 2026).")


# --- alerts ---------------------------------------------------------------------------------


def test_alerts_are_added_listed_gravest_first_got_and_removed(api, dbs, family):
    url = f"/pets/{family['leo']}/alerts"
    for text, severity in (("Diabetic", "note"), ("Bites", "danger"), ("Penicillin", "caution")):
        added = api("reception").post(url, json={"text": text, "severity": severity})
        assert added.status_code == 201, added.get_data(as_text=True)
    body = added.get_json()
    assert added.headers["Location"] == f"/api{url}/{body['id']}"
    assert body["createdBy"] == "reception" and body["petId"] == family["leo"]
    listed = api().get(url).get_json()
    assert [(a["text"], a["severity"]) for a in listed] == [
        ("Bites", "danger"), ("Penicillin", "caution"), ("Diabetic", "note")]
    assert api().get(f"{url}/{body['id']}").get_json() == body
    removed = api().delete(f"{url}/{body['id']}")
    assert removed.status_code == 200 and removed.get_json() == body
    assert_problem(api().delete(f"{url}/{body['id']}"), 404, "There is no pet alert with id")
    assert len(api().get(url).get_json()) == 2


def test_an_alert_is_reached_only_through_its_own_pet(api, family):
    added = api().post(f"/pets/{family['leo']}/alerts", json={"text": "Bites", "severity": "danger"})
    alert_id = added.get_json()["id"]
    assert_problem(api().get(f"/pets/{family['max']}/alerts/{alert_id}"), 404)
    assert_problem(api().delete(f"/pets/{family['max']}/alerts/{alert_id}"), 404)
    assert_problem(api().get("/pets/999999/alerts"), 404, "There is no pet with id 999999")
    assert_problem(api().post("/pets/999999/alerts", json={"text": "x", "severity": "note"}), 404)


@pytest.mark.parametrize(
    "fields",
    [{"text": "", "severity": "note"}, {"text": "x" * 121, "severity": "note"},
     {"text": "Bites", "severity": "deadly"}, {"text": "Bites"}, {"severity": "note"},
     {"text": "Bites\u0007", "severity": "note"}],
)
def test_an_invalid_alert_is_a_400(api, family, fields):
    assert_problem(api().post(f"/pets/{family['leo']}/alerts", json=fields), 400)


def test_the_eleventh_alert_is_a_409(api, family):
    url = f"/pets/{family['leo']}/alerts"
    for n in range(10):
        assert api().post(url, json={"text": f"n{n}", "severity": "note"}).status_code == 201
    assert_problem(api().post(url, json={"text": "more", "severity": "note"}), 409, "at most 10")


def test_the_document_describes_the_profile_and_the_alerts(api):
    spec = api().get("/openapi.json").get_json()
    assert {"/api/pets/{pet_id}/alerts", "/api/pets/{pet_id}/alerts/{alert_id}"} <= set(spec["paths"])
    pet_fields = spec["components"]["schemas"]["PetFields"]["properties"]
    assert {"sex", "neutered", "breed", "colour", "microchip", "deceasedOn"} <= set(pet_fields)
    assert "required" not in pet_fields["microchip"]
