"""`flask seed spring`: Spring PetClinic's sample data with Spring's ids, into a new database."""

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app import create_app
from app.extensions import db
from app.models import Owner, Pet, PetType, Specialty, Vet, Visit
from tests import factories


@pytest.fixture
def new_app(empty_database_url):
    """An app on a database of its own, with the schema and nothing in it."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database_url, "SECRET_KEY": "x",
                      "TESTING": True})
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.engine.dispose()


def test_spring_data_comes_with_springs_ids(new_app):
    result = new_app.test_cli_runner().invoke(args=["seed", "spring"])
    assert result.exit_code == 0, result.output
    assert "6 pet types, 3 specialties, 6 vets, 10 owners, 13 pets, 4 visits" in result.output
    with new_app.app_context():
        session = db.session
        assert session.execute(sa.select(PetType.id, PetType.name).order_by(PetType.id)).all() == [
            (1, "cat"), (2, "dog"), (3, "lizard"), (4, "snake"), (5, "bird"), (6, "hamster")]
        assert session.get(Specialty, 3).name == "dentistry"
        douglas = session.get(Vet, 3, options=[selectinload(Vet.specialties)])
        assert (douglas.last_name, sorted(s.name for s in douglas.specialties)) == (
            "Douglas", ["dentistry", "surgery"])
        george = session.get(Owner, 1)
        assert (george.first_name, george.last_name, george.telephone) == (
            "George", "Franklin", "+16085551023")
        sly = session.get(Pet, 13)
        assert (sly.name, sly.owner_id, sly.type_id) == ("Sly", 10, 1)
        assert session.scalar(sa.select(sa.func.count(Visit.id)).where(Visit.pet_id == 8)) == 2


def test_spring_data_is_refused_when_the_clinic_has_data_and_nothing_is_added(app, runner, dbs):
    with dbs() as session:
        factories.owner(session)
        session.commit()
    result = runner.invoke(args=["seed", "spring"])
    assert result.exit_code == 1
    assert "Nothing was added" in result.output
    with dbs() as session:
        assert session.scalar(sa.select(sa.func.count(PetType.id))) == 0
        assert session.scalar(sa.select(sa.func.count(Owner.id))) == 1


def test_spring_data_twice_is_refused(new_app):
    runner = new_app.test_cli_runner()
    assert runner.invoke(args=["seed", "spring"]).exit_code == 0
    again = runner.invoke(args=["seed", "spring"])
    assert again.exit_code == 1 and "already has pet types" in again.output
