"""Visits: the correction window (author or admin, VISIT_CORRECTION_HOURS), the web edit
page, addenda, and the audit trail of both."""

from datetime import date, datetime, time, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.models import Appointment, AppointmentStatus, Pet, User, Vet, Visit, VisitAddendum
from app.visits.services import correction_deadline, correction_refusal
from tests import factories as f
from tests.staff import PASSWORD
from tests.visit_records import WINDOW, addenda_texts, age, record, stored, trail  # noqa: F401

SECOND = timedelta(seconds=1)


def sign_in_as(app, username):
    """A client signed in through the sign-in form as that account."""
    client = app.test_client()
    response = client.post("/login", data={"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def correction(visit_record, version=1, **fields):
    """The edit form's fields."""
    return {"date": "2024-01-15", "vet_id": str(visit_record["vet_id"]),
            "description": "Limping, right fore.", "version": str(version), **fields}


# --- the rule ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("username", "status"), [
    ("vet", None), ("admin", None), ("vet2", 403), ("reception", 403),
])
def test_inside_the_window_only_the_author_or_an_admin_may_correct(app, dbs, record, username,
                                                                   status):
    with dbs() as session:
        visit = session.get(Visit, record["visit_id"])
        user = session.scalar(sa.select(User).where(User.username == username))
        refusal = correction_refusal(visit, user, correction_deadline(visit) - SECOND)
        assert (refusal.status if refusal else None) == status


@pytest.mark.parametrize("username", ["vet", "admin"])
def test_at_the_end_of_the_window_the_visit_is_locked_for_everyone(app, dbs, record, username):
    with dbs() as session:
        visit = session.get(Visit, record["visit_id"])
        user = session.scalar(sa.select(User).where(User.username == username))
        deadline = correction_deadline(visit)
        assert deadline == visit.created_at + WINDOW
        assert correction_refusal(visit, user, deadline - timedelta(microseconds=1)) is None
        refusal = correction_refusal(visit, user, deadline)
        assert refusal.status == 409 and "locked" in str(refusal)
        assert "Add an addendum instead" in str(refusal)


def test_the_window_is_configurable_and_zero_locks_at_once(app, dbs, record, monkeypatch):
    with dbs() as session:
        visit = session.get(Visit, record["visit_id"])
        monkeypatch.setitem(app.config, "VISIT_CORRECTION_HOURS", 2)
        assert correction_deadline(visit) == visit.created_at + timedelta(hours=2)
        monkeypatch.setitem(app.config, "VISIT_CORRECTION_HOURS", 0)
        assert correction_refusal(visit, None).status == 409


# --- the edit page --------------------------------------------------------------------------


def test_the_author_corrects_a_visit_and_the_trail_has_it(app, dbs, record):
    client = sign_in_as(app, "vet")
    assert client.get(record["page"] + "/edit").status_code == 200
    response = client.post(record["page"] + "/edit", data=correction(record))
    assert response.status_code == 302 and response.headers["Location"] == record["page"]
    assert stored(dbs, record["visit_id"]) == ("Limping, right fore.", 2)
    assert ("vet", "update", "description: Limping, left fore. → Limping, right fore.") in trail(
        dbs, record["visit_id"])
    assert "corrected" in client.get(record["page"]).get_data(as_text=True)


def test_a_correction_just_inside_the_window_is_saved(app, dbs, record):
    age(dbs, record["visit_id"], WINDOW - timedelta(minutes=1))
    response = sign_in_as(app, "vet").post(record["page"] + "/edit", data=correction(record))
    assert response.status_code == 302
    assert stored(dbs, record["visit_id"]) == ("Limping, right fore.", 2)


def test_a_correction_just_outside_the_window_is_refused_and_keeps_the_text(app, dbs, record):
    age(dbs, record["visit_id"], WINDOW + SECOND)
    client = sign_in_as(app, "vet")
    response = client.post(record["page"] + "/edit", data=correction(record))
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Nothing was saved. This visit is locked" in page and "Limping, right fore." in page
    assert stored(dbs, record["visit_id"]) == ("Limping, left fore.", 1)
    # Opening the form of a locked visit leads back to the visit, which says why.
    opened = client.get(record["page"] + "/edit", follow_redirects=True).get_data(as_text=True)
    assert "This visit is locked" in opened and "Locked since" in opened


def test_another_vet_cannot_correct_the_visit(app, dbs, record):
    client = sign_in_as(app, "vet2")
    response = client.post(record["page"] + "/edit", data=correction(record))
    assert response.status_code == 403
    assert "Only the vet who wrote this visit, or an administrator" in response.get_data(as_text=True)
    assert stored(dbs, record["visit_id"]) == ("Limping, left fore.", 1)


def test_an_admin_corrects_another_vets_visit_and_its_vet(app, dbs, record, client):
    with dbs() as session:
        other = f.vet(session, last_name="Leary")
        session.commit()
        other_id = other.id
    response = client.post(record["page"] + "/edit",
                           data=correction(record, vet_id=str(other_id), date="2024-01-14"))
    assert response.status_code == 302
    with dbs() as session:
        visit = session.get(Visit, record["visit_id"])
        assert (visit.vet_id, visit.date) == (other_id, date(2024, 1, 14))
    assert ("admin", "update") == trail(dbs, record["visit_id"])[-1][:2]


def test_reception_gets_no_edit_page(app, dbs, record, sign_in):
    response = sign_in("reception").post(record["page"] + "/edit", data=correction(record))
    assert response.status_code == 403
    assert stored(dbs, record["visit_id"]) == ("Limping, left fore.", 1)


def test_a_correction_from_a_stale_form_is_refused(app, dbs, record):
    client = sign_in_as(app, "vet")
    assert client.post(record["page"] + "/edit", data=correction(record)).status_code == 302
    stale = client.post(record["page"] + "/edit",
                        data=correction(record, description="Both fore legs."))
    assert stale.status_code == 409
    assert "Changed by someone else meanwhile" in stale.get_data(as_text=True)
    assert stored(dbs, record["visit_id"]) == ("Limping, right fore.", 2)


def test_a_future_date_is_a_form_error(app, dbs, record, today):
    tomorrow = (today + timedelta(days=1)).isoformat()
    response = sign_in_as(app, "vet").post(record["page"] + "/edit",
                                           data=correction(record, date=tomorrow))
    assert response.status_code == 200 and "cannot be in the future" in response.get_data(as_text=True)
    assert stored(dbs, record["visit_id"]) == ("Limping, left fore.", 1)


def edit_links(client, record):
    """How many Edit links to the visit the owner page shows."""
    page = client.get(f"/owners/{record['owner_id']}").get_data(as_text=True)
    return page.count(record["page"] + "/edit")


def test_the_edit_link_shows_only_to_whom_may_correct_now(app, dbs, record, sign_in):
    assert edit_links(sign_in_as(app, "vet"), record) == 1
    assert edit_links(sign_in_as(app, "admin"), record) == 1
    assert edit_links(sign_in_as(app, "vet2"), record) == 0
    assert edit_links(sign_in("reception"), record) == 0
    age(dbs, record["visit_id"], WINDOW + SECOND)
    assert edit_links(sign_in_as(app, "vet"), record) == 0
    assert edit_links(sign_in_as(app, "admin"), record) == 0


# --- who wrote it ---------------------------------------------------------------------------


def test_a_visit_recorded_on_the_page_is_written_by_the_signed_in_vet(app, dbs, record):
    page = f"/owners/{record['owner_id']}/pets/{record['pet_id']}/visits/new"
    response = sign_in_as(app, "vet2").post(page, data={"date": "2024-02-01", "description": "Ears."})
    assert response.status_code == 302
    with dbs() as session:
        visit = session.scalar(sa.select(Visit).where(Visit.description == "Ears."))
        assert session.get(User, visit.author_id).username == "vet2"


def test_a_visit_written_at_completion_is_written_by_the_completing_vet(app, dbs, record, today):
    with dbs() as session:
        pet = session.get(Pet, record["pet_id"])
        vet = session.get(Vet, record["vet_id"])
        appointment = f.appointment(session, pet, vet, starts_at=datetime.combine(today, time.min),
                                    status=AppointmentStatus.CHECKED_IN)
        session.commit()
        appointment_id = appointment.id
    response = sign_in_as(app, "vet2").post(f"/appointments/{appointment_id}/complete",
                                            data={"description": "Done."})
    assert response.status_code == 302
    with dbs() as session:
        visit = session.scalar(sa.select(Visit).where(Visit.appointment_id == appointment_id))
        assert session.get(User, visit.author_id).username == "vet2"
        assert session.get(Appointment, appointment_id).status is AppointmentStatus.COMPLETED


def test_an_author_with_visits_cannot_be_deleted(app, dbs, record):
    with dbs() as session:
        with pytest.raises(IntegrityError), session.begin_nested():
            session.execute(sa.delete(User).where(User.id == record["author_id"]))
        assert session.get(Visit, record["visit_id"]).author_id == record["author_id"]


# --- addenda --------------------------------------------------------------------------------


def test_a_locked_visit_takes_an_addendum_shown_on_its_page_and_the_owner_page(app, dbs, record):
    age(dbs, record["visit_id"], WINDOW + SECOND)
    client = sign_in_as(app, "vet2")
    response = client.post(record["page"] + "/addenda", data={"text": "X-ray: no fracture."})
    assert response.status_code == 302
    assert addenda_texts(dbs, record["visit_id"]) == ["X-ray: no fracture."]
    page = client.get(record["page"]).get_data(as_text=True)
    assert "X-ray: no fracture." in page and "vet2" in page
    owner_page = client.get(f"/owners/{record['owner_id']}").get_data(as_text=True)
    assert "Addendum by vet2" in owner_page and "X-ray: no fracture." in owner_page
    assert trail(dbs, record["visit_id"])[-1][:2] == ("vet2", "addendum")
    assert "X-ray: no fracture." in trail(dbs, record["visit_id"])[-1][2]


def test_an_empty_addendum_is_a_form_error(app, dbs, record):
    response = sign_in_as(app, "vet").post(record["page"] + "/addenda", data={"text": "  "})
    assert response.status_code == 400 and "This field is required" in response.get_data(as_text=True)
    assert addenda_texts(dbs, record["visit_id"]) == []


def test_reception_reads_addenda_but_cannot_add_one(app, dbs, record, sign_in):
    reception = sign_in("reception")
    assert reception.post(record["page"] + "/addenda", data={"text": "Hi"}).status_code == 403
    page = reception.get(record["page"])
    assert page.status_code == 200 and 'id="addendum-form"' not in page.get_data(as_text=True)
    assert addenda_texts(dbs, record["visit_id"]) == []


def test_addenda_have_no_route_that_changes_or_deletes_them(app):
    rules = [rule for rule in app.url_map.iter_rules() if "addenda" in rule.rule]
    assert {method for rule in rules for method in rule.methods} <= {"GET", "HEAD", "OPTIONS", "POST"}
    assert {rule.endpoint for rule in rules if "POST" in rule.methods} == {
        "visits.add", "api.add_addendum_to_visit"}


def test_addenda_go_with_their_visit_also_when_sql_deletes_it(app, dbs, record):
    sign_in_as(app, "vet").post(record["page"] + "/addenda", data={"text": "Later note."})
    with dbs() as session:
        session.execute(sa.delete(Visit).where(Visit.id == record["visit_id"]))
        assert session.scalar(sa.select(sa.func.count()).select_from(VisitAddendum)) == 0


def test_a_visit_page_of_another_pet_is_a_404(app, dbs, record, client):
    wrong = f"/owners/{record['owner_id']}/pets/{record['pet_id'] + 999}/visits/{record['visit_id']}"
    assert client.get(wrong).status_code == 404
    assert client.get(wrong + "/edit").status_code == 404


def test_the_admin_sees_the_visits_trail_on_its_page(app, dbs, record, client):
    sign_in_as(app, "vet").post(record["page"] + "/addenda", data={"text": "Later note."})
    page = client.get(record["page"]).get_data(as_text=True)
    assert 'id="audit-trail"' in page and "addendum #" in page


def test_owner_page_statements_do_not_grow_with_visits_and_addenda(app, dbs, record, client,
                                                                   statements):
    with dbs() as session:
        # Neither the admin who reads the page nor a visit's author: no addendum's author is
        # in the page's session already, so a missed load would be a query (raise_on_sql).
        authors = session.scalars(sa.select(User.id).where(User.username.in_(["vet", "vet2"]))).all()

        def owner_with(pets, visits, addenda):
            owner = f.owner(session)
            for p in range(pets):
                pet = f.pet(session, owner, name=f"Pet{p}")
                for v in range(visits):
                    visit = f.visit(session, pet, f.vet(session))
                    session.add_all(VisitAddendum(visit=visit, author_id=authors[a % 2],
                                                  text=f"note {a}") for a in range(addenda))
            session.flush()
            return owner.id

        small, large = owner_with(1, 1, 1), owner_with(4, 3, 3)
        session.commit()
    statements.reset()
    client.get(f"/owners/{small}")
    small_count = statements.count
    statements.reset()
    page = client.get(f"/owners/{large}").get_data(as_text=True)
    assert page.count("Addendum by vet") == 4 * 3 * 3
    # signed-in user, owner with pets, visits (with vets and authors), addenda (with authors),
    # upcoming appointments, the pets' alerts, the latest messages, the admin's audit trail
    assert statements.count == small_count <= 8


def test_the_new_visit_page_lists_earlier_visits_with_their_addenda(app, dbs, record):
    client = sign_in_as(app, "vet")
    client.post(record["page"] + "/addenda", data={"text": "Later note."})
    page = client.get(f"/owners/{record['owner_id']}/pets/{record['pet_id']}/visits/new")
    text = page.get_data(as_text=True)
    assert 'id="previous-visits"' in text and "Addendum by vet" in text and "Later note." in text


def test_deleting_the_pet_takes_its_visits_addenda(app, dbs, record, client):
    sign_in_as(app, "vet").post(record["page"] + "/addenda", data={"text": "Later note."})
    response = client.post(f"/owners/{record['owner_id']}/pets/{record['pet_id']}/delete")
    assert response.status_code == 302
    assert addenda_texts(dbs, record["visit_id"]) == []
    assert trail(dbs, record["visit_id"])[-1][:2] == ("admin", "delete")
