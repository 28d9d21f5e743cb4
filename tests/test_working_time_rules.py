"""Every working-time rule on every web booking path: a new booking, a reschedule and a
follow-up booked at completion. Each is refused in the rule's own words, and the time next to
it, under the same working time, is booked (the API's paths: tests/api/test_api_working_time.py)."""

import html
from datetime import datetime, time

import pytest
import sqlalchemy as sa

from app.models import Appointment, AppointmentStatus, Visit
from tests import factories as f
from tests.working_time_cases import CASES, moments, set_up, wednesday_ahead


@pytest.fixture
def clinic(dbs, today):
    """A pet and James Carter; a scheduled appointment to move; two checked-in ones to complete."""
    with dbs() as session:
        owner = f.owner(session)
        leo = f.pet(session, owner, name="Leo")
        carter = f.vet(session)
        # Written as they are, past the rules: placed where no case's working time reaches.
        moving = f.appointment(session, leo, carter, starts_at=datetime.combine(today, time(23)))
        first, second = (
            f.appointment(session, f.pet(session, owner, name=name), carter,
                          starts_at=datetime.combine(today, time(minute=minute)),
                          status=AppointmentStatus.CHECKED_IN)
            for name, minute in (("Max", 0), ("Rex", 30))
        )
        session.commit()
        return {"owner": owner.id, "leo": leo.id, "carter": carter.id, "moving": moving.id,
                "checked_in": [first.id, second.id], "day": wednesday_ahead(today)}


def form(clinic, at):
    """A booking form's fields for Carter at ``at`` (a datetime)."""
    return {"vet_id": clinic["carter"], "date": at.date().isoformat(),
            "start_time": f"{at:%H:%M}", "duration_minutes": 30, "reason": "check-up"}


def text(response):
    """A page's text, entities read (Carter&#39;s is Carter's)."""
    return html.unescape(response.get_data(as_text=True))


def starts(dbs, appointment_id=None):
    """The start of one appointment, or of every scheduled one."""
    with dbs() as session:
        if appointment_id:
            return session.get(Appointment, appointment_id).starts_at
        return set(session.scalars(sa.select(Appointment.starts_at).where(
            Appointment.status == AppointmentStatus.SCHEDULED)))


@pytest.mark.parametrize(("setup", "refused", "words", "allowed"), CASES)
def test_a_new_booking_is_refused_by_each_rule_in_its_words(
    client, dbs, clinic, today, setup, refused, words, allowed
):
    set_up(dbs, setup, clinic["carter"], clinic["day"])
    no, yes = moments(setup, refused, allowed, clinic["day"], today)
    url = f"/owners/{clinic['owner']}/pets/{clinic['leo']}/appointments/new"
    before = starts(dbs)

    response = client.post(url, data=form(clinic, no))

    assert response.status_code == 200
    assert words.format(day=clinic["day"]) in text(response)
    assert starts(dbs) == before
    assert client.post(url, data=form(clinic, yes)).status_code == 302
    assert starts(dbs) == before | {yes}


@pytest.mark.parametrize(("setup", "refused", "words", "allowed"), CASES)
def test_a_reschedule_is_refused_by_each_rule_in_its_words(
    client, dbs, clinic, today, setup, refused, words, allowed
):
    set_up(dbs, setup, clinic["carter"], clinic["day"])
    no, yes = moments(setup, refused, allowed, clinic["day"], today)
    url = f"/appointments/{clinic['moving']}/edit"
    before = starts(dbs, clinic["moving"])

    response = client.post(url, data=form(clinic, no))

    assert response.status_code == 200
    assert words.format(day=clinic["day"]) in text(response)
    assert starts(dbs, clinic["moving"]) == before
    assert client.post(url, data=form(clinic, yes)).status_code == 302
    assert starts(dbs, clinic["moving"]) == yes


def complete_with_follow_up(client, appointment_id, clinic, at):
    """Complete a checked-in appointment asking for a follow-up at ``at``; the page's text."""
    data = {"description": "Stitches in.", "follow_up": "y", "follow_up_vet_id": clinic["carter"],
            "follow_up_date": at.date().isoformat(), "follow_up_time": f"{at:%H:%M}",
            "follow_up_minutes": 30}
    return text(client.post(f"/appointments/{appointment_id}/complete", data=data,
                            follow_redirects=True))


@pytest.mark.parametrize(("setup", "refused", "words", "allowed"), CASES)
def test_a_follow_up_is_refused_by_each_rule_in_its_words_and_the_visit_kept(
    client, dbs, clinic, today, setup, refused, words, allowed
):
    set_up(dbs, setup, clinic["carter"], clinic["day"])
    no, yes = moments(setup, refused, allowed, clinic["day"], today)
    first, second = clinic["checked_in"]
    before = starts(dbs)

    page = complete_with_follow_up(client, first, clinic, no)

    assert "The follow-up was NOT booked." in page
    assert words.format(day=clinic["day"]) in page
    assert starts(dbs) == before
    assert f"Follow-up booked on {yes:%d %b %Y at %H:%M}." in complete_with_follow_up(
        client, second, clinic, yes
    )
    assert starts(dbs) == before | {yes}
    with dbs() as session:
        assert session.scalar(sa.select(sa.func.count(Visit.id))) == 2
