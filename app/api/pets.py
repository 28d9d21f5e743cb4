"""Pets: an owner's pets (add, get, update), and every pet (list, page, get, update, delete)."""

import sqlalchemy as sa
from flask import abort, url_for
from sqlalchemy.orm import joinedload, selectinload

from app.api.auth import requires
from app.api.blueprint import LOCATION, bp
from app.api.owners import OWNER_ID, owner_or_404, page_of
from app.api.schemas import PageQuerySchema, PetFieldsSchema, PetPageSchema, PetSchema
from app.extensions import db
from app.models import Owner, Pet, PetType
from app.pets.services import add_pet, delete_pet, update_pet

WITH_TYPE_AND_VISITS = (joinedload(Pet.type), selectinload(Pet.visits))
PET_ID = "<int:pet_id>"


def pet_or_404(pet_id, owner_id=None, fresh=False):
    """The pet (of that owner, when given) with type and visits; 404 when there is none."""
    query = sa.select(Pet).options(*WITH_TYPE_AND_VISITS).where(Pet.id == pet_id)
    if owner_id is not None:
        query = query.where(Pet.owner_id == owner_id)
    pet = db.session.scalar(query.execution_options(populate_existing=fresh))
    if pet is None:
        whose = f" for owner {owner_id}" if owner_id is not None else ""
        abort(404, description=f"There is no pet with id {pet_id}{whose}.")
    return pet


def pet_arguments(fields):
    """The service's pet arguments from a request; the pet type must exist."""
    type_id = fields["type"]["id"]
    if db.session.get(PetType, type_id) is None:
        abort(400, description=f"type: there is no pet type with id {type_id}.")
    return {"name": fields["name"], "birth_date": fields["birth_date"], "type_id": type_id}


@bp.route(f"/owners/{OWNER_ID}/pets", methods=["POST"], tags=["owners"])
@requires("pets.edit")
@bp.arguments(PetFieldsSchema)
@bp.response(201, PetSchema, headers=LOCATION)
@bp.errors(404, 409)
def add_pet_to_owner(fields, owner_id):
    """Adds a pet to an owner (names are unique per owner, ignoring case: 409 if taken)."""
    db.get_or_404(Owner, owner_id, description=f"There is no owner with id {owner_id}.")
    pet = add_pet(owner_id, **pet_arguments(fields))
    db.session.commit()
    location = url_for("api.get_owners_pet", owner_id=owner_id, pet_id=pet.id)
    return pet_or_404(pet.id, fresh=True), 201, {"Location": location}


@bp.route(f"/owners/{OWNER_ID}/pets/{PET_ID}", methods=["GET"], tags=["owners"])
@requires("owners.view")
@bp.response(200, PetSchema)
@bp.errors(404)
def get_owners_pet(owner_id, pet_id):
    """Gets a pet of an owner."""
    return pet_or_404(pet_id, owner_id)


@bp.route(f"/owners/{OWNER_ID}/pets/{PET_ID}", methods=["PUT"], tags=["owners"])
@requires("pets.edit")
@bp.arguments(PetFieldsSchema)
@bp.response(204)
@bp.errors(404, 409)
def update_owners_pet(fields, owner_id, pet_id):
    """Updates a pet of an owner (204, no body, as the contract says)."""
    pet = pet_or_404(pet_id, owner_id)
    update_pet(pet, **pet_arguments(fields))
    db.session.commit()


@bp.route("/pets", methods=["GET"], tags=["pets"])
@requires("owners.view")
@bp.response(200, PetSchema(many=True))
def list_pets():
    """Lists every pet, with its type and visits."""
    query = sa.select(Pet).options(*WITH_TYPE_AND_VISITS).order_by(Pet.id)
    return db.session.scalars(query).all()


@bp.route("/v2/pets", methods=["GET"], tags=["pet-v2"])
@requires("owners.view")
@bp.arguments(PageQuerySchema, location="query")
@bp.response(200, PetPageSchema)
def list_pets_page(args):
    """Lists pets with pagination (zero-based ?page=, ?size= up to 100)."""
    return page_of(sa.select(Pet).options(*WITH_TYPE_AND_VISITS).order_by(Pet.id), args)


@bp.route(f"/pets/{PET_ID}", methods=["GET"], tags=["pets"])
@requires("owners.view")
@bp.response(200, PetSchema)
@bp.errors(404)
def get_pet(pet_id):
    """Gets a pet by id."""
    return pet_or_404(pet_id)


@bp.route(f"/pets/{PET_ID}", methods=["PUT"], tags=["pets"])
@requires("pets.edit")
@bp.arguments(PetFieldsSchema)
@bp.response(200, PetSchema)
@bp.errors(404, 409)
def update_pet_by_id(fields, pet_id):
    """Updates a pet by id."""
    pet = pet_or_404(pet_id)
    update_pet(pet, **pet_arguments(fields))
    db.session.commit()
    return pet_or_404(pet_id, fresh=True)


@bp.route(f"/pets/{PET_ID}", methods=["DELETE"], tags=["pets"])
@requires("pets.delete")
@bp.response(200, PetSchema)
@bp.errors(404)
def delete_pet_by_id(pet_id):
    """Deletes a pet with its appointments and visits; returns what was deleted."""
    pet = pet_or_404(pet_id)
    delete_pet(pet)
    db.session.commit()
    return pet
