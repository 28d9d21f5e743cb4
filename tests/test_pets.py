"""Pet pages: add, edit, delete under their owner, with the unique-name rule."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Appointment, Pet, Visit
from tests import factories as f
from tests.concurrency import post_at_once
from tests.staff import signed_in


@pytest.fixture
def family(dbs):
    """An owner with a cat called Leo, another owner with a dog; ids and the cat type id."""
    with dbs() as session:
        owner = f.owner(session)
        leo = f.pet(session, owner, name="Leo", kind="cat")
        other = f.owner(session, last_name="Davis")
        rex = f.pet(session, other, name="Rex", kind="dog")
        session.commit()
        return {"owner": owner.id, "leo": leo.id, "other": other.id, "rex": rex.id,
                "cat": leo.type_id, "dog": rex.type_id}


def pet_data(family, **changes):
    """A valid pet form submission."""
    return {"name": "Max", "birth_date": "2021-05-01", "type_id": family["cat"],
            "sex": "unknown"} | changes


def pet_names(dbs, owner_id):
    """The owner's pet names."""
    with dbs() as session:
        return sorted(session.scalars(sa.select(Pet.name).where(Pet.owner_id == owner_id)))


def test_adding_a_pet(client, dbs, family):
    response = client.post(f"/owners/{family['owner']}/pets/new", data=pet_data(family),
                           follow_redirects=True)
    assert "Pet Max added." in response.get_data(as_text=True)
    assert pet_names(dbs, family["owner"]) == ["Leo", "Max"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": "LEO"}, "already has a pet named"),
        ({"name": ""}, "This field is required."),
        ({"name": "n" * 31}, "Field cannot be longer than 30 characters."),
        ({"birth_date": ""}, "Enter a date."),
        ({"birth_date": "31/12/2020"}, "Not a valid date value."),
        ({"birth_date": "1850-01-01"}, "more than 150 years ago"),
        ({"type_id": "999999"}, "Not a valid choice."),
        ({"type_id": "cat"}, "Invalid Choice"),
    ],
)
def test_an_invalid_pet_is_refused_next_to_its_field(client, dbs, family, changes, message):
    response = client.post(f"/owners/{family['owner']}/pets/new", data=pet_data(family, **changes))
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert pet_names(dbs, family["owner"]) == ["Leo"]


def test_a_birth_date_in_the_future_is_refused(client, dbs, family, today):
    tomorrow = (today + timedelta(days=1)).isoformat()
    response = client.post(f"/owners/{family['owner']}/pets/new",
                           data=pet_data(family, birth_date=tomorrow))
    assert "cannot be in the future" in response.get_data(as_text=True)
    assert pet_names(dbs, family["owner"]) == ["Leo"]


def test_another_owner_may_use_the_same_name(client, dbs, family):
    client.post(f"/owners/{family['other']}/pets/new", data=pet_data(family, name="leo"))
    assert pet_names(dbs, family["other"]) == ["Rex", "leo"]


def test_editing_a_pet(client, dbs, family):
    url = f"/owners/{family['owner']}/pets/{family['leo']}/edit"
    assert 'value="Leo"' in client.get(url).get_data(as_text=True)
    response = client.post(url, data=pet_data(family, name="LEO the Great", type_id=family["dog"]),
                           follow_redirects=True)
    assert "Pet LEO the Great updated." in response.get_data(as_text=True)
    with dbs() as session:
        assert session.get(Pet, family["leo"]).type_id == family["dog"]


def test_a_pet_may_change_the_case_of_its_own_name(client, dbs, family):
    url = f"/owners/{family['owner']}/pets/{family['leo']}/edit"
    client.post(url, data=pet_data(family, name="LEO"))
    assert pet_names(dbs, family["owner"]) == ["LEO"]


def test_renaming_a_pet_to_a_sibling_name_is_refused(client, dbs, family):
    client.post(f"/owners/{family['owner']}/pets/new", data=pet_data(family, name="Max"))
    url = f"/owners/{family['owner']}/pets/{family['leo']}/edit"
    response = client.post(url, data=pet_data(family, name="max"))
    assert "already has a pet named" in response.get_data(as_text=True)
    assert pet_names(dbs, family["owner"]) == ["Leo", "Max"]


def test_a_pet_of_another_owner_is_a_404(client, family):
    assert client.get(f"/owners/{family['owner']}/pets/{family['rex']}/edit").status_code == 404
    assert client.post(f"/owners/{family['owner']}/pets/{family['rex']}/delete").status_code == 404
    assert client.get(f"/owners/999999/pets/new").status_code == 404


def test_deleting_a_pet_removes_its_appointments_and_visits(client, dbs, family):
    with dbs() as session:
        vet = f.vet(session)
        leo = session.get(Pet, family["leo"])
        f.appointment(session, leo, vet)
        f.visit(session, leo, vet)
        session.commit()
    response = client.post(f"/owners/{family['owner']}/pets/{family['leo']}/delete",
                           follow_redirects=True)
    assert "Pet Leo and its records were deleted." in response.get_data(as_text=True)
    with dbs() as session:
        assert session.scalar(sa.select(sa.func.count(Appointment.id))) == 0
        assert session.scalar(sa.select(sa.func.count(Visit.id))) == 0
    assert pet_names(dbs, family["owner"]) == []


@pytest.mark.committing
def test_two_requests_racing_for_one_pet_name_leave_one_pet_and_no_error(committing):
    app = committing
    with app.app_context():
        owner = f.owner(db.session)
        cat = f.pet_type(db.session, "cat")
        db.session.commit()
        owner_id, cat_id = owner.id, cat.id
        db.session.remove()

    statuses = post_at_once([
        (signed_in(app, "reception"), f"/owners/{owner_id}/pets/new",
         {"name": name, "birth_date": "2021-05-01", "type_id": cat_id, "sex": "unknown"})
        for name in ("Leo", "LEO", "leo", "Leo")
    ])

    assert sorted(code for code, _ in statuses) == [200, 200, 200, 302]
    assert all("already has a pet named" in body for code, body in statuses if code == 200)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Pet.id))) == 1
        db.session.remove()
