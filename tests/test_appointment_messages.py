"""What an appointment's life sends: a booking its confirmation, a move its notice, a
cancellation its notice, each in the same transaction; a move or a cancellation withdraws
the pending reminder."""

from datetime import datetime, time, timedelta

import pytest
import sqlalchemy as sa

from app.appointments.services import BookingRefused, book_appointment
from app.extensions import db
from app.messages.outbox import queue
from app.models import (
    Appointment,
    AppointmentNotice,
    AppointmentStatus,
    Message,
    MessageKind,
    MessageStatus,
    Owner,
    Pet,
    Vet,
)
from tests import factories as f
from tests.api.conftest import ApiClient, basic
from tests.staff import ensure_staff


@pytest.fixture
def clinic(dbs, today):
    """Leo (owner with an email, no consent), Rex (owner without one), two vets; ids only."""
    with dbs() as session:
        jean = f.owner(session, last_name="Coleman", first_name="Jean", email="jean@example.com")
        leo = f.pet(session, jean, name="Leo")
        silent = f.owner(session, last_name="Davis", telephone="+16085551749")
        rex = f.pet(session, silent, name="Rex", kind="dog")
        carter = f.vet(session, last_name="Carter")
        leary = f.vet(session, first_name="Helen", last_name="Leary")
        session.commit()
        return {"jean": jean.id, "leo": leo.id, "silent": silent.id, "rex": rex.id,
                "carter": carter.id, "leary": leary.id, "day": today + timedelta(days=1)}


def booking(clinic, at="10:00", vet="carter", reason="Check-up", day=None):
    return {"vet_id": clinic[vet], "date": (day or clinic["day"]).isoformat(), "start_time": at,
            "duration_minutes": 30, "reason": reason}


def book(client, clinic, pet="leo", owner="jean", **kw):
    return client.post(f"/owners/{clinic[owner]}/pets/{clinic[pet]}/appointments/new",
                       data=booking(clinic, **kw))


def messages(dbs):
    """Every message, oldest first."""
    with dbs() as session:
        return session.scalars(sa.select(Message).order_by(Message.id)).all()


def the_appointment(dbs):
    with dbs() as session:
        return session.scalars(sa.select(Appointment).order_by(Appointment.id.desc())).first()


def test_a_web_booking_commits_its_confirmation(client, dbs, clinic):
    assert book(client, clinic).status_code == 302
    [message] = messages(dbs)
    appointment = the_appointment(dbs)
    assert (message.kind, message.status, message.to_address, message.queued_by,
            message.appointment_id, message.owner_id) == (
        MessageKind.CONFIRMATION, MessageStatus.PENDING, "jean@example.com", "admin",
        appointment.id, clinic["jean"])
    when = f"{clinic['day']:%A} {clinic['day'].day} {clinic['day']:%B %Y} at 10:00"
    assert message.subject == f"Leo's appointment on {when} is booked"
    assert "Dear Jean Coleman" in message.body_text and "Vet:    James Carter" in message.body_text
    assert "<td>James Carter</td>" in message.body_html
    assert "/unsubscribe/" in message.body_text  # every message, transactional or not


def test_an_api_booking_commits_its_confirmation_naming_who_booked(app, dbs, clinic):
    ensure_staff(app)
    api = ApiClient(app.test_client(), basic("reception"))
    starts = datetime.combine(clinic["day"], time(11, 0)).isoformat()
    response = api.post("/appointments", json={"petId": clinic["leo"], "vetId": clinic["carter"],
                                               "startsAt": starts, "durationMinutes": 30,
                                               "reason": "Vaccination"})
    assert response.status_code == 201
    [message] = messages(dbs)
    assert (message.kind, message.queued_by, message.appointment_id) == (
        MessageKind.CONFIRMATION, "reception", response.get_json()["id"])
    assert "at 11:00" in message.subject and "Reason: Vaccination" in message.body_text


def test_a_refused_booking_leaves_no_message(client, dbs, clinic):
    assert book(client, clinic).status_code == 302
    page = book(client, clinic, at="10:15")
    assert page.status_code == 200 and "already booked" in page.get_data(as_text=True)
    assert [m.kind for m in messages(dbs)] == [MessageKind.CONFIRMATION]


def test_a_booking_rolled_back_after_the_service_leaves_no_message(app, dbs, clinic):
    with dbs() as session:
        appointment = book_appointment(clinic["leo"], clinic["carter"],
                                       datetime.combine(clinic["day"], time(10)), 30, "Check-up")
        session.flush()
        assert session.scalar(sa.select(sa.func.count(Message.id))) == 1  # queued, not committed
        session.rollback()  # an error after the booking, before the commit
        assert appointment.id is not None
    assert messages(dbs) == []


def test_an_owner_without_an_email_gets_nothing_and_the_booking_stands(client, dbs, clinic):
    assert book(client, clinic, pet="rex", owner="silent").status_code == 302
    assert messages(dbs) == [] and the_appointment(dbs).pet_id == clinic["rex"]


def test_a_follow_up_booked_at_completion_is_confirmed(client, dbs, clinic, today):
    with dbs() as session:
        leo, carter = session.get(Pet, clinic["leo"]), session.get(Vet, clinic["carter"])
        appointment = f.appointment(session, leo, carter, starts_at=datetime.combine(today, time.min),
                                    status=AppointmentStatus.CHECKED_IN)
        session.commit()
        appointment_id = appointment.id
    response = client.post(f"/appointments/{appointment_id}/complete", data={
        "description": "Healthy.", "follow_up": "y", "follow_up_vet_id": clinic["carter"],
        "follow_up_date": (today + timedelta(days=7)).isoformat(), "follow_up_time": "10:00",
        "follow_up_minutes": 30,
    }, follow_redirects=True)
    assert "Follow-up booked on" in response.get_data(as_text=True)
    [message] = messages(dbs)
    follow_up = the_appointment(dbs)
    assert follow_up.follows_id == appointment_id
    assert (message.kind, message.appointment_id) == (MessageKind.CONFIRMATION, follow_up.id)
    assert "Reason: Follow-up: check-up" in message.body_text


def pending_reminder(dbs, appointment_id):
    """A reminder of the appointment queued as the reminder run would, with its notice."""
    with dbs() as session:
        appointment = session.get(Appointment, appointment_id)
        owner = session.get(Owner, session.get(Pet, appointment.pet_id).owner_id)
        message = queue(owner, MessageKind.APPOINTMENT_REMINDER, "Reminder", "text", "<p>x</p>",
                        "reminders", appointment=appointment)
        session.flush()
        session.add(AppointmentNotice(appointment_id=appointment.id,
                                      starts_at=appointment.starts_at, message_id=message.id))
        session.commit()
        return message.id


def edit(client, dbs, appointment_id, **changes):
    appointment = the_appointment(dbs)
    data = {"vet_id": appointment.vet_id, "date": appointment.starts_at.date().isoformat(),
            "start_time": f"{appointment.starts_at:%H:%M}",
            "duration_minutes": appointment.duration_minutes, "reason": appointment.reason,
            "version": appointment.version} | changes
    return client.post(f"/appointments/{appointment_id}/edit", data=data)


def test_moving_an_appointment_sends_its_new_time_and_withdraws_the_reminder(client, dbs, clinic):
    book(client, clinic)
    appointment_id = the_appointment(dbs).id
    reminder_id = pending_reminder(dbs, appointment_id)
    assert edit(client, dbs, appointment_id, start_time="14:30").status_code == 302

    _, reminder, moved = messages(dbs)
    assert reminder.id == reminder_id and reminder.status is MessageStatus.CANCELLED
    assert "moved to" in reminder.last_response and "14:30" in reminder.last_response
    assert (moved.kind, moved.status, moved.appointment_id) == (
        MessageKind.RESCHEDULED, MessageStatus.PENDING, appointment_id)
    assert "moved to" in moved.subject and "at 14:30" in moved.subject
    assert "at 10:00 has been changed" in moved.body_text
    with dbs() as session:  # the new time is one the reminder run has not reminded of
        assert session.scalars(sa.select(AppointmentNotice)).all() == []


def test_another_vet_is_a_move_and_a_new_reason_alone_is_not(client, dbs, clinic):
    book(client, clinic)
    appointment_id = the_appointment(dbs).id
    assert edit(client, dbs, appointment_id, reason="Limping").status_code == 302
    assert [m.kind for m in messages(dbs)] == [MessageKind.CONFIRMATION]
    assert edit(client, dbs, appointment_id, vet_id=clinic["leary"]).status_code == 302
    moved = messages(dbs)[-1]
    assert moved.kind is MessageKind.RESCHEDULED and "Vet:    Helen Leary" in moved.body_text


def test_a_refused_move_sends_nothing_and_keeps_the_reminder(client, dbs, clinic):
    book(client, clinic)
    book(client, clinic, at="15:00", reason="Other")
    first = the_appointment(dbs).id - 1
    reminder_id = pending_reminder(dbs, first)
    response = edit(client, dbs, first, start_time="15:00")
    assert response.status_code == 200 and "already booked" in response.get_data(as_text=True)
    kinds = [(m.id, m.kind, m.status) for m in messages(dbs)]
    assert (reminder_id, MessageKind.APPOINTMENT_REMINDER, MessageStatus.PENDING) in kinds
    assert [k for _, k, _ in kinds].count(MessageKind.RESCHEDULED) == 0


def test_cancelling_sends_the_notice_and_withdraws_only_the_pending_reminder(client, dbs, clinic):
    book(client, clinic)
    appointment_id = the_appointment(dbs).id
    reminder_id = pending_reminder(dbs, appointment_id)
    response = client.post(f"/appointments/{appointment_id}/cancel")
    assert response.status_code == 302
    _, reminder, notice = messages(dbs)
    assert reminder.status is MessageStatus.CANCELLED
    assert reminder.last_response == "Not sent: the appointment was cancelled."
    assert (notice.kind, notice.appointment_id) == (MessageKind.CANCELLATION, appointment_id)
    assert reminder.id == reminder_id and "is cancelled" in notice.subject


def test_a_sent_reminder_is_not_touched_by_a_cancellation(client, dbs, clinic):
    book(client, clinic)
    appointment_id = the_appointment(dbs).id
    reminder_id = pending_reminder(dbs, appointment_id)
    with dbs() as session:
        session.execute(sa.update(Message).where(Message.id == reminder_id)
                        .values(status=MessageStatus.SENT, last_response="250 OK"))
        session.commit()
    client.post(f"/appointments/{appointment_id}/cancel")
    with dbs() as session:
        reminder = session.get(Message, reminder_id)
        assert (reminder.status, reminder.last_response) == (MessageStatus.SENT, "250 OK")


def test_an_api_cancellation_sends_the_notice(app, dbs, clinic):
    ensure_staff(app)
    api = ApiClient(app.test_client(), basic("admin"))
    starts = datetime.combine(clinic["day"], time(9, 0)).isoformat()
    body = api.post("/appointments", json={"petId": clinic["leo"], "vetId": clinic["carter"],
                                           "startsAt": starts, "durationMinutes": 30,
                                           "reason": "Check-up"}).get_json()
    response = api.put(f"/appointments/{body['id']}/status", json={"status": "cancelled"})
    assert response.status_code == 200, response.get_json()
    assert [m.kind for m in messages(dbs)] == [MessageKind.CONFIRMATION, MessageKind.CANCELLATION]


def test_a_service_refusal_queues_nothing(app, dbs, clinic):
    with dbs(), pytest.raises(BookingRefused):
        book_appointment(clinic["leo"], clinic["carter"], datetime(2001, 1, 1, 10), 30, "Late")
    assert messages(dbs) == []
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Appointment.id))) == 0
