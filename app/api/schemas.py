"""The contract's schemas: requests (…Fields) are validated on the way in, the rest dumped out.

Field names follow the Spring PetClinic REST contract; `data_key` maps them to our columns.
Request schemas ignore unknown keys, because the contract's clients send whole objects back
(an owner with its id and pets) when they update one.
"""

import marshmallow as ma
from marshmallow import fields, validate

from app.api.fields import (
    CONTRACT_PASSWORD_MAX,
    CONTRACT_TELEPHONE_MAX,
    Id,
    Telephone,
    Text,
    birth_date_rule,
    email_rule,
    first_name,
    last_name,
    telephone_rule,
    visit_date_rule,
)
from app.api.pet_profile import PetProfileFieldsSchema, PetProfileSchema
from app.models import Owner, Pet, PetType, Specialty, User, Vet, Visit
from app.pagination import MAX_PAGE
from app.validation import max_length


class RequestSchema(ma.Schema):
    """A request body: unknown keys (read-only fields sent back by clients) are ignored."""

    class Meta:
        unknown = ma.EXCLUDE


# --- problems -------------------------------------------------------------------------------


class ValidationMessageSchema(ma.Schema):
    """One validation error."""

    message = fields.String(required=True)
    pointer = fields.String(metadata={"description": "JSON pointer (or name) of the field."})
    in_ = fields.String(data_key="in", metadata={"description": "json, query or path."})


class ProblemDetailSchema(ma.Schema):
    """An error, as RFC 9457 problem details with the contract's fields."""

    type = fields.String(required=True, metadata={"format": "uri"})
    title = fields.String(required=True)
    status = fields.Integer(required=True, validate=validate.Range(400, 599))
    detail = fields.String(required=True)
    timestamp = fields.String(required=True, metadata={"format": "date-time"})
    schemaValidationErrors = fields.List(  # noqa: N815 (the contract's name)
        fields.Nested(ValidationMessageSchema), required=True
    )
    requestId = fields.String(  # noqa: N815
        metadata={"description": "Server errors only: quote it to support."}
    )


# --- reference data -------------------------------------------------------------------------


class PetTypeFieldsSchema(RequestSchema):
    """A pet type's editable field."""

    name = Text(required=True, validate=validate.Length(1, max_length(PetType.name)))


class PetTypeSchema(ma.Schema):
    """A pet type."""

    id = fields.Integer(required=True)
    name = fields.String(required=True)


class SpecialtyFieldsSchema(PetTypeFieldsSchema):
    """A specialty's editable field."""


class SpecialtySchema(PetTypeSchema):
    """A vet's specialty."""


class PetTypeRefSchema(RequestSchema):
    """The pet type of a pet, by id (a name, if sent, is ignored)."""

    id = Id(required=True)
    name = fields.String(load_only=True)


class SpecialtyRefSchema(RequestSchema):
    """A specialty of a vet, by name (the contract's specialty id is read-only)."""

    name = Text(required=True, validate=validate.Length(1, max_length(Specialty.name)))


# --- owners, pets, visits -------------------------------------------------------------------


class OwnerFieldsSchema(RequestSchema):
    """An owner's editable fields."""

    first_name = first_name(Owner.first_name, data_key="firstName", required=True)
    last_name = last_name(Owner.last_name, data_key="lastName", required=True)
    address = Text(required=True, validate=validate.Length(1, max_length(Owner.address)))
    city = Text(required=True, validate=validate.Length(1, max_length(Owner.city)))
    telephone = Text(
        required=True,
        # The contract's length, on the number as typed (a narrowing: app/api/fields.py).
        validate=[validate.Length(1, CONTRACT_TELEPHONE_MAX), telephone_rule],
        metadata={"description": "Digits; spaces and + - ( ) . are accepted too."},
    )
    email = Text(
        allow_none=True,
        validate=[validate.Length(max=max_length(Owner.email)), email_rule],
        metadata={"description": "Optional (not in the contract); kept as it is when absent."},
    )


class VisitFieldsSchema(RequestSchema):
    """A visit's editable fields; the date defaults to today."""

    date = fields.Date(validate=visit_date_rule)
    # The column's 2,000, not the contract's 255: a visit written when an appointment is
    # completed is read, and sent back, with the whole of its description (README).
    description = Text(required=True, validate=validate.Length(1, max_length(Visit.description)))


class NewVisitSchema(VisitFieldsSchema):
    """A visit to record, naming its pet."""

    pet_id = Id(data_key="petId", required=True)


class VisitSchema(ma.Schema):
    """A visit: what happened to a pet on a day."""

    id = fields.Integer(required=True)
    date = fields.Date(required=True)
    description = fields.String(required=True)
    pet_id = fields.Integer(data_key="petId", required=True)
    vet_id = fields.Integer(data_key="vetId", allow_none=True)
    appointment_id = fields.Integer(data_key="appointmentId", allow_none=True)


class PetFieldsSchema(PetProfileFieldsSchema, RequestSchema):
    """A pet's editable fields; the profile fields (not in the contract) are optional."""

    name = Text(required=True, validate=validate.Length(1, max_length(Pet.name)))
    birth_date = fields.Date(data_key="birthDate", required=True, validate=birth_date_rule)
    type = fields.Nested(PetTypeRefSchema, required=True)


class PetSchema(PetProfileSchema):
    """A pet with its type and visits."""

    id = fields.Integer(required=True)
    name = fields.String(required=True)
    birth_date = fields.Date(data_key="birthDate", required=True)
    type = fields.Nested(PetTypeSchema, required=True)
    owner_id = fields.Integer(data_key="ownerId", required=True)
    visits = fields.List(fields.Nested(VisitSchema), required=True)


class OwnerSchema(ma.Schema):
    """An owner with pets (and their visits)."""

    id = fields.Integer(required=True)
    first_name = fields.String(data_key="firstName", required=True)
    last_name = fields.String(data_key="lastName", required=True)
    address = fields.String(required=True)
    city = fields.String(required=True)
    telephone = Telephone(required=True)
    email = fields.String(allow_none=True)
    pets = fields.List(fields.Nested(PetSchema), required=True)


class PageQuerySchema(ma.Schema):
    """?page= (zero-based) and ?size= of the /v2 lists."""

    page = fields.Integer(load_default=0, validate=validate.Range(0, MAX_PAGE))
    size = fields.Integer(load_default=20, validate=validate.Range(1, 100))


class OwnerSearchSchema(ma.Schema):
    """?lastName=: the start of the last name, ignoring case."""

    last_name = Text(
        data_key="lastName",
        load_default="",
        validate=validate.Length(max=max_length(Owner.last_name)),
    )


class OwnerPageQuerySchema(PageQuerySchema, OwnerSearchSchema):
    """?lastName=, ?page= and ?size=."""


class PageSchema(ma.Schema):
    """A page of a list: zero-based page number, size, totals."""

    page = fields.Integer(required=True)
    size = fields.Integer(required=True)
    total_elements = fields.Integer(data_key="totalElements", required=True)
    total_pages = fields.Integer(data_key="totalPages", required=True)


class OwnerPageSchema(PageSchema):
    """A page of owners."""

    content = fields.List(fields.Nested(OwnerSchema), required=True)


class PetPageSchema(PageSchema):
    """A page of pets."""

    content = fields.List(fields.Nested(PetSchema), required=True)


# --- vets and users -------------------------------------------------------------------------


class VetFieldsSchema(RequestSchema):
    """A vet's editable fields."""

    first_name = first_name(Vet.first_name, data_key="firstName", required=True)
    last_name = last_name(Vet.last_name, data_key="lastName", required=True)
    specialties = fields.List(fields.Nested(SpecialtyRefSchema), required=True)
    active = fields.Boolean(
        load_default=True,
        metadata={"description": "Takes bookings (not in the contract); default true."},
    )


class VetSchema(ma.Schema):
    """A vet with specialties."""

    id = fields.Integer(required=True)
    first_name = fields.String(data_key="firstName", required=True)
    last_name = fields.String(data_key="lastName", required=True)
    specialties = fields.List(fields.Nested(SpecialtySchema), required=True)
    active = fields.Boolean(required=True)


class RoleSchema(ma.Schema):
    """A role: admin, vet or reception."""

    # The contract's Role; the name is matched to ours (app.api.users.role_from), not stored.
    name = fields.String(required=True, validate=validate.Length(1, 80))


class NewUserSchema(RequestSchema):
    """A staff account to create; exactly one role."""

    username = fields.String(required=True, validate=validate.Length(1, max_length(User.username)))
    password = fields.String(
        required=True, load_only=True, validate=validate.Length(1, CONTRACT_PASSWORD_MAX)
    )
    enabled = fields.Boolean(load_default=True)
    roles = fields.List(
        fields.Nested(RoleSchema), required=True, validate=validate.Length(equal=1)
    )
    vet_id = Id(data_key="vetId", allow_none=True, load_default=None)


class UserSchema(ma.Schema):
    """A staff account (never its password)."""

    username = fields.String(required=True)
    enabled = fields.Boolean(required=True)
    roles = fields.List(fields.Nested(RoleSchema), required=True)
    vet_id = fields.Integer(data_key="vetId", allow_none=True)
