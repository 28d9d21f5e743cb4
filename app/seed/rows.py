"""The rows a bulk seed writes, made up: owners, pets, vets, appointments and their visits.

Each is a plain dictionary keyed by column name (see app.seed.writing.TableWriter), drawn
from app.seed.vocabulary with the seed's own random generator, so a seed is reproducible.
"""

import itertools
from datetime import timedelta

import sqlalchemy as sa

from app.extensions import db
from app.models import AppointmentStatus, Owner, Pet, PetType, Sex
from app.models.search_columns import search_values
from app.seed import vocabulary as words
from app.seed.writing import reserve_ids
from app.vets.services import create_vet

# The seeded period: a year of history and four months ahead.
PAST_DAYS, FUTURE_DAYS = 365, 120
DURATIONS = (30, 30, 30, 15)
# Past appointments: the share completed (each with its visit), then no-shows; the rest cancelled.
COMPLETED_SHARE, NO_SHOW_SHARE = 0.85, 0.07
VISIT_NOTES = dict(words.REASONS)
# Any duration with any reason, equally likely: one draw picks both.
BOOKINGS = tuple(
    (minutes, timedelta(minutes=minutes), reason) for minutes in DURATIONS for reason in VISIT_NOTES
)


def fake_vet(rng, specialty_ids):
    """A new vet, through the vets service, with a name and up to two of the specialties."""
    chosen = rng.sample(specialty_ids, min(len(specialty_ids), rng.choice((0, 1, 1, 2))))
    return create_vet(rng.choice(words.FIRST_NAMES), rng.choice(words.LAST_NAMES), chosen)


def fake_owner(rng, owner_id):
    """An owner row: a name, a street address, a local E.164 telephone, often an email."""
    first, last = rng.choice(words.FIRST_NAMES), rng.choice(words.LAST_NAMES)
    city, area_code = rng.choice(words.CITIES)
    email = None
    if rng.random() < 0.6:
        local = "".join(ch for ch in f"{first}.{last}".lower() if ch.isascii() and ch != "'")
        email = f"{local}{rng.randrange(100)}@example.com"
    row = {
        "id": owner_id,
        "first_name": first,
        "last_name": last,
        "address": f"{rng.randint(1, 9999)} {rng.choice(words.STREETS)}",
        "city": city,
        "telephone": f"+1{area_code}555{rng.randrange(10_000):04d}",
        "email": email,
        "email_consent": False,  # nobody asked them: transactional messages only
    }
    return row | search_values(Owner, row)  # the writer sends every column itself


def fake_pets(rng, owner_rows, pets_per_owner, pet_types):
    """Pet rows (with reserved ids): differently named pets for each owner."""
    # The profile as every pet had it before there was one (the writer sends each column).
    profile = {"sex": Sex.UNKNOWN, "neutered": False}
    rows = [
        {"owner_id": owner["id"], "name": name, **pet_types.draw(), **profile}
        for owner in owner_rows
        for name in rng.sample(words.PET_NAMES, pets_per_owner)
    ]
    for row, pet_id in zip(rows, reserve_ids(Pet, len(rows))):
        row["id"] = pet_id
        row |= search_values(Pet, row)
    return rows


class PetTypeDraw:
    """Draws a pet type (common ones more often) and a plausible birth date for it."""

    def __init__(self, rng, today):
        self.rng, self.today = rng, today
        rows = db.session.execute(sa.select(PetType.name, PetType.id).order_by(PetType.name))
        other_weight, other_lifespan = words.OTHER_PET_TYPE
        self.types, weights = [], []
        for name, type_id in rows:
            self.types.append((type_id, words.PET_LIFESPAN_YEARS.get(name, other_lifespan)))
            weights.append(words.PET_TYPE_WEIGHTS.get(name, other_weight))
        self.cumulative = list(itertools.accumulate(weights))

    def draw(self):
        """type_id and birth_date of a pet born before the seeded period began."""
        type_id, lifespan = self.rng.choices(self.types, cum_weights=self.cumulative)[0]
        youngest = PAST_DAYS + 30
        age = self.rng.randint(youngest, max(youngest, lifespan * 365))
        return {"type_id": type_id, "birth_date": self.today - timedelta(days=age)}


def fake_appointment(rng, pet_id, vet_id, starts_at, now):
    """An appointment row in a slot: past ones completed, no-show or cancelled; future scheduled."""
    minutes, length, reason = pick(rng, BOOKINGS)
    status = AppointmentStatus.SCHEDULED
    if starts_at < now:
        draw = rng.random()
        if draw < COMPLETED_SHARE:
            status = AppointmentStatus.COMPLETED
        elif draw < COMPLETED_SHARE + NO_SHOW_SHARE:
            status = AppointmentStatus.NO_SHOW
        else:
            status = AppointmentStatus.CANCELLED
    return {
        "pet_id": pet_id,
        "vet_id": vet_id,
        "starts_at": starts_at,
        "duration_minutes": minutes,
        "ends_at": starts_at + length,
        "reason": reason,
        "status": status,
    }


def pick(rng, items):
    """A random item, like rng.choice, at a third of its cost (a million calls per big seed)."""
    return items[int(rng.random() * len(items))]


def visit_for(appointment):
    """The visit a completed appointment wrote."""
    return {
        "pet_id": appointment["pet_id"],
        "vet_id": appointment["vet_id"],
        "appointment_id": appointment["id"],
        # Keyed by column name ("visit_date", not the attribute "date"): see TableWriter.
        "visit_date": appointment["starts_at"].date(),
        "description": VISIT_NOTES[appointment["reason"]],
    }
