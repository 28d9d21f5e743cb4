"""`flask seed bulk`: counts, the schedule's invariants, realism, reproducibility."""

import collections
import gc
import random
import re
from datetime import datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from app.appointments.services import HOLDS_SLOT
from app.clinic import clinic_now
from app.models import (
    Appointment,
    AppointmentStatus,
    Owner,
    Pet,
    PetType,
    Specialty,
    Vet,
    Visit,
    vet_specialties,
)
from app.phone import normalise_phone
from app.seed import bulk as bulk_data
from tests import factories as f

PAST_STATUSES = {AppointmentStatus.COMPLETED, AppointmentStatus.NO_SHOW, AppointmentStatus.CANCELLED}


def count(session, model):
    """Rows in a model's table."""
    return session.scalar(sa.select(sa.func.count()).select_from(model))


def overlaps(session, column):
    """Pairs of slot-holding appointments sharing ``column`` (vet_id or pet_id) that overlap."""
    first, second = aliased(Appointment), aliased(Appointment)
    return session.scalar(
        sa.select(sa.func.count())
        .select_from(first)
        .join(second, sa.and_(getattr(first, column) == getattr(second, column),
                              first.id < second.id))
        .where(first.starts_at < second.ends_at, second.starts_at < first.ends_at,
               first.status.in_(HOLDS_SLOT), second.status.in_(HOLDS_SLOT))
    )


def bulk(runner, *args):
    """Run `flask seed bulk` with 50 owners and the given options; return the result."""
    result = runner.invoke(args=["seed", "bulk", "--owners", "50", *args])
    assert result.exit_code == 0, result.output
    return result


def test_bulk_seed_writes_the_asked_numbers_and_reports_its_speed(runner, dbs):
    result = bulk(runner, "--seed", "1")

    with dbs() as session:
        assert count(session, Owner) == 50
        assert count(session, Pet) == 100
        assert count(session, Appointment) == 500
        completed = session.scalar(sa.select(sa.func.count(Appointment.id))
                                   .where(Appointment.status == AppointmentStatus.COMPLETED))
        assert count(session, Visit) == completed > 0
        vets = count(session, Vet)
        assert vets >= 3  # none existed: a small clinic's worth were added
        assert count(session, PetType) == 6 and count(session, Specialty) == 3
        rows = 50 + 100 + 500 + completed + vets
    summary = result.stdout.splitlines()
    assert summary[0] == (f"Added 50 owners, 100 pets, 500 appointments, {completed} visits "
                          f"and {vets} vets (seed 1).")
    assert re.fullmatch(rf"{rows:,} rows in \d+\.\d s: [\d,]+ rows/s\.", summary[1]), summary[1]


def test_bulk_appointments_never_overlap_for_a_vet_or_a_pet_and_keep_clinic_hours(
    runner, dbs, app
):
    bulk(runner, "--seed", "2", "--appointments-per-pet", "20")

    with dbs() as session:
        assert count(session, Appointment) == 2000
        assert overlaps(session, "vet_id") == 0
        assert overlaps(session, "pet_id") == 0
        opens, closes = app.config["CLINIC_OPENS"], app.config["CLINIC_CLOSES"]
        now = clinic_now()
        for appointment in session.scalars(sa.select(Appointment)):
            assert opens <= appointment.starts_at.time() and appointment.ends_at.time() <= closes
            assert appointment.ends_at.date() == appointment.starts_at.date()
            assert appointment.starts_at.weekday() != 6
            if appointment.starts_at >= now:
                assert appointment.status is AppointmentStatus.SCHEDULED
            else:
                assert appointment.status in PAST_STATUSES
        statuses = set(session.scalars(sa.select(Appointment.status).distinct()))
        assert statuses == PAST_STATUSES | {AppointmentStatus.SCHEDULED}


def test_bulk_visits_belong_to_completed_appointments_of_the_same_pet_vet_and_day(runner, dbs):
    bulk(runner, "--seed", "3")

    with dbs() as session:
        mismatched = session.scalar(
            sa.select(sa.func.count(Visit.id))
            .join(Appointment, Visit.appointment_id == Appointment.id)
            .where(sa.or_(Visit.pet_id != Appointment.pet_id, Visit.vet_id != Appointment.vet_id,
                          Appointment.status != AppointmentStatus.COMPLETED))
        )
        assert mismatched == 0
        dates = session.execute(
            sa.select(Visit.date, Appointment.starts_at).join(Visit.appointment)
        ).all()
        assert dates and all(day == starts_at.date() for day, starts_at in dates)


def test_bulk_owners_and_pets_look_real_and_pass_the_forms_rules(runner, dbs, app, today):
    bulk(runner, "--seed", "4")

    with dbs() as session:
        owners = session.scalars(sa.select(Owner)).all()
        assert len({owner.last_name for owner in owners}) > 20
        for owner in owners:
            assert re.fullmatch(r"\+1\d{10}", owner.telephone)
            assert normalise_phone(owner.telephone) == owner.telephone
            assert owner.address[0].isdigit() and owner.city
        assert any(owner.email for owner in owners) and not all(owner.email for owner in owners)
        births = session.scalars(sa.select(Pet.birth_date)).all()
        assert all(born < today for born in births)
        kinds = set(session.scalars(sa.select(PetType.name).join(Pet.type)))
        assert {"cat", "dog"} <= kinds
        vets_with_specialties = session.scalar(
            sa.select(sa.func.count(sa.distinct(vet_specialties.c.vet_id)))
        )
        assert vets_with_specialties > 0


def snapshot(session):
    """The seeded data without ids: what must repeat for the same seed."""
    owners = session.execute(
        sa.select(Owner.first_name, Owner.last_name, Owner.address, Owner.city,
                  Owner.telephone, Owner.email).order_by(Owner.id)
    ).all()
    pets = session.execute(
        sa.select(Owner.telephone, Pet.name, Pet.birth_date, PetType.name)
        .join(Pet.owner).join(Pet.type).order_by(Pet.id)
    ).all()
    appointments = session.execute(
        sa.select(Vet.first_name, Vet.last_name, Pet.name, Appointment.starts_at,
                  Appointment.duration_minutes, Appointment.reason, Appointment.status)
        .join(Appointment.vet).join(Appointment.pet).order_by(Appointment.id)
    ).all()
    return owners, pets, appointments


def empty_the_clinic(session):
    """Delete everything `seed bulk` wrote, so the next run starts from the same state."""
    session.execute(sa.delete(Owner))  # pets, appointments and visits cascade
    session.execute(sa.delete(vet_specialties))
    session.execute(sa.delete(Vet))
    session.commit()


def test_the_same_seed_gives_the_same_data_and_another_seed_does_not(runner, dbs):
    bulk(runner, "--seed", "42")
    with dbs() as session:
        first = snapshot(session)
        empty_the_clinic(session)

    bulk(runner, "--seed", "42")
    with dbs() as session:
        again = snapshot(session)
        empty_the_clinic(session)

    bulk(runner, "--seed", "43")
    with dbs() as session:
        other = snapshot(session)

    assert again == first
    assert other != first


def test_bulk_after_the_demo_keeps_every_schedule_free_of_overlaps(runner, dbs):
    assert runner.invoke(args=["seed", "demo"]).exit_code == 0
    with dbs() as session:
        demo_vets = count(session, Vet)

    bulk(runner, "--seed", "5", "--appointments-per-pet", "30")

    with dbs() as session:
        assert overlaps(session, "vet_id") == 0
        assert overlaps(session, "pet_id") == 0
        # The demo's vets were used: the seed added none while they had room.
        assert count(session, Vet) == demo_vets
        assert count(session, Owner) == 60


def test_an_existing_vet_is_not_booked_on_a_day_they_already_have_appointments(
    runner, dbs, today
):
    with dbs() as session:
        vet = f.vet(session)
        pet = f.pet(session, f.owner(session))
        # One appointment on every day of the seeded period: no day is free for this vet.
        days = [today + timedelta(days=n) for n in range(-bulk_data.PAST_DAYS, bulk_data.FUTURE_DAYS + 1)]
        session.execute(sa.insert(Appointment), [
            {"pet_id": pet.id, "vet_id": vet.id, "starts_at": datetime.combine(day, time(12)),
             "ends_at": datetime.combine(day, time(12, 15)), "duration_minutes": 15,
             "reason": "lunch visit", "status": AppointmentStatus.SCHEDULED}
            for day in days
        ])
        session.commit()

    bulk(runner, "--seed", "6")

    with dbs() as session:
        own = session.scalar(sa.select(sa.func.count(Appointment.id)).where(Appointment.vet_id == vet.id))
        assert own == len(days)
        assert count(session, Vet) > 1
        assert count(session, Appointment) == len(days) + 500


def index_definitions(session):
    """Name and SQL of every index on the tables a bulk seed fills, from the database's catalog."""
    if session.get_bind().dialect.name == "sqlite":
        query = "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name IN :tables"
    else:
        query = "SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN :tables"
    statement = sa.text(query).bindparams(sa.bindparam("tables", expanding=True))
    tables = [model.__tablename__ for model in bulk_data.FILLED]
    return sorted(session.execute(statement, {"tables": tables}).all())


def index_statements_of(connection, run):
    """The DROP INDEX and CREATE ... INDEX statements sent while ``run()`` runs."""
    sent = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if re.match(r"(DROP|CREATE( UNIQUE)?) INDEX", statement.strip()):
            sent.append(statement.strip())

    sa.event.listen(connection, "before_cursor_execute", record)
    try:
        run()
    finally:
        sa.event.remove(connection, "before_cursor_execute", record)
    return sent


def test_bulk_that_at_least_doubles_the_clinic_rebuilds_its_indexes_on_sqlite_only(
    runner, dbs, connection
):
    with dbs() as session:
        f.owner(session)
        session.commit()
        before = index_definitions(session)

    statements = index_statements_of(connection, lambda: bulk(runner, "--seed", "9"))

    with dbs() as session:
        assert index_definitions(session) == before
    if connection.dialect.name == "sqlite":
        named = {name for name, sql in before if sql}  # not SQLite's own (UNIQUE constraints)
        dropped = {statement.split()[2] for statement in statements if statement.startswith("DROP")}
        assert dropped == named
        assert len(statements) == 2 * len(named)
    else:
        assert statements == []


def test_bulk_into_a_larger_clinic_fills_the_indexes_as_it_goes(runner, dbs, connection):
    bulk(runner, "--seed", "10")
    with dbs() as session:
        before = index_definitions(session)

    statements = index_statements_of(
        connection, lambda: runner.invoke(args=["seed", "bulk", "--owners", "49"])
    )

    assert statements == []
    with dbs() as session:
        assert index_definitions(session) == before
        assert count(session, Owner) == 99


def test_bulk_pauses_the_cycle_collector_only_while_it_runs(runner, dbs, monkeypatch):
    while_writing = []
    insert_rows = bulk_data.TableWriter.insert_rows

    def noting_the_collector(writer, rows):
        while_writing.append(gc.isenabled())
        return insert_rows(writer, rows)

    monkeypatch.setattr(bulk_data.TableWriter, "insert_rows", noting_the_collector)
    assert gc.isenabled()

    bulk(runner, "--seed", "8")

    assert while_writing and not any(while_writing)
    assert gc.isenabled()


def test_bulk_without_pets_adds_owners_only(runner, dbs):
    result = bulk(runner, "--pets-per-owner", "0")

    assert "Added 50 owners, 0 pets, 0 appointments, 0 visits and 0 vets" in result.stdout
    with dbs() as session:
        assert count(session, Owner) == 50 and count(session, Vet) == 0


def test_bulk_refuses_bad_numbers(runner, dbs):
    for args in (["--owners", "0"], ["--owners", "5", "--appointments-per-pet", "51"],
                 ["--owners", "5", "--pets-per-owner", "-1"], ["--owners", "many"], []):
        result = runner.invoke(args=["seed", "bulk", *args])
        assert result.exit_code == 2, args
        assert "Error:" in result.stderr
    with dbs() as session:
        assert count(session, Owner) == 0


def test_bulk_that_cannot_fit_the_clinic_hours_adds_nothing(runner, dbs, app, monkeypatch):
    monkeypatch.setitem(app.config, "CLINIC_CLOSES", time(8, 20))  # no 30-minute slot left

    result = runner.invoke(args=["seed", "bulk", "--owners", "5"])

    assert result.exit_code == 1
    assert "Nothing was added: 50 appointments do not fit in the clinic's hours" in result.stderr
    with dbs() as session:
        assert count(session, Owner) == 0 and count(session, PetType) == 0


def test_the_slot_grid_never_offers_more_vets_at_one_moment_than_there_are_pets(dbs, today):
    # Dealing slots to pets in time order keeps a pet from two slots at once only if no
    # moment has more slots than there are pets.
    with dbs() as session:
        for name in ("Carter", "Leary", "Douglas", "Ortega", "Stevens"):
            f.vet(session, name)
        grid, added = bulk_data.slot_grid(random.Random(1), 10, 2, today)
        session.rollback()

    assert added == 0
    assert len(grid) > 10
    assert {len(vets) for vets in grid.vets} == {2}
    starts, _ = grid.starts_and_vets(range(len(grid)))
    assert len(starts) == len(grid)
    assert max(collections.Counter(starts).values()) == 2
