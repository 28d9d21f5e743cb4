"""Appointments through the API: the front desk's work, under the booking service's rules."""

from datetime import datetime, time, timedelta

import pytest

from app.models import Appointment
from tests import factories
from tests.api.conftest import assert_problem


@pytest.fixture
def clinic(dbs):
    """A pet and a vet who takes bookings."""
    with dbs() as session:
        pet = factories.pet(session, factories.owner(session))
        vet = factories.vet(session)
        session.commit()
        return {"pet": pet.id, "vet": vet.id}


def slot(today, hour=10, minute=0, days=2):
    """A clinic time in the coming days, as the API reads it (no offset: clinic time)."""
    return datetime.combine(today + timedelta(days=days), datetime.min.time()).replace(
        hour=hour, minute=minute
    ).isoformat()


def book(api, clinic, today, role="reception", **change):
    """Book through the API."""
    fields = {"petId": clinic["pet"], "vetId": clinic["vet"], "startsAt": slot(today),
              "durationMinutes": 30, "reason": "Check-up", **change}
    return api(role).post("/appointments", json=fields)


def test_booking_answers_201_with_location_and_clinic_offset(api, clinic, today):
    response = book(api, clinic, today)
    assert response.status_code == 201
    body = response.get_json()
    assert response.headers["Location"] == f"/api/appointments/{body['id']}"
    assert body["startsAt"].startswith(slot(today)) and body["startsAt"][-6] in "+-"
    assert (body["status"], body["petName"], body["vetName"]) == ("scheduled", "Leo", "James Carter")


def test_an_overlapping_booking_is_409(api, clinic, today):
    book(api, clinic, today)
    assert_problem(book(api, clinic, today, startsAt=slot(today, 10, 15)), 409, "already booked")


@pytest.mark.parametrize(
    ("change", "status", "detail"),
    [
        ({"startsAt": "2001-01-01T10:00:00"}, 400, "already passed"),
        ({"startsAt": None}, 400, "startsAt"),
        ({"durationMinutes": 5}, 400, "durationMinutes"),
        ({"reason": ""}, 400, "reason"),
        ({"petId": 999999}, 400, "petId: That pet does not exist."),
        ({"vetId": 999999}, 400, "vetId"),
    ],
)
def test_booking_rules(api, clinic, today, change, status, detail):
    assert_problem(book(api, clinic, today, **change), status, detail)


def test_booking_outside_clinic_hours_is_refused(api, clinic, today):
    assert_problem(book(api, clinic, today, startsAt=slot(today, 19)), 400, "Outside clinic hours")


def test_a_time_with_an_offset_is_read_in_clinic_time(api, clinic, today, app):
    from zoneinfo import ZoneInfo

    local = datetime.fromisoformat(slot(today, 11)).replace(tzinfo=ZoneInfo(app.config["CLINIC_TIMEZONE"]))
    response = book(api, clinic, today, startsAt=local.astimezone(ZoneInfo("UTC")).isoformat())
    assert response.get_json()["startsAt"].startswith(slot(today, 11))


def test_the_day_sheet_lists_a_days_appointments_by_vet(api, clinic, today, dbs):
    book(api, clinic, today)
    day = (today + timedelta(days=2)).isoformat()
    assert len(api().get(f"/appointments?date={day}").get_json()) == 1
    assert api().get(f"/appointments?date={day}&vetId=999999").get_json() == []
    assert api().get("/appointments").get_json() == []
    assert_problem(api().get("/appointments?date=9999-12-31"), 400)
    # As on the web day sheet: every day but the calendar's first and last has a sheet.
    assert api().get("/appointments?date=9999-12-30").status_code == 200
    assert_problem(api().get("/appointments?date=0001-01-01"), 400)


def due_today(dbs, appointment_id, today):
    """Move an appointment to midnight today, as if its day had come."""
    with dbs() as session:
        appointment = session.get(Appointment, appointment_id)
        appointment.schedule(datetime.combine(today, time.min), appointment.duration_minutes)
        session.commit()


def test_reschedule_status_and_completion_with_follow_up(api, clinic, today, dbs):
    appointment = book(api, clinic, today).get_json()
    url = f"/appointments/{appointment['id']}"
    moved = api("reception").put(url, json={"vetId": clinic["vet"], "startsAt": slot(today, 14),
                                             "durationMinutes": 45, "reason": "Moved"})
    assert moved.get_json()["durationMinutes"] == 45
    early = api("reception").put(f"{url}/status", json={"status": "checked_in"})
    assert_problem(early, 409, "only on the appointment's day")
    due_today(dbs, appointment["id"], today)
    assert api("reception").put(f"{url}/status", json={"status": "checked_in"}).status_code == 200
    assert_problem(api("reception").post(f"{url}/complete", json={"description": "x"}), 403)
    done = api("vet").post(f"{url}/complete", json={
        "description": "All well",
        "followUp": {"vetId": clinic["vet"], "startsAt": slot(today, 9, days=9)},
    })
    assert done.status_code == 201
    body = done.get_json()
    assert body["appointment"]["status"] == "completed"
    assert body["visit"]["description"] == "All well"
    assert done.headers["Location"] == f"/api/visits/{body['visit']['id']}"
    assert body["followUp"]["reason"] == "Follow-up: Moved" and body["followUpProblem"] is None


def test_a_refused_follow_up_keeps_the_visit(api, clinic, today, dbs):
    appointment = book(api, clinic, today).get_json()
    url = f"/appointments/{appointment['id']}"
    due_today(dbs, appointment["id"], today)
    api().put(f"{url}/status", json={"status": "checked_in"})
    body = api().post(f"{url}/complete", json={
        "description": "All well", "followUp": {"vetId": clinic["vet"], "startsAt": slot(today, 22)},
    }).get_json()
    assert body["followUp"] is None and "Outside clinic hours" in body["followUpProblem"]
    assert api().get(f"/visits/{body['visit']['id']}").status_code == 200


def test_illegal_transitions_are_409(api, clinic, today):
    url = f"/appointments/{book(api, clinic, today).get_json()['id']}"
    assert_problem(api().post(f"{url}/complete", json={"description": "x"}), 409)
    api().put(f"{url}/status", json={"status": "cancelled"})
    assert_problem(api().put(f"{url}/status", json={"status": "checked_in"}), 409, "cancelled")
    body = assert_problem(api().put(f"{url}/status", json={"status": "completed"}), 400)
    assert body["schemaValidationErrors"][0]["pointer"] == "/status"


def test_unknown_appointments_are_404(api):
    assert_problem(api().get("/appointments/999999"), 404)
    assert_problem(api().put("/appointments/999999/status", json={"status": "cancelled"}), 404)
