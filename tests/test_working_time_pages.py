"""Working-time pages: the clinic's hours and closures, a vet's rota and absences, who may
change them, their form errors, and the appointments a change leaves to rebook."""

import html
from datetime import datetime, time, timedelta

import pytest
import sqlalchemy as sa

from app.models import Absence, AuditEntry, ClinicClosure, OpeningHours, RotaDay
from app.models.working_time import WEEKDAYS
from tests import factories as f


def text(response):
    return html.unescape(response.get_data(as_text=True))


def week(**days):
    """A week form's fields: every day open/working 08:00–18:00 unless given (None: closed/off)."""
    data = {}
    for weekday, name in enumerate(WEEKDAYS):
        key = name.lower()
        value = days.get(key, ("08:00", "18:00"))
        if value is None:
            data[f"{key}-opens"] = data[f"{key}-closes"] = ""
            continue
        data[f"{key}-open"] = data[f"{key}-works"] = "y"
        data[f"{key}-opens"], data[f"{key}-closes"] = value[:2]
        data[f"{key}-starts"], data[f"{key}-ends"] = value[:2]
        data[f"{key}-break_starts"], data[f"{key}-break_ends"] = (value[2:] or ("", ""))
    return data


def rows(dbs, model):
    with dbs() as session:
        return session.scalars(sa.select(model)).all()


@pytest.fixture
def clinic(dbs, today):
    """Leo booked with James Carter tomorrow at 10:00; ids and the day."""
    with dbs() as session:
        owner = f.owner(session)
        leo = f.pet(session, owner)
        carter = f.vet(session)
        booked = f.appointment(session, leo, carter)
        session.commit()
        return {"owner": owner.id, "carter": carter.id, "appointment": booked.id,
                "day": today + timedelta(days=1)}


# --- the clinic's hours ---------------------------------------------------------------------

def test_until_saved_the_clinic_page_shows_the_default_hours_every_day(client):
    page = text(client.get("/working-time"))
    assert "Not set yet" in page
    assert page.count('value="08:00"') == 7 and page.count('value="18:00"') == 7


def test_saving_the_hours_writes_all_seven_days_and_audits_them(client, dbs):
    response = client.post("/working-time/hours",
                           data=week(saturday=("09:00", "13:00"), sunday=None))
    assert response.status_code == 302
    hours = {row.weekday: (row.opens, row.closes) for row in rows(dbs, OpeningHours)}
    assert hours[5] == (time(9), time(13)) and hours[6] == (None, None)
    assert hours[0] == (time(8), time(18)) and len(hours) == 7
    page = text(client.get("/working-time"))
    assert "Not set yet" not in page and "Sunday closed" in page  # the audit trail
    with dbs() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(AuditEntry).where(
            AuditEntry.entity_type == "clinic_hours")) == 7


@pytest.mark.parametrize(
    ("days", "message"),
    [
        ({"monday": ("18:00", "08:00")}, "It must end after it starts (18:00)."),
        ({"monday": ("08:00", "")}, "Give both times, or mark the day closed."),
        ({"monday": ("8 o'clock", "18:00")}, "Not a valid time value."),
    ],
)
def test_hours_that_cannot_be_are_a_form_error_and_nothing_is_saved(client, dbs, days, message):
    response = client.post("/working-time/hours", data=week(**days))
    assert response.status_code == 200 and message in text(response)
    assert rows(dbs, OpeningHours) == []


def test_reception_may_read_working_time_but_not_change_it(sign_in, dbs, clinic):
    desk = sign_in("reception")
    assert desk.get("/working-time").status_code == 200
    assert desk.get(f"/working-time/vets/{clinic['carter']}").status_code == 200
    assert "Save opening hours" not in text(desk.get("/working-time"))
    assert desk.post("/working-time/hours", data=week()).status_code == 403
    assert desk.post("/working-time/closures", data={"day": "2099-01-01", "reason": "x"}).status_code == 403
    assert desk.post(f"/working-time/vets/{clinic['carter']}/rota/clear").status_code == 403
    assert rows(dbs, OpeningHours) == [] and rows(dbs, ClinicClosure) == []
    assert 'href="/working-time"' not in text(desk.get("/"))


def test_the_nav_links_admins_to_working_time(client):
    assert 'href="/working-time"' in text(client.get("/"))


# --- closures -------------------------------------------------------------------------------

def test_a_closure_over_a_booking_is_saved_and_the_booking_listed_to_rebook(client, dbs, clinic):
    day = clinic["day"]
    response = client.post("/working-time/closures",
                           data={"day": day.isoformat(), "reason": "Burst pipe"})
    assert response.status_code == 302
    assert "/working-time/to-rebook" in response.headers["Location"]
    page = text(client.get(response.headers["Location"]))
    assert "George Franklin" in page and "Leo" in page
    assert f"The clinic is closed on {day:%d %b %Y} (Burst pipe)." in page
    assert f'href="/appointments/{clinic["appointment"]}/edit"' in page
    assert [(c.day, c.reason) for c in rows(dbs, ClinicClosure)] == [(day, "Burst pipe")]


def test_a_closure_over_no_booking_goes_back_to_the_clinic_page(client, dbs, clinic):
    later = clinic["day"] + timedelta(days=3)
    response = client.post("/working-time/closures",
                           data={"day": later.isoformat(), "reason": "Staff day"},
                           follow_redirects=True)
    assert response.request.path == "/working-time"
    assert "Staff day" in text(response)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"reason": ""}, "This field is required."),
        ({"reason": "x" * 121}, "Field cannot be longer than 120 characters."),
        ({"day": "2001-01-01"}, "That day has passed."),
        ({"day": "not a day"}, "Not a valid date value."),
        ({"day": "2099-12-25"}, "The clinic is already closed on 25 Dec 2099."),
    ],
)
def test_a_closure_that_cannot_be_is_a_form_error(client, dbs, fields, message):
    with dbs() as session:
        session.add(ClinicClosure(day=datetime(2099, 12, 25).date(), reason="Christmas"))
        session.commit()
    data = {"day": "2099-12-24", "reason": "Christmas Eve"} | fields
    response = client.post("/working-time/closures", data=data)
    assert response.status_code == 200 and message in text(response)
    assert len(rows(dbs, ClinicClosure)) == 1


def test_removing_a_closure(client, dbs):
    with dbs() as session:
        session.add(ClinicClosure(day=datetime(2099, 12, 25).date(), reason="Christmas"))
        session.commit()
    assert client.post("/working-time/closures/2099-12-25/remove").status_code == 302
    assert rows(dbs, ClinicClosure) == []
    assert client.post("/working-time/closures/2099-12-25/remove").status_code == 404
    assert client.post("/working-time/closures/someday/remove").status_code == 404


# --- a vet's rota ---------------------------------------------------------------------------

def test_a_vet_without_a_rota_is_shown_the_clinics_hours_and_saving_makes_a_rota(client, dbs, clinic):
    url = f"/working-time/vets/{clinic['carter']}"
    page = text(client.get(url))
    assert "No rota" in page and page.count('value="08:00"') == 7
    response = client.post(f"{url}/rota", data=week(
        monday=("09:00", "17:00", "12:00", "13:00"), saturday=None, sunday=None))
    assert response.status_code == 302
    rota = {r.weekday: (r.starts, r.ends, r.break_starts, r.break_ends) for r in rows(dbs, RotaDay)}
    assert sorted(rota) == [0, 1, 2, 3, 4]
    assert rota[0] == (time(9), time(17), time(12), time(13))
    detail = text(client.get(f"/vets/{clinic['carter']}"))
    assert "Monday: 09:00–17:00, break 12:00–13:00" in detail


@pytest.mark.parametrize(
    ("days", "message"),
    [
        ({"monday": ("17:00", "09:00")}, "It must end after it starts (17:00)."),
        ({"monday": ("09:00", "17:00", "12:00", "")}, "Give the break's start and end, or neither."),
        ({"monday": ("09:00", "17:00", "13:00", "12:00")}, "The break must end after it starts."),
        ({"monday": ("09:00", "17:00", "16:00", "18:00")}, "The break must lie inside the hours"),
        ({"monday": ("09:00", "17:00", "09:00", "10:00")}, "The break must lie inside the hours"),
        ({day.lower(): None for day in WEEKDAYS}, "Tick at least one working day."),
    ],
)
def test_a_rota_that_cannot_be_is_a_form_error_and_nothing_is_saved(client, dbs, clinic, days, message):
    response = client.post(f"/working-time/vets/{clinic['carter']}/rota", data=week(**days))
    assert response.status_code == 200 and message in text(response)
    assert rows(dbs, RotaDay) == []


def test_a_rota_that_leaves_a_booking_outside_lists_it_and_clearing_it_goes_back(client, dbs, clinic):
    day_name = WEEKDAYS[clinic["day"].weekday()].lower()
    url = f"/working-time/vets/{clinic['carter']}"
    response = client.post(f"{url}/rota", data=week(**{day_name: ("13:00", "17:00")}),
                           follow_redirects=True)
    assert response.request.path == "/working-time/to-rebook"
    assert "Outside James Carter's hours" in text(response)
    cleared = client.post(f"{url}/rota/clear", follow_redirects=True)
    assert cleared.request.path == url and "No rota" in text(cleared)
    assert rows(dbs, RotaDay) == []


# --- absences -------------------------------------------------------------------------------

def absence_form(day, until=None, **fields):
    until = until or day
    return {"starts_date": day.isoformat(), "starts_time": "09:00",
            "ends_date": until.isoformat(), "ends_time": "12:00", "reason": "Dentist"} | fields


def test_an_absence_over_a_booking_is_saved_and_listed_to_rebook(client, dbs, clinic):
    url = f"/working-time/vets/{clinic['carter']}/absences"
    response = client.post(url, data=absence_form(clinic["day"]), follow_redirects=True)
    page = text(response)
    assert response.request.path == "/working-time/to-rebook"
    assert "James Carter is away on" in page and "(Dentist)" in page and "Leo" in page
    [absence] = rows(dbs, Absence)
    assert (absence.starts_at, absence.ends_at) == (
        datetime.combine(clinic["day"], time(9)), datetime.combine(clinic["day"], time(12)))
    assert "Dentist" in text(client.get(f"/vets/{clinic['carter']}"))
    assert client.post(f"{url}/{absence.id}/remove").status_code == 302
    assert rows(dbs, Absence) == []
    assert "No appointments need rebooking." in text(client.get("/working-time/to-rebook"))


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"ends_time": "09:00"}, "The absence must end after it starts."),
        ({"ends_time": "08:00"}, "The absence must end after it starts."),
        ({"starts_date": "2001-01-01", "ends_date": "2001-01-02"}, "That absence is already over"),
        ({"reason": " "}, "This field is required."),
        ({"reason": "x" * 121}, "Field cannot be longer than 120 characters."),
        ({"ends_date": ""}, "Enter a date."),
    ],
)
def test_an_absence_that_cannot_be_is_a_form_error(client, dbs, clinic, fields, message):
    url = f"/working-time/vets/{clinic['carter']}/absences"
    response = client.post(url, data=absence_form(clinic["day"], **fields))
    assert response.status_code == 200 and message in text(response)
    assert rows(dbs, Absence) == []


def test_an_absence_of_another_vet_or_none_is_a_404(client, dbs, clinic):
    with dbs() as session:
        other = f.vet(session, last_name="Leary")
        session.add(Absence(vet_id=other.id, starts_at=datetime(2099, 1, 1),
                            ends_at=datetime(2099, 1, 2), reason="Leave"))
        session.commit()
    [absence] = rows(dbs, Absence)
    assert client.post(f"/working-time/vets/{clinic['carter']}/absences/{absence.id}/remove").status_code == 404
    assert client.get("/working-time/vets/999999").status_code == 404
    assert len(rows(dbs, Absence)) == 1


def test_the_rebook_list_refuses_unreadable_filters(client):
    assert client.get("/working-time/to-rebook?vet=abc").status_code == 404
    assert client.get("/working-time/to-rebook?from=tomorrow").status_code == 404
    assert client.get("/working-time/to-rebook?to=9999-12-31").status_code == 200


def test_the_rebook_list_statements_do_not_grow_with_appointments(client, dbs, clinic, statements):
    with dbs() as session:
        session.add(ClinicClosure(day=clinic["day"], reason="Flood"))
        session.commit()
    statements.reset()
    assert text(client.get("/working-time/to-rebook")).count("(Flood)") == 1
    few = statements.count
    with dbs() as session:
        owner = f.owner(session, last_name="Davis", telephone="+16085551749")
        vet = f.vet(session, last_name="Leary")
        for n in range(4):
            f.appointment(session, f.pet(session, owner, name=f"Pet{n}"), vet)
        session.commit()
    statements.reset()
    assert text(client.get("/working-time/to-rebook")).count("(Flood)") == 5
    assert statements.count == few
