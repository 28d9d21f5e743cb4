"""The data layer's promises: cascades, restrictions, case-insensitive names, savepoints."""

from datetime import date

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import Appointment, Owner, Pet, PetType, Vet, Visit
from tests import factories as f


def counts(session):
    """Rows in the tables an owner's delete must reach."""
    return {
        model.__name__: session.scalar(sa.select(sa.func.count()).select_from(model))
        for model in (Owner, Pet, Appointment, Visit)
    }


def owner_with_records(session):
    """An owner with two pets, each with an appointment and a visit; plus a vet."""
    owner = f.owner(session)
    vet = f.vet(session)
    for name in ("Leo", "Max"):
        pet = f.pet(session, owner, name=name)
        f.appointment(session, pet, vet)
        f.visit(session, pet, vet)
    return owner, vet


def test_deleting_an_owner_through_the_orm_removes_pets_appointments_and_visits(dbs):
    with dbs() as session:
        owner, _ = owner_with_records(session)
        f.owner(session, last_name="Davis")  # an unrelated owner survives
        session.commit()
        owner_id = owner.id
    with dbs() as session:
        session.delete(session.get(Owner, owner_id))
        session.commit()
    with dbs() as session:
        assert counts(session) == {"Owner": 1, "Pet": 0, "Appointment": 0, "Visit": 0}


def test_deleting_an_owner_with_plain_sql_cascades_in_the_database(dbs):
    with dbs() as session:
        owner, _ = owner_with_records(session)
        session.commit()
        session.execute(sa.text("DELETE FROM owners WHERE id = :id"), {"id": owner.id})
        session.commit()
        assert counts(session) == {"Owner": 0, "Pet": 0, "Appointment": 0, "Visit": 0}


def test_deleting_a_pet_removes_its_appointments_and_visits_only(dbs):
    with dbs() as session:
        owner, _ = owner_with_records(session)
        session.commit()
        leo = session.scalar(sa.select(Pet).where(Pet.name == "Leo"))
        session.delete(leo)
        session.commit()
        assert counts(session) == {"Owner": 1, "Pet": 1, "Appointment": 1, "Visit": 1}


def test_a_vet_with_appointments_cannot_be_deleted(dbs):
    with dbs() as session:
        _, vet = owner_with_records(session)
        session.commit()
        session.delete(vet)
        with pytest.raises(IntegrityError):
            session.commit()
        session.rollback()
        assert session.get(Vet, vet.id) is not None


def test_a_vet_without_records_can_be_deleted(dbs):
    with dbs() as session:
        vet = f.vet(session, specialties=["surgery"])
        session.commit()
        session.delete(vet)
        session.commit()
        assert session.scalar(sa.select(sa.func.count(Vet.id))) == 0


def test_a_pet_type_in_use_cannot_be_deleted_even_with_plain_sql(dbs):
    with dbs() as session:
        owner = f.owner(session)
        pet = f.pet(session, owner, kind="lizard")
        session.commit()
        with pytest.raises(IntegrityError):
            session.execute(sa.delete(PetType).where(PetType.id == pet.type_id))
        session.rollback()
        assert session.get(PetType, pet.type_id) is not None


@pytest.mark.parametrize(("first", "second"), [("Leo", "leo"), ("Émile", "ÉMILE"), ("Max", "MAX")])
def test_pet_names_are_unique_per_owner_ignoring_case_in_the_database(dbs, first, second):
    with dbs() as session:
        owner = f.owner(session)
        f.pet(session, owner, name=first)
        session.commit()
        # Core insert: no form or service stands between the duplicate and the table.
        with pytest.raises(IntegrityError):
            session.execute(
                sa.insert(Pet).values(
                    name=second, birth_date=date(2021, 1, 1), owner_id=owner.id,
                    type_id=f.pet_type(session).id, created_at=owner.created_at,
                    updated_at=owner.created_at,
                )
            )
        session.rollback()


def test_the_same_pet_name_is_fine_for_different_owners(dbs):
    with dbs() as session:
        f.pet(session, f.owner(session), name="Leo")
        f.pet(session, f.owner(session, last_name="Davis"), name="LEO")
        session.commit()
        assert session.scalar(sa.select(sa.func.count(Pet.id))) == 2


def test_a_failed_optional_insert_in_a_savepoint_keeps_the_main_record(dbs):
    with dbs() as session:
        owner = f.owner(session)
        f.pet(session, owner, name="Leo")
        session.commit()

        main = f.owner(session, last_name="Davis")
        with pytest.raises(IntegrityError):
            with session.begin_nested():
                session.add(Pet(name="LEO", birth_date=date(2021, 1, 1), owner=owner,
                                type=f.pet_type(session)))
        session.commit()
        assert session.get(Owner, main.id) is not None
        assert session.scalar(sa.select(sa.func.count(Pet.id))) == 1


@pytest.mark.committing
def test_a_savepoint_first_in_a_transaction_is_undone_by_the_outer_rollback(committing):
    # Not joined to a test transaction: this must be the engine's own BEGIN/SAVEPOINT.
    # Without the pysqlite workaround SQLite runs the SAVEPOINT outside any transaction,
    # RELEASE commits it, and the outer rollback leaves the owner behind.
    with committing.app_context():
        with Session(db.engine) as session:
            with session.begin_nested():
                session.add(Owner(first_name="A", last_name="Ghost", address="x", city="y",
                                  telephone="+16085550000"))
            session.rollback()
        with Session(db.engine) as session:
            assert session.scalar(sa.select(sa.func.count(Owner.id))) == 0


@pytest.mark.committing
def test_sqlite_connections_enforce_foreign_keys(committing):
    with committing.app_context(), db.engine.connect() as conn:
        if conn.dialect.name != "sqlite":
            pytest.skip("PRAGMA foreign_keys is SQLite's")
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
