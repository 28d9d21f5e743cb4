"""Vets with their specialties: list, add, get, update, delete (administrators change them)."""

from flask import abort, url_for
from sqlalchemy.orm import selectinload

from app.api.blueprint import LOCATION
from app.api.resources import found_or_404, operation, saved
from app.api.schemas import VetFieldsSchema, VetSchema
from app.extensions import db
from app.models import Vet
from app.vets.services import (
    create_vet,
    delete_vet,
    specialties_by_names,
    update_vet,
    vets_query,
)

VET_ID = "<int:vet_id>"
ONE = f"/vets/{VET_ID}"


def vet_or_404(vet_id, fresh=False):
    """The vet with specialties; 404 when there is none."""
    return found_or_404(Vet, vet_id, selectinload(Vet.specialties), fresh=fresh)


def vet_arguments(fields):
    """The service's vet arguments from a request: specialties are named, the service wants ids."""
    try:
        specialties = specialties_by_names(s["name"] for s in fields["specialties"])
    except ValueError as unknown:
        abort(400, description=f"specialties: {unknown}")
    return {
        "first_name": fields["first_name"],
        "last_name": fields["last_name"],
        "specialty_ids": [s.id for s in specialties],
        "active": fields["active"],
    }


@operation("GET", "/vets", "vets.view", tags=["vets"], response=VetSchema(many=True))
def list_vets():
    """Lists vets with their specialties (those who no longer take bookings too: active=false)."""
    return db.session.scalars(vets_query()).all()


@operation("POST", "/vets", "vets.manage", tags=["vets"], body=VetFieldsSchema,
           response=VetSchema, status=201, headers=LOCATION)
def add_vet(fields):
    """Adds a vet; specialties are named (an unknown one is a 400)."""
    vet = create_vet(**vet_arguments(fields))
    db.session.commit()
    return vet_or_404(vet.id, fresh=True), 201, {"Location": url_for("api.get_vet", vet_id=vet.id)}


@operation("GET", ONE, "vets.view", tags=["vets"], response=VetSchema, errors=[404])
def get_vet(vet_id):
    """Gets a vet by id."""
    return vet_or_404(vet_id)


@operation("PUT", ONE, "vets.manage", tags=["vets"], body=VetFieldsSchema, status=204,
           errors=[404])
def update_vet_by_id(fields, vet_id):
    """Updates a vet's names, specialties and whether they take bookings (204, no body)."""
    saved(vet_or_404(vet_id), update_vet, **vet_arguments(fields))


@operation("DELETE", ONE, "vets.manage", tags=["vets"], status=204, errors=[404, 409])
def delete_vet_by_id(vet_id):
    """Deletes a vet (204); one with appointments or visits is 409 (set active=false instead)."""
    saved(vet_or_404(vet_id), delete_vet)
