"""Pets: an owner's pets (add, get, update), and every pet (list, page, get, update, delete)."""

import sqlalchemy as sa
from flask import abort, url_for
from sqlalchemy.orm import joinedload, selectinload

from app.api.blueprint import LOCATION
from app.api.owners import OWNER_ID, page_of
from app.api.resources import found_or_404, operation, saved
from app.api.schemas import PageQuerySchema, PetFieldsSchema, PetPageSchema, PetSchema
from app.api.streaming import streamed_array
from app.extensions import db
from app.models import Owner, Pet, PetType
from app.pets.profile import PROFILE_FIELDS
from app.pets.services import add_pet, delete_pet, update_pet

WITH_TYPE_AND_VISITS = (joinedload(Pet.type), selectinload(Pet.visits))
PET_ID = "<int:pet_id>"
OWNERS_PETS = f"/owners/{OWNER_ID}/pets"
ONE = f"/pets/{PET_ID}"


def pet_or_404(pet_id, owner_id=None, fresh=False):
    """The pet (of that owner, when given) with type and visits; 404 when there is none."""
    return found_or_404(Pet, pet_id, *WITH_TYPE_AND_VISITS, fresh=fresh, owner_id=owner_id)


def pet_arguments(fields):
    """The service's pet arguments from a request; the pet type must exist.

    Profile fields the request leaves out are left out here too: the service keeps them.
    """
    type_id = fields["type"]["id"]
    if db.session.get(PetType, type_id) is None:
        abort(400, description=f"type: there is no pet type with id {type_id}.")
    profile = {field: fields[field] for field in PROFILE_FIELDS if field in fields}
    return {"name": fields["name"], "birth_date": fields["birth_date"], "type_id": type_id,
            **profile}


@operation("POST", OWNERS_PETS, "pets.edit", tags=["owners"], body=PetFieldsSchema,
           response=PetSchema, status=201, headers=LOCATION, errors=[404, 409])
def add_pet_to_owner(fields, owner_id):
    """Adds a pet to an owner (names are unique per owner, ignoring case: 409 if taken)."""
    found_or_404(Owner, owner_id)
    pet = add_pet(owner_id, **pet_arguments(fields))
    db.session.commit()
    location = url_for("api.get_pet", pet_id=pet.id)  # where the Spring implementation points
    return pet_or_404(pet.id, fresh=True), 201, {"Location": location}


@operation("GET", f"{OWNERS_PETS}/{PET_ID}", "owners.view", tags=["owners"], response=PetSchema,
           errors=[404])
def get_owners_pet(owner_id, pet_id):
    """Gets a pet of an owner."""
    return pet_or_404(pet_id, owner_id)


@operation("PUT", f"{OWNERS_PETS}/{PET_ID}", "pets.edit", tags=["owners"], body=PetFieldsSchema,
           status=204, errors=[404, 409])
def update_owners_pet(fields, owner_id, pet_id):
    """Updates a pet of an owner (204, no body)."""
    saved(pet_or_404(pet_id, owner_id), update_pet, **pet_arguments(fields))


@operation("GET", "/pets", "owners.view", tags=["pets"], response=PetSchema(many=True))
def list_pets():
    """Lists every pet, with its type and visits (streamed, in constant memory)."""
    query = sa.select(Pet).options(*WITH_TYPE_AND_VISITS).order_by(Pet.id)
    return streamed_array(query, PetSchema())


@operation("GET", "/v2/pets", "owners.view", tags=["pet-v2"], query=PageQuerySchema,
           response=PetPageSchema)
def list_pets_page(args):
    """Lists pets with pagination (zero-based ?page=, ?size= up to 100)."""
    return page_of(sa.select(Pet).options(*WITH_TYPE_AND_VISITS).order_by(Pet.id), args)


@operation("GET", ONE, "owners.view", tags=["pets"], response=PetSchema, errors=[404])
def get_pet(pet_id):
    """Gets a pet by id."""
    return pet_or_404(pet_id)


@operation("PUT", ONE, "pets.edit", tags=["pets"], body=PetFieldsSchema, status=204,
           errors=[404, 409])
def update_pet_by_id(fields, pet_id):
    """Updates a pet by id (204, no body)."""
    saved(pet_or_404(pet_id), update_pet, **pet_arguments(fields))


@operation("DELETE", ONE, "pets.delete", tags=["pets"], status=204, errors=[404])
def delete_pet_by_id(pet_id):
    """Deletes a pet with its appointments and visits (204, no body)."""
    saved(pet_or_404(pet_id), delete_pet)
