"""Builders for test rows: each adds to the session and flushes, so ids are known."""

from datetime import date, datetime, timedelta

import sqlalchemy as sa

from app.clinic import clinic_today
from app.models import Appointment, AppointmentType, Owner, Pet, PetType, Specialty, Vet, Visit


def pet_type(session, name="cat"):
    """The pet type with this name, created if missing."""
    found = session.scalar(sa.select(PetType).where(PetType.name == name))
    if found is None:
        found = PetType(name=name)
        session.add(found)
        session.flush()
    return found


def specialty(session, name="surgery"):
    """The specialty with this name, created if missing."""
    found = session.scalar(sa.select(Specialty).where(Specialty.name == name))
    if found is None:
        found = Specialty(name=name)
        session.add(found)
        session.flush()
    return found


def appointment_type(session, name="consultation", minutes=30, needs=None, colour=None):
    """The appointment type with this name, created if missing (``needs``: a specialty name)."""
    found = session.scalar(sa.select(AppointmentType).where(AppointmentType.name == name))
    if found is None:
        found = AppointmentType(name=name, duration_minutes=minutes, colour=colour,
                                specialty=specialty(session, needs) if needs else None)
        session.add(found)
        session.flush()
    return found


def owner(session, last_name="Franklin", first_name="George", **fields):
    """A new owner with sensible contact details."""
    values = {
        "address": "110 W. Liberty St.",
        "city": "Madison",
        "telephone": "+16085551023",
    } | fields
    row = Owner(first_name=first_name, last_name=last_name, **values)
    session.add(row)
    session.flush()
    return row


def pet(session, owner_row, name="Leo", kind="cat", birth_date=date(2020, 9, 7)):
    """A new pet of ``owner_row``."""
    row = Pet(name=name, birth_date=birth_date, owner=owner_row, type=pet_type(session, kind))
    session.add(row)
    session.flush()
    return row


def vet(session, last_name="Carter", first_name="James", specialties=(), active=True):
    """A new vet."""
    row = Vet(first_name=first_name, last_name=last_name, active=active)
    row.specialties = [specialty(session, name) for name in specialties]
    session.add(row)
    session.flush()
    return row


def appointment(session, pet_row, vet_row, starts_at=None, minutes=30, reason="check-up", **kw):
    """A new appointment, tomorrow at 10:00 (or the vet's next free slot after) unless told.

    Tomorrow at the clinic: the machine's date (UTC) is a day ahead of it for hours each night.
    """
    if starts_at is None:
        starts_at = datetime.combine(clinic_today() + timedelta(days=1), datetime.min.time()).replace(
            hour=10
        )
        # One vet's appointments never overlap (PostgreSQL's exclusion constraint refuses
        # it): a second default one goes after the first.
        taken = set(session.scalars(sa.select(Appointment.starts_at)
                                    .where(Appointment.vet_id == vet_row.id)))
        while starts_at in taken:
            starts_at += timedelta(minutes=minutes)
    row = Appointment(pet=pet_row, vet=vet_row, reason=reason, **kw)
    row.schedule(starts_at, minutes)
    session.add(row)
    session.flush()
    return row


def visit(session, pet_row, vet_row=None, day=date(2024, 1, 15), description="Checked over.",
          author_id=None):
    """A new visit record (written by the account ``author_id``, if given)."""
    row = Visit(pet=pet_row, vet=vet_row, date=day, description=description, author_id=author_id)
    session.add(row)
    session.flush()
    return row


def vaccine_type(session, name="Rabies", species=("cat", "dog"), months=12):
    """A new vaccine type for those species."""
    from app.models import VaccineType

    row = VaccineType(name=name, interval_months=months,
                      species=[pet_type(session, kind) for kind in species])
    session.add(row)
    session.flush()
    return row


def vaccination(session, pet_row, vaccine, given_on, vet_row=None, batch="LOT-1", next_due_on=None):
    """A new vaccination of ``pet_row`` (due after the vaccine's interval unless told)."""
    from app.models import Vaccination
    from app.vaccinations.due_dates import next_due_on as due_after

    row = Vaccination(pet=pet_row, vaccine_type=vaccine, given_on=given_on, batch=batch,
                      vet=vet_row,
                      next_due_on=next_due_on or due_after(given_on, vaccine.interval_months))
    session.add(row)
    session.flush()
    return row
