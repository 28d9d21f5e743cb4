"""Appointments (our addition to the contract): the day sheet, book, reschedule, change the
status, complete with a visit. Every rule is the booking service's, as at the front desk."""

import marshmallow as ma
from flask import url_for
from marshmallow import fields, validate

from app.api.blueprint import LOCATION
from app.api.fields import ClinicDateTime, Id, Text, calendar_day_rule
from app.api.resources import found_or_404, operation, saved
from app.api.schemas import RequestSchema, VisitSchema
from app.appointments.schedule import appointment_options, day_sheet
from app.appointments.services import (
    book_appointment,
    change_status,
    complete_appointment,
    reschedule,
)
from app.clinic import clinic_today
from app.extensions import db
from app.models import Appointment, AppointmentStatus, Visit
from app.models.appointment import MAX_DURATION, MIN_DURATION
from app.routing import MAX_ID
from app.validation import max_length

ONE = "/appointments/<int:appointment_id>"
DURATION = validate.Range(MIN_DURATION, MAX_DURATION)
# The statuses a client sets directly; "completed" comes only with a visit (…/complete).
SETTABLE = [AppointmentStatus.CHECKED_IN, AppointmentStatus.CANCELLED, AppointmentStatus.NO_SHOW]
STATUSES = [status.value for status in AppointmentStatus]


class DaySheetQuerySchema(ma.Schema):
    """?date= (default today) and an optional ?vetId=."""

    date = fields.Date(validate=calendar_day_rule)
    vet_id = fields.Integer(data_key="vetId", validate=validate.Range(0, MAX_ID))


class SlotSchema(RequestSchema):
    """A time with a vet."""

    vet_id = Id(data_key="vetId", required=True)
    starts_at = ClinicDateTime(
        data_key="startsAt",
        required=True,
        metadata={"description": "Clinic time; without an offset, read as the clinic's."},
    )
    duration = fields.Integer(
        data_key="durationMinutes", strict=True, load_default=30, validate=DURATION
    )


class AppointmentFieldsSchema(SlotSchema):
    """A booking's vet, time, duration, reason and optional type (to reschedule)."""

    reason = Text(required=True, validate=validate.Length(1, max_length(Appointment.reason)))
    type_id = Id(
        data_key="typeId",
        allow_none=True,
        metadata={"description": (
            "Optional, and outside the Spring PetClinic contract: the appointment type "
            "(reference data). A type that needs a specialty needs a vet who has it (400). "
            "Left out when rescheduling, the type stays; null removes it. It does not set "
            "durationMinutes."
        )},
    )


class NewAppointmentSchema(AppointmentFieldsSchema):
    """A booking for a pet."""

    pet_id = Id(data_key="petId", required=True)


class StatusChangeSchema(RequestSchema):
    """The status to move to."""

    status = fields.String(required=True, validate=validate.OneOf([s.value for s in SETTABLE]))


class CompletionSchema(RequestSchema):
    """What happened, and optionally a follow-up booking with the same reason and type."""

    description = Text(required=True, validate=validate.Length(1, max_length(Visit.description)))
    follow_up = fields.Nested(SlotSchema, data_key="followUp", allow_none=True)


class AppointmentSchema(ma.Schema):
    """A booked slot of a vet for a pet, with names for a day sheet."""

    id = fields.Integer(required=True)
    pet_id = fields.Integer(data_key="petId", required=True)
    pet_name = fields.String(data_key="petName", attribute="pet.name", required=True)
    owner_id = fields.Integer(data_key="ownerId", attribute="pet.owner_id", required=True)
    owner_name = fields.String(data_key="ownerName", attribute="pet.owner.full_name", required=True)
    vet_id = fields.Integer(data_key="vetId", required=True)
    vet_name = fields.String(data_key="vetName", attribute="vet.full_name", required=True)
    starts_at = ClinicDateTime(data_key="startsAt", required=True)
    ends_at = ClinicDateTime(data_key="endsAt", required=True)
    duration_minutes = fields.Integer(data_key="durationMinutes", required=True)
    reason = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    visit_id = fields.Integer(data_key="visitId", attribute="visit.id", allow_none=True)
    type_id = fields.Integer(data_key="typeId", allow_none=True,
                             metadata={"description": "Outside the Spring contract."})
    type_name = fields.String(data_key="typeName", attribute="type.name", allow_none=True,
                              metadata={"description": "Outside the Spring contract."})
    follows_id = fields.Integer(
        data_key="followsId", allow_none=True,
        metadata={"description": "The appointment this one follows up (booked at its completion)."},
    )


class CompletionResultSchema(ma.Schema):
    """The completed appointment, its visit, and the follow-up (or why it was not booked)."""

    appointment = fields.Nested(AppointmentSchema, required=True)
    visit = fields.Nested(VisitSchema, required=True)
    follow_up = fields.Nested(AppointmentSchema, data_key="followUp", allow_none=True)
    follow_up_problem = fields.String(data_key="followUpProblem", allow_none=True)


def appointment_or_404(appointment_id, fresh=False):
    """The appointment with pet, owner, vet and visit loaded; 404 when there is none."""
    return found_or_404(Appointment, appointment_id, *appointment_options(), fresh=fresh)


@operation("GET", "/appointments", "appointments.view", tags=["appointments"],
           query=DaySheetQuerySchema, response=AppointmentSchema(many=True))
def list_appointments(args):
    """The day sheet: a day's appointments (?date=, default today), optionally of one vet."""
    return day_sheet(args.get("date") or clinic_today(), args.get("vet_id"))


@operation("POST", "/appointments", "appointments.book", tags=["appointments"],
           body=NewAppointmentSchema, response=AppointmentSchema, status=201, headers=LOCATION,
           errors=[409])
def book(fields):
    """Books a vet for a pet: in clinic hours, not in the past, never overlapping (409)."""
    appointment = book_appointment(**fields)
    db.session.commit()
    location = url_for("api.get_appointment", appointment_id=appointment.id)
    return appointment_or_404(appointment.id, fresh=True), 201, {"Location": location}


@operation("GET", ONE, "appointments.view", tags=["appointments"], response=AppointmentSchema,
           errors=[404])
def get_appointment(appointment_id):
    """Gets an appointment by id."""
    return appointment_or_404(appointment_id)


@operation("PUT", ONE, "appointments.book", tags=["appointments"], body=AppointmentFieldsSchema,
           response=AppointmentSchema, errors=[404, 409])
def reschedule_appointment(fields, appointment_id):
    """Reschedules a scheduled appointment under the booking rules."""
    saved(appointment_or_404(appointment_id), reschedule, **fields)
    return appointment_or_404(appointment_id, fresh=True)


@operation("PUT", f"{ONE}/status", "appointments.book", tags=["appointments"],
           body=StatusChangeSchema, response=AppointmentSchema, errors=[404, 409])
def set_status(fields, appointment_id):
    """Checks in, cancels or marks a no-show, where the status allows it (else 409)."""
    status = AppointmentStatus(fields["status"])
    return saved(appointment_or_404(appointment_id), change_status, status)


@operation("POST", f"{ONE}/complete", "appointments.complete", tags=["appointments"],
           body=CompletionSchema, response=CompletionResultSchema, status=201, headers=LOCATION,
           errors=[404, 409])
def complete(fields, appointment_id):
    """Completes a checked-in appointment and writes its visit; books an optional follow-up.

    A follow-up that cannot be booked does not undo the visit: followUpProblem says why.
    """
    appointment = appointment_or_404(appointment_id)
    visit, booked, problem = complete_appointment(
        appointment, fields["description"], fields.get("follow_up")
    )
    db.session.commit()
    body = {
        "appointment": appointment_or_404(appointment_id, fresh=True),
        "visit": visit,
        "follow_up": appointment_or_404(booked.id, fresh=True) if booked else None,
        "follow_up_problem": problem,
    }
    return body, 201, {"Location": url_for("api.get_visit", visit_id=visit.id)}
