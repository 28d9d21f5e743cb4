"""Status changes fired at the same instant: exactly one of two conflicting actions applies,
the other gets the page's refusal, and completing twice never writes two visits or a 500."""

import threading
from datetime import datetime, time, timedelta

import pytest
import sqlalchemy as sa

from app.clinic import clinic_today
from app.extensions import db
from app.models import AuditEntry, Appointment, AppointmentStatus, Visit
from tests import factories as f
from tests.staff import signed_in

ROUNDS = 8


def at_once(requests):
    """Send every (client, url, data) together; the final pages' (status, text), in order."""
    start = threading.Barrier(len(requests))
    answers = [None] * len(requests)

    def send(i, client, url, data):
        start.wait()
        response = client.post(url, data=data, follow_redirects=True)
        answers[i] = (response.status_code, response.get_data(as_text=True))

    threads = [threading.Thread(target=send, args=(i, *request))
               for i, request in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert None not in answers, "a racing request did not finish within a minute"
    return answers


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
        answers = at_once([
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
        answers = at_once([
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
