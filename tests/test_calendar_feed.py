"""A vet's calendar feed: read back with the icalendar library it is built with, private to
the secret URL (revocable at once), free of owner details, and a read of constant cost."""

import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from icalendar import Calendar

from app.calendar_feed.services import issue_feed
from app.extensions import db
from app.models import Appointment, AppointmentStatus, AppointmentType, CalendarFeed, Pet, User, Vet
from tests import factories as f
from tests.concurrency import post_at_once
from tests.staff import signed_in

SECRET_URL = re.compile(r"http://localhost/calendar/([A-Za-z0-9_-]{43})\.ics")


def at(day, hour, minute=0):
    """A wall-clock datetime at the clinic."""
    return datetime.combine(day, time(hour, minute))


def new_feed(dbs, vet_id):
    """Issue the vet's feed as the page does; its secret."""
    with dbs() as session:
        secret = issue_feed(vet_id)
        session.commit()
        return secret


def fetch(client, secret):
    """GET the feed at its secret URL."""
    return client.get(f"/calendar/{secret}.ics")


def parsed(response):
    """The feed's body, parsed back by the library that wrote it."""
    assert response.status_code == 200, response.get_data(as_text=True)
    return Calendar.from_ical(response.get_data())


@pytest.fixture
def clinic(dbs, today, app):
    """A vet with a spread of appointments around today; their ids by name."""
    horizon = app.config["BOOKING_HORIZON_DAYS"]
    with dbs() as session:
        vet = f.vet(session, last_name="Feedwell")
        other_vet = f.vet(session, last_name="Elsewhere")
        owner = f.owner(session, first_name="Quentin", last_name="Zabriskie",
                        address="742 Evergreen Terrace", city="Springfield",
                        telephone="+16085559876", email="quentin@zabriskie.example")
        leo, rex = f.pet(session, owner, "Leo", "cat"), f.pet(session, owner, "Rex", "dog")
        jab = AppointmentType(name="Vaccination", duration_minutes=15)
        session.add(jab)
        session.flush()
        rows = {
            "tomorrow": f.appointment(session, leo, vet, at(today + timedelta(days=1), 10),
                                      reason="yearly jab", type=jab),
            "cancelled": f.appointment(session, rex, vet, at(today + timedelta(days=2), 9),
                                       reason="limping", status=AppointmentStatus.CANCELLED),
            "recent": f.appointment(session, rex, vet, at(today - timedelta(days=10), 16, 30),
                                    reason="stitches out", status=AppointmentStatus.COMPLETED),
            "too_old": f.appointment(session, leo, vet, at(today - timedelta(days=40), 9)),
            "too_far": f.appointment(session, leo, vet,
                                     at(today + timedelta(days=horizon + 2), 9)),
            "for_other_vet": f.appointment(session, leo, other_vet, at(today + timedelta(days=1), 11)),
        }
        session.commit()
        return {"vet": vet.id, "other_vet": other_vet.id} | {k: a.id for k, a in rows.items()}


def test_the_feed_reads_back_as_the_vets_appointments_in_clinic_time(anonymous, dbs, clinic,
                                                                     today, app):
    calendar = parsed(fetch(anonymous, new_feed(dbs, clinic["vet"])))
    zone = ZoneInfo(app.config["CLINIC_TIMEZONE"])

    events = {event.uid: event for event in calendar.events}
    assert set(events) == {f"appointment-{clinic[k]}@localhost"
                           for k in ("tomorrow", "cancelled", "recent")}
    tomorrow = events[f"appointment-{clinic['tomorrow']}@localhost"]
    assert tomorrow.start == at(today + timedelta(days=1), 10).replace(tzinfo=zone)
    assert tomorrow.end == at(today + timedelta(days=1), 10, 30).replace(tzinfo=zone)
    assert tomorrow["DTSTART"].params["TZID"] == app.config["CLINIC_TIMEZONE"]
    assert tomorrow["SUMMARY"] == "Leo (cat): Vaccination, yearly jab"
    assert tomorrow["STATUS"] == "CONFIRMED" and tomorrow["SEQUENCE"] == 0
    assert tomorrow["URL"] == f"http://localhost/appointments/{clinic['tomorrow']}"
    recent = events[f"appointment-{clinic['recent']}@localhost"]
    assert recent["SUMMARY"] == "Rex (dog): stitches out"
    assert recent.start == at(today - timedelta(days=10), 16, 30).replace(tzinfo=zone)
    assert events[f"appointment-{clinic['cancelled']}@localhost"]["STATUS"] == "CANCELLED"
    # The clinic's zone travels with the feed, as the library builds it.
    assert [tz.tz_name for tz in calendar.timezones] == [app.config["CLINIC_TIMEZONE"]]
    assert calendar.get_missing_tzids() == set()
    assert calendar.calendar_name == "PetClinic: James Feedwell"


def test_a_changed_appointment_keeps_its_uid_and_raises_its_sequence(anonymous, dbs, clinic,
                                                                     today):
    secret = new_feed(dbs, clinic["vet"])
    uid = f"appointment-{clinic['tomorrow']}@localhost"
    before = {e.uid: e for e in parsed(fetch(anonymous, secret)).events}[uid]
    with dbs() as session:
        moved = session.get(Appointment, clinic["tomorrow"])
        moved.schedule(at(today + timedelta(days=3), 14), 45)
        session.commit()
    after = {e.uid: e for e in parsed(fetch(anonymous, secret)).events}[uid]
    assert after["SEQUENCE"] == before["SEQUENCE"] + 1
    assert after.start.replace(tzinfo=None) == at(today + timedelta(days=3), 14)
    assert after.end - after.start == timedelta(minutes=45)
    assert after.DTSTAMP >= before.DTSTAMP and after.LAST_MODIFIED >= before.LAST_MODIFIED


def test_the_feed_holds_nothing_of_the_owners(anonymous, dbs, clinic):
    text = fetch(anonymous, new_feed(dbs, clinic["vet"])).get_data(as_text=True)
    unfolded = text.replace("\r\n ", "")
    for detail in ("Quentin", "Zabriskie", "zabriskie.example", "742 Evergreen", "Springfield",
                   "5559876", "555-9876", "555 9876"):
        assert detail not in unfolded
    assert "Leo (cat)" in unfolded  # the pets are there


def test_the_feed_is_a_calendar_that_no_shared_cache_keeps(anonymous, dbs, clinic):
    response = fetch(anonymous, new_feed(dbs, clinic["vet"]))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Cache-Control"].startswith("private")
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "Set-Cookie" not in response.headers  # no sign-in, and no session made either


def test_an_unchanged_feed_is_answered_not_modified_and_a_change_shows(anonymous, dbs, clinic):
    secret = new_feed(dbs, clinic["vet"])
    etag = fetch(anonymous, secret).headers["ETag"]
    again = anonymous.get(f"/calendar/{secret}.ics", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    with dbs() as session:
        session.scalar(sa.select(Pet).where(Pet.name == "Leo")).name = "Leonardo"
        session.commit()
    changed = anonymous.get(f"/calendar/{secret}.ics", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert "Leonardo (cat)" in changed.get_data(as_text=True)


@pytest.mark.parametrize("secret", ["nonsense", "x" * 43, "y" * 5000])
def test_an_unknown_secret_is_not_found(anonymous, dbs, clinic, secret):
    new_feed(dbs, clinic["vet"])
    assert fetch(anonymous, secret).status_code == 404


def test_replacing_the_feed_stops_the_old_url_at_once_and_revoking_stops_the_new(client, dbs,
                                                                                 anonymous,
                                                                                 clinic):
    page = client.post(f"/vets/{clinic['vet']}/calendar-feed").get_data(as_text=True)
    first = SECRET_URL.search(page)[1]
    assert f"webcal://localhost/calendar/{first}.ics" in page
    assert fetch(anonymous, first).status_code == 200

    page = client.post(f"/vets/{clinic['vet']}/calendar-feed").get_data(as_text=True)
    second = SECRET_URL.search(page)[1]
    assert second != first and "The old one no longer works" in page
    assert fetch(anonymous, first).status_code == 404
    assert fetch(anonymous, second).status_code == 200

    response = client.post(f"/vets/{clinic['vet']}/calendar-feed/revoke", follow_redirects=True)
    assert "is revoked" in response.get_data(as_text=True)
    assert fetch(anonymous, second).status_code == 404
    with dbs() as session:
        assert session.get(CalendarFeed, clinic["vet"]) is None


def test_the_secret_is_shown_once_and_never_stored(client, dbs, clinic):
    response = client.post(f"/vets/{clinic['vet']}/calendar-feed")
    secret = SECRET_URL.search(response.get_data(as_text=True))[1]
    assert response.headers["Cache-Control"] == "no-store"
    later = client.get(f"/vets/{clinic['vet']}/calendar-feed").get_data(as_text=True)
    assert secret not in later and "A feed is live" in later
    with dbs() as session:
        stored = session.get(CalendarFeed, clinic["vet"]).token_digest
    assert secret not in stored and len(stored) == 64


def vet_account(app, dbs, vet_id, username):
    """A signed-in client of a vet account linked to ``vet_id``."""
    from app.auth.services import create_user
    from tests.staff import PASSWORD

    with dbs() as session:
        create_user(username, PASSWORD, "vet", vet_id=vet_id)
        session.commit()
    browser = app.test_client()
    response = browser.post("/login", data={"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return browser


def test_a_vet_manages_their_own_feed_and_no_one_elses(app, dbs, clinic, anonymous):
    own = vet_account(app, dbs, clinic["vet"], "feedwell")
    detail = own.get(f"/vets/{clinic['vet']}").get_data(as_text=True)
    assert f"/vets/{clinic['vet']}/calendar-feed" in detail
    assert own.get(f"/vets/{clinic['vet']}/calendar-feed").status_code == 200
    page = own.post(f"/vets/{clinic['vet']}/calendar-feed").get_data(as_text=True)
    secret = SECRET_URL.search(page)[1]

    other = clinic["other_vet"]
    assert f"/vets/{other}/calendar-feed" not in own.get(f"/vets/{other}").get_data(as_text=True)
    for send in (own.get, own.post):
        assert send(f"/vets/{other}/calendar-feed").status_code == 403
    assert own.post(f"/vets/{other}/calendar-feed/revoke").status_code == 403

    someone_else = vet_account(app, dbs, other, "elsewhere")
    assert someone_else.post(f"/vets/{clinic['vet']}/calendar-feed/revoke").status_code == 403
    assert someone_else.post(f"/vets/{clinic['vet']}/calendar-feed").status_code == 403
    assert fetch(anonymous, secret).status_code == 200  # untouched by the refusals


@pytest.mark.parametrize("role", ["reception", "vet"])
def test_staff_other_than_the_vet_and_admins_may_not(sign_in, clinic, role):
    browser = sign_in(role)  # the "vet" account belongs to another vet
    assert browser.get(f"/vets/{clinic['vet']}/calendar-feed").status_code == 403
    assert browser.post(f"/vets/{clinic['vet']}/calendar-feed").status_code == 403


def test_the_feed_page_needs_a_sign_in_and_a_vet(anonymous, client, clinic):
    response = anonymous.get(f"/vets/{clinic['vet']}/calendar-feed")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert anonymous.post(f"/vets/{clinic['vet']}/calendar-feed").status_code == 302
    assert client.get("/vets/999999/calendar-feed").status_code == 404
    assert client.post("/vets/999999/calendar-feed").status_code == 404


def test_deleting_a_vet_deletes_their_feed(client, dbs, anonymous):
    with dbs() as session:
        vet_id = f.vet(session, last_name="Leaving").id
        session.commit()
    secret = new_feed(dbs, vet_id)
    assert client.post(f"/vets/{vet_id}/delete").status_code == 302
    assert fetch(anonymous, secret).status_code == 404
    with dbs() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(CalendarFeed)
                              .where(CalendarFeed.vet_id == vet_id)) == 0


def test_a_feed_request_reads_only_and_its_statements_do_not_grow(anonymous, dbs, clinic,
                                                                  statements, today):
    secret = new_feed(dbs, clinic["vet"])
    statements.reset()
    assert fetch(anonymous, secret).status_code == 200
    few, sql = statements.count, list(statements.sql)
    with dbs() as session:
        vet = session.get(Vet, clinic["vet"])
        owner = f.owner(session, last_name="Busy")
        for n in range(12):
            pet = f.pet(session, owner, name=f"Pet {n}", kind=["cat", "dog", "bird"][n % 3])
            kind = AppointmentType(name=f"Type {n}", duration_minutes=15)
            session.add(kind)
            f.appointment(session, pet, vet, at(today + timedelta(days=n + 3), 9), type=kind)
        session.commit()
    statements.reset()
    calendar = parsed(fetch(anonymous, secret))
    assert len(calendar.events) == 3 + 12
    assert statements.count == few <= 2  # the feed with its vet; the appointments
    assert all(s.lstrip().upper().startswith("SELECT") for s in sql + statements.sql)


@pytest.mark.committing
def test_two_first_feeds_at_once_both_succeed_and_leave_one_live_address(committing):
    app = committing
    with app.app_context():
        vet_ids = [f.vet(db.session, last_name=f"Racing{n}").id for n in range(8)]
        db.session.commit()
        db.session.remove()
    admins = [signed_in(app, "admin") for _ in range(2)]
    for vet_id in vet_ids:  # a vet without a feed each time: both would insert its row
        answers = post_at_once([(admin, f"/vets/{vet_id}/calendar-feed", {}) for admin in admins])
        assert [code for code, _ in answers] == [200, 200], answers
        secrets = [SECRET_URL.search(page)[1] for _, page in answers]
        live = [s for s in secrets if fetch(app.test_client(), s).status_code == 200]
        assert len(set(secrets)) == 2 and len(live) == 1


# --- the command line -------------------------------------------------------------------------


def test_cli_creates_replaces_and_revokes_a_feed(runner, anonymous, clinic):
    result = runner.invoke(args=["vets", "feed", "create", str(clinic["vet"]),
                                 "--base-url", "http://localhost"])
    assert result.exit_code == 0, result.output
    first = SECRET_URL.search(result.output)[1]
    assert f"webcal://localhost/calendar/{first}.ics" in result.output
    assert fetch(anonymous, first).status_code == 200

    result = runner.invoke(args=["vets", "feed", "create", str(clinic["vet"]),
                                 "--base-url", "http://localhost/"])
    second = SECRET_URL.search(result.output)[1]
    assert fetch(anonymous, first).status_code == 404
    assert fetch(anonymous, second).status_code == 200

    result = runner.invoke(args=["vets", "feed", "revoke", str(clinic["vet"])])
    assert result.exit_code == 0 and "revoked" in result.output
    assert fetch(anonymous, second).status_code == 404
    result = runner.invoke(args=["vets", "feed", "revoke", str(clinic["vet"])])
    assert result.exit_code == 0 and "has no calendar feed" in result.output


def test_cli_feed_address_uses_site_url_with_its_path(app, runner, clinic):
    app.config["SITE_URL"] = "https://clinic.example/petclinic"
    try:
        result = runner.invoke(args=["vets", "feed", "create", str(clinic["vet"])])
    finally:
        app.config["SITE_URL"] = ""
    assert result.exit_code == 0, result.output
    assert re.search(r"^https://clinic\.example/petclinic/calendar/[\w-]{43}\.ics$",
                     result.output, re.M)
    assert re.search(r"^webcal://clinic\.example/petclinic/calendar/", result.output, re.M)


@pytest.mark.parametrize("args, code, message", [
    (["create", "{vet}"], 2, "Give --base-url"),
    (["create", "{vet}", "--base-url", "ftp://clinic.example"], 2, "not a site address"),
    (["create", "{vet}", "--base-url", "clinic.example"], 2, "not a site address"),
    (["create", "{vet}", "--base-url", "https://clinic.example/?x=1"], 2, "not a site address"),
    (["create", "999999", "--base-url", "https://clinic.example"], 1, "no vet with id 999999"),
    (["create", "nine"], 2, "not a valid integer"),
    (["revoke", "999999"], 1, "no vet with id 999999"),
])
def test_cli_feed_refusals(runner, dbs, clinic, args, code, message):
    args = [arg.format(vet=clinic["vet"]) for arg in args]
    result = runner.invoke(args=["vets", "feed", *args])
    assert result.exit_code == code and message in result.output, result.output
    assert "Traceback" not in result.output
    with dbs() as session:
        assert session.get(CalendarFeed, clinic["vet"]) is None


def test_the_staff_vet_account_sees_the_link_on_its_landing_page(sign_in, dbs):
    browser = sign_in("vet")
    with dbs() as session:
        vet_id = session.scalar(sa.select(User.vet_id).where(User.username == "vet"))
    landing = browser.get(f"/vets/{vet_id}").get_data(as_text=True)
    assert f"/vets/{vet_id}/calendar-feed" in landing
