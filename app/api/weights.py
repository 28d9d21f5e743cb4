"""A pet's weights (an addition outside the Spring contract): list, record, get one.

Kilograms travel as JSON strings, "12.35", both ways: a JSON number is a binary float to
most clients (and to Python's json), so 12.35 sent as a number may already be rounded
before anyone reads it. A string is read as the Decimal it spells, exactly.
"""

import re

import marshmallow as ma
import sqlalchemy as sa
from flask import abort, url_for
from marshmallow import fields

from app.api.blueprint import LOCATION
from app.api.fields import raise_problem
from app.api.pets import PET_ID
from app.api.resources import operation
from app.api.schemas import RequestSchema
from app.clinic import clinic_today
from app.extensions import db
from app.models import Pet
from app.weights.kilograms import KilogramsRefused, parse_kilograms
from app.weights.services import record_weight, weight_entries, weights_of

KILOGRAMS_PATTERN = r"^[0-9]{1,4}(\.[0-9]{1,2})?$"
WEIGHTS = f"/pets/{PET_ID}/weights"


class KilogramsText(fields.String):
    """Kilograms as a decimal string of at most two places ("12.35"), read as an exact Decimal."""

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else str(value)

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str):
            raise ma.ValidationError('Send kilograms as a string, e.g. "12.35" (a JSON number '
                                     "may be rounded on its way).")
        if not re.fullmatch(KILOGRAMS_PATTERN, value):
            raise ma.ValidationError('Kilograms are digits with at most two decimals after a '
                                     'point, e.g. "4.5" or "12.35".')
        try:
            return parse_kilograms(value)
        except KilogramsRefused as refusal:
            raise ma.ValidationError(str(refusal)) from None


def weighed_on_rule(day):
    """A weight is taken on a day that has come."""
    raise_problem("A weight cannot be recorded for a day still to come." if day > clinic_today()
                  else None)


KILOGRAMS_DOC = {"description": "Kilograms, more than 0 and at most 9999.99, as a string "
                 "(exact; a JSON number is refused).", "pattern": KILOGRAMS_PATTERN,
                 "example": "12.35"}


class WeightFieldsSchema(RequestSchema):
    """A weight to record."""

    kilograms = KilogramsText(required=True, metadata=KILOGRAMS_DOC)
    recorded_on = fields.Date(data_key="recordedOn", validate=weighed_on_rule,
                              metadata={"description": "The day weighed; default today."})


class WeightSchema(ma.Schema):
    """A pet's weight, with its change since the previous one (by date)."""

    id = fields.Integer(required=True, attribute="weight.id")
    pet_id = fields.Integer(data_key="petId", required=True, attribute="weight.pet_id")
    kilograms = KilogramsText(required=True, attribute="weight.kilograms", metadata=KILOGRAMS_DOC)
    recorded_on = fields.Date(data_key="recordedOn", required=True, attribute="weight.recorded_on")
    visit_id = fields.Integer(data_key="visitId", allow_none=True, attribute="weight.visit_id")
    appointment_id = fields.Integer(data_key="appointmentId", allow_none=True,
                                    attribute="weight.appointment_id")
    change_percent = fields.String(
        data_key="changePercent", allow_none=True, attribute="change_percent",
        metadata={"description": "Signed percent since the previous weight (\"+12.5\"); "
                  "null for the first.", "example": "+12.5"},
    )
    flagged = fields.Boolean(
        required=True,
        metadata={"description": "The change since the previous weight is more than 10 %."},
    )


def pet_id_or_404(pet_id):
    """404 unless the pet exists."""
    if db.session.scalar(sa.select(Pet.id).where(Pet.id == pet_id)) is None:
        abort(404, description=f"There is no pet with id {pet_id}.")


def entry_or_404(pet_id, weight_id):
    """The weight's entry in its pet's history (for its change); 404 if there is none."""
    for entry in weight_entries(weights_of(pet_id)):
        if entry.weight.id == weight_id:
            return entry
    abort(404, description=f"There is no weight with id {weight_id} for pet {pet_id}.")


@operation("GET", WEIGHTS, "owners.view", tags=["weights"], response=WeightSchema(many=True),
           errors=[404])
def list_weights(pet_id):
    """Lists a pet's weights, oldest first, each flagged when it changed more than 10 %."""
    pet_id_or_404(pet_id)
    return weight_entries(weights_of(pet_id))


@operation("POST", WEIGHTS, "pets.edit", tags=["weights"], body=WeightFieldsSchema,
           response=WeightSchema, status=201, headers=LOCATION, errors=[404])
def add_weight(fields, pet_id):
    """Records a weight of a pet (kilograms as a string; the day defaults to today)."""
    pet_id_or_404(pet_id)
    weight = record_weight(pet_id, fields["kilograms"], fields.get("recorded_on") or clinic_today())
    db.session.commit()
    location = url_for("api.get_weight", pet_id=pet_id, weight_id=weight.id)
    return entry_or_404(pet_id, weight.id), 201, {"Location": location}


@operation("GET", f"{WEIGHTS}/<int:weight_id>", "owners.view", tags=["weights"],
           response=WeightSchema, errors=[404])
def get_weight(pet_id, weight_id):
    """Gets one weight of a pet, with its change since the previous one."""
    pet_id_or_404(pet_id)
    return entry_or_404(pet_id, weight_id)
