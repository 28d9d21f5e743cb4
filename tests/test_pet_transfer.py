"""Moving a pet to another owner: its history goes with it, a name clash is refused by the
database's unique index (also when two moves race), and the move is audited."""

import re
from datetime import date

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Appointment, AuditEntry, Owner, Pet, Vaccination, Visit
from tests import factories as f
from tests.concurrency import post_at_once
from tests.staff import signed_in


@pytest.fixture
def moving(dbs):
    """Leo of George Franklin, with a visit, an upcoming appointment and a dose; Jean Coleman."""
    with dbs() as session:
        franklin = f.owner(session)
        coleman = f.owner(session, "Coleman", "Jean", telephone="+16085552654")
        leo = f.pet(session, franklin, "Leo")
        vet = f.vet(session)
        f.visit(session, leo, vet)
        f.appointment(session, leo, vet)
        f.vaccination(session, leo, f.vaccine_type(session), date(2025, 3, 1))
        session.commit()
        return {"from": franklin.id, "to": coleman.id, "pet": leo.id, "version": leo.version}


def transfer_url(ids):
    return f"/owners/{ids['from']}/pets/{ids['pet']}/transfer"


def test_a_pet_moves_with_its_history(sign_in, dbs, moving):
    desk = sign_in("reception")
    response = desk.post(transfer_url(moving), data={"new_owner_id": moving["to"],
                                                     "version": moving["version"]})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/owners/{moving['to']}/pets/{moving['pet']}"
    with dbs() as session:
        assert session.get(Pet, moving["pet"]).owner_id == moving["to"]
        for model in (Visit, Appointment, Vaccination):  # they belong to the pet: all still there
            assert session.scalar(sa.select(sa.func.count()).select_from(model)
                                  .where(model.pet_id == moving["pet"])) == 1
    page = desk.get(f"/owners/{moving['to']}")
    assert "Leo" in page.text and "check-up" in page.text  # the upcoming appointment, here now
    assert desk.get(f"/owners/{moving['from']}/pets/{moving['pet']}").status_code == 404


def test_the_move_is_audited_on_the_pet_and_both_owners(client, dbs, moving):
    client.post(transfer_url(moving), data={"new_owner_id": moving["to"],
                                            "version": moving["version"]})
    with dbs() as session:
        rows = set(session.execute(
            sa.select(AuditEntry.actor, AuditEntry.action, AuditEntry.entity_type,
                      AuditEntry.entity_id, AuditEntry.summary)
            .where(AuditEntry.action.in_(("transfer", "update")))
        ).all())
    pet, old, new = moving["pet"], moving["from"], moving["to"]
    assert rows == {
        ("admin", "update", "pet", pet, f"owner_id: {old} → {new}"),
        ("admin", "transfer", "pet", pet,
         f"moved from owner #{old} (George Franklin) to owner #{new} (Jean Coleman)"),
        ("admin", "transfer", "owner", old, f"pet Leo (#{pet}) moved to owner #{new} (Jean Coleman)"),
        ("admin", "transfer", "owner", new,
         f"pet Leo (#{pet}) moved here from owner #{old} (George Franklin)"),
    }


def test_a_name_the_new_owner_has_is_refused_by_the_unique_index(client, dbs, moving,
                                                                 statements):
    with dbs() as session:
        f.pet(session, session.get(Owner, moving["to"]), "LEO")
        session.commit()
    statements.reset()
    response = client.post(transfer_url(moving), data={"new_owner_id": moving["to"],
                                                       "version": moving["version"]})
    assert response.status_code == 409
    assert ("Leo was not moved to Jean Coleman: This owner already has a pet of that name."
            in response.text)
    # No look-up first: the UPDATE itself is refused.
    assert not any("lower(pets.name)" in sql for sql in statements.sql)
    with dbs() as session:
        assert session.get(Pet, moving["pet"]).owner_id == moving["from"]
        assert session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)
                              .where(AuditEntry.action == "transfer")) == 0


def test_a_stale_page_or_a_bad_owner_is_refused(client, dbs, moving):
    url = transfer_url(moving)
    with dbs() as session:
        session.get(Pet, moving["pet"]).breed = "Tabby"  # saved by another desk meanwhile
        session.commit()
    stale = client.post(url, data={"new_owner_id": moving["to"], "version": moving["version"]})
    assert stale.status_code == 409 and "changed by someone else meanwhile" in stale.text
    for owner_id in ("999999", "x", "", moving["from"]):
        refused = client.post(url, data={"new_owner_id": owner_id, "version": moving["version"] + 1})
        assert refused.status_code == 409, owner_id
    with dbs() as session:
        assert session.get(Pet, moving["pet"]).owner_id == moving["from"]


def test_the_page_finds_the_new_owner_and_offers_the_move(sign_in, moving):
    desk = sign_in("reception")
    page = desk.get(transfer_url(moving), query_string={"q": "cole"})
    assert page.status_code == 200
    assert re.search(rf'name="new_owner_id" value="{moving["to"]}"', page.text)
    assert "Move Leo to Jean Coleman" in page.text
    assert "Move to another owner" in desk.get(f"/owners/{moving['from']}/pets/{moving['pet']}").text


@pytest.mark.committing
def test_two_pets_of_one_name_moved_to_one_owner_at_once_one_is_refused(committing):
    # Two desks move a Leo each to Jean Coleman at the same instant: the unique index lets
    # one in and refuses the other with the constraint's message, never a 500.
    app = committing
    with app.app_context():
        coleman = f.owner(db.session, "Coleman", "Jean", telephone="+16085552654")
        leos = [f.pet(db.session, f.owner(db.session, f"Owner{n}", telephone=f"+1608555030{n}"),
                      "Leo") for n in range(2)]
        db.session.commit()
        target, pets = coleman.id, [(pet.owner_id, pet.id) for pet in leos]
        db.session.remove()
    desks = [signed_in(app, "reception") for _ in pets]
    results = post_at_once([
        (desk, f"/owners/{owner_id}/pets/{pet_id}/transfer", {"new_owner_id": target, "version": 1})
        for desk, (owner_id, pet_id) in zip(desks, pets, strict=True)
    ])
    assert sorted(code for code, _ in results) == [302, 409]
    refused = next(body for code, body in results if code == 409)
    assert "This owner already has a pet of that name." in refused
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Pet)
                                 .where(Pet.owner_id == target)) == 1
        db.session.remove()
