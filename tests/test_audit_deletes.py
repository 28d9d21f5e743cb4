"""Deleting an owner or a pet, by any path, audits every pet, appointment and visit that goes."""

import threading
import time
from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa

from app.clinic import clinic_today
from app.extensions import db
from app.models import Appointment, AuditEntry, Owner, Pet, Visit
from app.owners.services import delete_owner
from tests import factories as f
from tests.api.conftest import basic
from tests.staff import ensure_staff, signed_in


def family(session, pets=2, appointments=2, visits=2):
    """An owner with pets, each with appointments and visits (one visit completes an appointment).

    Returns {"owner": [id], "pet": [ids], "appointment": [ids], "visit": [ids]}.
    """
    vet = f.vet(session)
    owner = f.owner(session, last_name="Cascade")
    ids = {"owner": [owner.id], "pet": [], "appointment": [], "visit": []}
    first_day = datetime.combine(clinic_today() + timedelta(days=1), datetime.min.time())
    for p in range(pets):
        pet = f.pet(session, owner, name=f"Pet{p}")
        ids["pet"].append(pet.id)
        booked = []
        for a in range(appointments):
            starts_at = first_day + timedelta(days=p * appointments + a, hours=10)
            booked.append(f.appointment(session, pet, vet, starts_at=starts_at, reason=f"r{p}.{a}"))
        ids["appointment"] += [row.id for row in booked]
        for v in range(visits):
            visit = f.visit(session, pet, vet, day=date(2024, 1, 1 + v), description=f"v{p}.{v}")
            if v == 0 and booked:
                visit.appointment = booked[0]  # a visit that completed an appointment
            ids["visit"].append(visit.id)
    session.commit()
    return ids


def audited_deletes(session):
    """{entity_type: sorted ids} of every 'delete' entry in the trail."""
    found = {}
    query = sa.select(AuditEntry.entity_type, AuditEntry.entity_id).where(AuditEntry.action == "delete")
    for kind, entity_id in session.execute(query):
        found.setdefault(kind, []).append(entity_id)
    return {kind: sorted(ids) for kind, ids in found.items()}


def remaining(session, ids):
    """How many of the family's pets and visits are still in the database."""
    pets = session.scalar(sa.select(sa.func.count()).where(Pet.id.in_(ids["pet"])))
    visits = session.scalar(sa.select(sa.func.count()).where(Visit.id.in_(ids["visit"])))
    return pets + visits


def delete_by_web(app, ids, pet_index=None):
    """Delete the owner (or one pet) through the web pages, as an administrator."""
    client = signed_in(app, "admin")
    if pet_index is None:
        return client.post(f"/owners/{ids['owner'][0]}/delete")
    return client.post(f"/owners/{ids['owner'][0]}/pets/{ids['pet'][pet_index]}/delete")


def delete_by_api(app, ids, pet_index=None):
    """Delete the owner (or one pet) through the JSON API, as an administrator."""
    ensure_staff(app)
    path = f"/api/owners/{ids['owner'][0]}" if pet_index is None else f"/api/pets/{ids['pet'][pet_index]}"
    return app.test_client().delete(path, headers=basic("admin"))


def delete_by_service(app, ids, pet_index=None):
    """Delete the owner loaded bare, with nothing under it, through the service (as a command would)."""
    assert pet_index is None
    with app.app_context():
        delete_owner(db.session.get(Owner, ids["owner"][0]))
        db.session.commit()

    class Done:
        status_code = 200

    return Done()


PATHS = {"web": delete_by_web, "api": delete_by_api, "service": delete_by_service}


@pytest.mark.parametrize("path", PATHS)
def test_deleting_an_owner_audits_every_pet_appointment_and_visit(app, connection, dbs, path):
    with dbs() as session:
        ids = family(session)
    response = PATHS[path](app, ids)
    assert response.status_code in (200, 204, 302)
    with dbs() as session:
        assert remaining(session, ids) == 0
        assert audited_deletes(session) == {kind: sorted(values) for kind, values in ids.items()}


@pytest.mark.parametrize("path", ["web", "api"])
def test_deleting_a_pet_audits_its_appointments_and_visits(app, connection, dbs, path):
    with dbs() as session:
        ids = family(session)
    response = PATHS[path](app, ids, pet_index=1)
    assert response.status_code in (200, 204, 302)
    with dbs() as session:
        assert audited_deletes(session) == {
            "pet": [ids["pet"][1]],
            "appointment": ids["appointment"][2:],
            "visit": ids["visit"][2:],
        }
        # The other pet and its records are untouched.
        assert session.scalar(sa.select(sa.func.count()).where(Pet.id == ids["pet"][0])) == 1


def test_deleting_with_a_plain_session_delete_still_audits_the_whole_family(app, connection, dbs):
    # The audit cannot depend on the caller going through a service or loading anything.
    with dbs() as session:
        ids = family(session)
    with dbs() as session:
        session.delete(session.get(Owner, ids["owner"][0]))
        session.commit()
    with dbs() as session:
        assert audited_deletes(session) == {kind: sorted(values) for kind, values in ids.items()}


@pytest.mark.parametrize("path", ["web", "api"])
@pytest.mark.parametrize("pet_index", [None, 0], ids=["owner", "pet"])
def test_delete_statements_do_not_grow_with_pets_appointments_and_visits(
    app, connection, dbs, statements, path, pet_index
):
    web = signed_in(app, "admin")  # signed in before counting: only the delete is counted
    # Likewise the API: a worker's first Basic call with a pair checks it in full (and writes).
    assert app.test_client().get("/api/vets", headers=basic("admin")).status_code == 200
    counts = []
    for size in (1, 4):
        with dbs() as session:
            ids = family(session, pets=size, appointments=size, visits=size)
        statements.reset()
        if path == "web":
            owner_url = f"/owners/{ids['owner'][0]}"
            url = f"{owner_url}/delete" if pet_index is None else f"{owner_url}/pets/{ids['pet'][0]}/delete"
            assert web.post(url).status_code == 302
        else:
            assert delete_by_api(app, ids, pet_index).status_code == 204
        counts.append(statements.count)
        with dbs() as session:
            gone = size + size * size if pet_index is None else 1 + size
            assert remaining(session, ids) == size + size * size - gone
    assert counts[0] == counts[1], counts


def wait_until_blocked(app, seconds=10):
    """Wait until a PostgreSQL session waits for a row lock (on SQLite, give the thread a moment)."""
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            time.sleep(0.5)
            return
        deadline = time.monotonic() + seconds
        with db.engine.connect() as watcher:
            while time.monotonic() < deadline:
                waiting = watcher.scalar(sa.text(
                    "SELECT count(*) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND wait_event_type = 'Lock'"
                ))
                if waiting:
                    return
                time.sleep(0.02)
        pytest.fail("the delete never waited for the uncommitted insert")


@pytest.mark.committing
@pytest.mark.parametrize("added", ["visit", "pet"])
def test_a_record_added_under_an_owner_while_it_is_deleted_is_audited_with_it(committing, added):
    app = committing
    with app.app_context():
        ids = family(db.session, pets=1, appointments=1, visits=1)
        db.session.remove()
    ensure_staff(app)
    with app.app_context():
        pet_type_id = db.session.scalar(sa.select(Pet.type_id).where(Pet.id == ids["pet"][0]))
        db.session.remove()
        engine = db.engine
    # The competing desk's transaction: an insert under the owner, not committed yet.
    responses = []
    deleting = threading.Thread(target=lambda: responses.append(delete_by_api(app, ids)))
    with engine.connect() as desk:
        pending = desk.begin()
        if added == "visit":
            new_id = desk.execute(sa.insert(Visit).returning(Visit.id), {
                "pet_id": ids["pet"][0], "visit_date": date(2024, 5, 1), "description": "walk-in",
            }).scalar_one()
        else:
            new_id = desk.execute(sa.insert(Pet).returning(Pet.id), {
                "owner_id": ids["owner"][0], "name": "Latecomer", "birth_date": date(2022, 1, 1),
                "type_id": pet_type_id}).scalar_one()
        deleting.start()
        try:
            wait_until_blocked(app)
        finally:
            pending.commit()
    deleting.join(timeout=30)
    assert responses and responses[0].status_code == 204, responses
    with app.app_context():
        # Whatever the database cascade removed is in the trail: nothing vanished unrecorded.
        assert new_id in audited_deletes(db.session).get(added, [])
        kind = Visit if added == "visit" else Pet
        assert db.session.get(kind, new_id) is None
        db.session.remove()


def test_an_owner_whose_appointments_have_a_type_and_follow_ups_is_deleted_on_the_page(
        client, dbs):
    # Appointments refer to each other, so the unit of work deletes them one by one and reads
    # each one's type, vet and followed appointment: before they were loaded with them, a
    # typed appointment made the delete a 500 (raise_on_sql).
    with dbs() as session:
        ids = family(session, pets=1, appointments=2, visits=0)
        first, second = (session.get(Appointment, i) for i in ids["appointment"])
        first.type_id = f.appointment_type(session, "dental").id
        second.follows_id = first.id
        session.commit()
    response = client.post(f"/owners/{ids['owner'][0]}/delete")
    assert response.status_code == 302
    with dbs() as session:
        assert audited_deletes(session)["appointment"] == sorted(ids["appointment"])
