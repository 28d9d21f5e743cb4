"""Vet pages: list (HTML and JSON), a vet's week, add, edit, deactivate, delete."""

from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from app.models import Vet
from tests import factories as f


def add_vets(dbs, count, prefix="Vet"):
    """``count`` vets, each with two specialties; their ids."""
    with dbs() as session:
        vets = [f.vet(session, last_name=f"{prefix}{i:03d}", specialties=["surgery", "radiology"])
                for i in range(count)]
        session.commit()
        return [vet.id for vet in vets]


def test_vets_list_shows_specialties_and_inactive_vets(client, dbs):
    with dbs() as session:
        f.vet(session, last_name="Douglas", specialties=["surgery", "dentistry"])
        f.vet(session, last_name="Gone", active=False)
        session.commit()
    page = client.get("/vets").get_data(as_text=True)
    assert "James Douglas" in page and "dentistry, surgery" in page
    assert "inactive" in page


def test_vets_list_as_json(client, dbs):
    add_vets(dbs, 2)
    body = client.get("/vets", headers={"Accept": "application/json"}).get_json()
    ours = [v for v in body["vetList"] if v["lastName"].startswith("Vet")]
    assert [v["lastName"] for v in ours] == ["Vet000", "Vet001"]
    assert ours[0]["specialties"][0]["name"] == "radiology"
    assert ours[0]["nrOfSpecialties"] == 2


def test_vets_list_statements_do_not_grow_with_vets(client, dbs, statements, app):
    add_vets(dbs, 2)
    statements.reset()
    client.get("/vets")
    few = statements.count
    add_vets(dbs, app.config["PAGE_SIZE"] * 2, prefix="More")
    statements.reset()
    page = client.get("/vets?page=2").get_data(as_text=True)
    assert "page-item active" in page
    assert statements.count == few <= 4  # signed-in user, count, vets, specialties


def test_a_vets_week_moves_with_the_week_parameter(client, dbs, today):
    monday = today - timedelta(days=today.weekday()) + timedelta(days=7)
    with dbs() as session:
        vet = f.vet(session)
        pet = f.pet(session, f.owner(session))
        f.appointment(session, pet, vet, starts_at=datetime.combine(monday, datetime.min.time()).replace(hour=9),
                      reason="next-week visit")
        session.commit()
    this_week = client.get(f"/vets/{vet.id}").get_data(as_text=True)
    assert "next-week visit" not in this_week
    next_week = client.get(f"/vets/{vet.id}?week={(monday + timedelta(days=3)).isoformat()}")
    assert "next-week visit" in next_week.get_data(as_text=True)


@pytest.mark.parametrize("week", ["0001-01-01", "0001-01-07", "9999-12-27", "9999-12-31"])
def test_a_week_at_the_ends_of_the_calendar_shows_this_week(client, dbs, today, week):
    with dbs() as session:
        vet = f.vet(session)
        session.commit()
    response = client.get(f"/vets/{vet.id}?week={week}")  # its neighbours do not exist: was a 500
    monday = today - timedelta(days=today.weekday())
    assert response.status_code == 200
    assert f"Week of {monday:%d %b %Y}" in response.get_data(as_text=True)


def test_a_vets_schedule_statements_do_not_grow_with_appointments(client, dbs, statements, today):
    monday = today - timedelta(days=today.weekday()) + timedelta(days=7)
    with dbs() as session:
        vet = f.vet(session, specialties=["surgery"])
        owner = f.owner(session)
        first = f.pet(session, owner, name="First")
        f.appointment(session, first, vet, starts_at=datetime.combine(monday, datetime.min.time()).replace(hour=8))
        session.commit()
    url = f"/vets/{vet.id}?week={monday.isoformat()}"
    statements.reset()
    client.get(url)
    few = statements.count
    with dbs() as session:
        for day in range(5):
            pet = f.pet(session, session.merge(owner), name=f"Pet{day}")
            for hour in range(9, 14):
                start = datetime.combine(monday + timedelta(days=day), datetime.min.time()).replace(hour=hour)
                f.appointment(session, pet, session.merge(vet), starts_at=start)
        session.commit()
    statements.reset()
    assert client.get(url).get_data(as_text=True).count("Pet4") == 5
    # signed-in user, vet, specialties, rota, absences, appointments, their pets' alerts
    assert statements.count == few <= 7


def test_adding_a_vet_with_specialties(client, dbs):
    with dbs() as session:
        surgery = f.specialty(session, "surgery").id
        session.commit()
    data = {"first_name": "Rafael", "last_name": "Ortega", "specialty_ids": [surgery], "active": "y"}
    response = client.post("/vets/new", data=data, follow_redirects=True)
    assert "Vet Rafael Ortega added." in response.get_data(as_text=True)
    assert "surgery" in response.get_data(as_text=True)


def test_a_vet_without_a_name_is_refused(client, dbs):
    response = client.post("/vets/new", data={"first_name": "", "last_name": "Ortega"})
    assert "This field is required." in response.get_data(as_text=True)
    with dbs() as session:
        assert session.scalar(sa.select(sa.func.count(Vet.id)).where(Vet.last_name == "Ortega")) == 0


def test_editing_a_vet_changes_specialties_and_can_deactivate(client, dbs):
    (vet_id,) = add_vets(dbs, 1)
    form = client.get(f"/vets/{vet_id}/edit").get_data(as_text=True)
    assert "selected" in form  # current specialties are preselected
    with dbs() as session:
        dentistry = f.specialty(session, "dentistry").id
        session.commit()
    client.post(f"/vets/{vet_id}/edit",
                data={"first_name": "James", "last_name": "Carter", "specialty_ids": [dentistry]})
    with dbs() as session:
        vet = session.scalar(sa.select(Vet).where(Vet.id == vet_id).options(
            sa.orm.selectinload(Vet.specialties)))
        assert [s.name for s in vet.specialties] == ["dentistry"]
        assert vet.active is False  # unticked checkbox


def test_a_vet_with_appointments_is_not_deleted_but_can_be_deactivated(client, dbs):
    with dbs() as session:
        vet = f.vet(session)
        f.appointment(session, f.pet(session, f.owner(session)), vet)
        session.commit()
    response = client.post(f"/vets/{vet.id}/delete", follow_redirects=True)
    assert "deactivate instead" in response.get_data(as_text=True)
    with dbs() as session:
        assert session.get(Vet, vet.id) is not None


def test_a_vet_without_records_can_be_deleted(client, dbs):
    (vet_id,) = add_vets(dbs, 1)
    response = client.post(f"/vets/{vet_id}/delete", follow_redirects=True)
    assert "deleted" in response.get_data(as_text=True)
    with dbs() as session:
        assert session.get(Vet, vet_id) is None


def test_missing_vets_are_404(client):
    for url in ("/vets/999999", "/vets/999999/edit"):
        assert client.get(url).status_code == 404
    assert client.post("/vets/999999/delete").status_code == 404
