"""Visits (our Visit records): add one to an owner's pet; list, add, get, update, delete."""

import sqlalchemy as sa
from flask import abort, current_app, url_for
from flask_login import current_user

from app.api.blueprint import LOCATION
from app.api.owners import OWNER_ID
from app.api.pets import PET_ID
from app.api.resources import found_or_404, operation, saved
from app.api.schemas import NewVisitSchema, VisitFieldsSchema, VisitSchema
from app.api.streaming import streamed_array
from app.clinic import clinic_today
from app.extensions import db
from app.models import Pet, Visit
from app.visits.services import delete_visit, record_visit, update_visit

VISIT_ID = "<int:visit_id>"
ONE = f"/visits/{VISIT_ID}"


def created(visit):
    """201 with the visit and its Location."""
    return visit, 201, {"Location": url_for("api.get_visit", visit_id=visit.id)}


@operation("POST", f"/owners/{OWNER_ID}/pets/{PET_ID}/visits", "visits.record", tags=["owners"],
           body=VisitFieldsSchema, response=VisitSchema, status=201, headers=LOCATION,
           errors=[404])
def add_visit_to_owner(fields, owner_id, pet_id):
    """Records a visit of an owner's pet (the date defaults to today; never in the future)."""
    found_or_404(Pet, pet_id, owner_id=owner_id)
    visit = record_visit(pet_id, fields.get("date") or clinic_today(), fields["description"])
    db.session.commit()
    return created(visit)


@operation("GET", "/visits", "owners.view", tags=["visits"], response=VisitSchema(many=True))
def list_visits():
    """Lists every visit, newest first (streamed, in constant memory)."""
    # Plain rows: a visit in this list has no relations to load, so the ORM adds nothing.
    columns = [getattr(Visit, name) for name in VisitSchema().fields]
    query = sa.select(*columns).order_by(Visit.date.desc(), Visit.id.desc())
    return streamed_array(query, VisitSchema(), rows=True)


@operation("POST", "/visits", "visits.record", tags=["visits"], body=NewVisitSchema,
           response=VisitSchema, status=201, headers=LOCATION)
def add_visit(fields):
    """Records a visit of the pet named by petId."""
    if db.session.get(Pet, fields["pet_id"]) is None:
        abort(400, description=f"petId: there is no pet with id {fields['pet_id']}.")
    day = fields.get("date") or clinic_today()
    visit = record_visit(fields["pet_id"], day, fields["description"])
    db.session.commit()
    return created(visit)


@operation("GET", ONE, "owners.view", tags=["visits"], response=VisitSchema, errors=[404])
def get_visit(visit_id):
    """Gets a visit by id."""
    return found_or_404(Visit, visit_id)


@operation("PUT", ONE, "visits.record", tags=["visits"], body=VisitFieldsSchema, status=204,
           errors=[404, 409, 412])
def update_visit_by_id(fields, visit_id):
    """Corrects a visit's date (kept when absent) or description: only its author or an
    administrator, and only for VISIT_CORRECTION_HOURS after it was recorded (403 for
    another vet, 409 once it is locked: add an addendum instead). 204, no body."""
    visit = found_or_404(Visit, visit_id)
    editor = current_user if current_app.config["API_AUTH_ENABLED"] else None
    saved(visit, update_visit, fields.get("date") or visit.date, fields["description"],
                 editor=editor)


@operation("DELETE", ONE, "visits.delete", tags=["visits"], status=204, errors=[404])
def delete_visit_by_id(visit_id):
    """Deletes a visit record (204, no body)."""
    saved(found_or_404(Visit, visit_id), delete_visit)
