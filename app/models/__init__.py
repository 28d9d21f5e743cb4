"""The clinic's data model."""

from app.models.appointment import Appointment, AppointmentStatus
from app.models.appointment_type import AppointmentType
from app.models.audit import AuditEntry
from app.models.calendar_feed import CalendarFeed
from app.models.message import Message, MessageKind, MessageStatus
from app.models.notice import AppointmentNotice, VaccinationNotice
from app.models.owner import Owner
from app.models.pet import Pet, PetType, Sex
from app.models.pet_alert import AlertSeverity, PetAlert
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
from app.models.visit import Visit, VisitAddendum
from app.models.weight import PetWeight
from app.models.working_time import Absence, ClinicClosure, OpeningHours, RotaDay

__all__ = [
    "Absence",
    "AlertSeverity",
    "Appointment",
    "AppointmentNotice",
    "AppointmentStatus",
    "AppointmentType",
    "AuditEntry",
    "CalendarFeed",
    "ClinicClosure",
    "Message",
    "MessageKind",
    "MessageStatus",
    "OpeningHours",
    "Owner",
    "Pet",
    "PetAlert",
    "PetType",
    "PetWeight",
    "Role",
    "RotaDay",
    "Sex",
    "Specialty",
    "StaffSession",
    "User",
    "DismissalReason",
    "ReminderContact",
    "ReminderDismissal",
    "Vaccination",
    "VaccinationNotice",
    "VaccineType",
    "vaccine_type_species",
    "Vet",
    "Visit",
    "VisitAddendum",
    "vet_specialties",
]
