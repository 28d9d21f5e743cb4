"""Status changes fired at the same instant: exactly one of two conflicting actions applies,
the other gets the page's refusal, and completing twice never writes two visits or a 500."""

import os
from datetime import datetime, time, timedelta

import pytest
import sqlalchemy as sa

from app.clinic import clinic_today
from app.constraints import constraint_name
from app.extensions import db
from app.models import Appointment, AppointmentStatus, AuditEntry, Visit
from app.models.appointment import NO_OVERLAP
from tests import factories as f
from tests.concurrency import post_at_once
from tests.staff import signed_in

ROUNDS = 8


def todays_appointments(app, count, status=AppointmentStatus.SCHEDULED):
    """``count`` appointments today, each for a pet and hour of its own; their ids."""
    with app.app_context():
        vet = f.vet(db.session)
        owner = f.owner(db.session)
        ids = []
        for n in range(count):
            pet = f.pet(db.session, owner, name=f"Racer {n}")
            starts = datetime.combine(clinic_today(), time(0, 15)) + n * timedelta(minutes=30)
            ids.append(f.appointment(db.session, pet, vet, starts_at=starts, minutes=15,
                                     status=status).id)
        db.session.commit()
        db.session.remove()
    return ids


@pytest.mark.committing
def test_cancel_and_check_in_at_once_have_exactly_one_winner(committing):
    app = committing
    desks = [signed_in(app, "reception") for _ in range(2)]
    for appointment_id in todays_appointments(app, ROUNDS):
        answers = post_at_once(follow_redirects=True, posts=[
            (desks[0], f"/appointments/{appointment_id}/cancel", {}),
            (desks[1], f"/appointments/{appointment_id}/check-in", {}),
        ])
        assert all(code == 200 for code, _ in answers)
        refused = [text for _, text in answers if "appointment cannot be marked" in text]
        with app.app_context():
            changes = db.session.scalars(
                sa.select(AuditEntry.summary).where(AuditEntry.entity_type == "appointment",
                                                    AuditEntry.entity_id == appointment_id,
                                                    AuditEntry.action.in_(["cancelled",
                                                                           "checked_in"]))).all()
            status = db.session.get(Appointment, appointment_id).status
            db.session.remove()
        assert len(refused) == 1, f"appointment {appointment_id}: both applied, now {status}"
        assert len(changes) == 1, changes
        assert status in (AppointmentStatus.CANCELLED, AppointmentStatus.CHECKED_IN)


@pytest.mark.committing
def test_completing_twice_at_once_writes_one_visit_and_refuses_the_other(committing):
    app = committing
    vets = [signed_in(app, "vet") for _ in range(2)]
    for appointment_id in todays_appointments(app, ROUNDS, AppointmentStatus.CHECKED_IN):
        answers = post_at_once(follow_redirects=True, posts=[
            (vet, f"/appointments/{appointment_id}/complete", {"description": f"Seen by {n}."})
            for n, vet in enumerate(vets)
        ])
        assert [code for code, _ in answers] == [200, 200], answers
        assert sum("visit recorded" in text for _, text in answers) == 1
        assert sum("completed appointment cannot be marked" in text
                   or "Only a checked-in appointment can be completed" in text
                   for _, text in answers) == 1
        with app.app_context():
            visits = db.session.scalar(sa.select(sa.func.count(Visit.id))
                                       .where(Visit.appointment_id == appointment_id))
            db.session.remove()
        assert visits == 1


# --- PostgreSQL's own backstop ------------------------------------------------------------------

postgresql_only = pytest.mark.skipif(
    "postgresql" not in (os.environ.get("TEST_DATABASE_URL") or ""),
    reason="PostgreSQL only: SQLite has no exclusion constraints (its writers are serialised)",
)


def booked_vet(session):
    """A vet booked at 10:00 in three days for one pet, and a second pet; (vet, pets, start)."""
    vet, owner = f.vet(session), f.owner(session)
    first, second = f.pet(session, owner, name="First"), f.pet(session, owner, name="Second")
    starts = datetime.combine(clinic_today() + timedelta(days=3), time(10))
    f.appointment(session, first, vet, starts_at=starts, minutes=30)
    session.commit()
    return vet, (first, second), starts


@postgresql_only
def test_postgresql_refuses_an_overlapping_appointment_written_past_the_locks(dbs):
    with dbs() as session:
        vet, (first, second), starts = booked_vet(session)
        with pytest.raises(sa.exc.IntegrityError) as refused:
            f.appointment(session, second, vet, starts_at=starts + timedelta(minutes=15))
        assert constraint_name(refused.value) == NO_OVERLAP
        session.rollback()
        # A cancelled appointment frees its slot, for the constraint too.
        cancelled = f.appointment(session, second, vet, starts_at=starts + timedelta(hours=1),
                                  status=AppointmentStatus.CANCELLED)
        f.appointment(session, first, vet, starts_at=cancelled.starts_at)
        session.commit()


@postgresql_only
def test_a_booking_that_skipped_the_checks_is_told_already_booked(dbs, monkeypatch):
    from app.appointments import services

    with dbs() as session:
        vet, (_, second), starts = booked_vet(session)
        monkeypatch.setattr(services, "check_slot", lambda *args, **kwargs: None)
        with pytest.raises(services.SlotTaken, match="already booked"):
            services.book_appointment(second.id, vet.id, starts, 30, "bypassing the checks")
        # The savepoint took only the refused row back: the session goes on.
        assert session.scalar(sa.select(sa.func.count(Appointment.id))) == 1


@postgresql_only
def test_the_migration_names_the_overlapping_rows_it_cannot_constrain(empty_database_url):
    from app import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database_url, "SECRET_KEY": "x" * 40})
    runner = app.test_cli_runner()
    try:
        assert runner.invoke(args=["db", "upgrade", "f72d7d90c88d"]).exit_code == 0
        with app.app_context(), db.engine.begin() as conn:
            conn.execute(sa.text(
                "INSERT INTO owners (id, first_name, last_name, address, city, telephone,"
                " created_at, updated_at) VALUES (1, 'A', 'B', 'C', 'D', '+16085551023', now(), now());"
                "INSERT INTO pet_types (id, name) VALUES (1, 'cat');"
                "INSERT INTO pets (id, owner_id, type_id, name, birth_date, created_at, updated_at)"
                " VALUES (1, 1, 1, 'Leo', '2020-01-01', now(), now()),"
                " (2, 1, 1, 'Max', '2020-01-01', now(), now());"
                "INSERT INTO vets (id, first_name, last_name, active) VALUES (1, 'J', 'C', true);"
                "INSERT INTO appointments (id, pet_id, vet_id, starts_at, duration_minutes, ends_at,"
                " reason, status, created_at, updated_at) VALUES"
                " (7, 1, 1, '2030-01-02 10:00', 30, '2030-01-02 10:30', 'x', 'scheduled', now(), now()),"
                " (8, 2, 1, '2030-01-02 10:15', 30, '2030-01-02 10:45', 'y', 'checked_in', now(), now())"
            ))
        refused = runner.invoke(args=["db", "upgrade"])
        assert refused.exit_code == 1
        assert "appointments 7 and 8 of vet 1: 2030-01-02 10:00-10:30" in refused.output
        assert "Traceback" not in refused.output
        with app.app_context(), db.engine.begin() as conn:
            conn.execute(sa.text("UPDATE appointments SET status = 'cancelled' WHERE id = 8"))
        assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    finally:
        with app.app_context():
            db.engine.dispose()
