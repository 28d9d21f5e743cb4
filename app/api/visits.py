"""Visits (our Visit records): add one to an owner's pet; list, add, get, update, delete."""

import sqlalchemy as sa
from flask import abort, url_for

from app.api.auth import requires
from app.api.blueprint import LOCATION, bp
from app.api.owners import OWNER_ID
from app.api.pets import PET_ID
from app.api.schemas import NewVisitSchema, VisitFieldsSchema, VisitSchema
from app.appointments.services import (
    delete_visit,
    pet_with_owner,
    record_visit,
    update_visit,
)
from app.clinic import clinic_today
from app.extensions import db
from app.models import Pet, Visit

VISIT_ID = "<int:visit_id>"


def visit_or_404(visit_id):
    """The visit; 404 when there is none."""
    return db.get_or_404(Visit, visit_id, description=f"There is no visit with id {visit_id}.")


def created(visit):
    """201 with the visit and its Location."""
    return visit, 201, {"Location": url_for("api.get_visit", visit_id=visit.id)}


@bp.route(f"/owners/{OWNER_ID}/pets/{PET_ID}/visits", methods=["POST"], tags=["owners"])
@requires("visits.record")
@bp.arguments(VisitFieldsSchema)
@bp.response(201, VisitSchema, headers=LOCATION)
@bp.errors(404)
def add_visit_to_owner(fields, owner_id, pet_id):
    """Records a visit of an owner's pet (the date defaults to today; never in the future)."""
    if pet_with_owner(owner_id, pet_id) is None:
        abort(404, description=f"There is no pet with id {pet_id} for owner {owner_id}.")
    visit = record_visit(pet_id, fields.get("date") or clinic_today(), fields["description"])
    db.session.commit()
    return created(visit)


@bp.route("/visits", methods=["GET"], tags=["visits"])
@requires("owners.view")
@bp.response(200, VisitSchema(many=True))
def list_visits():
    """Lists every visit, newest first."""
    return db.session.scalars(sa.select(Visit).order_by(Visit.date.desc(), Visit.id.desc())).all()


@bp.route("/visits", methods=["POST"], tags=["visits"])
@requires("visits.record")
@bp.arguments(NewVisitSchema)
@bp.response(201, VisitSchema, headers=LOCATION)
def add_visit(fields):
    """Records a visit of the pet named by petId."""
    if db.session.get(Pet, fields["pet_id"]) is None:
        abort(400, description=f"petId: there is no pet with id {fields['pet_id']}.")
    day = fields.get("date") or clinic_today()
    visit = record_visit(fields["pet_id"], day, fields["description"])
    db.session.commit()
    return created(visit)


@bp.route(f"/visits/{VISIT_ID}", methods=["GET"], tags=["visits"])
@requires("owners.view")
@bp.response(200, VisitSchema)
@bp.errors(404)
def get_visit(visit_id):
    """Gets a visit by id."""
    return visit_or_404(visit_id)


@bp.route(f"/visits/{VISIT_ID}", methods=["PUT"], tags=["visits"])
@requires("visits.record")
@bp.arguments(VisitFieldsSchema)
@bp.response(200, VisitSchema)
@bp.errors(404)
def update_visit_by_id(fields, visit_id):
    """Corrects a visit's date (kept when absent) or description."""
    visit = visit_or_404(visit_id)
    update_visit(visit, fields.get("date") or visit.date, fields["description"])
    db.session.commit()
    return visit


@bp.route(f"/visits/{VISIT_ID}", methods=["DELETE"], tags=["visits"])
@requires("visits.delete")
@bp.response(200, VisitSchema)
@bp.errors(404)
def delete_visit_by_id(visit_id):
    """Deletes a visit record; returns what was deleted."""
    visit = visit_or_404(visit_id)
    delete_visit(visit)
    db.session.commit()
    return visit
