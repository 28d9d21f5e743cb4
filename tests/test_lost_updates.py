"""Two desks editing one record: a save made from an older form is refused with the saved
values shown and the typed ones kept, never silently applied over the other desk's."""

import re
from datetime import datetime, time, timedelta

import pytest
import sqlalchemy as sa

from app.clinic import clinic_today
from app.extensions import db
from app.models import Appointment, Owner, Pet, Vet
from tests import factories as f
from tests.concurrency import post_at_once
from tests.staff import signed_in

OWNER_FORM = {"first_name": "George", "last_name": "Franklin", "address": "110 W. Liberty St.",
              "city": "Madison", "telephone": "608 555 1023", "email": ""}


def version_in(page):
    """The version an edit page's form was loaded at."""
    return re.search(r'name="version"[^>]*value="(\d+)"', page).group(1)


@pytest.fixture
def family(dbs):
    """An owner with a pet, a vet with an appointment for it tomorrow, ids by name."""
    with dbs() as session:
        owner = f.owner(session)
        pet = f.pet(session, owner)
        vet = f.vet(session, specialties=("surgery",))
        f.specialty(session, "dentistry")
        tomorrow = datetime.combine(clinic_today() + timedelta(days=1), time(10))
        appointment = f.appointment(session, pet, vet, starts_at=tomorrow)
        session.commit()
        return {"owner": owner.id, "pet": pet.id, "vet": vet.id,
                "appointment": appointment.id, "day": tomorrow.date().isoformat()}


def test_an_owner_saved_from_an_older_form_is_refused_and_nothing_is_lost(sign_in, family, dbs):
    first, second = sign_in("reception"), sign_in("reception")
    url = f"/owners/{family['owner']}/edit"
    loaded = version_in(first.get(url).text)
    assert second.post(url, data={**OWNER_FORM, "telephone": "608 555 7777",
                                  "version": version_in(second.get(url).text)}).status_code == 302

    stale = first.post(url, data={**OWNER_FORM, "city": "Monona", "version": loaded})
    assert stale.status_code == 409
    assert "Changed by someone else meanwhile" in stale.text
    assert "(608) 555-7777" in stale.text  # the saved telephone, shown
    assert 'value="Monona"' in stale.text  # what this desk typed, kept
    with dbs() as session:
        saved = session.get(Owner, family["owner"])
        assert (saved.telephone, saved.city) == ("+16085557777", "Madison")

    again = first.post(url, data={**OWNER_FORM, "city": "Monona", "version": version_in(stale.text)})
    assert again.status_code == 302  # saving again, knowingly, replaces the other change
    with dbs() as session:
        assert session.get(Owner, family["owner"]).city == "Monona"


@pytest.mark.parametrize("record", ["pet", "vet", "appointment"])
def test_pets_vets_and_appointments_refuse_a_stale_save_too(client, family, dbs, record):
    owner, pet, vet = family["owner"], family["pet"], family["vet"]
    url, form, change = {
        "pet": (f"/owners/{owner}/pets/{pet}/edit",
                {"name": "Leo", "birth_date": "2020-09-07", "type_id": None, "sex": "unknown"},
                {"name": "Leonardo"}),
        "vet": (f"/vets/{vet}/edit",
                {"first_name": "James", "last_name": "Carter", "active": "y"},
                {"last_name": "Carter-Smith"}),
        "appointment": (f"/appointments/{family['appointment']}/edit",
                        {"vet_id": vet, "date": family["day"], "start_time": "10:00",
                         "duration_minutes": 30, "reason": "check-up"},
                        {"reason": "limping"}),
    }[record]
    if record == "pet":  # the pet's type (an appointment's type_id is an appointment type)
        with dbs() as session:
            form["type_id"] = session.get(Pet, pet).type_id
    loaded = version_in(client.get(url).text)
    assert client.post(url, data={**form, **change, "version": loaded}).status_code == 302
    stale = client.post(url, data={**form, "version": loaded})
    assert stale.status_code == 409 and "Changed by someone else meanwhile" in stale.text
    model, key = {"pet": (Pet, "name"), "vet": (Vet, "last_name"),
                  "appointment": (Appointment, "reason")}[record]
    with dbs() as session:
        assert getattr(session.get(model, family[record]), key) == next(iter(change.values()))


def test_a_change_of_specialties_alone_counts_as_a_save(client, family, dbs):
    url = f"/vets/{family['vet']}/edit"
    with dbs() as session:
        dentistry = session.scalar(sa.text("SELECT id FROM specialties WHERE name = 'dentistry'"))
    loaded = version_in(client.get(url).text)
    base = {"first_name": "James", "last_name": "Carter", "active": "y"}
    assert client.post(url, data={**base, "specialty_ids": dentistry,
                                  "version": loaded}).status_code == 302
    assert client.post(url, data={**base, "version": loaded}).status_code == 409
    with dbs() as session:
        assert session.get(Vet, family["vet"]).version == int(loaded) + 1


def test_a_save_without_a_version_still_applies_and_counts(client, family, dbs):
    url = f"/owners/{family['owner']}/edit"
    assert client.post(url, data={**OWNER_FORM, "city": "Verona"}).status_code == 302
    with dbs() as session:
        saved = session.get(Owner, family["owner"])
        assert (saved.city, saved.version) == ("Verona", 2)


@pytest.mark.committing
def test_two_saves_from_the_same_version_at_once_have_exactly_one_winner(committing):
    app = committing
    with app.app_context():
        owner_id = f.owner(db.session).id
        db.session.commit()
        db.session.remove()
    desks = [signed_in(app, "reception") for _ in range(2)]
    url = f"/owners/{owner_id}/edit"
    for attempt in range(8):
        version = version_in(desks[0].get(url).text)
        results = post_at_once([
            (desk, url, {**OWNER_FORM, "city": f"City {attempt}-{n}", "version": version})
            for n, desk in enumerate(desks)
        ])
        assert sorted(code for code, _ in results) == [302, 409], f"attempt {attempt}"
    with app.app_context():
        assert db.session.get(Owner, owner_id).version == 9
        db.session.remove()
