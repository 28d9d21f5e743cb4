"""Booking with an appointment type: the type select and its durations, prefill from the
query string, the specialty a type needs (web, reschedule, follow-up, API), and the
follow-up chain on the appointment page."""

import re
from datetime import datetime, time, timedelta

import pytest
import sqlalchemy as sa

from app.models import Appointment, AppointmentStatus
from tests import factories as f

SURGERY_REFUSED = "Surgery needs a vet with the specialty surgery; Helen Leary has none."


@pytest.fixture
def clinic(dbs, today):
    """Leo, three vets (Carter with dentistry, Leary with none, Douglas a surgeon) and two types."""
    with dbs() as session:
        owner = f.owner(session)
        leo = f.pet(session, owner, name="Leo")
        carter = f.vet(session, specialties=["dentistry"])
        leary = f.vet(session, first_name="Helen", last_name="Leary")
        douglas = f.vet(session, first_name="Linda", last_name="Douglas", specialties=["surgery"])
        consultation = f.appointment_type(session, "consultation", 30)
        surgery = f.appointment_type(session, "surgery", 120, needs="surgery")
        session.commit()
        return {"owner": owner.id, "leo": leo.id, "carter": carter.id, "leary": leary.id,
                "douglas": douglas.id, "consultation": consultation.id, "surgery": surgery.id,
                "day": today + timedelta(days=1)}


def book_url(clinic):
    """Leo's booking page."""
    return f"/owners/{clinic['owner']}/pets/{clinic['leo']}/appointments/new"


def booking(clinic, vet="douglas", kind="surgery", at="10:00", minutes=120):
    """A booking form submission (kind: a type of the clinic, or a raw value)."""
    return {"type_id": clinic.get(kind, kind), "vet_id": clinic[vet],
            "date": clinic["day"].isoformat(), "start_time": at, "duration_minutes": minutes,
            "reason": "Spay"}


def rows(dbs):
    """(vet_id, type_id, minutes, follows_id) of every appointment, by id."""
    with dbs() as session:
        return session.execute(
            sa.select(Appointment.vet_id, Appointment.type_id, Appointment.duration_minutes,
                      Appointment.follows_id).order_by(Appointment.id)
        ).all()


# --- the form -------------------------------------------------------------------------------


def test_the_booking_form_offers_the_types_with_their_durations_for_the_script(client, clinic):
    page = client.get(book_url(clinic)).text
    select = re.search(r'<select[^>]*name="type_id"[^>]*>(.*?)</select>', page, re.S)
    assert 'data-fills-duration="duration_minutes"' in select[0]
    assert re.search(rf'<option data-minutes="120" value="{clinic["surgery"]}">'
                     r"Surgery \(120 min\), needs surgery</option>", select[1])
    assert '<option selected value="">None</option>' in select[1]
    # The script is a static file (the CSP allows no inline script), and it is served.
    assert '<script src="/static/js/appointment-type.js" defer></script>' in page
    assert not re.search(r"<script(?![^>]*\bsrc=)", page)
    with client.get("/static/js/appointment-type.js") as script:
        assert script.status_code == 200
        assert "dataset.minutes" in script.text and "dataset.fillsDuration" in script.text


def test_a_booking_with_a_type_keeps_it_and_the_duration_typed(client, dbs, clinic):
    response = client.post(book_url(clinic), data=booking(clinic, minutes=90))
    assert response.status_code == 302
    assert rows(dbs) == [(clinic["douglas"], clinic["surgery"], 90, None)]


def test_a_booking_without_a_type_is_still_a_booking(client, dbs, clinic):
    response = client.post(book_url(clinic), data=booking(clinic, vet="leary", kind="", minutes=30))
    assert response.status_code == 302
    assert rows(dbs) == [(clinic["leary"], None, 30, None)]


@pytest.mark.parametrize(
    ("kind", "message"),
    [("424242", "Choose one of the appointment types."),
     ("9" * 30, "Choose one of the appointment types."),
     ("surgery-ish", "Choose one of the appointment types.")],
)
def test_an_unknown_type_is_a_form_error(client, dbs, clinic, kind, message):
    response = client.post(book_url(clinic), data=booking(clinic, kind=kind))
    assert response.status_code == 200 and message in response.text
    assert rows(dbs) == []


def test_a_type_that_needs_a_specialty_refuses_a_vet_without_it(client, dbs, clinic):
    response = client.post(book_url(clinic), data=booking(clinic, vet="leary"))
    assert response.status_code == 200 and SURGERY_REFUSED in response.text
    other = client.post(book_url(clinic), data=booking(clinic, vet="carter"))
    assert "Surgery needs a vet with the specialty surgery; James Carter has only dentistry." in other.text
    assert rows(dbs) == []


def test_rescheduling_to_a_vet_without_the_types_specialty_is_refused(client, dbs, clinic):
    client.post(book_url(clinic), data=booking(clinic))
    (appointment_id,) = [a.id for a in rows_with_ids(dbs)]
    url = f"/appointments/{appointment_id}/edit"
    form = client.get(url).text
    assert re.search(rf'<option data-minutes="120" selected value="{clinic["surgery"]}">', form)
    data = booking(clinic, vet="leary") | {"version": 1}
    assert SURGERY_REFUSED in client.post(url, data=data).text
    # With another type (or none) the vet may see Leo.
    changed = client.post(url, data=booking(clinic, vet="leary", kind="consultation", minutes=30)
                          | {"version": 1})
    assert changed.status_code == 302
    assert rows(dbs) == [(clinic["leary"], clinic["consultation"], 30, None)]


def rows_with_ids(dbs):
    """Every appointment, by id."""
    with dbs() as session:
        return session.scalars(sa.select(Appointment).order_by(Appointment.id)).all()


# --- prefill --------------------------------------------------------------------------------


def selected(page, name):
    """The value of the selected option of a select."""
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', page, re.S)[1]
    return re.search(r'<option[^>]*selected value="([^"]*)"', select)[1]


def value_of(page, name):
    """The value of an input."""
    return re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', page)[1]


def test_the_booking_page_is_prefilled_from_the_query_string(client, clinic):
    day = clinic["day"] + timedelta(days=3)
    page = client.get(book_url(clinic), query_string={
        "type_id": clinic["surgery"], "vet_id": clinic["douglas"], "date": day.isoformat(),
        "start_time": "14:15"}).text
    assert selected(page, "type_id") == str(clinic["surgery"])
    assert selected(page, "vet_id") == str(clinic["douglas"])
    assert value_of(page, "date") == day.isoformat()
    assert value_of(page, "start_time") == "14:15"
    assert value_of(page, "duration_minutes") == "120"  # the type's
    given = client.get(book_url(clinic), query_string={
        "type_id": clinic["surgery"], "duration_minutes": "90"}).text
    assert value_of(given, "duration_minutes") == "90"  # the link's, over the type's


@pytest.mark.parametrize(
    "args",
    [
        {"type_id": "424242", "vet_id": "x", "date": "someday", "start_time": "25:00",
         "duration_minutes": "5"},
        {"type_id": "9" * 5000, "vet_id": "9" * 40, "date": "9999-99-99",
         "duration_minutes": "9" * 400},
        {"type_id": "-1", "vet_id": "0", "date": "", "start_time": "", "duration_minutes": "241"},
    ],
)
def test_invalid_prefill_values_are_ignored(client, clinic, args):
    page = client.get(book_url(clinic), query_string=args)
    assert page.status_code == 200
    assert selected(page.text, "type_id") == ""
    assert value_of(page.text, "date") == clinic["day"].isoformat()  # tomorrow, as always
    assert value_of(page.text, "duration_minutes") == "30"
    assert re.search(r'<input[^>]*name="start_time"[^>]*value=""', page.text)


# --- follow-ups -----------------------------------------------------------------------------


def checked_in_today(dbs, clinic, vet="douglas", kind="surgery", minutes=120):
    """A checked-in appointment of Leo at midnight today (completed on its own day); its id."""
    with dbs() as session:
        row = Appointment(pet_id=clinic["leo"], vet_id=clinic[vet], reason="Spay",
                          type_id=clinic[kind], status=AppointmentStatus.CHECKED_IN)
        row.schedule(datetime.combine(clinic["day"] - timedelta(days=1), time.min), minutes)
        session.add(row)
        session.commit()
        return row.id


def complete(client, appointment_id, clinic, vet, at="09:00", minutes=30):
    """Complete with a follow-up; the final page."""
    day = clinic["day"] + timedelta(days=7)
    return client.post(f"/appointments/{appointment_id}/complete", data={
        "description": "Spayed.", "follow_up": "y", "follow_up_vet_id": clinic[vet],
        "follow_up_date": day.isoformat(), "follow_up_time": at, "follow_up_minutes": minutes,
    }, follow_redirects=True).text


def test_the_completion_form_offers_the_types_duration_for_the_follow_up(client, dbs, clinic):
    appointment_id = checked_in_today(dbs, clinic)
    page = client.get(f"/appointments/{appointment_id}/complete").text
    assert value_of(page, "follow_up_minutes") == "120"
    assert "It is of the same type, surgery." in page


def test_a_follow_up_keeps_the_type_and_records_what_it_follows(client, dbs, clinic):
    appointment_id = checked_in_today(dbs, clinic)
    page = complete(client, appointment_id, clinic, "douglas")
    assert "Follow-up booked on" in page
    assert rows(dbs)[-1] == (clinic["douglas"], clinic["surgery"], 30, appointment_id)


def test_a_follow_up_with_a_vet_without_the_types_specialty_is_refused_and_the_visit_kept(
    client, dbs, clinic
):
    appointment_id = checked_in_today(dbs, clinic)
    page = complete(client, appointment_id, clinic, "leary")
    assert f"The follow-up was NOT booked. {SURGERY_REFUSED}" in page
    assert "visit recorded" in page
    assert len(rows(dbs)) == 1


def test_the_appointment_page_shows_the_chain_both_ways_in_constant_statements(
    client, dbs, clinic, statements
):
    first = checked_in_today(dbs, clinic)
    complete(client, first, clinic, "douglas", at="09:00")
    (second,) = [a.id for a in rows_with_ids(dbs) if a.follows_id == first]

    original = client.get(f"/appointments/{first}").text
    follow_ups = re.search(r'<td id="follow-ups">(.*?)</td>', original, re.S)[1]
    assert f'href="/appointments/{second}"' in follow_ups and "Follow-up: Spay" in follow_ups
    assert "(scheduled)" in follow_ups
    assert '<td id="type">Surgery</td>' in original
    follow_up = client.get(f"/appointments/{second}").text
    assert re.search(rf'<td id="follows"><a href="/appointments/{first}">[^<]*: Spay</a>', follow_up)
    assert 'id="follow-ups"' not in follow_up

    statements.reset()
    client.get(f"/appointments/{first}")
    one = statements.count
    with dbs() as session:  # four more follow-ups of the first
        for days in range(2, 6):
            row = Appointment(pet_id=clinic["leo"], vet_id=clinic["douglas"], reason="Check",
                              follows_id=first, type_id=clinic["consultation"])
            row.schedule(datetime.combine(clinic["day"] + timedelta(days=days), time(9)), 30)
            session.add(row)
        session.commit()
    statements.reset()
    page = client.get(f"/appointments/{first}").text
    assert page.count('href="/appointments/') >= 5
    # signed-in user, the appointment with pet, owner, vet, visit, type and what it follows,
    # its follow-ups, the pet's alerts, and the admin's audit trail
    assert statements.count == one <= 5
