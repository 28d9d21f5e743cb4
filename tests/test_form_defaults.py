"""Form defaults: a refused first pet comes back filled in, required selects start with
"Choose…", and a vet's walk-in visit defaults to that vet."""

import re
from datetime import timedelta
from html import unescape

import pytest
import sqlalchemy as sa

from app.models import Owner, Pet, User
from tests import factories as f
from tests.test_owners import VALID_OWNER


@pytest.fixture
def clinic(dbs):
    """An owner with a cat, a dog type, a vet; their ids."""
    with dbs() as session:
        owner = f.owner(session)
        pet = f.pet(session, owner, kind="cat")
        dog = f.pet_type(session, "dog")
        vet = f.vet(session)
        f.vaccine_type(session, "Rabies", ("cat",))
        session.commit()
        return {"owner": owner.id, "pet": pet.id, "cat": pet.type_id, "dog": dog.id, "vet": vet.id}


def options(page, name):
    """(value, label, selected) of each option of the select called ``name``."""
    select = re.search(rf'<select[^>]*name="{re.escape(name)}"[^>]*>(.*?)</select>', page, re.DOTALL)
    assert select, f"no select {name}"
    return [(value, unescape(label.strip()), "selected" in attributes)
            for attributes, value, label in
            re.findall(r'<option([^>]*value="([^"]*)"[^>]*)>(.*?)</option>', select.group(1), re.DOTALL)]


def chosen(page, name):
    """The value of the selected option of ``name`` ('' for the placeholder or none chosen)."""
    return next((value for value, _, selected in options(page, name) if selected), "")


# --- the refused first pet ------------------------------------------------------------------


def test_a_refused_first_pet_comes_back_in_a_filled_in_add_pet_form(client, dbs, clinic, today):
    future = (today + timedelta(days=3)).isoformat()
    data = VALID_OWNER | {"pet-name": "Nugget", "pet-birth_date": future,
                          "pet-type_id": clinic["dog"]}
    response = client.post("/owners/new", data=data)
    with dbs() as session:
        owner_id = session.scalar(sa.select(Owner.id).where(Owner.last_name == "Coleman"))
    assert response.status_code == 302
    assert response.location.startswith(f"/owners/{owner_id}/pets/new?")

    page = client.get(response.location).get_data(as_text=True)
    assert "Owner Jean Coleman registered." in page and "The pet was NOT saved." in page
    assert 'value="Nugget"' in page and f'value="{future}"' in page
    assert chosen(page, "type_id") == str(clinic["dog"])
    assert "The birth date cannot be in the future." in page  # at its field
    assert "Choose the sex" not in page  # not asked on the owner form: no error for it

    corrected = {"name": "Nugget", "birth_date": "2024-03-04", "type_id": clinic["dog"],
                 "sex": "female"}
    assert client.post(f"/owners/{owner_id}/pets/new", data=corrected).status_code == 302
    with dbs() as session:
        assert session.scalar(sa.select(Pet.name).where(Pet.owner_id == owner_id)) == "Nugget"


def test_a_first_pet_without_a_type_is_refused_and_kept(client, dbs, clinic):
    data = VALID_OWNER | {"pet-name": "Nugget", "pet-birth_date": "2024-03-04", "pet-type_id": ""}
    page = client.post("/owners/new", data=data, follow_redirects=True).get_data(as_text=True)
    assert "Choose a type." in page and 'value="Nugget"' in page
    assert chosen(page, "type_id") == ""
    with dbs() as session:
        assert session.scalar(sa.select(sa.func.count(Pet.id)).where(Pet.name == "Nugget")) == 0


def test_an_add_pet_address_with_a_huge_value_is_a_page_not_an_error(client, clinic):
    response = client.get(f"/owners/{clinic['owner']}/pets/new?name={'x' * 5000}&type_id=abc")
    assert response.status_code == 200


# --- "Choose…" on every required select -----------------------------------------------------


def test_the_pet_form_starts_with_choose_for_type_and_sex(client, clinic):
    page = client.get(f"/owners/{clinic['owner']}/pets/new").get_data(as_text=True)
    for name in ("type_id", "sex"):
        assert options(page, name)[0][:2] == ("", "Choose…")
        assert chosen(page, name) == ""
    first_pet = client.get("/owners/new").get_data(as_text=True)
    assert options(first_pet, "pet-type_id")[0][:2] == ("", "Choose…")


@pytest.mark.parametrize(("field", "message"), [("type_id", "Choose a type."),
                                                  ("sex", "Choose the sex (or Unknown).")])
def test_a_pet_left_on_choose_is_refused(client, dbs, clinic, field, message):
    data = {"name": "Max", "birth_date": "2021-05-01", "type_id": clinic["cat"], "sex": "male"}
    response = client.post(f"/owners/{clinic['owner']}/pets/new", data=data | {field: ""})
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    with dbs() as session:
        assert session.scalar(sa.select(sa.func.count(Pet.id)).where(Pet.name == "Max")) == 0


def test_the_booking_form_asks_for_a_vet(client, clinic, today):
    url = f"/owners/{clinic['owner']}/pets/{clinic['pet']}/appointments/new"
    page = client.get(url).get_data(as_text=True)
    assert options(page, "vet_id")[0][:2] == ("", "Choose…") and chosen(page, "vet_id") == ""
    response = client.post(url, data={"vet_id": "", "date": (today + timedelta(days=1)).isoformat(),
                                      "start_time": "10:00", "duration_minutes": "30",
                                      "reason": "check"})
    assert response.status_code == 200 and "Choose a vet." in response.get_data(as_text=True)


def test_the_vaccination_form_asks_for_a_vaccine(client, clinic, today):
    url = f"/owners/{clinic['owner']}/pets/{clinic['pet']}/vaccinations"
    page = client.get(url).get_data(as_text=True)
    assert options(page, "vaccine_type_id")[0][1] == "Choose…"
    assert chosen(page, "vaccine_type_id") == ""
    response = client.post(url, data={"vaccine_type_id": "0", "given_on": today.isoformat(),
                                      "batch": "R1"})
    assert "Choose a vaccine." in response.get_data(as_text=True)


def test_the_alert_form_asks_for_a_severity(client, clinic):
    url = f"/owners/{clinic['owner']}/pets/{clinic['pet']}/alerts"
    page = client.get(url).get_data(as_text=True)
    assert options(page, "severity")[0][:2] == ("", "Choose…") and chosen(page, "severity") == ""
    response = client.post(url, data={"text": "bites", "severity": ""})
    assert "Choose a severity." in response.get_data(as_text=True)


def test_a_new_account_asks_for_a_role(client, dbs):
    page = client.get("/users/new").get_data(as_text=True)
    assert options(page, "role")[0][:2] == ("", "Choose…") and chosen(page, "role") == ""
    response = client.post("/users/new", data={"username": "newdesk", "role": "",
                                               "password": "a long password", "confirm": "a long password"})
    assert "Choose a role." in response.get_data(as_text=True)
    with dbs() as session:
        assert session.scalar(sa.select(User).where(User.username == "newdesk")) is None


# --- a vet's walk-in ------------------------------------------------------------------------


def test_a_vets_walk_in_visit_defaults_to_that_vet(sign_in, dbs, clinic):
    vet = sign_in("vet")
    with dbs() as session:
        own_vet = session.scalar(sa.select(User.vet_id).where(User.username == "vet"))
    url = f"/owners/{clinic['owner']}/pets/{clinic['pet']}/visits/new"
    assert own_vet is not None
    assert chosen(vet.get(url).get_data(as_text=True), "vet_id") == str(own_vet)


def test_an_admin_without_a_vet_gets_no_vet_by_default(client, clinic):
    url = f"/owners/{clinic['owner']}/pets/{clinic['pet']}/visits/new"
    assert chosen(client.get(url).get_data(as_text=True), "vet_id") == "0"
