"""The pet page (details, upcoming appointments, the history with cancellations and no-shows,
visits) and the owner page's appointments, which link to the appointment page."""

import re
from datetime import datetime, time, timedelta

import pytest

from app.models import AppointmentStatus
from tests import factories as f


def pet_with_history(session, today, upcoming=1, past=1):
    """Leo of George Franklin, with upcoming and past appointments of every kind and a visit."""
    owner = f.owner(session)
    leo = f.pet(session, owner, name="Leo")
    vet = f.vet(session)
    surgery = f.appointment_type(session, "surgery", 120)
    tomorrow = datetime.combine(today + timedelta(days=1), time(9))
    for n in range(upcoming):
        f.appointment(session, leo, vet, starts_at=tomorrow + timedelta(days=n),
                      reason=f"upcoming {n}", type=surgery)
    earlier = tomorrow - timedelta(days=30)
    for n in range(past):
        day = earlier - timedelta(days=3 * n)
        f.appointment(session, leo, vet, starts_at=day, reason=f"done {n}",
                      status=AppointmentStatus.COMPLETED)
        f.appointment(session, leo, vet, starts_at=day + timedelta(days=1), reason=f"missed {n}",
                      status=AppointmentStatus.NO_SHOW)
    # Cancelled: history, even when its day is still to come.
    f.appointment(session, leo, vet, starts_at=tomorrow.replace(hour=16), reason="called off",
                  status=AppointmentStatus.CANCELLED)
    f.visit(session, leo, vet, description="Thorn removed.")
    other = f.pet(session, owner, name="Max")
    f.appointment(session, other, vet, starts_at=tomorrow.replace(hour=15), reason="not Leo's")
    session.commit()
    return owner.id, leo.id


def section(page, name):
    """The HTML of a section of the pet page."""
    return re.search(rf'<section id="{name}">(.*?)</section>', page, re.S)[1]


def test_the_pet_page_shows_details_upcoming_history_and_visits(client, dbs, today):
    with dbs() as session:
        owner_id, leo_id = pet_with_history(session, today)
    page = client.get(f"/owners/{owner_id}/pets/{leo_id}").text
    assert "<h1 class=\"h2\">Leo</h1>" in page and "George Franklin" in page and "Cat" in page

    upcoming = section(page, "upcoming")
    assert "upcoming 0" in upcoming and "Surgery" in upcoming and "Scheduled" in upcoming
    assert re.search(r'<a href="/appointments/\d+">', upcoming)
    assert "called off" not in upcoming and "done 0" not in upcoming

    history = section(page, "history")
    for reason, status in (("called off", "Cancelled"), ("missed 0", "No-show"),
                           ("done 0", "Completed")):
        assert re.search(rf"{reason}</td>\s*<td>{status}</td>", history), reason
    # Latest first: the cancelled one of tomorrow, then the no-show, then the completed one.
    assert history.index("called off") < history.index("missed 0") < history.index("done 0")
    assert "not Leo&#39;s" not in page and "not Leo's" not in page

    assert "Thorn removed." in section(page, "visits")
    assert f'href="/owners/{owner_id}/pets/{leo_id}/appointments/new"' in page


def test_a_pet_without_appointments_says_so(client, dbs):
    with dbs() as session:
        owner = f.owner(session)
        pet = f.pet(session, owner)
        session.commit()
    page = client.get(f"/owners/{owner.id}/pets/{pet.id}").text
    assert "None booked." in page and "No past appointments." in page and "No visits yet." in page


def test_the_pet_page_statements_do_not_grow_with_appointments_or_visits(
    client, dbs, statements, today
):
    with dbs() as session:
        small = pet_with_history(session, today)
    with dbs() as session:
        large = pet_with_history(session, today, upcoming=6, past=8)
    counts = []
    for owner_id, pet_id in (small, large):
        statements.reset()
        assert client.get(f"/owners/{owner_id}/pets/{pet_id}").status_code == 200
        counts.append(statements.count)
    # signed-in user, the pet with owner and type, its appointments (vet, type), its visits
    # (vet), their addenda (author), its weights, its alerts, its vaccinations and what is due
    assert counts[0] == counts[1] <= 9


@pytest.mark.parametrize("role", ["reception", "vet"])
def test_every_desk_role_sees_the_pet_page(sign_in, dbs, today, role):
    with dbs() as session:
        owner_id, leo_id = pet_with_history(session, today)
    assert sign_in(role).get(f"/owners/{owner_id}/pets/{leo_id}").status_code == 200


def test_a_pet_of_another_owner_or_none_is_a_404(client, dbs, today):
    with dbs() as session:
        owner_id, leo_id = pet_with_history(session, today)
        stranger = f.owner(session, last_name="Davis", telephone="+16085551749")
        session.commit()
    assert client.get(f"/owners/{stranger.id}/pets/{leo_id}").status_code == 404
    assert client.get(f"/owners/{owner_id}/pets/424242").status_code == 404


def test_the_owner_page_links_pets_and_upcoming_appointments_with_their_type(client, dbs, today):
    with dbs() as session:
        owner_id, leo_id = pet_with_history(session, today)
    page = client.get(f"/owners/{owner_id}").text
    assert f'<a href="/owners/{owner_id}/pets/{leo_id}">Leo</a>' in page
    card = re.search(rf'<div class="card pet-card" id="pet-{leo_id}">(.*?)<h4 class="h6">Visits',
                     page, re.S)[1]
    row = re.search(r'<tr id="appointment-(\d+)">(.*?)</tr>', card, re.S)
    assert f'<a href="/appointments/{row[1]}">' in row[2]
    assert "Surgery" in row[2] and "upcoming 0" in row[2]
    assert "called off" not in card and "done 0" not in card
    # The appointment page links back to the pet page.
    appointment = client.get(f"/appointments/{row[1]}").text
    assert f'href="/owners/{owner_id}/pets/{leo_id}"' in appointment


def test_the_pet_page_is_the_whole_record(client, dbs, today):
    """Profile and alerts, vaccinations, weights, appointments and visits, in one page."""
    with dbs() as session:
        owner_id, pet_id = pet_with_history(session, today)
    page = client.get(f"/owners/{owner_id}/pets/{pet_id}").get_data(as_text=True)
    for section in ('id="pet-profile"', f'id="vaccinations-{pet_id}"',
                    f'aria-labelledby="weights-heading-{pet_id}"', 'id="upcoming"', 'id="history"',
                    'id="visits"'):
        assert section in page, section
