"""Destructive actions ask first: a GET page saying exactly what will go, whose button posts
to the action's own (unchanged) POST endpoint; the pages link to it instead of posting."""

import re
from datetime import date, datetime, time, timedelta
from html import unescape

import pytest
import sqlalchemy as sa

from app.models import (
    Absence,
    Appointment,
    AppointmentStatus,
    CalendarFeed,
    ClinicClosure,
    Owner,
    Pet,
    PetAlert,
    RotaDay,
    Vet,
)
from app.models.pet_alert import AlertSeverity
from tests import factories as f


@pytest.fixture
def clinic(dbs, today):
    """Leo (cat) with 3 visits, 2 vaccinations, 1 upcoming and 1 past appointment, an alert;
    a vet with a rota, an absence and a calendar feed; a closure; types in use."""
    with dbs() as session:
        owner = f.owner(session)
        leo = f.pet(session, owner)
        vet = f.vet(session)
        idle = f.vet(session, last_name="Idle", first_name="Ida")
        for day in (date(2024, 1, 15), date(2024, 2, 15), date(2024, 3, 15)):
            f.visit(session, leo, vet, day=day)
        rabies = f.vaccine_type(session, "Rabies", ("cat",))
        f.vaccination(session, leo, rabies, today - timedelta(days=400))
        f.vaccination(session, leo, rabies, today - timedelta(days=30))
        kind = f.appointment_type(session, "dental", minutes=60)
        upcoming = f.appointment(session, leo, vet, type_id=kind.id)
        past = f.appointment(session, leo, vet, starts_at=datetime(2024, 1, 15, 10))
        past.status = AppointmentStatus.COMPLETED
        alert = PetAlert(pet=leo, text="bites", severity=AlertSeverity.DANGER, created_by="admin")
        closed = today + timedelta(days=40)
        session.add_all([alert, ClinicClosure(day=closed, reason="Staff day"),
                         RotaDay(vet_id=vet.id, weekday=0, starts=time(9), ends=time(17))])
        absence = Absence(vet_id=vet.id, starts_at=datetime.combine(closed, time(9)),
                          ends_at=datetime.combine(closed, time(12)), reason="Course")
        session.add(absence)
        session.flush()
        session.add(CalendarFeed(vet_id=vet.id, token_digest="x" * 64))
        session.commit()
        return {"owner": owner.id, "pet": leo.id, "vet": vet.id, "idle": idle.id,
                "upcoming": upcoming.id, "alert": alert.id, "closed": closed,
                "absence": absence.id, "type": kind.id, "vaccine": rabies.id}


def page_of(response):
    assert response.status_code == 200, response.status_code
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))).split())


def confirm_form(response):
    """(action, button label) of the confirmation page's POST form."""
    html = response.get_data(as_text=True).split("<main", 1)[1]
    form = re.search(r'<form method="post" action="([^"]+)"[^>]*>(.*?)</form>', html, re.DOTALL)
    assert form, "no confirmation form"
    button = re.search(r'<button type="submit"[^>]*>(.*?)</button>', form.group(2), re.DOTALL)
    return form.group(1), unescape(button.group(1))


def test_deleting_a_pet_says_what_goes_with_it_and_deletes_only_when_posted(client, dbs, clinic):
    url = f"/owners/{clinic['owner']}/pets/{clinic['pet']}/delete"
    response = client.get(url)
    text = page_of(response)
    assert ("Delete Leo (cat) and its 3 visits, 2 vaccinations, 1 upcoming appointment, "
            "1 past appointment and 1 alert?") in text
    assert "deleted, not cancelled" in text
    assert confirm_form(response) == (url, "Delete Leo")
    with dbs() as session:
        assert session.get(Pet, clinic["pet"]) is not None  # the GET deleted nothing
    assert client.post(url).status_code == 302
    with dbs() as session:
        assert session.get(Pet, clinic["pet"]) is None


def test_the_pet_page_links_to_the_confirmation_instead_of_posting(client, clinic):
    page = client.get(f"/owners/{clinic['owner']}/pets/{clinic['pet']}/edit").get_data(as_text=True)
    url = f"/owners/{clinic['owner']}/pets/{clinic['pet']}/delete"
    assert f'href="{url}"' in page and f'action="{url}"' not in page


def test_a_pet_with_no_records_says_so(client, dbs, clinic):
    with dbs() as session:
        tom = f.pet(session, session.get(Owner, clinic["owner"]), name="Tom", kind="dog")
        session.commit()
    text = page_of(client.get(f"/owners/{clinic['owner']}/pets/{tom.id}/delete"))
    assert "Delete Tom (dog)?" in text and "Tom has no visits" in text


def test_cancelling_asks_first_and_the_post_still_cancels(client, dbs, clinic):
    with dbs() as session:
        appointment = session.get(Appointment, clinic["upcoming"])
        starts = appointment.starts_at
    url = f"/appointments/{clinic['upcoming']}/cancel"
    response = client.get(url)
    assert f"Cancel Leo's appointment on {starts:%a %d %b %Y at %H:%M} with James Carter?" in page_of(response)
    assert confirm_form(response) == (url, "Cancel the appointment")
    with dbs() as session:
        assert session.get(Appointment, clinic["upcoming"]).status is AppointmentStatus.SCHEDULED
    assert client.post(url).status_code == 302
    with dbs() as session:
        assert session.get(Appointment, clinic["upcoming"]).status is AppointmentStatus.CANCELLED
    # Cancelled now: asking again says why not, and offers nothing.
    again = client.get(url, follow_redirects=True)
    assert "cancelled" in page_of(again).lower() and "Cancel the appointment" not in page_of(again)


def test_cancelling_from_the_day_sheet_returns_to_it(client, clinic):
    response = client.get(f"/appointments/{clinic['upcoming']}/cancel?back_to=day")
    assert 'name="back_to" value="day"' in response.get_data(as_text=True)
    done = client.post(f"/appointments/{clinic['upcoming']}/cancel", data={"back_to": "day"})
    assert done.location.startswith("/appointments?date=")


def test_the_day_sheet_and_the_appointment_link_to_the_cancel_confirmation(client, clinic):
    page = client.get(f"/appointments/{clinic['upcoming']}").get_data(as_text=True)
    assert f'href="/appointments/{clinic["upcoming"]}/cancel"' in page
    assert f'formaction="/appointments/{clinic["upcoming"]}/cancel"' not in page
    assert f'action="/appointments/{clinic["upcoming"]}/cancel"' not in page


def test_removing_an_alert_asks_first(client, dbs, clinic):
    url = f"/owners/{clinic['owner']}/pets/{clinic['pet']}/alerts/{clinic['alert']}/delete"
    response = client.get(url)
    assert "Remove the alert “Danger: bites” from Leo?" in page_of(response)
    assert confirm_form(response) == (url, "Remove the alert")
    with dbs() as session:
        assert session.get(PetAlert, clinic["alert"]) is not None
    client.post(url)
    with dbs() as session:
        assert session.get(PetAlert, clinic["alert"]) is None


def test_removing_a_closure_an_absence_and_a_rota_asks_first(client, dbs, clinic):
    day = clinic["closed"]
    closure = client.get(f"/working-time/closures/{day.isoformat()}/remove")
    assert f"Open the clinic again on {day:%A %d %b %Y} (Staff day)?" in page_of(closure)
    absence = client.get(f"/working-time/vets/{clinic['vet']}/absences/{clinic['absence']}/remove")
    assert (f"Remove James Carter's absence from {day:%d %b %Y} 09:00 until {day:%d %b %Y} 12:00 "
            "(Course)?") in page_of(absence)
    rota = client.get(f"/working-time/vets/{clinic['vet']}/rota/clear")
    assert "Remove James Carter's rota?" in page_of(rota) and "Its 1 working day go" in page_of(rota)
    with dbs() as session:
        assert session.get(ClinicClosure, day) and session.get(Absence, clinic["absence"])
        assert session.scalar(sa.select(sa.func.count()).select_from(RotaDay)) == 1
    for response in (closure, absence, rota):
        client.post(confirm_form(response)[0])
    with dbs() as session:
        assert session.get(ClinicClosure, day) is None and session.get(Absence, clinic["absence"]) is None
        assert session.scalar(sa.select(sa.func.count()).select_from(RotaDay)) == 0


def test_deleting_a_vet_with_records_is_refused_on_the_confirmation_page(client, dbs, clinic):
    refused = client.get(f"/vets/{clinic['vet']}/delete")
    assert "James Carter has appointments or visits, so cannot be deleted" in page_of(refused)
    assert "<form method=\"post\"" not in refused.get_data(as_text=True).split("<main")[1]
    idle = client.get(f"/vets/{clinic['idle']}/delete")
    assert "Delete Ida Idle?" in page_of(idle)
    client.post(confirm_form(idle)[0])
    with dbs() as session:
        assert session.get(Vet, clinic["idle"]) is None


def test_revoking_a_calendar_feed_asks_first(client, dbs, clinic):
    response = client.get(f"/vets/{clinic['vet']}/calendar-feed/revoke")
    assert "Revoke James Carter's calendar feed?" in page_of(response)
    assert "stops working at once" in page_of(response)
    with dbs() as session:
        assert session.get(CalendarFeed, clinic["vet"]) is not None
    client.post(confirm_form(response)[0])
    with dbs() as session:
        assert session.get(CalendarFeed, clinic["vet"]) is None


def test_reference_rows_in_use_are_refused_on_their_confirmation_page(client, clinic):
    kind = page_of(client.get(f"/reference/appointment-types/{clinic['type']}/delete"))
    assert "1 appointment has the type 'dental', so it cannot be removed." in kind
    vaccine = page_of(client.get(f"/reference/vaccines/{clinic['vaccine']}/delete"))
    assert "2 vaccinations are on record with 'Rabies', so it cannot be removed." in vaccine


def test_every_destructive_button_on_these_pages_is_a_link_to_a_confirmation(client, clinic):
    pages = [f"/owners/{clinic['owner']}/pets/{clinic['pet']}/alerts", "/working-time",
             f"/working-time/vets/{clinic['vet']}", f"/vets/{clinic['vet']}/edit",
             f"/vets/{clinic['vet']}/calendar-feed", "/reference", "/reference/vaccines",
             f"/appointments/{clinic['upcoming']}"]
    for url in pages:
        html = client.get(url).get_data(as_text=True)
        posts = re.findall(r'(?:action|formaction)="([^"]+)"', html)
        assert not [p for p in posts if re.search(r"/(delete|remove|revoke|clear|cancel)$", p)], url
