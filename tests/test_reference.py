"""The pet types and specialties page: adding names, refusals shown next to the field."""

import sqlalchemy as sa

from app.models import PetType


def add_pet_type(client, name):
    """Submit the page's pet type form; the response."""
    data = {"pettype-kind": "pettype", "pettype-name": name, "pettype-submit": "Add"}
    return client.post("/reference", data=data, follow_redirects=True)


def pet_type_names(dbs):
    """Every pet type's name."""
    with dbs() as session:
        return set(session.scalars(sa.select(PetType.name)))


def test_a_pet_type_is_added_in_lower_case(client, dbs):
    response = add_pet_type(client, "  Guinea   Pig ")
    assert response.status_code == 200 and "Pet type &#39;guinea pig&#39; added." in response.text
    assert "guinea pig" in pet_type_names(dbs)


def test_a_duplicate_pet_type_is_refused_next_to_the_field(client, dbs):
    add_pet_type(client, "ferret")
    response = add_pet_type(client, "FERRET")
    assert response.status_code == 200 and "exists already" in response.text


def test_a_name_too_long_once_lower_cased_is_refused_next_to_the_field(client, dbs):
    # 80 characters pass the form, but "İ" lower-cases to two: this was a 500.
    response = add_pet_type(client, "İ" * 80)
    assert response.status_code == 200 and "A name needs 1 to 80 characters." in response.text
    assert not any(name.startswith("i") for name in pet_type_names(dbs))
