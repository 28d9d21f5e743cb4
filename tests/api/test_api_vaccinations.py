"""The API's additions: vaccine types, a pet's vaccinations, the due list."""

from datetime import timedelta

import pytest

from app.models import VaccineType
from app.vaccinations.due_dates import add_months
from tests import factories as f
from tests.api.conftest import assert_problem


@pytest.fixture
def kennel(dbs, today):
    """A cat with a rabies dose due in ten days; cat and dog types; rabies and DHPP."""
    with dbs() as session:
        owner = f.owner(session)
        leo = f.pet(session, owner, "Leo", "cat")
        dog = f.pet_type(session, "dog")
        rabies = f.vaccine_type(session, "Rabies", ("cat", "dog"))
        dhpp = f.vaccine_type(session, "DHPP", ("dog",))
        f.vaccination(session, leo, rabies, today - timedelta(days=355),
                      next_due_on=today + timedelta(days=10), batch="R-1")
        session.commit()
        return {"owner": owner.id, "leo": leo.id, "cat": leo.type_id, "dog": dog.id,
                "rabies": rabies.id, "dhpp": dhpp.id}


def test_vaccine_types_are_listed_added_changed_and_removed(api, kennel):
    admin = api()
    names = [row["name"] for row in admin.get("/vaccinetypes").get_json()]
    assert names == ["DHPP", "Rabies"]

    created = admin.post("/vaccinetypes", json={"name": "FVRCP", "species": [kennel["cat"]],
                                                "intervalMonths": 36})
    assert created.status_code == 201
    body = created.get_json()
    assert body["species"] == [{"id": kennel["cat"], "name": "cat"}]
    assert admin.get(created.headers["Location"].removeprefix("/api")).get_json() == body

    changed = admin.put(f"/vaccinetypes/{body['id']}", json={
        "name": "FVRCP", "species": [kennel["cat"]], "intervalMonths": 12})
    assert changed.status_code == 200 and changed.get_json()["intervalMonths"] == 12
    assert admin.delete(f"/vaccinetypes/{body['id']}").status_code == 200
    assert_problem(admin.get(f"/vaccinetypes/{body['id']}"), 404)


@pytest.mark.parametrize(
    ("body", "status", "detail"),
    [
        ({"name": "rabies"}, 409, "A vaccine type named 'rabies' exists already."),
        ({"intervalMonths": 0}, 400, "intervalMonths"),
        ({"species": []}, 400, "species"),
        ({"species": [999999]}, 400, "species: A chosen species does not exist."),
        ({"name": ""}, 400, "name"),
    ],
)
def test_a_vaccine_type_that_breaks_a_rule_is_a_problem(api, kennel, body, status, detail):
    response = api().post("/vaccinetypes", json={"name": "New", "species": [kennel["cat"]],
                                                 "intervalMonths": 12} | body)
    assert_problem(response, status, detail)


def test_a_vaccine_type_in_use_is_a_409_and_only_admins_change_them(api, kennel):
    assert_problem(api().delete(f"/vaccinetypes/{kennel['rabies']}"), 409,
                   "'Rabies' has vaccinations on record")
    assert_problem(api("vet").post("/vaccinetypes", json={
        "name": "X", "species": [kennel["cat"]], "intervalMonths": 1}), 403)


def test_a_pets_vaccinations_are_read_and_recorded(api, kennel, today):
    vet = api("vet")
    path = f"/pets/{kennel['leo']}/vaccinations"
    assert [row["batch"] for row in vet.get(path).get_json()] == ["R-1"]

    created = vet.post(path, json={"vaccineTypeId": kennel["rabies"], "batch": "R-2"})
    assert created.status_code == 201
    body = created.get_json()
    assert (body["givenOn"], body["nextDueOn"], body["vaccineName"]) == (
        today.isoformat(), add_months(today, 12).isoformat(), "Rabies")
    assert vet.get(created.headers["Location"].removeprefix("/api")).get_json() == body
    assert [row["batch"] for row in vet.get(path).get_json()] == ["R-2", "R-1"]


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({"vaccineTypeId": "dhpp"}, "vaccineTypeId: DHPP is for dog, not for cat."),
        ({"batch": ""}, "batch"),
        ({"givenOn": "2999-01-01"}, "givenOn: A vaccination cannot be in the future."),
        ({"nextDueOn": "2000-01-01"}, "nextDueOn: The next dose is due after this one."),
        ({"vetId": 999999}, "vetId: That vet does not exist."),
        ({"vaccineTypeId": 999999}, "vaccineTypeId: That vaccine type does not exist."),
    ],
)
def test_a_dose_that_breaks_a_rule_is_a_400(api, kennel, body, detail):
    body = {"vaccineTypeId": kennel["rabies"], "batch": "B"} | {
        key: kennel.get(value, value) if isinstance(value, str) else value
        for key, value in body.items()}
    assert_problem(api("vet").post(f"/pets/{kennel['leo']}/vaccinations", json=body), 400, detail)


def test_reception_reads_vaccinations_but_does_not_record_them(api, kennel):
    reception = api("reception")
    assert reception.get(f"/pets/{kennel['leo']}/vaccinations").status_code == 200
    assert_problem(reception.post(f"/pets/{kennel['leo']}/vaccinations", json={
        "vaccineTypeId": kennel["rabies"], "batch": "B"}), 403)
    assert_problem(reception.get("/pets/999999/vaccinations"), 404)


def test_the_due_list_is_paged_by_owner(api, dbs, kennel, today):
    with dbs() as session:
        other = f.owner(session, "Davis", "Betty", telephone="+16085551749")
        rex = f.pet(session, other, "Rex", "dog")
        f.vaccination(session, rex, session.get(VaccineType, kennel["dhpp"]),
                      today - timedelta(days=400), next_due_on=today - timedelta(days=2))
        session.commit()
    page = api("reception").get("/reminders/due?size=1").get_json()
    assert (page["totalElements"], page["totalPages"], page["page"]) == (2, 2, 0)
    [davis] = page["content"]
    assert (davis["ownerName"], davis["telephone"], davis["lastReminderSentAt"]) == (
        "Betty Davis", "6085551749", None)
    assert [(d["petName"], d["vaccineName"], d["dueOn"]) for d in davis["doses"]] == [
        ("Rex", "DHPP", (today - timedelta(days=2)).isoformat())]
    second = api("reception").get("/reminders/due?size=1&page=1").get_json()["content"]
    assert [row["ownerName"] for row in second] == ["George Franklin"]
    only = api().get(f"/reminders/due?vaccineTypeId={kennel['rabies']}&from={today}").get_json()
    assert [row["ownerName"] for row in only["content"]] == ["George Franklin"]
    assert_problem(api().get("/reminders/due?from=2026-02-01&to=2026-01-01"), 400, "to")
    assert_problem(api().get("/reminders/due?size=101"), 400)


def test_the_additions_are_in_the_openapi_document(api):
    paths = api().get("/openapi.json").get_json()["paths"]
    for path in ("/vaccinetypes", "/vaccinetypes/{type_id}", "/pets/{pet_id}/vaccinations",
                 "/vaccinations/{vaccination_id}", "/reminders/due"):
        assert f"/api{path}" in paths, path
