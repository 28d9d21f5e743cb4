"""A pet's profile in the API (sex, neutered, breed, colour, microchip, deceasedOn): our
additions to the contract's pet, optional on the way in and always answered."""

import marshmallow as ma
from marshmallow import fields, validate

from app.api.fields import Text, microchip_rule
from app.models import Pet, Sex
from app.pets.profile import deceased_problem
from app.validation import max_length

SEXES = [sex.value for sex in Sex]


class PetProfileFieldsSchema(ma.Schema):
    """The profile fields of a pet to write; each one left out keeps its stored value."""

    sex = fields.String(
        validate=validate.OneOf(SEXES),
        metadata={"description": "Not in the contract; female, male or unknown (the default)."},
    )
    neutered = fields.Boolean(metadata={"description": "Not in the contract; default false."})
    breed = Text(allow_none=True, validate=validate.Length(max=max_length(Pet.breed)),
                 metadata={"description": "Not in the contract; optional."})
    colour = Text(allow_none=True, validate=validate.Length(max=max_length(Pet.colour)),
                  metadata={"description": "Not in the contract; optional."})
    microchip = Text(
        allow_none=True,
        validate=[validate.Length(max=max_length(Pet.microchip)), microchip_rule],
        metadata={"description": "Not in the contract; 15 digits (ISO 11784), unique "
                                 "(409 if another pet has it); null for none.",
                  "pattern": "^[0-9]{15}$"},
    )
    deceased_on = fields.Date(
        data_key="deceasedOn",
        allow_none=True,
        metadata={"description": "Not in the contract; the day the pet died (not in the "
                                 "future, not before its birth); null while alive. A "
                                 "deceased pet cannot be booked."},
    )

    @ma.validates_schema
    def death_after_birth(self, data, **kwargs):
        """The date of death, when sent, is not before the birth date nor in the future."""
        if problem := deceased_problem(data.get("deceased_on"), data.get("birth_date")):
            raise ma.ValidationError(problem, "deceasedOn")


class PetProfileSchema(ma.Schema):
    """The profile of a pet as answered (not in the contract)."""

    sex = fields.String(required=True, metadata={"enum": SEXES})
    neutered = fields.Boolean(required=True)
    breed = fields.String(allow_none=True)
    colour = fields.String(allow_none=True)
    microchip = fields.String(allow_none=True)
    deceased_on = fields.Date(data_key="deceasedOn", allow_none=True)
