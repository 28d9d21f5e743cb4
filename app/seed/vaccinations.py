"""The demo clinic's vaccine types and vaccinations: some due soon, some overdue."""

from datetime import timedelta

import sqlalchemy as sa

from app.clinic import clinic_today
from app.extensions import db
from app.models import Owner, Pet, PetType, Vaccination, VaccineType, Vet, vaccine_type_species
from app.models.columns import utcnow
from app.vaccinations.due_dates import next_due_on

# (name, species, months until the next dose)
VACCINE_TYPES = [
    ("Rabies 1-year", ("cat", "dog"), 12),
    ("Rabies 3-year", ("cat", "dog"), 36),
    ("DHPP", ("dog",), 12),
    ("Bordetella", ("dog",), 12),
    ("FVRCP", ("cat",), 12),
    ("FeLV", ("cat",), 12),
]

# (pet, owner's last name, vaccine, days before today it was given, vet's last name, batch)
VACCINATIONS = [
    ("Samantha", "Coleman", "Rabies 3-year", 30, "Carter", "RB3-24117"),
    ("Samantha", "Coleman", "FVRCP", 355, "Carter", "FV-23880"),       # due in 10 days
    ("Max", "Coleman", "Rabies 3-year", 30, "Carter", "RB3-24117"),
    ("Max", "Coleman", "FVRCP", 385, "Leary", "FV-23512"),             # 20 days overdue
    ("Leo", "Franklin", "FVRCP", 360, "Douglas", "FV-23871"),          # due in 5 days
    ("Leo", "Franklin", "Rabies 1-year", 400, "Douglas", "RB1-23044"),  # 35 days overdue
    ("Rosy", "Rodriquez", "DHPP", 351, "Ortega", "DH-23907"),          # due in 14 days
    ("Rosy", "Rodriquez", "Rabies 1-year", 368, "Ortega", "RB1-23301"),  # 3 days overdue
    ("Jewel", "Rodriquez", "DHPP", 305, "Ortega", "DH-24110"),         # due in 60 days
    ("Mulligan", "Escobito", "Rabies 3-year", 1103, "Stevens", "RB3-21090"),  # a week overdue
    ("Lucky", "Estaban", "DHPP", 410, "Jenkins", "DH-22970"),          # 45 days overdue
    ("Sly", "Estaban", "FVRCP", 358, "Carter", "FV-23866"),            # due in 7 days
]


def ensure_vaccine_types():
    """Insert the demo vaccine types that are missing (for pet types present); how many."""
    existing = set(db.session.scalars(sa.select(VaccineType.name)))
    type_ids = dict(db.session.execute(sa.select(PetType.name, PetType.id)).all())
    added = 0
    for name, species, months in VACCINE_TYPES:
        kinds = [type_ids[kind] for kind in species if kind in type_ids]
        if name in existing or not kinds:
            continue
        vaccine_id = db.session.scalar(
            sa.insert(VaccineType).values(name=name, interval_months=months)
            .returning(VaccineType.id)
        )
        db.session.execute(sa.insert(vaccine_type_species), [
            {"vaccine_type_id": vaccine_id, "pet_type_id": kind} for kind in kinds
        ])
        added += 1
    return added


def seed_demo_vaccinations():
    """Vaccinations of the demo pets (just created by seed_demo_clinic); how many."""
    today = clinic_today()
    pets = {
        (name, last_name): pet_id
        for name, last_name, pet_id in db.session.execute(
            sa.select(Pet.name, Owner.last_name, Pet.id).join(Pet.owner)
        )
    }
    vaccines = {row.name: row for row in db.session.scalars(sa.select(VaccineType))}
    vets = dict(db.session.execute(sa.select(Vet.last_name, Vet.id)).all())
    now = utcnow()
    rows = []
    for pet, owner, vaccine, days_ago, vet, batch in VACCINATIONS:
        if (pet, owner) not in pets or vaccine not in vaccines:
            continue
        given_on = today - timedelta(days=days_ago)
        rows.append({
            "pet_id": pets[(pet, owner)], "vaccine_type_id": vaccines[vaccine].id,
            "given_on": given_on, "batch": batch, "vet_id": vets.get(vet),
            "next_due_on": next_due_on(given_on, vaccines[vaccine].interval_months),
            "created_at": now,
        })
    if rows:
        db.session.execute(sa.insert(Vaccination), rows)
    return len(rows)
