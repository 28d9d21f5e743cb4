"""A constraint's refusal: the one table (app.constraints) says what it means, on both
databases; one that the table does not name is a bug, answered as a logged 500."""

import contextlib
import logging
from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.constraints import (
    FOREIGN_KEYS,
    IN_USE,
    REMOVED_MEANWHILE,
    UNIQUE,
    constraint_name,
    violation,
)
from app.database import Base
from app.models import Appointment, Owner, Pet, PetType, User, Vet
from tests import factories
from tests.api.conftest import assert_problem

OWNER = {"firstName": "Jean", "lastName": "Coleman", "address": "105 N. Lake St.",
         "city": "Monona", "telephone": "6085552654"}
PAGE_OWNER = {"first_name": "Jean", "last_name": "Coleman", "address": "105 N. Lake St.",
              "city": "Monona", "telephone": "(608) 555-2654", "email": ""}


@contextlib.contextmanager
def just_before_writing(model, step):
    """Run ``step(session)`` at the flush that inserts a ``model`` row: the other writer's move.

    It runs in the request's own transaction, so the database's refusal comes at once and
    the same on both databases (on SQLite two writers cannot interleave for real).
    """
    fired = []

    def listener(session, flush_context, instances):
        if not fired and any(isinstance(row, model) for row in session.new):
            fired.append(model)
            step(session)

    event.listen(Session, "before_flush", listener)
    try:
        yield fired
    finally:
        event.remove(Session, "before_flush", listener)


def refusal_of(session, *statements):
    """The IntegrityError the last statement gets (the others set the scene), in a savepoint."""
    with pytest.raises(IntegrityError) as caught, session.begin_nested():
        for statement in statements:
            session.execute(statement)
    return caught.value


@pytest.fixture
def family(dbs):
    """An owner with a cat, Leo; a dog type; a vet with one appointment."""
    with dbs() as session:
        owner = factories.owner(session)
        leo = factories.pet(session, owner)
        vet = factories.vet(session)
        factories.appointment(session, leo, vet)
        dog = factories.pet_type(session, "dog")
        session.commit()
        return {"owner": owner.id, "leo": leo.id, "vet": vet.id, "dog": dog.id,
                "cat": leo.type_id}


def remove_pet_type(type_id):
    """A step deleting the pet type, as a request of another desk would."""
    return lambda session: session.execute(sa.delete(PetType).where(PetType.id == type_id))


# --- the table and the name of a refusal ----------------------------------------------------


def test_every_name_in_the_table_is_a_constraint_of_the_models():
    names = {c.name for t in Base.metadata.tables.values() for c in [*t.constraints, *t.indexes]}
    assert set(UNIQUE) | FOREIGN_KEYS <= names


def test_every_foreign_key_is_in_the_table_so_sqlites_unnamed_refusals_have_one_meaning():
    keys = {k.name for t in Base.metadata.tables.values() for k in t.foreign_key_constraints}
    assert keys == FOREIGN_KEYS


def test_a_unique_column_and_a_unique_expression_index_are_named(dbs, family):
    with dbs() as session:
        taken = refusal_of(session, sa.insert(PetType).values(name="dog"))
        assert constraint_name(taken) == "uq_pet_types_name"
        twin = refusal_of(session, sa.insert(Pet).values(
            owner_id=family["owner"], type_id=family["dog"], name="LEO", birth_date=date(2021, 1, 1)))
        assert constraint_name(twin) == "uq_pets_owner_id_name_lower"
        assert violation(twin) == UNIQUE["uq_pets_owner_id_name_lower"]
        account = sa.insert(User).values(
            username="twin", password_hash="x", role="admin", active=True)
        user = refusal_of(session, account, account)
        assert violation(user).field == "username"


def test_a_foreign_key_refusal_means_removed_meanwhile_or_in_use(dbs, family):
    with dbs() as session:
        orphan = refusal_of(session, sa.insert(Pet).values(
            owner_id=family["owner"], type_id=987654, name="Max", birth_date=date(2021, 1, 1)))
        assert violation(orphan) is REMOVED_MEANWHILE
        booked = refusal_of(session, sa.delete(Vet).where(Vet.id == family["vet"]))
        assert violation(booked) is IN_USE


def test_check_and_not_null_refusals_are_named_by_no_rule(dbs, family):
    with dbs() as session:
        check = refusal_of(session, sa.update(Appointment).values(duration_minutes=5))
        assert constraint_name(check) == "ck_appointments_duration_range"
        assert violation(check) is None
        missing = refusal_of(session, sa.update(Owner).values(city=None))
        assert constraint_name(missing) is None and violation(missing) is None


# --- requests: a known refusal is its message, an unknown one a logged 500 ------------------


def test_a_pet_type_removed_meanwhile_is_a_409_saying_so_in_the_api(api, dbs, family):
    body = {"name": "Max", "birthDate": "2021-03-04", "type": {"id": family["dog"], "name": "dog"}}
    with just_before_writing(Pet, remove_pet_type(family["dog"])) as fired:
        response = api().post(f"/owners/{family['owner']}/pets", json=body)
    assert fired
    assert_problem(response, 409, REMOVED_MEANWHILE.message)
    with dbs() as session:
        assert session.scalar(sa.select(sa.func.count(Pet.id))) == 1  # Leo alone


def test_a_pet_type_removed_meanwhile_is_a_409_page_saying_so(client, dbs, family):
    data = {"name": "Max", "birth_date": "2021-03-04", "type_id": family["dog"], "sex": "male"}
    with just_before_writing(Pet, remove_pet_type(family["dog"])) as fired:
        response = client.post(f"/owners/{family['owner']}/pets/new", data=data)
    assert fired
    assert response.status_code == 409
    assert "was changed meanwhile" in response.get_data(as_text=True)


def test_a_first_pet_whose_type_went_meanwhile_leaves_the_owner_and_says_why(client, dbs, family):
    data = PAGE_OWNER | {"pet-name": "Max", "pet-birth_date": "2021-03-04",
                         "pet-type_id": family["dog"]}
    with just_before_writing(Pet, remove_pet_type(family["dog"])):
        page = client.post("/owners/new", data=data, follow_redirects=True).get_data(as_text=True)
    assert "Owner Jean Coleman registered." in page and "was changed meanwhile" in page


BUGS = {
    "not null": sa.update(Owner).values(city=None),
    "check": sa.update(Appointment).values(duration_minutes=5),
}


@pytest.mark.parametrize("bug", sorted(BUGS))
def test_a_refusal_no_rule_names_is_a_logged_500_in_the_api(api, family, caplog, bug):
    with (just_before_writing(Owner, lambda session: session.execute(BUGS[bug])),
          caplog.at_level(logging.ERROR, logger="petclinic.errors")):
        response = api().post("/owners", json=OWNER, headers={"X-Request-ID": f"bug-{bug}"})
    assert_problem(response, 500)
    assert response.get_json()["requestId"] == f"bug-{bug}"
    assert "constraint" not in response.get_data(as_text=True).lower()
    logged = [r for r in caplog.records if f"bug-{bug}" in r.getMessage()]
    assert logged and logged[0].exc_info[0] is IntegrityError


def test_a_refusal_no_rule_names_is_a_logged_500_page(client, family, caplog):
    with (just_before_writing(Owner, lambda session: session.execute(BUGS["not null"])),
          caplog.at_level(logging.ERROR, logger="petclinic.errors")):
        response = client.post("/owners/new", data=PAGE_OWNER, headers={"X-Request-ID": "page-bug"})
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "page-bug" in page and "Traceback" not in page and "NOT NULL" not in page
    assert any("page-bug" in r.getMessage() and r.exc_info for r in caplog.records)


def test_a_booking_on_a_vet_deleted_meanwhile_is_409(api, dbs, family, today):
    starts = datetime.combine(today + timedelta(days=2), datetime.min.time()).replace(hour=10)
    body = {"petId": family["leo"], "vetId": family["vet"], "startsAt": starts.isoformat(),
            "durationMinutes": 30, "reason": "Check-up"}

    def remove_vet(session):
        session.execute(sa.delete(Appointment))
        session.execute(sa.delete(Vet).where(Vet.id == family["vet"]))

    with just_before_writing(Appointment, remove_vet) as fired:
        response = api("reception").post("/appointments", json=body)
    assert fired
    assert_problem(response, 409, REMOVED_MEANWHILE.message)
