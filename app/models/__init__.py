"""The clinic's data model."""

from app.models.appointment import Appointment, AppointmentStatus
from app.models.appointment_type import AppointmentType
from app.models.audit import AuditEntry
from app.models.owner import Owner
from app.models.pet import Pet, PetType
from app.models.staff_session import StaffSession
from app.models.user import Role, User
from app.models.vaccination import (
    DismissalReason,
    ReminderContact,
    ReminderDismissal,
    Vaccination,
    VaccineType,
    vaccine_type_species,
)
from app.models.vet import Specialty, Vet, vet_specialties
from app.models.visit import Visit
from app.models.working_time import Absence, ClinicClosure, OpeningHours, RotaDay

__all__ = [
    "Absence",
    "Appointment",
    "AppointmentStatus",
    "AppointmentType",
    "ClinicClosure",
    "OpeningHours",
    "RotaDay",
    "AuditEntry",
    "Owner",
    "Pet",
    "PetType",
    "Role",
    "Specialty",
    "StaffSession",
    "User",
    "DismissalReason",
    "ReminderContact",
    "ReminderDismissal",
    "Vaccination",
    "VaccineType",
    "vaccine_type_species",
    "Vet",
    "Visit",
    "vet_specialties",
]
