"""The API's visit corrections follow the pages' window rule; addenda (an addition to the
Spring contract) are listed and added, never changed."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app import create_app
from app.models import User, Visit
from tests.api.conftest import ApiClient, assert_problem, basic
from tests.staff import PASSWORD
from tests.visit_records import WINDOW, addenda_texts, age, record, stored, trail  # noqa: F401

FIX = {"date": "2024-01-15", "description": "Limping, right fore."}


def as_user(app, username):
    """An API client speaking as that account."""
    return ApiClient(app.test_client(), basic(username, PASSWORD))


@pytest.mark.parametrize("username", ["vet", "admin"])
def test_the_author_or_an_admin_corrects_inside_the_window(app, api, dbs, record, username):
    age(dbs, record["visit_id"], WINDOW - timedelta(minutes=1))
    response = as_user(app, username).put(f"/visits/{record['visit_id']}", json=FIX)
    assert response.status_code == 204 and response.data == b""
    assert as_user(app, username).get(f"/visits/{record['visit_id']}").headers["ETag"] == '"2"'
    assert stored(dbs, record["visit_id"]) == ("Limping, right fore.", 2)
    assert trail(dbs, record["visit_id"])[-1][:2] == (username, "update")


@pytest.mark.parametrize("username", ["vet", "admin"])
def test_a_locked_visit_is_a_409_for_everyone(app, api, dbs, record, username):
    age(dbs, record["visit_id"], WINDOW + timedelta(seconds=1))
    response = as_user(app, username).put(f"/visits/{record['visit_id']}", json=FIX)
    assert_problem(response, 409, "This visit is locked")
    assert stored(dbs, record["visit_id"]) == ("Limping, left fore.", 1)


def test_another_vet_gets_a_403(app, api, dbs, record):
    response = as_user(app, "vet2").put(f"/visits/{record['visit_id']}", json=FIX)
    assert_problem(response, 403, "Only the vet who wrote this visit")
    assert stored(dbs, record["visit_id"]) == ("Limping, left fore.", 1)


def test_reception_gets_a_403(api, dbs, record):
    assert_problem(api("reception").put(f"/visits/{record['visit_id']}", json=FIX), 403)


def test_a_correction_with_an_old_etag_is_a_412(app, api, dbs, record):
    vet = as_user(app, "vet")
    assert vet.get(f"/visits/{record['visit_id']}").headers["ETag"] == '"1"'
    assert vet.put(f"/visits/{record['visit_id']}", json=FIX).status_code == 204
    stale = vet.put(f"/visits/{record['visit_id']}", json={**FIX, "description": "Both."},
                    headers={"If-Match": '"1"'})
    assert_problem(stale, 412, "Changed by someone else meanwhile")


def test_a_visit_recorded_through_the_api_is_written_by_its_caller(app, api, dbs, record):
    response = as_user(app, "vet2").post("/visits", json={"petId": record["pet_id"],
                                                           "description": "Ears."})
    assert response.status_code == 201
    with dbs() as session:
        visit = session.get(Visit, response.get_json()["id"])
        assert session.get(User, visit.author_id).username == "vet2"


def test_addenda_are_added_to_a_locked_visit_and_listed(app, api, dbs, record):
    age(dbs, record["visit_id"], WINDOW + timedelta(seconds=1))
    path = f"/visits/{record['visit_id']}/addenda"
    first = as_user(app, "vet2").post(path, json={"text": "  X-ray: no fracture. "})
    assert first.status_code == 201
    body = first.get_json()
    assert (body["visitId"], body["author"], body["text"]) == (record["visit_id"], "vet2",
                                                               "X-ray: no fracture.")
    assert body["createdAt"].endswith("+00:00")
    assert api().post(path, json={"text": "Healing well."}).status_code == 201
    listed = api("reception").get(path)
    assert listed.status_code == 200
    assert [(a["author"], a["text"]) for a in listed.get_json()] == [
        ("vet2", "X-ray: no fracture."), ("admin", "Healing well.")]
    assert [entry[:2] for entry in trail(dbs, record["visit_id"])[-2:]] == [
        ("vet2", "addendum"), ("admin", "addendum")]


def test_reception_cannot_add_an_addendum(api, dbs, record):
    response = api("reception").post(f"/visits/{record['visit_id']}/addenda", json={"text": "Hi"})
    assert_problem(response, 403)
    assert addenda_texts(dbs, record["visit_id"]) == []


@pytest.mark.parametrize("text", ["", "   ", "x" * 2001, "bell\a"])
def test_a_bad_addendum_is_a_400(api, dbs, record, text):
    response = api().post(f"/visits/{record['visit_id']}/addenda", json={"text": text})
    assert_problem(response, 400, "text")
    assert addenda_texts(dbs, record["visit_id"]) == []


def test_addenda_of_a_missing_visit_are_a_404(api):
    assert_problem(api().get("/visits/999999/addenda"), 404, "no visit with id 999999")
    assert_problem(api().post("/visits/999999/addenda", json={"text": "x"}), 404)


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_addenda_cannot_be_changed_or_deleted(api, dbs, record, method):
    path = f"/visits/{record['visit_id']}/addenda"
    api().post(path, json={"text": "Final."})
    assert api().request(method, path, json={"text": "Changed."}).status_code == 405
    assert addenda_texts(dbs, record["visit_id"]) == ["Final."]


def test_addenda_are_in_the_openapi_document(api):
    document = api().get("/openapi.json").get_json()
    operations = document["paths"]["/api/visits/{visit_id}/addenda"]
    assert set(operations) - {"parameters"} == {"get", "post"}
    assert "409" in document["paths"]["/api/visits/{visit_id}"]["put"]["responses"]


def test_without_api_authentication_an_addendum_has_no_author_and_is_refused(app, api, dbs,
                                                                            record):
    open_app = create_app({"TESTING": True, "SECRET_KEY": "test-secret", "API_AUTH_ENABLED": False,
                           "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]})
    client = open_app.test_client()
    response = client.post(f"/api/visits/{record['visit_id']}/addenda", json={"text": "x"})
    assert_problem(response, 403, "signed by its author")
    # The window still holds for a trusted network's corrections.
    assert client.put(f"/api/visits/{record['visit_id']}", json=FIX).status_code == 204
    age(dbs, record["visit_id"], WINDOW)
    assert_problem(client.put(f"/api/visits/{record['visit_id']}", json=FIX), 409)
    with dbs() as session:
        assert session.scalar(sa.select(Visit.description).where(
            Visit.id == record["visit_id"])) == "Limping, right fore."


def test_deleting_a_visit_deletes_its_addenda(api, dbs, record):
    api().post(f"/visits/{record['visit_id']}/addenda", json={"text": "Final."})
    assert api().delete(f"/visits/{record['visit_id']}").status_code == 204
    assert addenda_texts(dbs, record["visit_id"]) == []
