"""Vaccine types, a pet's vaccinations and the reminders due: additions to the contract,
through the same services as the pages."""

import math

import marshmallow as ma
from flask import url_for
from marshmallow import fields, validate
from sqlalchemy.orm import joinedload, selectinload

from app.api.blueprint import LOCATION, bp
from app.api.errors import conflict
from app.api.fields import Id, Telephone, Text
from app.api.resources import found_or_404, operation, saved
from app.api.schemas import PageQuerySchema, PageSchema, PetTypeSchema, RequestSchema
from app.clinic import clinic_today
from app.extensions import db
from app.models import Pet, Vaccination, VaccineType
from app.models.vaccination import MAX_INTERVAL_MONTHS
from app.problems import problem
from app.reminders.due import due_page, owners_due
from app.reminders.forms import due_filter
from app.routing import MAX_ID
from app.vaccinations.services import VaccinationRefused, pet_vaccinations, record_vaccination
from app.vaccinations.types import (
    DuplicateVaccineName,
    VaccineTypeInUse,
    VaccineTypeRefused,
    add_vaccine_type,
    remove_vaccine_type,
    update_vaccine_type,
    vaccine_types,
)
from app.validation import max_length

TYPES, ONE_TYPE = "/vaccinetypes", "/vaccinetypes/<int:type_id>"
PETS_VACCINATIONS = "/pets/<int:pet_id>/vaccinations"
JSON_NAMES = {"vaccine_type_id": "vaccineTypeId", "given_on": "givenOn", "batch": "batch",
              "vet_id": "vetId", "next_due_on": "nextDueOn", "name": "name",
              "interval_months": "intervalMonths", "species": "species"}


def refused(error):
    """400: a rule of the vaccination or vaccine type services, naming the JSON field."""
    return problem(400, "Bad Request", f"{JSON_NAMES.get(error.field, error.field)}: {error}")


for _exception in (DuplicateVaccineName, VaccineTypeInUse):
    bp.register_error_handler(_exception, conflict)
for _exception in (VaccinationRefused, VaccineTypeRefused):
    bp.register_error_handler(_exception, refused)


class VaccineTypeFieldsSchema(RequestSchema):
    """A vaccine type's fields: name, the pet types (ids) it applies to, months to the next dose."""

    name = Text(required=True, validate=validate.Length(1, max_length(VaccineType.name)))
    species = fields.List(Id(), required=True, validate=validate.Length(1, 50),
                          metadata={"description": "Ids of the pet types it applies to."})
    interval_months = fields.Integer(data_key="intervalMonths", required=True, strict=True,
                                     validate=validate.Range(1, MAX_INTERVAL_MONTHS))


class VaccineTypeSchema(ma.Schema):
    """A vaccine type."""

    id = fields.Integer(required=True)
    name = fields.String(required=True)
    species = fields.List(fields.Nested(PetTypeSchema), required=True)
    interval_months = fields.Integer(data_key="intervalMonths", required=True)


class VaccinationFieldsSchema(RequestSchema):
    """A dose given: its type, day (default today), batch; optionally the vet and next due day."""

    vaccine_type_id = Id(data_key="vaccineTypeId", required=True)
    given_on = fields.Date(data_key="givenOn")
    batch = Text(required=True, validate=validate.Length(1, max_length(Vaccination.batch)))
    vet_id = Id(data_key="vetId", allow_none=True, load_default=None)
    next_due_on = fields.Date(data_key="nextDueOn", allow_none=True, load_default=None,
                              metadata={"description": "Default: the vaccine's interval on."})


class VaccinationSchema(ma.Schema):
    """A vaccination of a pet."""

    id = fields.Integer(required=True)
    pet_id = fields.Integer(data_key="petId", required=True)
    vaccine_type_id = fields.Integer(data_key="vaccineTypeId", required=True)
    vaccine_name = fields.String(data_key="vaccineName", attribute="vaccine_type.name",
                                 required=True)
    given_on = fields.Date(data_key="givenOn", required=True)
    batch = fields.String(required=True)
    vet_id = fields.Integer(data_key="vetId", allow_none=True)
    visit_id = fields.Integer(data_key="visitId", allow_none=True)
    next_due_on = fields.Date(data_key="nextDueOn", required=True)


class DueQuerySchema(PageQuerySchema):
    """?from=&to= (default: any overdue, to 30 days ahead), ?vaccineTypeId=, ?vetId=, a page."""

    first_day = fields.Date(data_key="from")
    last_day = fields.Date(data_key="to")
    vaccine_type_id = fields.Integer(data_key="vaccineTypeId", validate=validate.Range(1, MAX_ID))
    vet_id = fields.Integer(data_key="vetId", validate=validate.Range(1, MAX_ID))

    @ma.validates_schema
    def range_runs_forwards(self, data, **kwargs):
        """from is not after to."""
        if data.get("first_day") and data.get("last_day") and data["last_day"] < data["first_day"]:
            raise ma.ValidationError("Must not be before from.", "to")


class DueDoseSchema(ma.Schema):
    """A pet's dose due: the latest vaccination of its type, and when the next is due."""

    vaccination_id = fields.Integer(data_key="vaccinationId", attribute="id", required=True)
    pet_id = fields.Integer(data_key="petId", required=True)
    pet_name = fields.String(data_key="petName", attribute="pet.name", required=True)
    vaccine_type_id = fields.Integer(data_key="vaccineTypeId", required=True)
    vaccine_name = fields.String(data_key="vaccineName", attribute="vaccine_type.name",
                                 required=True)
    due_on = fields.Date(data_key="dueOn", attribute="next_due_on", required=True)
    vet_id = fields.Integer(data_key="vetId", allow_none=True,
                            metadata={"description": "The vet who gave the last dose."})


class OwnerDueSchema(ma.Schema):
    """An owner to call, with every pet's dose due."""

    owner_id = fields.Integer(data_key="ownerId", attribute="owner.id", required=True)
    owner_name = fields.String(data_key="ownerName", attribute="owner.full_name", required=True)
    telephone = Telephone(attribute="owner.telephone", required=True)
    email = fields.String(attribute="owner.email", allow_none=True)
    last_sent_at = fields.DateTime(data_key="lastReminderSentAt", allow_none=True)
    doses = fields.List(fields.Nested(DueDoseSchema), required=True)


class DuePageSchema(PageSchema):
    """A page of owners to call."""

    content = fields.List(fields.Nested(OwnerDueSchema), required=True)


def vaccine_type_or_404(type_id):
    """The vaccine type with its species; 404 when there is none."""
    return found_or_404(VaccineType, type_id, selectinload(VaccineType.species))


def vaccine_type_arguments(fields_):
    """The service's arguments from a request body."""
    return fields_["name"], fields_["interval_months"], fields_["species"]


@operation("GET", TYPES, "owners.view", tags=["vaccinetypes"],
           response=VaccineTypeSchema(many=True))
def list_vaccine_types():
    """Lists the vaccine types, by name."""
    return vaccine_types()


@operation("POST", TYPES, "reference.manage", tags=["vaccinetypes"],
           body=VaccineTypeFieldsSchema, response=VaccineTypeSchema, status=201,
           headers=LOCATION, errors=[409])
def add_type(fields_):
    """Adds a vaccine type (409 if the name is taken, ignoring case)."""
    row = add_vaccine_type(*vaccine_type_arguments(fields_))
    db.session.commit()
    return row, 201, {"Location": url_for("api.get_vaccine_type", type_id=row.id)}


@operation("GET", ONE_TYPE, "owners.view", tags=["vaccinetypes"], response=VaccineTypeSchema,
           errors=[404])
def get_vaccine_type(type_id):
    """Gets a vaccine type by id."""
    return vaccine_type_or_404(type_id)


@operation("PUT", ONE_TYPE, "reference.manage", tags=["vaccinetypes"],
           body=VaccineTypeFieldsSchema, response=VaccineTypeSchema, errors=[404, 409])
def update_type(fields_, type_id):
    """Changes a vaccine type; doses already given keep their due dates."""
    return saved(vaccine_type_or_404(type_id), update_vaccine_type,
                 *vaccine_type_arguments(fields_))


@operation("DELETE", ONE_TYPE, "reference.manage", tags=["vaccinetypes"],
           response=VaccineTypeSchema, errors=[404, 409])
def delete_type(type_id):
    """Removes a vaccine type; 409 while vaccinations refer to it."""
    return saved(vaccine_type_or_404(type_id), remove_vaccine_type)


@operation("GET", PETS_VACCINATIONS, "owners.view", tags=["vaccinations"],
           response=VaccinationSchema(many=True), errors=[404])
def list_pet_vaccinations(pet_id):
    """Lists a pet's vaccinations, newest first."""
    found_or_404(Pet, pet_id)
    return pet_vaccinations(pet_id)


@operation("POST", PETS_VACCINATIONS, "vaccinations.record", tags=["vaccinations"],
           body=VaccinationFieldsSchema, response=VaccinationSchema, status=201,
           headers=LOCATION, errors=[404])
def add_pet_vaccination(fields_, pet_id):
    """Records a dose given to a pet: the vaccine must apply to its species (400 otherwise)."""
    pet = found_or_404(Pet, pet_id, joinedload(Pet.type))
    dose = record_vaccination(
        pet, fields_["vaccine_type_id"], fields_.get("given_on") or clinic_today(),
        fields_["batch"], vet_id=fields_["vet_id"], next_due=fields_["next_due_on"],
    )
    db.session.commit()
    return dose, 201, {"Location": url_for("api.get_vaccination", vaccination_id=dose.id)}


@operation("GET", "/vaccinations/<int:vaccination_id>", "owners.view", tags=["vaccinations"],
           response=VaccinationSchema, errors=[404])
def get_vaccination(vaccination_id):
    """Gets a vaccination by id."""
    return found_or_404(Vaccination, vaccination_id, joinedload(Vaccination.vaccine_type))


@operation("GET", "/reminders/due", "reminders.view", tags=["reminders"], query=DueQuerySchema,
           response=DuePageSchema)
def list_due(args):
    """The due list: owners with pets due in the range, a page of owners at a time."""
    filters = due_filter(args.get("first_day"), args.get("last_day"),
                         args.get("vaccine_type_id"), args.get("vet_id"))
    page = db.paginate(owners_due(filters), page=args["page"] + 1, per_page=args["size"],
                       error_out=False)
    return {
        "content": due_page(filters, page.items),
        "page": args["page"],
        "size": args["size"],
        "total_elements": page.total,
        "total_pages": math.ceil(page.total / args["size"]),
    }
