"""A large, realistic and reproducible clinic for benchmarks (`flask seed bulk`).

Rows are plain dictionaries, written by ``insert()`` statements over lists of them
(app.seed.writing.TableWriter); the rows themselves are made up in app.seed.rows. Appointments are laid on a grid of 30-minute slots, one slot per
appointment, drawn without replacement, so no vet is ever double-booked; the drawn slots
are dealt to pets in time order, so no pet is booked twice at the same time either. Both
hold by construction, not by checking.
"""

import bisect
import contextlib
import dataclasses
import itertools
import random
from datetime import datetime, time, timedelta

import sqlalchemy as sa
from flask import current_app

from app.clinic import clinic_now
from app.extensions import db
from app.i18n import _
from app.models import Appointment, AppointmentStatus, Owner, Pet, Specialty, Vet, Visit
from app.seed.demo import ensure_reference_data
from app.seed.rows import (
    FUTURE_DAYS,
    PAST_DAYS,
    PetTypeDraw,
    fake_appointment,
    fake_owner,
    fake_pets,
    fake_vet,
    visit_for,
)
from app.seed.writing import TableWriter, cycle_collector_paused, large_page_cache, reserve_ids

FILLED = (Owner, Pet, Appointment, Visit)  # the tables a seed fills, in the order it fills them
OWNERS_PER_ROUND = 1_000  # owners generated, written and reported to the progress bar at once
SLOT = timedelta(minutes=30)
# A busy clinic, not a full one: vets are added until the appointments fill this share of slots.
GRID_FILL = 0.6


class NoRoom(ValueError):
    """The appointments asked for do not fit in the clinic's hours."""


@dataclasses.dataclass
class Counts:
    """Rows written, by table."""

    vets: int = 0
    owners: int = 0
    pets: int = 0
    appointments: int = 0
    visits: int = 0

    @property
    def total(self):
        """Every row written."""
        return sum(dataclasses.astuple(self))


class SlotGrid:
    """The free 30-minute slots of bookable vets over a range of days, numbered in time order."""

    # Numbers run day by day, then slot by slot, then vet by vet: all the slots that start
    # at the same moment have neighbouring numbers.
    def __init__(self, vets_by_day, opens, slots_per_day):
        days = [day for day in sorted(vets_by_day) if vets_by_day[day]]
        self.vets = [vets_by_day[day] for day in days]
        self.openings = [datetime.combine(day, opens) for day in days]
        self.offsets = [index * SLOT for index in range(slots_per_day)]
        self.firsts = [0, *itertools.accumulate(len(vets) * slots_per_day for vets in self.vets)]

    def __len__(self):
        return self.firsts[-1]

    def starts_and_vets(self, numbers):
        """The start and the vet id of each slot, as two lists, for ascending slot numbers."""
        starts, vet_ids = [], []
        for day, vets in enumerate(self.vets):
            first, end = self.firsts[day], self.firsts[day + 1]
            times = [self.openings[day] + offset for offset in self.offsets]
            today = numbers[bisect.bisect_left(numbers, first):bisect.bisect_left(numbers, end)]
            starts += [times[(number - first) // len(vets)] for number in today]
            vet_ids += [vets[(number - first) % len(vets)] for number in today]
        return starts, vet_ids


class Schedule:
    """Which slots each pet gets: drawn once for all pets, handed out as their rows are made."""

    def __init__(self, rng, pets, appointments_per_pet, now):
        self.rng, self.now, self.pets = rng, now, pets
        self.grid, self.vets_added = slot_grid(rng, pets * appointments_per_pet, pets, now.date())
        drawn = sorted(rng.sample(range(len(self.grid)), pets * appointments_per_pet))
        self.starts, self.vet_ids = self.grid.starts_and_vets(drawn)
        # Pet n takes every pets-th drawn slot from lanes[n]: its appointments are spread over
        # the whole period, and never two at one moment, because no moment has more slots
        # than there are pets (slot_grid), so slots sharing a start go to different lanes.
        self.lanes = list(range(pets))
        rng.shuffle(self.lanes)

    def book(self, pet_rows, first_number):
        """Appointment rows (with reserved ids) for pets numbered from ``first_number``."""
        rows = []
        for number, pet in enumerate(pet_rows, start=first_number):
            for drawn in range(self.lanes[number], len(self.starts), self.pets):
                starts_at, vet_id = self.starts[drawn], self.vet_ids[drawn]
                rows.append(fake_appointment(self.rng, pet["id"], vet_id, starts_at, self.now))
        for row, appointment_id in zip(rows, reserve_ids(Appointment, len(rows))):
            row["id"] = appointment_id
        return rows


def seed_bulk(owners, pets_per_owner, appointments_per_pet, seed, progress=lambda owners: None):
    """Write the data set in the session's transaction, which must begin IMMEDIATE on SQLite."""
    rng = random.Random(seed)
    ensure_reference_data()
    now = clinic_now()
    schedule = Schedule(rng, owners * pets_per_owner, appointments_per_pet, now)
    pet_types = PetTypeDraw(rng, now.date())
    counts = Counts(vets=schedule.vets_added)
    writers = {model: TableWriter(model) for model in FILLED}
    rebuild = rebuilding_indexes_pays(owners)
    with large_page_cache(), cycle_collector_paused(), indexes_rebuilt(FILLED, rebuild):
        for first in range(0, owners, OWNERS_PER_ROUND):
            size = min(OWNERS_PER_ROUND, owners - first)
            owner_rows = [fake_owner(rng, owner_id) for owner_id in reserve_ids(Owner, size)]
            pet_rows = fake_pets(rng, owner_rows, pets_per_owner, pet_types)
            appointment_rows = schedule.book(pet_rows, first * pets_per_owner)
            visit_rows = [
                visit_for(appointment)
                for appointment in appointment_rows
                if appointment["status"] is AppointmentStatus.COMPLETED
            ]
            writers[Owner].insert_rows(owner_rows)
            writers[Pet].insert_rows(pet_rows)
            writers[Appointment].insert_rows(appointment_rows)
            writers[Visit].insert_rows(visit_rows)
            counts.owners += len(owner_rows)
            counts.pets += len(pet_rows)
            counts.appointments += len(appointment_rows)
            counts.visits += len(visit_rows)
            progress(size)
    return counts


def rebuilding_indexes_pays(owners):
    """Whether to fill the tables without their indexes and build them after (indexes_rebuilt)."""
    # On SQLite, when the seed at least doubles the clinic (the other tables grow with the
    # owners): adding half as many as there are already, both ways take the same time.
    # Not on PostgreSQL: DROP INDEX there locks the table against readers until commit.
    if db.session.connection().dialect.name != "sqlite":
        return False
    return owners >= db.session.scalar(sa.select(sa.func.count()).select_from(Owner))


@contextlib.contextmanager
def indexes_rebuilt(models, rebuild):
    """With ``rebuild``, drop the models' indexes for this block and create them again after it."""
    # Filling them row by row, in the random order of start times, vets and names, costs more
    # than building them once at the end: 100,000 owners take about 20 s on SQLite, not 24.
    indexes = [index for model in models for index in model.__table__.indexes] if rebuild else []
    connection = db.session.connection()
    for index in indexes:
        index.drop(connection)
    yield
    # Not in a finally: after an error the transaction is rolled back, dropped indexes and all.
    for index in indexes:
        index.create(connection)


def slot_grid(rng, appointments, pets, today):
    """The slot grid over the seeded period; adds vets until the appointments fit; (grid, added)."""
    days = [today + timedelta(days=offset) for offset in range(-PAST_DAYS, FUTURE_DAYS + 1)]
    days = [day for day in days if day.weekday() != 6]  # closed on Sundays
    opens, closes = current_app.config["CLINIC_OPENS"], current_app.config["CLINIC_CLOSES"]
    slots_per_day = int((datetime.combine(today, closes) - datetime.combine(today, opens)) / SLOT)
    if not appointments:
        return SlotGrid({}, opens, slots_per_day), 0

    vet_ids = list(db.session.scalars(sa.select(Vet.id).where(Vet.active).order_by(Vet.id)))
    busy = busy_days(days[0], days[-1])
    free = {day: [vet for vet in vet_ids if (vet, day) not in busy] for day in days}

    # No more vets at one moment than there are pets, or a pet would be dealt two of them.
    def capacity(extra):
        return slots_per_day * sum(min(len(vets) + extra, pets) for vets in free.values())

    # With no vets at all, a clinic of a few, even for few appointments.
    extra = 0 if vet_ids else min(3, pets)
    while capacity(extra) < appointments / GRID_FILL and capacity(extra) < capacity(extra + 1):
        extra += 1
    if capacity(extra) < appointments:
        raise NoRoom(_(
            "%(appointments)d appointments do not fit in the clinic's hours over %(days)d days; "
            "ask for fewer appointments per pet.", appointments=appointments, days=len(days)
        ))
    specialty_ids = list(db.session.scalars(sa.select(Specialty.id).order_by(Specialty.id)))
    new_ids = [fake_vet(rng, specialty_ids).id for _ in range(extra)]
    for day, vets in free.items():
        vets.extend(new_ids)
        if len(vets) > pets:
            free[day] = sorted(rng.sample(vets, pets))
    return SlotGrid(free, opens, slots_per_day), extra


def busy_days(first_day, last_day):
    """(vet id, day) of every day on which a vet already has an appointment: not theirs to fill."""
    booked_day = sa.func.date(Appointment.starts_at, type_=sa.Date)
    rows = db.session.execute(
        sa.select(Appointment.vet_id, booked_day)
        .where(
            Appointment.starts_at >= datetime.combine(first_day, time.min),
            Appointment.starts_at < datetime.combine(last_day + timedelta(days=1), time.min),
        )
        .distinct()
    )
    return {(vet_id, day) for vet_id, day in rows}
