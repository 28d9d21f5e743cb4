"""Pet types, specialties, vets and staff accounts through the API."""

import pytest

from tests import factories
from tests.api.conftest import assert_problem, basic


@pytest.mark.parametrize("path", ["pettypes", "specialties"])
def test_name_resources_list_add_get_rename_delete(api, path):
    created = api().post(f"/{path}", json={"name": "  Exotic  Birds "})
    assert created.status_code == 201
    body = created.get_json()
    assert body["name"] == "exotic birds"
    assert created.headers["Location"] == f"/api/{path}/{body['id']}"
    assert body in api().get(f"/{path}").get_json()
    assert api().get(f"/{path}/{body['id']}").get_json() == body
    renamed = api().put(f"/{path}/{body['id']}", json={"name": "Birds", "id": 77})
    assert renamed.status_code == 204 and renamed.data == b""
    assert api().get(f"/{path}/{body['id']}").get_json() == {"id": body["id"], "name": "birds"}
    deleted = api().delete(f"/{path}/{body['id']}")
    assert deleted.status_code == 204 and deleted.data == b""
    assert_problem(api().get(f"/{path}/{body['id']}"), 404)


@pytest.mark.parametrize("path", ["pettypes", "specialties"])
@pytest.mark.parametrize("name", ["", "n" * 81, None, "a\x07b"])
def test_name_follows_the_contract_rules(api, path, name):
    body = assert_problem(api().post(f"/{path}", json={"name": name}), 400)
    assert body["schemaValidationErrors"][0]["pointer"] == "/name"


@pytest.mark.parametrize("path", ["pettypes", "specialties"])
def test_a_taken_name_is_409(api, path):
    api().post(f"/{path}", json={"name": "reptile"})
    assert_problem(api().post(f"/{path}", json={"name": "Reptile"}), 409, "exists already")
    other = api().post(f"/{path}", json={"name": "fish"}).get_json()
    assert_problem(api().put(f"/{path}/{other['id']}", json={"name": "reptile"}), 409)


def test_a_pet_type_in_use_cannot_be_deleted(api, dbs):
    with dbs() as session:
        factories.pet(session, factories.owner(session), kind="hamster")
        type_id = factories.pet_type(session, "hamster").id
        session.commit()
    assert_problem(api().delete(f"/pettypes/{type_id}"), 409, "still in use")


def test_vets_are_listed_with_specialties(api, dbs):
    with dbs() as session:
        vet = factories.vet(session, specialties=["radiology", "surgery"])
        session.commit()
    [listed] = [v for v in api().get("/vets").get_json() if v["id"] == vet.id]
    assert [s["name"] for s in listed["specialties"]] == ["radiology", "surgery"]
    assert listed["active"] is True


def test_vets_add_get_update_delete(api, dbs):
    with dbs() as session:
        factories.specialty(session, "dentistry")
        session.commit()
    fields = {"firstName": "Linda", "lastName": "Douglas", "specialties": [{"id": 9, "name": "Dentistry"}]}
    created = api().post("/vets", json=fields)
    assert created.status_code == 201
    vet_id = created.get_json()["id"]
    assert created.headers["Location"] == f"/api/vets/{vet_id}"
    assert api().get(f"/vets/{vet_id}").get_json()["specialties"][0]["name"] == "dentistry"
    updated = api().put(f"/vets/{vet_id}", json={**fields, "specialties": [], "active": False})
    assert updated.status_code == 204 and updated.data == b""
    vet = api().get(f"/vets/{vet_id}").get_json()
    assert (vet["specialties"], vet["active"]) == ([], False)
    deleted = api().delete(f"/vets/{vet_id}")
    assert deleted.status_code == 204 and deleted.data == b""
    assert_problem(api().get(f"/vets/{vet_id}"), 404)


def test_a_vet_with_an_unknown_specialty_is_400(api):
    fields = {"firstName": "Linda", "lastName": "Douglas", "specialties": [{"name": "juggling"}]}
    assert_problem(api().post("/vets", json=fields), 400, "Unknown specialty: juggling")


@pytest.mark.parametrize(
    ("change", "pointer"),
    [({"firstName": "L1nda"}, "/firstName"), ({"lastName": ""}, "/lastName"),
     ({"specialties": None}, "/specialties"), ({"specialties": [{}]}, "/specialties/0/name")],
)
def test_vet_fields_follow_the_contract_rules(api, change, pointer):
    fields = {"firstName": "Linda", "lastName": "Douglas", "specialties": [], **change}
    body = assert_problem(api().post("/vets", json=fields), 400)
    assert {e["pointer"] for e in body["schemaValidationErrors"]} == {pointer}


def test_a_vet_with_appointments_is_not_deleted(api, dbs):
    with dbs() as session:
        vet = factories.vet(session)
        factories.appointment(session, factories.pet(session, factories.owner(session)), vet)
        session.commit()
    assert_problem(api().delete(f"/vets/{vet.id}"), 409, "deactivate instead")


def test_creating_a_user_never_answers_the_password(api, app):
    fields = {"username": "Nurse.Joy", "password": "long enough pass", "enabled": True,
              "roles": [{"name": "ROLE_RECEPTION"}]}
    response = api().post("/users", json=fields)
    assert response.status_code == 201
    assert response.get_json() == {"username": "nurse.joy", "enabled": True,
                                   "roles": [{"name": "reception"}], "vetId": None}
    assert "password" not in response.get_data(as_text=True)
    assert response.headers["Location"] == "/api/users/nurse.joy"
    assert api().get("/users/nurse.joy").get_json()["roles"] == [{"name": "reception"}]
    from tests.api.conftest import ApiClient

    joy = ApiClient(app.test_client(), basic("nurse.joy", "long enough pass"))
    assert joy.get("/owners").status_code == 200


def test_a_user_created_disabled_exists_but_cannot_sign_in(api, app):
    fields = {"username": "nurse.joy", "password": "long enough pass", "enabled": False,
              "roles": [{"name": "ROLE_RECEPTION"}]}
    assert api().post("/users", json=fields).get_json()["enabled"] is False
    assert api().get("/users/nurse.joy").get_json()["enabled"] is False
    from tests.api.conftest import ApiClient

    joy = ApiClient(app.test_client(), basic("nurse.joy", "long enough pass"))
    assert joy.get("/owners").status_code == 401


@pytest.mark.parametrize(
    ("change", "detail"),
    [
        ({"roles": [{"name": "owner"}]}, "unknown role 'owner'"),
        ({"roles": []}, "Length must be"),
        ({"password": "short"}, "at least 10 characters"),
        ({"username": "nurse"}, "is taken"),
        ({"username": ""}, "Length must be"),
        ({"vetId": 999999}, "no vet with id"),
    ],
)
def test_user_creation_rules(api, change, detail):
    fields = {"username": "nurse", "password": "long enough pass", "roles": [{"name": "vet"}]}
    api().post("/users", json=fields)
    assert_problem(api().post("/users", json={**fields, "username": "other", **change}
                              if "username" not in change else {**fields, **change}), 400, detail)


def test_an_unknown_user_is_404(api):
    assert_problem(api().get("/users/nobody"), 404)
