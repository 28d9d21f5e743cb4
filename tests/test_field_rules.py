"""Field rules in one place: every text field of the pages' forms and of the API's requests
takes its length, and whether it may be left out, from the column it is stored in, unless it
is listed below as a deliberate difference with its reason.

A new text field fails the walk until it is mapped to its column (or listed as not stored),
so the forms, the API and the database cannot drift apart again.
"""

import importlib
import pkgutil
from datetime import datetime, time

import marshmallow as ma
import pytest
import sqlalchemy as sa
from flask_wtf import FlaskForm
from wtforms.fields import StringField
from wtforms.fields.core import UnboundField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

import app as app_package
from app.api.fields import CONTRACT_TELEPHONE_MAX
from app.models import (
    Absence,
    ApiToken,
    Appointment,
    AppointmentStatus,
    AppointmentType,
    AuditEntry,
    ClinicClosure,
    Owner,
    Pet,
    PetAlert,
    PetType,
    Specialty,
    User,
    Vaccination,
    VaccineType,
    Vet,
    Visit,
    VisitAddendum,
)
from app.validation import E164_MAX_DIGITS, TELEPHONE_INPUT_MAX, max_length
from tests import factories
from tests.api.conftest import ApiClient, basic
from tests.staff import ensure_staff

# Each text field that is stored, by "Class.field", and the column(s) it is stored in.
COLUMNS = {
    "OwnerForm.first_name": [Owner.first_name],
    "OwnerForm.last_name": [Owner.last_name],
    "OwnerForm.address": [Owner.address],
    "OwnerForm.city": [Owner.city],
    "OwnerForm.telephone": [Owner.telephone],
    "OwnerForm.email": [Owner.email],
    "FindOwnersForm.lastName": [Owner.last_name],
    "AuditFilterForm.who": [AuditEntry.actor],
    "ChooseOwnerForm.q": [Owner.last_name],
    "PetForm.name": [Pet.name],
    "PetForm.breed": [Pet.breed],
    "PetForm.colour": [Pet.colour],
    "PetForm.microchip": [Pet.microchip],
    "AlertForm.text": [PetAlert.text],
    "FreeSlotSearch.reason": [Appointment.reason],
    "VetForm.first_name": [Vet.first_name],
    "VetForm.last_name": [Vet.last_name],
    "AppointmentForm.reason": [Appointment.reason],
    "FreeSlotSearch.reason": [Appointment.reason],  # carried into the booking it makes
    "CompleteForm.description": [Visit.description],
    "VisitForm.description": [Visit.description],
    "AddendumForm.text": [VisitAddendum.text],
    "SignInForm.username": [User.username],
    "UserForm.username": [User.username],
    "TokenForm.name": [ApiToken.name],
    "NameForm.name": [PetType.name, Specialty.name],  # one form adds either
    "AppointmentTypeForm.name": [AppointmentType.name],
    "AppointmentTypeForm.colour": [AppointmentType.colour],
    "ClosureForm.reason": [ClinicClosure.reason],
    "AbsenceForm.reason": [Absence.reason],
    "OwnerFieldsSchema.first_name": [Owner.first_name],
    "OwnerFieldsSchema.last_name": [Owner.last_name],
    "OwnerFieldsSchema.address": [Owner.address],
    "OwnerFieldsSchema.city": [Owner.city],
    "OwnerFieldsSchema.telephone": [Owner.telephone],
    "OwnerFieldsSchema.email": [Owner.email],
    "OwnerSearchSchema.last_name": [Owner.last_name],
    "PetFieldsSchema.name": [Pet.name],
    "PetProfileFieldsSchema.breed": [Pet.breed],
    "PetProfileFieldsSchema.colour": [Pet.colour],
    "PetProfileFieldsSchema.microchip": [Pet.microchip],
    "PetAlertFieldsSchema.text": [PetAlert.text],
    "VisitFieldsSchema.description": [Visit.description],
    "VetFieldsSchema.first_name": [Vet.first_name],
    "VetFieldsSchema.last_name": [Vet.last_name],
    "PetTypeFieldsSchema.name": [PetType.name, Specialty.name],  # SpecialtyFieldsSchema's too
    "SpecialtyRefSchema.name": [Specialty.name],
    "NewUserSchema.username": [User.username],
    "AppointmentFieldsSchema.reason": [Appointment.reason],
    "CompletionSchema.description": [Visit.description],
    "AddendumFieldsSchema.text": [VisitAddendum.text],
    "VaccinationForm.batch": [Vaccination.batch],
    "CompleteForm.batch": [Vaccination.batch],
    "VaccinationFieldsSchema.batch": [Vaccination.batch],
    "VaccineTypeForm.name": [VaccineType.name],
    "VaccineTypeFieldsSchema.name": [VaccineType.name],
}

# Stored in a NOT NULL column, but only when another field is filled in: optional on the
# form, and the service refuses it missing then.
REQUIRED_WITH_ANOTHER = {
    "CompleteForm.batch": "a vaccination's batch, required when a vaccine is chosen",
}

# Text fields that are not stored as they are typed, and why.
NOT_STORED = {
    "SignInForm.password": "checked against the hash, never stored",
    "UserForm.password": "stored only as its hash",
    "UserForm.confirm": "compared with the password, never stored",
    "NewUserSchema.password": "stored only as its hash",
    "RoleSchema.name": "matched to one of our roles, not stored as sent",
    "PetTypeRefSchema.name": "ignored: a pet's type is named by its id",
    "StatusChangeSchema.status": "one of a few status names (OneOf)",
    "AppointmentSchema.status": "answered, never read (its OneOf documents the statuses)",
    "NameForm.kind": "which list the name is added to (AnyOf)",
    "WeightFieldsSchema.kilograms": "read as a Decimal (app.weights.kilograms), stored as NUMERIC",
    "PetProfileFieldsSchema.sex": "one of female, male, unknown (OneOf)",
    "PetAlertFieldsSchema.severity": "one of danger, caution, note (OneOf)",
    "DismissForm.back": "the due list's query string to return to, filtered to its arguments",
    "SearchForm.q": "searched for, never stored: a name, telephone, email or microchip (the"
    " longest, an email, sets its limit)",
    # The version an edit form was loaded at (app.concurrency): a number, checked, not typed.
    "AppointmentForm.version": "compared with the row's version by the UPDATE",
    "OwnerForm.version": "compared with the row's version by the UPDATE",
    "PetForm.version": "compared with the row's version by the UPDATE",
    "TransferForm.version": "compared with the row's version by the UPDATE",
    "VetForm.version": "compared with the row's version by the UPDATE",
    "VisitEditForm.version": "compared with the row's version by the UPDATE",
}

# The deliberate differences from the column's length: the limit each field has instead.
DIFFERENT_ON_PURPOSE = {
    # Typed with spaces, brackets and dashes, stored as E.164: the raw input is longer.
    "OwnerForm.telephone": TELEPHONE_INPUT_MAX,
    # The Spring PetClinic contract's maxLength on the number as sent (app/api/fields.py);
    # equal to the column today by coincidence, and not to follow it if the column changes.
    "OwnerFieldsSchema.telephone": CONTRACT_TELEPHONE_MAX,
}

# Fields that filter a search rather than write a row: empty is fine, the length still holds.
SEARCHES = {"FindOwnersForm.lastName", "OwnerSearchSchema.last_name", "AuditFilterForm.who",
            "ChooseOwnerForm.q"}


def subclasses(cls):
    """Every subclass of cls, at any depth."""
    for sub in cls.__subclasses__():
        yield sub
        yield from subclasses(sub)


def import_the_whole_app():
    """Import every module of app/, so that every form and schema class exists."""
    for module in pkgutil.walk_packages(app_package.__path__, "app."):
        importlib.import_module(module.name)


def form_text_fields():
    """{"Form.field": (max length or None, required, optional)} of every text field of a form."""
    import_the_whole_app()
    found = {}
    for form in subclasses(FlaskForm):
        # A form class made per request (the owner merge's, with a field per pet) is checked by
        # its own tests; whether earlier tests' copies are still alive here is the collector's
        # business, so this walk would pass or fail by the order tests ran in.
        if "<locals>" in form.__qualname__:
            continue
        for name, unbound in vars(form).items():
            if not isinstance(unbound, UnboundField):
                continue
            if not issubclass(unbound.field_class, StringField):
                continue
            validators = unbound.kwargs.get("validators", [])
            lengths = [v.max for v in validators if isinstance(v, Length)]
            found[f"{form.__name__}.{name}"] = (
                lengths[0] if lengths else None,
                any(isinstance(v, DataRequired | InputRequired) for v in validators),
                any(isinstance(v, Optional) for v in validators),
            )
    return found


def own_fields(schema):
    """The fields a schema class declares itself (inherited ones are its base's to check)."""
    inherited = [getattr(base, "_declared_fields", {}) for base in schema.__mro__[1:]]
    return {
        name: field
        for name, field in schema._declared_fields.items()
        if not any(field is fields.get(name) for fields in inherited)
    }


def schema_text_fields():
    """{"Schema.field": (max length or None, required, min length)} of every text input."""
    import_the_whole_app()
    request_schema = importlib.import_module("app.api.schemas").RequestSchema
    found = {}
    for schema in subclasses(ma.Schema):
        if not schema.__module__.startswith("app."):
            continue
        for name, field in own_fields(schema).items():
            is_input = issubclass(schema, request_schema) or field.validators
            if not isinstance(field, ma.fields.String) or field.dump_only or not is_input:
                continue
            lengths = [v for v in field.validators if isinstance(v, ma.validate.Length)]
            found[f"{schema.__name__}.{name}"] = (
                lengths[0].max if lengths else None,
                field.required,
                lengths[0].min if lengths else None,
            )
    return found


def expected_length(key):
    """The limit a field should have: its column's, unless it differs on purpose."""
    lengths = {max_length(column) for column in COLUMNS[key]}
    assert len(lengths) == 1, f"{key}: its columns disagree: {lengths}"
    return DIFFERENT_ON_PURPOSE.get(key, lengths.pop())


def nullable(key):
    """Whether the column(s) of a field may be NULL."""
    return all(column.expression.nullable for column in COLUMNS[key])


def test_every_text_field_is_mapped_to_its_column_or_said_to_be_not_stored():
    walked = set(form_text_fields()) | set(schema_text_fields())
    unmapped = walked - set(COLUMNS) - set(NOT_STORED)
    assert not unmapped, f"map these to their column (or say why not stored): {sorted(unmapped)}"
    stale = (set(COLUMNS) | set(NOT_STORED) | set(DIFFERENT_ON_PURPOSE) | SEARCHES) - walked
    assert not stale, f"these fields no longer exist: {sorted(stale)}"
    assert not set(COLUMNS) & set(NOT_STORED)


def test_form_fields_take_their_length_and_requiredness_from_the_column():
    wrong = []
    for key, (longest, required, optional) in form_text_fields().items():
        if key not in COLUMNS:
            continue
        if longest != expected_length(key):
            wrong.append(f"{key}: Length(max={longest}), expected {expected_length(key)}")
        if key in SEARCHES:
            continue
        if key in REQUIRED_WITH_ANOTHER:
            if (required, optional) != (False, True):
                wrong.append(f"{key}: required only with another field, so Optional()")
            continue
        if (required, optional) != (not nullable(key), nullable(key)):
            wrong.append(f"{key}: required={required}, but the column nullable={nullable(key)}")
    assert not wrong, "\n".join(wrong)


def test_schema_fields_take_their_length_and_requiredness_from_the_column():
    wrong = []
    for key, (longest, required, shortest) in schema_text_fields().items():
        if key not in COLUMNS:
            continue
        if longest != expected_length(key):
            wrong.append(f"{key}: Length(max={longest}), expected {expected_length(key)}")
        if key in SEARCHES:
            continue
        if required == nullable(key):
            wrong.append(f"{key}: required={required}, but the column nullable={nullable(key)}")
        if required and shortest != 1:
            wrong.append(f"{key}: required but Length(min={shortest}) lets it be empty")
    assert not wrong, "\n".join(wrong)


def test_the_telephone_column_holds_any_e164_number_and_typing_may_take_more():
    assert max_length(Owner.telephone) >= len("+") + E164_MAX_DIGITS
    assert TELEPHONE_INPUT_MAX > max_length(Owner.telephone)


# --- the visit description: one limit on every path ----------------------------------------


@pytest.fixture
def api(app, connection):
    """A client of the JSON API, as the admin."""
    ensure_staff(app)
    return ApiClient(app.test_client(), basic("admin"))


@pytest.fixture
def checked_in_today(dbs, today):
    """A checked-in appointment of today, at midnight (completed on its own day); its id."""
    with dbs() as session:
        pet = factories.pet(session, factories.owner(session))
        vet = factories.vet(session)
        row = factories.appointment(
            session,
            pet,
            vet,
            starts_at=datetime.combine(today, time.min),
            status=AppointmentStatus.CHECKED_IN,
        )
        session.commit()
        return row.id


def test_a_long_visit_written_at_completion_is_put_back_through_the_api_unchanged(
    client, api, dbs, checked_in_today
):
    notes = ("Dental: scaled and polished, two premolars extracted. " * 30)[:1500].strip()
    response = client.post(
        f"/appointments/{checked_in_today}/complete", data={"description": notes}
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    with dbs() as session:
        visit_id = session.scalar(
            sa.select(Visit.id).where(Visit.appointment_id == checked_in_today)
        )

    read = api.get(f"/visits/{visit_id}")
    assert read.status_code == 200
    assert read.get_json()["description"] == notes
    put_back = api.put(f"/visits/{visit_id}", json=read.get_json())
    assert put_back.status_code == 204, put_back.get_data(as_text=True)
    assert api.get(f"/visits/{visit_id}").get_json() == read.get_json()
    with dbs() as session:
        assert session.get(Visit, visit_id).description == notes


def test_the_api_refuses_a_visit_description_longer_than_its_column(api, dbs):
    with dbs() as session:
        pet = factories.pet(session, factories.owner(session))
        visit = factories.visit(session, pet)
        session.commit()
        visit_id, description = visit.id, visit.description
    too_long = "d" * (max_length(Visit.description) + 1)
    response = api.put(f"/visits/{visit_id}", json={"description": too_long})
    assert response.status_code == 400
    with dbs() as session:
        assert session.get(Visit, visit_id).description == description
