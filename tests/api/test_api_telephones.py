"""Telephones in the API: answered as the digits dialled from the clinic's region (the
contract's ^[0-9]*$), read back to the same stored number, and refused when they cannot exist."""

import re

import pytest

from app.models import Owner
from tests import factories
from tests.api.conftest import assert_problem

GEORGE = {"firstName": "George", "lastName": "Franklin", "address": "110 W. Liberty St.",
          "city": "Madison"}
DIGITS = r"^[0-9]{1,20}$"


def stored(dbs, owner_id):
    """The owner's row as stored, without its version and timestamps."""
    with dbs() as session:
        owner = session.get(Owner, owner_id)
        return (owner.first_name, owner.last_name, owner.address, owner.city, owner.telephone,
                owner.email)


@pytest.mark.parametrize(
    ("typed", "answered", "kept"),
    [
        ("(608) 555-1023", "6085551023", "+16085551023"),
        ("+44 20 7946 0958", "011442079460958", "+442079460958"),  # London, dialled from the US
        ("011 44 20 7946 0958", "011442079460958", "+442079460958"),
        ("+1 416 555 0199", "14165550199", "+14165550199"),  # Toronto: another NANP region
    ],
)
def test_a_telephone_is_answered_as_dialled_from_the_clinic_and_read_back(api, dbs, typed,
                                                                          answered, kept):
    created = api().post("/owners", json={**GEORGE, "telephone": typed})
    assert created.status_code == 201, created.get_data(as_text=True)
    body = created.get_json()
    assert body["telephone"] == answered
    sent_back = api().post("/owners", json={**GEORGE, "telephone": body["telephone"]})
    assert stored(dbs, body["id"])[4] == stored(dbs, sent_back.get_json()["id"])[4] == kept


@pytest.mark.parametrize(
    ("region", "number", "answered"),
    [("GB", "+16085551023", "0016085551023"), ("GB", "+442079460958", "2079460958"),
     ("JP", "+16085551023", "01016085551023"),
     # The Newman run's clinic: the collection's 1234567890, and a foreign number that no
     # single string of digits dials from Brazil (its international prefix names a carrier).
     ("BR", "+551234567890", "1234567890"), ("BR", "+16085551023", "+16085551023")],
)
def test_the_digits_follow_the_clinics_region(api, app, dbs, monkeypatch, region, number,
                                               answered):
    with dbs() as session:
        owner = factories.owner(session, telephone=number)
        session.commit()
    monkeypatch.setitem(app.config, "PHONE_REGION", region)
    body = api().get(f"/owners/{owner.id}").get_json()
    assert body["telephone"] == answered
    assert api().put(f"/owners/{owner.id}", json=body).status_code == 204
    assert stored(dbs, owner.id)[4] == number


@pytest.mark.parametrize(
    "fields",
    [
        {"telephone": "+16085551023", "email": "george@example.com"},  # national
        {"telephone": "+442079460958", "email": "g.franklin@example.co.uk"},  # foreign
        {"telephone": "+16085551023", "email": None},  # no email
    ],
    ids=["national", "foreign", "no-email"],
)
def test_an_owner_loaded_and_put_back_unchanged_stays_the_same(api, dbs, fields):
    # The round trip of a form client (the Angular owner form): GET, then PUT what it got.
    with dbs() as session:
        owner = factories.owner(session, **fields)
        factories.visit(session, factories.pet(session, owner))
        session.commit()
    before = stored(dbs, owner.id)
    loaded = api().get(f"/owners/{owner.id}").get_json()
    assert re.fullmatch(DIGITS, loaded["telephone"])
    put = api().put(f"/owners/{owner.id}", json=loaded)
    assert put.status_code == 204, put.get_data(as_text=True)
    assert stored(dbs, owner.id) == before
    assert api().get(f"/owners/{owner.id}").get_json() == loaded


def test_a_number_stored_before_the_rule_is_answered_as_stored_and_must_be_fixed(api, dbs):
    with dbs() as session:
        owner = factories.owner(session, telephone="+11234567890")
        session.commit()
    loaded = api().get(f"/owners/{owner.id}").get_json()
    assert loaded["telephone"] == "+11234567890"
    body = assert_problem(api().put(f"/owners/{owner.id}", json=loaded), 400)
    assert body["schemaValidationErrors"][0]["pointer"] == "/telephone"
    assert "This number does not exist" in body["schemaValidationErrors"][0]["message"]
    fixed = api().put(f"/owners/{owner.id}", json={**loaded, "telephone": "6085551023"})
    assert fixed.status_code == 204
    assert stored(dbs, owner.id)[4] == "+16085551023"
