"""Owners: list (by last name), a page of them, add, get, update, delete."""

import math

from flask import url_for
from sqlalchemy.orm import joinedload, selectinload

from app.api.blueprint import LOCATION
from app.api.resources import found_or_404, operation, saved
from app.api.schemas import (
    OwnerFieldsSchema,
    OwnerPageQuerySchema,
    OwnerPageSchema,
    OwnerSchema,
    OwnerSearchSchema,
)
from app.api.streaming import streamed_array
from app.extensions import db
from app.models import Owner, Pet
from app.owners.services import delete_owner, register_owner, search_owners, update_owner

# What an owner is shown with: pets, their types and visits, in two statements whatever the
# number of owners (one selectin for pets joined to their types, one for visits).
WITH_PETS = selectinload(Owner.pets).options(joinedload(Pet.type), selectinload(Pet.visits))
OWNER_ID = "<int:owner_id>"
ONE = f"/owners/{OWNER_ID}"


def owner_or_404(owner_id, fresh=False):
    """The owner with pets and visits loaded; 404 when there is none."""
    return found_or_404(Owner, owner_id, WITH_PETS, fresh=fresh)


def owner_details(fields, owner=None):
    """The service's owner details from a request; an absent e-mail keeps the stored one."""
    details = dict(fields)
    details.setdefault("email", owner.email if owner is not None else None)
    return details


def page_of(query, args):
    """A zero-based page of a select, as the contract's page object."""
    page = db.paginate(query, page=args["page"] + 1, per_page=args["size"], error_out=False)
    return {
        "content": page.items,
        "page": args["page"],
        "size": args["size"],
        "total_elements": page.total,
        "total_pages": math.ceil(page.total / args["size"]),
    }


@operation("GET", "/owners", "owners.view", tags=["owners"], query=OwnerSearchSchema,
           response=OwnerSchema(many=True))
def list_owners(args):
    """Lists pet owners.

    Owners whose last name starts with ?lastName= (ignoring case), all of them when it is
    absent, with pets and visits. No match is an empty list (200). Streamed: the answer
    starts at once and takes the same memory for any number of owners.
    """
    return streamed_array(search_owners(args["last_name"]).options(WITH_PETS), OwnerSchema())


@operation("GET", "/v2/owners", "owners.view", tags=["owner-v2"], query=OwnerPageQuerySchema,
           response=OwnerPageSchema)
def list_owners_page(args):
    """Lists pet owners with pagination (zero-based ?page=, ?size= up to 100)."""
    return page_of(search_owners(args["last_name"]).options(WITH_PETS), args)


@operation("POST", "/owners", "owners.edit", tags=["owners"], body=OwnerFieldsSchema,
           response=OwnerSchema, status=201, headers=LOCATION)
def add_owner(fields):
    """Adds a pet owner."""
    owner, _, _ = register_owner(owner_details(fields))
    db.session.commit()
    location = url_for("api.get_owner", owner_id=owner.id)
    return owner_or_404(owner.id, fresh=True), 201, {"Location": location}


@operation("GET", ONE, "owners.view", tags=["owners"], response=OwnerSchema, errors=[404])
def get_owner(owner_id):
    """Gets a pet owner by id, with pets and visits."""
    return owner_or_404(owner_id)


@operation("PUT", ONE, "owners.edit", tags=["owners"], body=OwnerFieldsSchema, status=204,
           errors=[404])
def update_owner_details(fields, owner_id):
    """Updates a pet owner's details (204, no body, as the Spring implementation answers)."""
    owner = owner_or_404(owner_id)
    saved(owner, update_owner, owner_details(fields, owner))


@operation("DELETE", ONE, "owners.delete", tags=["owners"], status=204, errors=[404])
def delete_owner_by_id(owner_id):
    """Deletes an owner with their pets, appointments and visits (204, no body)."""
    saved(owner_or_404(owner_id), delete_owner)
