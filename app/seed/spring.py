"""Spring PetClinic's own sample data set (spring-petclinic-rest, db/*/data.sql), with its ids.

Clients written against the Spring REST project rely on it: its Postman collection adds a pet
of type 1 and expects a cat. It is loaded as Spring has it (pets born around 2000, visits from
2010) into a database that has never held any of these rows, so that the ids come out as
Spring's: a database whose tables were used before, even if emptied, gives other ids (its
sequences have moved on), and is refused.
"""

from datetime import date

import sqlalchemy as sa

from app.extensions import db
from app.i18n import _
from app.models import Owner, Pet, PetType, Specialty, Vet, Visit, vet_specialties
from app.models.columns import utcnow
from app.phone import normalise_phone

# In Spring's id order: the position in each list is the id (from 1).
PET_TYPES = ["cat", "dog", "lizard", "snake", "bird", "hamster"]
SPECIALTIES = ["radiology", "surgery", "dentistry"]
VETS = [("James", "Carter"), ("Helen", "Leary"), ("Linda", "Douglas"), ("Rafael", "Ortega"),
        ("Henry", "Stevens"), ("Sharon", "Jenkins")]
VET_SPECIALTIES = [(2, 1), (3, 2), (3, 3), (4, 2), (5, 1)]
# Spring's clinic is in Madison, Wisconsin: its telephones are US numbers, whatever the
# region this clinic is in.
SPRING_REGION = "US"
OWNERS = [
    ("George", "Franklin", "110 W. Liberty St.", "Madison", "6085551023"),
    ("Betty", "Davis", "638 Cardinal Ave.", "Sun Prairie", "6085551749"),
    ("Eduardo", "Rodriquez", "2693 Commerce St.", "McFarland", "6085558763"),
    ("Harold", "Davis", "563 Friendly St.", "Windsor", "6085553198"),
    ("Peter", "McTavish", "2387 S. Fair Way", "Madison", "6085552765"),
    ("Jean", "Coleman", "105 N. Lake St.", "Monona", "6085552654"),
    ("Jeff", "Black", "1450 Oak Blvd.", "Monona", "6085555387"),
    ("Maria", "Escobito", "345 Maple St.", "Madison", "6085557683"),
    ("David", "Schroeder", "2749 Blackhawk Trail", "Madison", "6085559435"),
    ("Carlos", "Estaban", "2335 Independence La.", "Waunakee", "6085555487"),
]
# (name, birth date, type id, owner id)
PETS = [
    ("Leo", "2000-09-07", 1, 1), ("Basil", "2002-08-06", 6, 2), ("Rosy", "2001-04-17", 2, 3),
    ("Jewel", "2000-03-07", 2, 3), ("Iggy", "2000-11-30", 3, 4), ("George", "2000-01-20", 4, 5),
    ("Samantha", "1995-09-04", 1, 6), ("Max", "1995-09-04", 1, 6), ("Lucky", "1999-08-06", 5, 7),
    ("Mulligan", "1997-02-24", 2, 8), ("Freddy", "2000-03-09", 5, 9), ("Lucky", "2000-06-24", 2, 10),
    ("Sly", "2002-06-08", 1, 10),
]
# (pet id, date, description)
VISITS = [(7, "2010-03-04", "rabies shot"), (8, "2011-03-04", "rabies shot"),
          (8, "2009-06-04", "neutered"), (7, "2008-09-04", "spayed")]

TABLES = (PetType, Specialty, Vet, Owner, Pet, Visit)


def label(model):
    """How a message names a table: pet_types → 'pet types'."""
    return model.__tablename__.replace("_", " ")


class NotEmpty(Exception):
    """The database already holds (or once held) rows that Spring's ids would need."""


def seed_spring():
    """Insert Spring's sample data, with its ids, in the caller's transaction.

    Raises NotEmpty, having written what the caller must roll back, when the tables are not
    empty or their ids would not be Spring's.
    """
    for model in TABLES:
        if db.session.scalar(sa.select(sa.func.count()).select_from(model)):
            # TRANSLATORS: %(table)s is a table (pet types, vets...); after "Nothing was added: ".
            raise NotEmpty(_("the database already has %(table)s: use an empty one.",
                             table=label(model)))
    now = utcnow()
    stamped = {"created_at": now, "updated_at": now}
    # One row at a time, in order, so that each row's id is its place in Spring's list.
    rows = [
        *((PetType, {"name": name}) for name in PET_TYPES),
        *((Specialty, {"name": name}) for name in SPECIALTIES),
        *((Vet, {"first_name": first, "last_name": last}) for first, last in VETS),
        *((Owner, {"first_name": first, "last_name": last, "address": address, "city": city,
                   "telephone": normalise_phone(phone, SPRING_REGION), **stamped})
          for first, last, address, city, phone in OWNERS),
        *((Pet, {"name": name, "birth_date": date.fromisoformat(born), "type_id": type_id,
                 "owner_id": owner_id, **stamped})
          for name, born, type_id, owner_id in PETS),
        *((Visit, {"pet_id": pet_id, "date": date.fromisoformat(day), "description": text,
                   "created_at": now})
          for pet_id, day, text in VISITS),
    ]
    expected = {}
    for model, values in rows:
        expected[model] = expected.get(model, 0) + 1
        row_id = db.session.scalar(sa.insert(model).values(**values).returning(model.id))
        if row_id != expected[model]:
            # TRANSLATORS: %(table)s is a table's name (pet types, vets...).
            raise NotEmpty(_("%(table)s ids have been used before (a new row got %(got)d, "
                             "Spring's has %(expected)d): use a new database.",
                             table=label(model), got=row_id, expected=expected[model]))
    db.session.execute(sa.insert(vet_specialties),
                       [{"vet_id": vet, "specialty_id": specialty}
                        for vet, specialty in VET_SPECIALTIES])
    return {label(model): count for model, count in expected.items()}
