"""Alerts on a pet ("bites", "diabetic"): added and removed on their page, shown with their
severity in words wherever the pet appears, loaded without a statement per pet."""

from datetime import date, datetime, time, timedelta

import pytest
import sqlalchemy as sa

from app.models import AlertSeverity, AppointmentStatus, AuditEntry, Owner, Pet, PetAlert, Vet
from app.pets.alerts import MAX_ALERTS
from tests import factories as f

BITES = ("Bites when held", AlertSeverity.DANGER)
PENICILLIN = ("Allergic to penicillin", AlertSeverity.CAUTION)
DIABETIC = ("Diabetic", AlertSeverity.NOTE)


def alert(session, pet, text, severity):
    """A new alert on a pet."""
    row = PetAlert(pet=pet, text=text, severity=severity, created_by="test")
    session.add(row)
    session.flush()
    return row


@pytest.fixture
def family(dbs, today):
    """George's cat Leo (three alerts) and dog Max (none); a vet; Leo booked tomorrow; ids."""
    with dbs() as session:
        owner = f.owner(session)
        leo = f.pet(session, owner, name="Leo")
        max_ = f.pet(session, owner, name="Max", kind="dog")
        for text, severity in (DIABETIC, BITES, PENICILLIN):
            alert(session, leo, text, severity)
        vet = f.vet(session)
        booked = f.appointment(session, leo, vet)
        session.commit()
        return {"owner": owner.id, "leo": leo.id, "max": max_.id, "vet": vet.id,
                "appointment": booked.id, "day": booked.starts_at.date()}


def alerts_url(family, pet="leo"):
    return f"/owners/{family['owner']}/pets/{family[pet]}/alerts"


def alerts_of(dbs, pet_id):
    """(text, severity) of a pet's alerts, in the order the pages list them."""
    with dbs() as session:
        pet = session.get(Pet, pet_id, options=[sa.orm.selectinload(Pet.alerts)])
        return [(a.text, a.severity.value) for a in pet.alerts]


SHOWN = [
    '<span class="pet-alert-severity">Danger:</span> Bites when held',
    '<span class="pet-alert-severity">Caution:</span> Allergic to penicillin',
    '<span class="pet-alert-severity">Note:</span> Diabetic',
]


def assert_shows_leos_alerts(page):
    """Leo's three alerts, each with its severity in words, gravest first."""
    where = [page.index(badge) for badge in SHOWN]
    assert where == sorted(where)
    assert 'aria-label="Alerts for Leo"' in page


# --- adding and removing --------------------------------------------------------------------


def test_an_alert_is_added_with_its_severity_author_and_trail(client, dbs, family):
    response = client.post(alerts_url(family, "max"),
                           data={"text": "  Muzzle for nail clipping ", "severity": "caution"},
                           follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Alert added to Max: Caution: Muzzle for nail clipping." in page
    assert alerts_of(dbs, family["max"]) == [("Muzzle for nail clipping", "caution")]
    with dbs() as session:
        added = session.scalar(sa.select(PetAlert).where(PetAlert.pet_id == family["max"]))
        assert added.created_by == "admin" and added.created_at is not None
        trail = session.scalars(sa.select(AuditEntry).where(
            AuditEntry.entity_type == "pet", AuditEntry.entity_id == family["max"],
            AuditEntry.action.like("alert %"))).all()
    assert [(e.action, e.summary) for e in trail] == [
        ("alert added", "Caution: Muzzle for nail clipping")]
    owner_page = client.get(f"/owners/{family['owner']}").get_data(as_text=True)
    assert "alert added" in owner_page  # in the pet's audit trail, for the admin


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": "", "severity": "note"}, "This field is required."),
        ({"text": "   ", "severity": "note"}, "This field is required."),
        ({"text": "x" * 121, "severity": "note"}, "Field cannot be longer than 120 characters."),
        ({"text": "Bites\x00", "severity": "note"}, "Remove the control characters"),
        ({"text": "Bites", "severity": "deadly"}, "Not a valid choice"),
        ({"text": "Bites"}, "Choose a severity."),
    ],
)
def test_an_invalid_alert_is_refused_next_to_its_field(client, dbs, family, data, message):
    response = client.post(alerts_url(family, "max"), data=data)
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    assert alerts_of(dbs, family["max"]) == []


def test_a_pet_has_at_most_ten_alerts(client, dbs, family):
    for n in range(MAX_ALERTS - 3):
        assert client.post(alerts_url(family), data={"text": f"n{n}", "severity": "note"}).status_code == 302
    response = client.post(alerts_url(family), data={"text": "one more", "severity": "note"})
    assert f"A pet has at most {MAX_ALERTS} alerts: remove one first." in response.get_data(as_text=True)
    assert len(alerts_of(dbs, family["leo"])) == MAX_ALERTS


def test_an_alert_is_removed_and_a_second_removal_says_it_is_gone(client, dbs, family):
    with dbs() as session:
        bites = session.scalar(sa.select(PetAlert.id).where(PetAlert.text == BITES[0]))
    url = f"{alerts_url(family)}/{bites}/delete"
    page = client.post(url, follow_redirects=True).get_data(as_text=True)
    assert "Alert removed from Leo: Bites when held." in page
    assert [text for text, _ in alerts_of(dbs, family["leo"])] == [PENICILLIN[0], DIABETIC[0]]
    again = client.post(url, follow_redirects=True)
    assert again.status_code == 200 and "That alert was removed already." in again.get_data(as_text=True)
    with dbs() as session:
        actions = session.scalars(sa.select(AuditEntry.summary).where(
            AuditEntry.action == "alert removed")).all()
    assert actions == ["Danger: Bites when held"]


def test_an_alert_is_removed_only_through_its_own_pet(client, dbs, family):
    with dbs() as session:
        bites = session.scalar(sa.select(PetAlert.id).where(PetAlert.text == BITES[0]))
    client.post(f"{alerts_url(family, 'max')}/{bites}/delete")
    assert len(alerts_of(dbs, family["leo"])) == 3


def test_alert_pages_of_a_missing_or_someone_elses_pet_are_404(client, dbs, family):
    with dbs() as session:
        stranger = f.owner(session, last_name="Davis").id
        session.commit()
    assert client.get(f"/owners/{stranger}/pets/{family['leo']}/alerts").status_code == 404
    assert client.post(f"/owners/{family['owner']}/pets/999999/alerts/1/delete").status_code == 404


def test_signed_out_visitors_cannot_add_alerts(anonymous, dbs, family):
    response = anonymous.post(alerts_url(family, "max"), data={"text": "x", "severity": "note"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert alerts_of(dbs, family["max"]) == []


def test_alerts_go_with_their_pet_in_the_orm_and_in_sql(client, dbs, family):
    assert client.post(f"/owners/{family['owner']}/pets/{family['leo']}/delete").status_code == 302
    with dbs() as session:
        max_ = session.get(Pet, family["max"])
        alert(session, max_, *BITES)
        session.commit()
        session.execute(sa.delete(Pet).where(Pet.id == family["max"]))  # ON DELETE CASCADE
        assert session.scalar(sa.select(sa.func.count(PetAlert.id))) == 0
        session.rollback()


# --- shown wherever the pet appears ---------------------------------------------------------


def checked_in_today(dbs, family, today):
    """Leo checked in today at midnight (so it can be completed); the appointment's id."""
    with dbs() as session:
        leo, vet = session.get(Pet, family["leo"]), session.get(Vet, family["vet"])
        row = f.appointment(session, leo, vet, starts_at=datetime.combine(today, time.min),
                            status=AppointmentStatus.CHECKED_IN)
        session.commit()
        return row.id


@pytest.mark.parametrize(
    "page",
    [
        lambda fam, _: f"/owners/{fam['owner']}",
        lambda fam, _: f"/owners/{fam['owner']}/pets/{fam['leo']}/alerts",
        lambda fam, _: f"/owners/{fam['owner']}/pets/{fam['leo']}/appointments/new",
        lambda fam, _: f"/owners/{fam['owner']}/pets/{fam['leo']}/appointments/free",
        lambda fam, _: f"/appointments/{fam['appointment']}",
        lambda fam, checked_in: f"/appointments/{checked_in}",  # where check-in is done
        lambda fam, checked_in: f"/appointments/{checked_in}/complete",
        lambda fam, _: f"/appointments?date={fam['day'].isoformat()}",
        lambda fam, _: f"/vets/{fam['vet']}?week={fam['day'].isoformat()}",
    ],
    ids=["owner", "alerts", "book", "free-slots", "appointment", "check-in", "complete",
         "day-sheet", "vet-week"],
)
def test_alerts_are_shown_wherever_the_pet_appears(client, dbs, family, today, page):
    url = page(family, checked_in_today(dbs, family, today))
    response = client.get(url)
    assert response.status_code == 200, url
    assert_shows_leos_alerts(response.get_data(as_text=True))


def test_a_pet_without_alerts_shows_no_alert_list(client, dbs, family):
    page = client.get(f"/owners/{family['owner']}/pets/{family['max']}/appointments/new")
    assert "pet-alerts" not in page.get_data(as_text=True)


def test_each_severity_is_said_in_words_not_only_by_colour(client, dbs, family):
    page = client.get(f"/owners/{family['owner']}").get_data(as_text=True)
    for severity in AlertSeverity:
        badge = page[page.index(f"pet-alert-{severity.value} "):]
        assert badge[:badge.index("</li>")].count(f"{severity.label}:") == 1


# --- statements do not grow with the pets, appointments or alerts --------------------------


def add_pets_with_alerts(dbs, family, pets, booked_day=None):
    """More pets of George's, each with two alerts (and booked with a vet of its own)."""
    with dbs() as session:
        owner = session.get(Owner, family["owner"])
        for n in range(pets):
            pet = f.pet(session, owner, name=f"Pet{n}", birth_date=date(2019, 1, 1))
            alert(session, pet, f"Bites {n}", AlertSeverity.DANGER)
            alert(session, pet, f"Shy {n}", AlertSeverity.NOTE)
            if booked_day is not None:
                vet = f.vet(session, last_name=f"Vet{n}")
                f.appointment(session, pet, vet, starts_at=datetime.combine(booked_day, time(9 + n % 8)))
        session.commit()


def test_the_owner_page_statements_do_not_grow_with_pets_and_alerts(client, dbs, family, statements):
    url = f"/owners/{family['owner']}"
    statements.reset()
    client.get(url)
    few = statements.count
    add_pets_with_alerts(dbs, family, 6)
    statements.reset()
    page = client.get(url).get_data(as_text=True)
    assert page.count("Bites ") == 6 + 1  # six pets' alerts, and Leo's "Bites when held"
    assert statements.count == few


def test_the_day_sheet_statements_do_not_grow_with_appointments_and_alerts(
    client, dbs, family, statements
):
    url = f"/appointments?date={family['day'].isoformat()}"
    statements.reset()
    client.get(url)
    few = statements.count
    add_pets_with_alerts(dbs, family, 6, booked_day=family["day"])
    statements.reset()
    page = client.get(url).get_data(as_text=True)
    assert page.count('<span class="pet-alert-severity">Danger:</span> Bites ') == 6 + 1
    assert statements.count == few


def test_the_service_counts_under_the_pets_lock_and_refuses_the_eleventh(app, dbs, family):
    from app.extensions import db
    from app.pets.alerts import AlertRefused, add_alert

    with app.test_request_context():
        for n in range(MAX_ALERTS - 3):
            add_alert(family["leo"], f"n{n}", "note")
        with pytest.raises(AlertRefused, match="at most 10 alerts"):
            add_alert(family["leo"], "one more", "danger")
        with pytest.raises(AlertRefused, match="does not exist"):
            add_alert(999999, "gone", "note")
        db.session.rollback()


def test_the_pet_page_section_shows_profile_and_alerts_from_one_loader(app, dbs, family, statements):
    from flask import render_template

    from app.pets.alerts import with_alerts

    with dbs() as session:
        leo = session.get(Pet, family["leo"])
        leo.microchip, leo.breed = "985112003456789", "Siamese"
        session.commit()
    with app.test_request_context():
        from app.extensions import db

        leo = db.session.get(Pet, family["leo"], options=[with_alerts()], populate_existing=True)
        statements.reset()
        html = render_template("pets/_profile.html", pet=leo)
    assert statements.count == 0  # all it shows was loaded
    assert_shows_leos_alerts(html)
    assert "985112003456789" in html and "Siamese" in html and "Unknown" in html
