"""The clinic's data model."""

from app.models.appointment import Appointment, AppointmentStatus
from app.models.owner import Owner
from app.models.pet import Pet, PetType
from app.models.vet import Specialty, Vet, vet_specialties
from app.models.visit import Visit

__all__ = [
    "Appointment",
    "AppointmentStatus",
    "Owner",
    "Pet",
    "PetType",
    "Specialty",
    "Vet",
    "Visit",
    "vet_specialties",
]
