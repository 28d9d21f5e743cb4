"""A pet's alerts (our addition to the contract): list, add, get, remove."""

import marshmallow as ma
import sqlalchemy as sa
from flask import url_for
from marshmallow import fields, validate

from app.api.blueprint import LOCATION
from app.api.fields import Text
from app.api.pets import PET_ID
from app.api.resources import found_or_404, operation, saved
from app.api.schemas import RequestSchema
from app.extensions import db
from app.models import Pet, PetAlert
from app.models.pet_alert import SEVERITIES, gravest_first
from app.pets.alerts import add_alert, remove_alert
from app.validation import max_length

ALERTS = f"/pets/{PET_ID}/alerts"
ONE = f"{ALERTS}/<int:alert_id>"
SEVERITY_NAMES = [severity.value for severity in SEVERITIES]


class PetAlertFieldsSchema(RequestSchema):
    """An alert to add: what staff must know, and how much it matters."""

    text = Text(required=True, validate=validate.Length(1, max_length(PetAlert.text)))
    severity = fields.String(
        required=True,
        validate=validate.OneOf(SEVERITY_NAMES),
        metadata={"description": "danger, caution or note."},
    )


class PetAlertSchema(ma.Schema):
    """An alert on a pet."""

    id = fields.Integer(required=True)
    pet_id = fields.Integer(data_key="petId", required=True)
    text = fields.String(required=True)
    severity = fields.String(required=True, metadata={"enum": SEVERITY_NAMES})
    created_at = fields.DateTime(data_key="createdAt", required=True)
    created_by = fields.String(data_key="createdBy", required=True)


@operation("GET", ALERTS, "owners.view", tags=["pet-alerts"],
           response=PetAlertSchema(many=True), errors=[404])
def list_pet_alerts(pet_id):
    """Lists a pet's alerts, gravest first."""
    found_or_404(Pet, pet_id)
    query = sa.select(PetAlert).where(PetAlert.pet_id == pet_id).order_by(*gravest_first())
    return db.session.scalars(query).all()


@operation("POST", ALERTS, "pets.edit", tags=["pet-alerts"], body=PetAlertFieldsSchema,
           response=PetAlertSchema, status=201, headers=LOCATION, errors=[404, 409])
def add_pet_alert(fields, pet_id):
    """Adds an alert to a pet (a pet has at most MAX_ALERTS, 10: a 409 past that)."""
    found_or_404(Pet, pet_id)
    alert = add_alert(pet_id, fields["text"], fields["severity"])
    db.session.commit()
    location = url_for("api.get_pet_alert", pet_id=pet_id, alert_id=alert.id)
    return alert, 201, {"Location": location}


@operation("GET", ONE, "owners.view", tags=["pet-alerts"], response=PetAlertSchema,
           errors=[404])
def get_pet_alert(pet_id, alert_id):
    """Gets one of a pet's alerts."""
    return found_or_404(PetAlert, alert_id, pet_id=pet_id)


@operation("DELETE", ONE, "pets.edit", tags=["pet-alerts"], response=PetAlertSchema,
           errors=[404])
def remove_pet_alert(pet_id, alert_id):
    """Removes one of a pet's alerts; returns what was removed."""
    return saved(found_or_404(PetAlert, alert_id, pet_id=pet_id), remove_alert)
