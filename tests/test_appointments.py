"""Appointments: booking rules, no double booking under concurrency, the day sheet,
status changes, completion with an optional follow-up, and direct visits."""

import re
from datetime import date, datetime, time, timedelta

import pytest
import sqlalchemy as sa

from app.appointments.services import (
    BookingRefused,
    IllegalTransition,
    book_appointment,
    change_status,
)
from app.clinic import clinic_now, clinic_today
from app.extensions import db
from app.models import Appointment, AppointmentStatus, Pet, Vet, Visit
from app.visits.services import VisitRefused, record_visit, update_visit
from tests import factories as f
from tests.concurrency import post_at_once
from tests.staff import signed_in


@pytest.fixture
def clinic(dbs, today):
    """Two owners' pets and two vets (one inactive); tomorrow's date; ids only."""
    with dbs() as session:
        owner = f.owner(session)
        leo = f.pet(session, owner, name="Leo")
        max_ = f.pet(session, owner, name="Max")
        other = f.owner(session, last_name="Davis", telephone="+16085551749")
        rex = f.pet(session, other, name="Rex", kind="dog")
        carter = f.vet(session, last_name="Carter")
        leary = f.vet(session, first_name="Helen", last_name="Leary")
        gone = f.vet(session, first_name="Old", last_name="Timer", active=False)
        session.commit()
        return {
            "owner": owner.id, "other": other.id, "leo": leo.id, "max": max_.id, "rex": rex.id,
            "carter": carter.id, "leary": leary.id, "gone": gone.id,
            "day": today + timedelta(days=1),
        }


def book_url(clinic, pet="leo", owner="owner"):
    """The booking URL of one of the clinic's pets."""
    return f"/owners/{clinic[owner]}/pets/{clinic[pet]}/appointments/new"


def booking(clinic, vet="carter", at="10:00", minutes=30, reason="check-up", day=None):
    """A booking form submission."""
    return {"vet_id": clinic[vet], "date": (day or clinic["day"]).isoformat(), "start_time": at,
            "duration_minutes": minutes, "reason": reason}


def appointments(dbs):
    """(pet_id, vet_id, HH:MM, status) of every appointment, by time."""
    with dbs() as session:
        rows = session.scalars(sa.select(Appointment).order_by(Appointment.starts_at, Appointment.id))
        return [(a.pet_id, a.vet_id, f"{a.starts_at:%H:%M}", a.status.value) for a in rows]


def booked(client, clinic, **kw):
    """Book via the web form; the response."""
    pet = kw.pop("pet", "leo")
    owner = kw.pop("owner", "owner")
    return client.post(book_url(clinic, pet, owner), data=booking(clinic, **kw))


# --- booking rules --------------------------------------------------------------------------


def test_booking_an_appointment(client, dbs, clinic):
    response = booked(client, clinic)
    assert response.status_code == 302
    assert appointments(dbs) == [(clinic["leo"], clinic["carter"], "10:00", "scheduled")]
    owner_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Booked Leo on" in owner_page and "check-up" in owner_page


def test_the_booking_form_offers_only_active_vets(client, clinic):
    page = client.get(book_url(clinic)).get_data(as_text=True)
    assert "Helen Leary" in page and "Old Timer" not in page


@pytest.mark.parametrize(
    ("first", "second", "message"),
    [
        ({"at": "10:00"}, {"pet": "rex", "owner": "other", "at": "10:15"}, "James Carter is already booked 10:00–10:30"),
        ({"at": "10:00", "minutes": 60}, {"pet": "rex", "owner": "other", "at": "09:30", "minutes": 45}, "already booked"),
        ({"at": "10:00"}, {"vet": "leary", "at": "10:00"}, "Leo is already booked"),
    ],
)
def test_an_overlapping_booking_is_refused(client, dbs, clinic, first, second, message):
    assert booked(client, clinic, **first).status_code == 302
    response = booked(client, clinic, **second)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert len(appointments(dbs)) == 1


def test_the_longest_appointment_still_blocks_its_last_minutes(client, dbs, clinic):
    assert booked(client, clinic, at="08:00", minutes=240).status_code == 302
    response = booked(client, clinic, pet="rex", owner="other", at="11:45", minutes=15)
    assert "James Carter is already booked 08:00–12:00" in response.get_data(as_text=True)
    assert booked(client, clinic, pet="rex", owner="other", at="12:00").status_code == 302


def test_back_to_back_bookings_do_not_overlap(client, dbs, clinic):
    assert booked(client, clinic, at="10:00").status_code == 302
    assert booked(client, clinic, pet="rex", owner="other", at="10:30").status_code == 302
    assert booked(client, clinic, pet="max", at="09:30").status_code == 302
    assert len(appointments(dbs)) == 3


def test_a_cancelled_appointment_frees_its_slot(client, dbs, clinic):
    booked(client, clinic, at="10:00")
    with dbs() as session:
        appointment_id = session.scalar(sa.select(Appointment.id))
    client.post(f"/appointments/{appointment_id}/cancel")
    assert booked(client, clinic, pet="rex", owner="other", at="10:00").status_code == 302


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"at": "07:30"}, "Outside clinic hours on {weekday}s (08:00–18:00)"),
        ({"at": "17:45"}, "Outside clinic hours"),
        ({"minutes": 10}, "Between 15 and 240 minutes."),
        ({"minutes": 241}, "Between 15 and 240 minutes."),
        ({"minutes": "half an hour"}, "Not a valid integer value."),
        ({"minutes": "9" * 400}, "Between 15 and 240 minutes."),  # overflowed a float: a 500
        ({"reason": ""}, "This field is required."),
        ({"at": "25:00"}, "Not a valid time value."),
        ({"vet": "gone"}, "Old Timer no longer takes bookings."),
        # Its end falls off the calendar: was an OverflowError (a 500) before the hours check.
        ({"day": date.max, "at": "23:00", "minutes": 240}, "Bookings open up to 365 days ahead"),
    ],
)
def test_a_booking_that_breaks_a_rule_is_refused_with_a_form_error(client, dbs, clinic, changes, message):
    response = booked(client, clinic, **changes)
    assert response.status_code == 200
    day = changes.get("day", clinic["day"])
    assert message.format(weekday=day.strftime("%A")) in response.get_data(as_text=True)
    assert appointments(dbs) == []


@pytest.mark.parametrize(
    ("vet_id", "message"),
    [("999999", "Choose a vet."), ("carter", "Invalid Choice"), ("", "Choose a vet.")],
)
def test_a_booking_for_a_vet_that_is_not_there_is_refused_next_to_the_vet(
    client, dbs, clinic, vet_id, message
):
    # The list of vets is not read for a submitted form: the service checks the one chosen.
    response = client.post(book_url(clinic), data={**booking(clinic), "vet_id": vet_id})
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert appointments(dbs) == []


def test_a_booking_reads_its_vet_alone_and_the_form_lists_every_active_vet(
    client, clinic, statements
):
    statements.reset()
    assert booked(client, clinic).status_code == 302
    vet_reads = [sql for sql in statements.sql if "FROM vets" in sql]
    assert len(vet_reads) == 1 and "WHERE vets.id = " in vet_reads[0]
    page = client.post(book_url(clinic), data=booking(clinic, at="07:00")).get_data(as_text=True)
    assert "Outside clinic hours" in page and "Helen Leary" in page and "Old Timer" not in page


def test_a_booking_in_the_past_is_refused(client, dbs, clinic, today):
    response = booked(client, clinic, day=today - timedelta(days=1))
    assert "That time has already passed." in response.get_data(as_text=True)
    assert appointments(dbs) == []


def test_an_inactive_vet_cannot_be_booked_even_bypassing_the_form(dbs, clinic):
    with dbs() as session, pytest.raises(BookingRefused, match="no longer takes bookings"):
        book_appointment(clinic["leo"], clinic["gone"],
                         datetime.combine(clinic["day"], time(10)), 30, "x")


def test_booking_a_pet_of_another_owner_is_a_404(client, clinic):
    assert client.get(book_url(clinic, pet="rex")).status_code == 404


@pytest.mark.committing
def test_concurrent_overlapping_bookings_for_one_vet_have_exactly_one_winner(committing, today):
    app = committing
    with app.app_context():
        vet = f.vet(db.session)
        owners = [f.owner(db.session, last_name=f"Racer{i}") for i in range(4)]
        pets = [f.pet(db.session, owner, name=f"Pet{i}") for i, owner in enumerate(owners)]
        db.session.commit()
        targets = [(o.id, p.id) for o, p in zip(owners, pets, strict=True)]
        vet_id = vet.id
        db.session.remove()
    day = (today + timedelta(days=1)).isoformat()
    times = ("10:00", "10:05", "10:10", "10:15")  # all four overlap 10:15-10:30
    results = post_at_once([
        (signed_in(app, "reception"), f"/owners/{owner_id}/pets/{pet_id}/appointments/new",
         {"vet_id": vet_id, "date": day, "start_time": at, "duration_minutes": 30, "reason": "race"})
        for (owner_id, pet_id), at in zip(targets, times, strict=True)
    ])

    assert sorted(code for code, _ in results) == [200, 200, 200, 302]
    assert all("is already booked" in body for code, body in results if code == 200)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Appointment.id))) == 1
        db.session.remove()


# --- the day sheet --------------------------------------------------------------------------


def test_the_day_sheet_lists_each_vets_appointments_with_owner_and_phone(client, clinic):
    booked(client, clinic, at="10:00", reason="limping")
    booked(client, clinic, pet="rex", owner="other", vet="leary", at="11:00", reason="x-ray")
    page = client.get(f"/appointments?date={clinic['day'].isoformat()}").get_data(as_text=True)
    assert page.index("James Carter") < page.index("limping") < page.index("Helen Leary") < page.index("x-ray")
    assert "(608) 555-1749" in page and "George Davis" in page and "Scheduled" in page
    assert (clinic["day"] - timedelta(days=1)).isoformat() in page  # previous day link
    assert (clinic["day"] + timedelta(days=1)).isoformat() in page  # next day link


def test_the_day_sheets_buttons_follow_the_role_and_the_clock(sign_in, dbs):
    # What every row shares (clock, permissions, token, labels) is asked once for the page.
    with dbs() as session:
        pet, vet = f.pet(session, f.owner(session)), f.vet(session)
        today = clinic_today()
        started = f.appointment(session, pet, vet, starts_at=datetime.combine(today, time(0, 0)))
        arrived = f.appointment(session, pet, vet, starts_at=datetime.combine(today, time(0, 30)),
                                status=AppointmentStatus.CHECKED_IN)
        later = f.appointment(session, pet, vet, starts_at=datetime.combine(
            today + timedelta(days=1), time(10, 0)))
        session.commit()
        ids = started.id, arrived.id, later.id
    for role, completes in (("admin", True), ("reception", False), ("admin", True)):
        page = sign_in(role).get(f"/appointments?date={today.isoformat()}").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        assert f'/appointments/{ids[0]}/check-in' in page and token in page
        assert f'/appointments/{ids[1]}/check-in' not in page
        assert (f'href="/appointments/{ids[1]}/complete"' in page) is completes
    tomorrow = sign_in("admin").get(f"/appointments?date={(today + timedelta(days=1)).isoformat()}")
    assert f"/appointments/{ids[2]}/cancel" in tomorrow.text
    assert f"/appointments/{ids[2]}/check-in" not in tomorrow.text  # not on its day yet


def test_the_day_sheet_shows_only_that_day(client, clinic):
    booked(client, clinic, at="10:00", reason="tomorrow's")
    other_day = (clinic["day"] + timedelta(days=1)).isoformat()
    assert "tomorrow&#39;s" not in client.get(f"/appointments?date={other_day}").get_data(as_text=True)


def test_the_day_sheet_statements_do_not_grow_with_appointments(client, dbs, clinic, statements):
    url = f"/appointments?date={clinic['day'].isoformat()}"
    booked(client, clinic, at="08:00")
    statements.reset()
    client.get(url)
    few = statements.count
    for hour in range(9, 17):
        booked(client, clinic, at=f"{hour:02d}:00", pet="rex", owner="other", vet="leary")
        booked(client, clinic, at=f"{hour:02d}:00", pet="max", vet="carter")
    statements.reset()
    client.get(url)
    # signed-in user, vets counted, a page of vets, appointments, their pets' alerts
    assert statements.count == few <= 5


def test_the_day_sheet_shows_a_page_of_vets_at_a_time(app, client, dbs, clinic):
    with dbs() as session:
        for n in range(app.config["PAGE_SIZE"]):
            f.vet(session, first_name="Zoe", last_name=f"Zimmer {n:02d}")
        session.commit()
    booked(client, clinic, vet="leary", reason="limping")
    booked(client, clinic, vet="carter", at="11:00", reason="old timer's")
    with dbs() as session:
        session.get(Vet, clinic["carter"]).active = False  # booked, then stopped taking bookings
        session.commit()
    url = f"/appointments?date={clinic['day'].isoformat()}"
    first = client.get(url).get_data(as_text=True)
    second = client.get(f"{url}&page=2").get_data(as_text=True)
    assert "James Carter" in first and "old timer&#39;s" in first  # inactive, but booked that day
    assert "Helen Leary" in first and "limping" in first and "Zimmer 09" not in first
    assert "Zimmer 09" in second and "Helen Leary" not in second and "limping" not in second
    assert "page 1 of 2" in first and f"date={clinic['day'].isoformat()}&amp;page=2" in first


def test_an_unreadable_day_is_a_404(client):
    assert client.get("/appointments?date=tomorrow").status_code == 404


@pytest.mark.parametrize(("day", "status"), [("0001-01-01", 404), ("0001-01-02", 200),
                                             ("9999-12-30", 200), ("9999-12-31", 404)])
def test_the_calendars_first_and_last_days_have_no_day_sheet(client, day, status):
    # Their sheets would link to a day that does not exist: they were a 500.
    assert client.get(f"/appointments?date={day}").status_code == status


# --- one appointment: reschedule and status -------------------------------------------------


def first_appointment_id(dbs):
    """The id of the only (or first) appointment."""
    with dbs() as session:
        return session.scalar(sa.select(Appointment.id).order_by(Appointment.id))


def due_today(dbs, appointment_id=None):
    """Move a booked appointment to midnight today, as if its day had come (and begun)."""
    with dbs() as session:
        appointment = session.get(Appointment, appointment_id or first_appointment_id(dbs))
        appointment.schedule(datetime.combine(clinic_today(), time.min), appointment.duration_minutes)
        session.commit()
        return appointment.id


def test_rescheduling_follows_the_booking_rules(client, dbs, clinic):
    booked(client, clinic, at="10:00")
    booked(client, clinic, pet="rex", owner="other", at="11:00")
    leo_id = first_appointment_id(dbs)
    url = f"/appointments/{leo_id}/edit"
    assert 'value="10:00"' in client.get(url).get_data(as_text=True)
    clash = client.post(url, data=booking(clinic, at="11:15"))
    assert "James Carter is already booked 11:00–11:30" in clash.get_data(as_text=True)
    moved = client.post(url, data=booking(clinic, at="12:00", vet="leary"))
    assert moved.status_code == 302
    assert appointments(dbs)[-1] == (clinic["leo"], clinic["leary"], "12:00", "scheduled")


def test_rescheduling_within_its_own_slot_is_not_a_clash(client, dbs, clinic):
    booked(client, clinic, at="10:00", minutes=60)
    url = f"/appointments/{first_appointment_id(dbs)}/edit"
    assert client.post(url, data=booking(clinic, at="10:15", minutes=30)).status_code == 302


@pytest.mark.parametrize(
    ("steps", "final"),
    [
        (["check-in"], "checked_in"),
        (["cancel"], "cancelled"),
        (["no-show"], "no_show"),
        (["check-in", "cancel"], "checked_in"),
        (["cancel", "check-in"], "cancelled"),
        (["no-show", "cancel"], "no_show"),
        (["cancel", "no-show"], "cancelled"),
        (["check-in", "no-show"], "checked_in"),
        (["check-in", "check-in"], "checked_in"),
    ],
)
def test_status_changes_are_applied_only_when_legal(client, dbs, clinic, steps, final):
    booked(client, clinic)
    appointment_id = due_today(dbs)
    for step in steps:
        page = client.post(f"/appointments/{appointment_id}/{step}", follow_redirects=True)
    assert appointments(dbs)[0][3] == final
    legal = len(steps) == 1
    assert ("cannot be marked" in page.get_data(as_text=True)) is not legal


def test_a_status_change_never_completes_an_appointment_without_its_visit(client, dbs, clinic):
    booked(client, clinic)
    due_today(dbs)
    client.post(f"/appointments/{first_appointment_id(dbs)}/check-in")
    with dbs() as session:
        appointment = session.get(Appointment, first_appointment_id(dbs))
        with pytest.raises(IllegalTransition, match="completed with its visit notes"):
            change_status(appointment, AppointmentStatus.COMPLETED)
        assert appointment.status is AppointmentStatus.CHECKED_IN


def test_an_unknown_status_action_is_a_404(client, dbs, clinic):
    booked(client, clinic)
    assert client.post(f"/appointments/{first_appointment_id(dbs)}/complete-now").status_code == 404


def test_only_a_scheduled_appointment_can_be_rescheduled(client, dbs, clinic):
    booked(client, clinic)
    appointment_id = due_today(dbs)
    client.post(f"/appointments/{appointment_id}/check-in")
    response = client.post(f"/appointments/{appointment_id}/edit", data=booking(clinic, at="12:00"))
    assert "Only a scheduled appointment can be changed" in response.get_data(as_text=True)
    assert appointments(dbs)[0][2] == "00:00"


# --- completion -----------------------------------------------------------------------------


def checked_in(client, dbs, clinic):
    """Book Leo with Carter, let its day come (midnight today) and check in; the id."""
    booked(client, clinic)
    with dbs() as session:
        newest = session.scalar(sa.select(sa.func.max(Appointment.id)))
    appointment_id = due_today(dbs, newest)
    client.post(f"/appointments/{appointment_id}/check-in")
    return appointment_id


def test_check_in_no_show_and_completion_only_on_the_appointments_day(client, dbs, clinic):
    booked(client, clinic)  # tomorrow
    appointment_id = first_appointment_id(dbs)
    for action in ("check-in", "no-show"):
        page = client.post(f"/appointments/{appointment_id}/{action}", follow_redirects=True)
        assert "only on the appointment&#39;s day" in page.get_data(as_text=True)
    detail = client.get(f"/appointments/{appointment_id}").get_data(as_text=True)
    assert "/check-in" not in detail and "/no-show" not in detail and "/cancel" in detail
    with dbs() as session:
        appointment = session.get(Appointment, appointment_id)
        appointment.status = AppointmentStatus.CHECKED_IN  # as if checked in by mistake before
        session.commit()
    page = client.get(f"/appointments/{appointment_id}/complete", follow_redirects=True)
    assert "Completed only on the appointment&#39;s day" in page.get_data(as_text=True)
    client.post(f"/appointments/{appointment_id}/complete", data={"description": "x"})
    with dbs() as session:
        assert session.scalar(sa.select(sa.func.count(Visit.id))) == 0  # no visit in the future


def test_a_no_show_only_after_the_start(client, dbs, clinic, app):
    with app.app_context():
        if clinic_now().time() >= time(23, 40):
            pytest.skip("needs an appointment later today: run before 23:40 at the clinic")
    booked(client, clinic)
    with dbs() as session:
        appointment = session.get(Appointment, first_appointment_id(dbs))
        later = datetime.combine(clinic_today(), time.max.replace(microsecond=0)) - timedelta(minutes=15)
        appointment.schedule(later, 15)
        session.commit()
    page = client.post(f"/appointments/{appointment.id}/no-show", follow_redirects=True)
    assert "A no-show can be marked only after the start" in page.get_data(as_text=True)
    assert appointments(dbs)[0][3] == "scheduled"


def test_a_scheduled_appointment_cannot_be_completed(client, dbs, clinic):
    booked(client, clinic)
    appointment_id = first_appointment_id(dbs)
    page = client.get(f"/appointments/{appointment_id}/complete", follow_redirects=True)
    assert "Only a checked-in appointment can be completed" in page.get_data(as_text=True)
    client.post(f"/appointments/{appointment_id}/complete", data={"description": "x"})
    assert appointments(dbs)[0][3] == "scheduled"


def test_completing_writes_the_visit(client, dbs, clinic):
    appointment_id = checked_in(client, dbs, clinic)
    response = client.post(f"/appointments/{appointment_id}/complete",
                           data={"description": "Teeth cleaned."}, follow_redirects=True)
    assert "visit recorded" in response.get_data(as_text=True)
    with dbs() as session:
        visit = session.scalar(sa.select(Visit))
        assert (visit.appointment_id, visit.vet_id, visit.date, visit.description) == (
            appointment_id, clinic["carter"], clinic_today(), "Teeth cleaned.")
    assert appointments(dbs)[0][3] == "completed"


def test_completing_without_notes_is_refused_and_changes_nothing(client, dbs, clinic):
    appointment_id = checked_in(client, dbs, clinic)
    response = client.post(f"/appointments/{appointment_id}/complete", data={"description": " "})
    assert "This field is required." in response.get_data(as_text=True)
    assert appointments(dbs)[0][3] == "checked_in"


def complete_with_follow_up(client, appointment_id, clinic, at, vet="carter", day=None):
    """Complete with a follow-up request; the final page's text."""
    follow_day = day or clinic["day"] + timedelta(days=7)
    data = {"description": "Stitches in.", "follow_up": "y", "follow_up_vet_id": clinic[vet],
            "follow_up_date": follow_day.isoformat() if follow_day else "",
            "follow_up_time": at, "follow_up_minutes": 30}
    return client.post(f"/appointments/{appointment_id}/complete", data=data,
                       follow_redirects=True).get_data(as_text=True)


def test_completing_with_a_follow_up_books_it_in_the_same_transaction(client, dbs, clinic):
    appointment_id = checked_in(client, dbs, clinic)
    page = complete_with_follow_up(client, appointment_id, clinic, at="09:00")
    assert "Follow-up booked on" in page
    rows = appointments(dbs)
    assert rows[-1] == (clinic["leo"], clinic["carter"], "09:00", "scheduled")
    with dbs() as session:
        reason = session.scalar(sa.select(Appointment.reason).order_by(Appointment.id.desc()))
        assert reason == "Follow-up: check-up"


def test_a_refused_follow_up_keeps_the_completion_and_the_visit(client, dbs, clinic):
    appointment_id = checked_in(client, dbs, clinic)
    page = complete_with_follow_up(client, appointment_id, clinic, at="19:00")
    assert "The follow-up was NOT booked." in page and "Outside clinic hours" in page
    assert [row[3] for row in appointments(dbs)] == ["completed"]
    with dbs() as session:
        assert session.scalar(sa.select(sa.func.count(Visit.id))) == 1


def test_a_follow_up_off_the_calendars_end_is_refused_and_the_visit_kept(client, dbs, clinic):
    appointment_id = checked_in(client, dbs, clinic)
    page = complete_with_follow_up(client, appointment_id, clinic, at="23:50", day=date.max)
    assert "The follow-up was NOT booked." in page and "Bookings open up to 365 days" in page
    assert [row[3] for row in appointments(dbs)] == ["completed"]


def test_a_follow_up_clashing_with_another_booking_is_not_booked_but_the_visit_is(client, dbs, clinic):
    next_week = clinic["day"] + timedelta(days=7)
    booked(client, clinic, pet="rex", owner="other", at="09:00", day=next_week)
    appointment_id = checked_in(client, dbs, clinic)
    page = complete_with_follow_up(client, appointment_id, clinic, at="09:15")
    assert "The follow-up was NOT booked." in page and "already booked" in page
    with dbs() as session:
        assert session.scalar(sa.select(sa.func.count(Visit.id))) == 1
        assert session.scalar(sa.select(sa.func.count(Appointment.id))) == 2


def test_a_follow_up_of_an_enormous_duration_is_reported_and_the_visit_kept(client, dbs, clinic):
    appointment_id = checked_in(client, dbs, clinic)
    data = {"description": "Done.", "follow_up": "y", "follow_up_vet_id": clinic["carter"],
            "follow_up_date": (clinic["day"] + timedelta(days=7)).isoformat(),
            "follow_up_time": "09:00", "follow_up_minutes": "9" * 400}
    page = client.post(f"/appointments/{appointment_id}/complete", data=data,
                       follow_redirects=True).get_data(as_text=True)
    assert "The follow-up was NOT booked." in page and "Between 15 and 240 minutes." in page
    assert [row[3] for row in appointments(dbs)] == ["completed"]


def test_a_follow_up_without_a_date_is_reported(client, dbs, clinic):
    appointment_id = checked_in(client, dbs, clinic)
    data = {"description": "Done.", "follow_up": "y", "follow_up_vet_id": clinic["carter"],
            "follow_up_date": "", "follow_up_time": "09:00", "follow_up_minutes": 30}
    page = client.post(f"/appointments/{appointment_id}/complete", data=data,
                       follow_redirects=True).get_data(as_text=True)
    assert "The follow-up was NOT booked." in page and "Follow-up date" in page
    assert appointments(dbs)[0][3] == "completed"


# --- visits recorded directly ---------------------------------------------------------------


def test_recording_a_walk_in_visit_lists_it_with_earlier_ones(client, dbs, clinic, today):
    url = f"/owners/{clinic['owner']}/pets/{clinic['leo']}/visits/new"
    client.post(url, data={"date": "2024-03-01", "description": "Old history.", "vet_id": 0})
    response = client.post(url, data={"date": today.isoformat(), "description": "Walk-in: thorn.",
                                      "vet_id": clinic["carter"]}, follow_redirects=True)
    assert "Visit of Leo recorded." in response.get_data(as_text=True)
    form_page = client.get(url).get_data(as_text=True)
    assert form_page.index("Walk-in: thorn.") < form_page.index("Old history.")
    with dbs() as session:
        vets = sorted(str(v) for v in session.scalars(sa.select(Visit.vet_id)))
        assert vets == sorted([str(clinic["carter"]), "None"])


def test_a_visit_in_the_future_is_refused(client, dbs, clinic, today):
    url = f"/owners/{clinic['owner']}/pets/{clinic['leo']}/visits/new"
    response = client.post(url, data={"date": (today + timedelta(days=2)).isoformat(),
                                      "description": "x", "vet_id": 0})
    assert "cannot be in the future" in response.get_data(as_text=True)
    with dbs() as session:
        assert session.scalar(sa.select(sa.func.count(Visit.id))) == 0


def test_the_visit_services_refuse_a_future_date_whoever_calls_them(app, dbs, clinic, today):
    tomorrow = today + timedelta(days=1)
    with app.app_context(), dbs() as session:
        with pytest.raises(VisitRefused, match="cannot be in the future"):
            record_visit(clinic["leo"], tomorrow, "x")
        visit = record_visit(clinic["leo"], today, "seen today")
        with pytest.raises(VisitRefused, match="cannot be in the future"):
            update_visit(visit, tomorrow, "seen today", editor=None)
        assert session.scalars(sa.select(Visit.date)).all() == [today]


def test_home_page_shows_todays_count_per_vet(client, dbs, clinic, today):
    with dbs() as session:
        f.appointment(session, session.get(Pet, clinic["leo"]), session.get(Vet, clinic["leary"]),
                      starts_at=datetime.combine(today, time(17, 0)))
        session.commit()
    page = client.get("/").get_data(as_text=True)
    assert "Helen Leary</a></td><td>1</td>" in page
    assert "James Carter</a></td><td>0</td>" in page
