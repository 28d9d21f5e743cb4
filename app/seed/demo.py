"""Reference data and a small demo clinic (Spring PetClinic's people, in Madison, WI)."""

from datetime import date, timedelta

import sqlalchemy as sa

from app.clinic import clinic_today
from app.extensions import db
from app.models import (
    Appointment,
    AppointmentStatus,
    AppointmentType,
    Owner,
    Pet,
    PetType,
    Specialty,
    Vet,
    Visit,
    vet_specialties,
)
from app.models.columns import utcnow
from app.seed.demo_working_time import DemoCalendar, seed_working_time

PET_TYPES = ["bird", "cat", "dog", "hamster", "lizard", "snake"]
SPECIALTIES = ["dentistry", "radiology", "surgery"]
# (name, minutes, colour on the schedule, specialty the vet needs)
APPOINTMENT_TYPES = [
    ("vaccination", 15, "#2e8b57", None),
    ("consultation", 30, "#3366cc", None),
    ("dental", 60, "#d9822b", None),
    ("surgery", 120, "#c0392b", "surgery"),
]

VETS = [
    ("James", "Carter", []),
    ("Helen", "Leary", ["radiology"]),
    ("Linda", "Douglas", ["surgery", "dentistry"]),
    ("Rafael", "Ortega", ["surgery"]),
    ("Henry", "Stevens", ["radiology"]),
    ("Sharon", "Jenkins", []),
]

OWNERS = [
    ("George", "Franklin", "110 W. Liberty St.", "Madison", "6085551023", [("Leo", "cat", "2020-09-07")]),
    ("Betty", "Davis", "638 Cardinal Ave.", "Sun Prairie", "6085551749", [("Basil", "hamster", "2022-08-06")]),
    ("Eduardo", "Rodriquez", "2693 Commerce St.", "McFarland", "6085558763",
     [("Rosy", "dog", "2021-04-17"), ("Jewel", "dog", "2020-03-07")]),
    ("Harold", "Davis", "563 Friendly St.", "Windsor", "6085553198", [("Iggy", "lizard", "2020-11-30")]),
    ("Peter", "McTavish", "2387 S. Fair Way", "Madison", "6085552765", [("George", "snake", "2020-01-20")]),
    ("Jean", "Coleman", "105 N. Lake St.", "Monona", "6085552654",
     [("Samantha", "cat", "2022-09-04"), ("Max", "cat", "2022-09-04")]),
    ("Jeff", "Black", "1450 Oak Blvd.", "Monona", "6085555387", [("Lucky", "bird", "2021-08-06")]),
    ("Maria", "Escobito", "345 Maple St.", "Madison", "6085557683", [("Mulligan", "dog", "2017-02-24")]),
    ("David", "Schroeder", "2749 Blackhawk Trail", "Madison", "6085559435", [("Freddy", "bird", "2020-03-09")]),
    ("Carlos", "Estaban", "2335 Independence La.", "Waunakee", "6085555487",
     [("Lucky", "dog", "2020-06-24"), ("Sly", "cat", "2022-06-08")]),
]

# (pet name, owner last name, days from today, hour, vet last name, reason, status)
APPOINTMENTS = [
    ("Samantha", "Coleman", -30, 9, "Carter", "rabies shot", AppointmentStatus.COMPLETED),
    ("Max", "Coleman", -30, 10, "Carter", "rabies shot", AppointmentStatus.COMPLETED),
    ("Max", "Coleman", -14, 11, "Douglas", "neutered", AppointmentStatus.COMPLETED),
    ("Leo", "Franklin", -7, 14, "Douglas", "dental check", AppointmentStatus.NO_SHOW),
    ("Rosy", "Rodriquez", -3, 15, "Ortega", "limping", AppointmentStatus.CANCELLED),
    ("Leo", "Franklin", 0, 9, "Douglas", "dental cleaning", AppointmentStatus.SCHEDULED),
    ("Basil", "Davis", 0, 10, "Carter", "annual check-up", AppointmentStatus.SCHEDULED),
    ("Mulligan", "Escobito", 0, 11, "Stevens", "x-ray of hip", AppointmentStatus.SCHEDULED),
    ("Iggy", "Davis", 1, 9, "Jenkins", "skin shedding", AppointmentStatus.SCHEDULED),
    ("Lucky", "Black", 2, 13, "Leary", "wing check", AppointmentStatus.SCHEDULED),
    ("Jewel", "Rodriquez", 3, 16, "Ortega", "stitches out", AppointmentStatus.SCHEDULED),
    ("Sly", "Estaban", 7, 10, "Carter", "vaccination", AppointmentStatus.SCHEDULED),
]

# Each demo appointment's type, by its reason; its duration is the type's.
REASON_TYPES = {
    "rabies shot": "vaccination", "vaccination": "vaccination", "neutered": "surgery",
    "dental check": "dental", "dental cleaning": "dental",
}

# Demo sign-ins, created only by `flask seed demo` (never by a production start).
DEMO_ACCOUNTS = [
    ("admin", "admin-demo-password", "admin", None),
    ("reception", "reception-demo-password", "reception", None),
    ("carter", "vet-demo-password", "vet", "Carter"),
]

VISIT_NOTES = {
    "rabies shot": "Rabies vaccine given; next due in three years.",
    "neutered": "Neutered; recovered well, collar for ten days.",
}


def ensure_reference_data():
    """Insert the pet types, specialties and appointment types that are missing; return how
    many were added."""
    added = 0
    for model, names in ((PetType, PET_TYPES), (Specialty, SPECIALTIES)):
        existing = set(db.session.scalars(sa.select(model.name)))
        missing = [{"name": name} for name in names if name not in existing]
        if missing:
            db.session.execute(sa.insert(model), missing)
            added += len(missing)
    specialty_ids = dict(db.session.execute(sa.select(Specialty.name, Specialty.id)).all())
    existing = set(db.session.scalars(sa.select(AppointmentType.name)))
    missing = [
        {"name": name, "duration_minutes": minutes, "colour": colour,
         "specialty_id": specialty_ids[specialty] if specialty else None}
        for name, minutes, colour, specialty in APPOINTMENT_TYPES
        if name not in existing and (specialty is None or specialty in specialty_ids)
    ]
    if missing:
        db.session.execute(sa.insert(AppointmentType), missing)
        added += len(missing)
    return added


def seed_demo_clinic():
    """Create the demo clinic unless the database already holds owners; True if created."""
    if db.session.scalar(sa.select(sa.func.count(Owner.id))):
        return False
    ensure_reference_data()
    type_ids = dict(db.session.execute(sa.select(PetType.name, PetType.id)).all())
    specialty_ids = dict(db.session.execute(sa.select(Specialty.name, Specialty.id)).all())

    vet_ids = {}
    for first, last, specialties in VETS:
        vet_ids[last] = db.session.scalar(
            sa.insert(Vet).values(first_name=first, last_name=last).returning(Vet.id)
        )
    db.session.execute(
        sa.insert(vet_specialties),
        [
            {"vet_id": vet_ids[last], "specialty_id": specialty_ids[name]}
            for _, last, names in VETS
            for name in names
        ],
    )

    now = utcnow()
    pet_ids = {}
    for first, last, address, city, phone, pets in OWNERS:
        owner_id = db.session.scalar(
            sa.insert(Owner)
            .values(
                first_name=first, last_name=last, address=address, city=city,
                telephone=f"+1{phone}", created_at=now, updated_at=now,
            )
            .returning(Owner.id)
        )
        for name, kind, born in pets:
            pet_ids[(name, last)] = db.session.scalar(
                sa.insert(Pet)
                .values(
                    name=name, birth_date=date.fromisoformat(born), owner_id=owner_id,
                    type_id=type_ids[kind], created_at=now, updated_at=now,
                )
                .returning(Pet.id)
            )

    today = clinic_today()
    kinds = {kind.name: kind for kind in db.session.scalars(sa.select(AppointmentType))}
    seed_working_time(vet_ids, today)
    calendar = DemoCalendar(db.session.scalars(sa.select(Vet)).all(), today)
    for pet, owner, days, hour, vet, reason, status in APPOINTMENTS:
        kind = kinds.get(REASON_TYPES.get(reason, "consultation"))
        minutes = kind.duration_minutes if kind else 30
        starts_at = calendar.place(vet_ids[vet], today + timedelta(days=days), hour, minutes)
        appointment_id = db.session.scalar(
            sa.insert(Appointment)
            .values(
                pet_id=pet_ids[(pet, owner)], vet_id=vet_ids[vet], starts_at=starts_at,
                duration_minutes=minutes, ends_at=starts_at + timedelta(minutes=minutes),
                reason=reason, status=status, type_id=kind.id if kind else None,
                created_at=now, updated_at=now,
            )
            .returning(Appointment.id)
        )
        if status is AppointmentStatus.COMPLETED:
            db.session.execute(
                sa.insert(Visit).values(
                    pet_id=pet_ids[(pet, owner)], vet_id=vet_ids[vet], date=starts_at.date(),
                    description=VISIT_NOTES.get(reason, reason), appointment_id=appointment_id,
                    created_at=now,
                )
            )
    db.session.execute(
        sa.insert(Visit).values(
            pet_id=pet_ids[("Leo", "Franklin")], date=today - timedelta(days=400),
            description="Walk-in: thorn removed from paw.", created_at=now,
        )
    )
    return True


def ensure_demo_accounts():
    """Create the demo sign-ins that are missing; return how many were created."""
    from app.auth.services import create_user, find_user

    created = 0
    for username, password, role, vet_last_name in DEMO_ACCOUNTS:
        if find_user(username) is not None:
            continue
        vet_id = None
        if vet_last_name:
            vet_id = db.session.scalar(
                sa.select(Vet.id).where(Vet.last_name == vet_last_name).order_by(Vet.id).limit(1)
            )
        create_user(username, password, role, vet_id=vet_id)
        created += 1
    return created
