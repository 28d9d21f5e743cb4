"""A large, realistic and reproducible clinic for benchmarks (`flask seed bulk`).

Rows are plain dictionaries, written by ``insert()`` statements over lists of them
(TableWriter). Appointments are laid on a grid of 30-minute slots, one slot per
appointment, drawn without replacement, so no vet is ever double-booked; the drawn slots
are dealt to pets in time order, so no pet is booked twice at the same time either. Both
hold by construction, not by checking.
"""

import bisect
import contextlib
import dataclasses
import functools
import gc
import itertools
import operator
import random
from datetime import datetime, time, timedelta

import sqlalchemy as sa
from flask import current_app

from app.clinic import clinic_now
from app.extensions import db
from app.models import Appointment, AppointmentStatus, Owner, Pet, PetType, Specialty, Vet, Visit
from app.seed import vocabulary as words
from app.seed.demo import ensure_reference_data
from app.vets.services import create_vet

BATCH_SIZE = 5_000
FILLED = (Owner, Pet, Appointment, Visit)  # the tables a seed fills, in the order it fills them
OWNERS_PER_ROUND = 1_000  # owners generated, written and reported to the progress bar at once
PAST_DAYS, FUTURE_DAYS = 365, 120
SLOT = timedelta(minutes=30)
DURATIONS = (30, 30, 30, 15)
# A busy clinic, not a full one: vets are added until the appointments fill this share of slots.
GRID_FILL = 0.6
# Past appointments: the share completed (each with its visit), then no-shows; the rest cancelled.
COMPLETED_SHARE, NO_SHOW_SHARE = 0.85, 0.07
VISIT_NOTES = dict(words.REASONS)
# Any duration with any reason, equally likely: one draw picks both.
BOOKINGS = tuple(
    (minutes, timedelta(minutes=minutes), reason) for minutes in DURATIONS for reason in VISIT_NOTES
)


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
        raise NoRoom(
            f"{appointments} appointments do not fit in the clinic's hours over "
            f"{len(days)} days; ask for fewer appointments per pet."
        )
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
    return {
        "id": owner_id,
        "first_name": first,
        "last_name": last,
        "address": f"{rng.randint(1, 9999)} {rng.choice(words.STREETS)}",
        "city": city,
        "telephone": f"+1{area_code}555{rng.randrange(10_000):04d}",
        "email": email,
    }


def fake_pets(rng, owner_rows, pets_per_owner, pet_types):
    """Pet rows (with reserved ids): differently named pets for each owner."""
    rows = [
        {"owner_id": owner["id"], "name": name, **pet_types.draw()}
        for owner in owner_rows
        for name in rng.sample(words.PET_NAMES, pets_per_owner)
    ]
    for row, pet_id in zip(rows, reserve_ids(Pet, len(rows))):
        row["id"] = pet_id
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


def reserve_ids(model, count):
    """Ids for ``count`` new rows of ``model`` that no other writer can take."""
    if not count:
        return []
    if db.session.get_bind().dialect.name == "postgresql":
        # Drawn from the table's own sequence, so concurrent inserts get other numbers.
        sequence = sa.func.pg_get_serial_sequence(model.__tablename__, "id")
        numbers = sa.select(sa.func.nextval(sequence)).select_from(sa.func.generate_series(1, count))
        return list(db.session.scalars(numbers))
    # SQLite: the transaction began IMMEDIATE, so nobody else can insert until it ends.
    last = db.session.scalar(sa.select(sa.func.max(model.id))) or 0
    return list(range(last + 1, last + count + 1))


@contextlib.contextmanager
def large_page_cache(mebibytes=1024):
    """Give SQLite a page cache big enough for the indexes being filled, for this block."""
    # With the default 2 MiB, inserts in random index order (by start time, by vet) keep
    # evicting the pages they need next, and a big load runs about half as fast.
    connection = db.session.connection()
    if connection.dialect.name != "sqlite":
        yield
        return
    before = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    connection.exec_driver_sql(f"PRAGMA cache_size = {-1024 * mebibytes}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size = {int(before)}")


@contextlib.contextmanager
def cycle_collector_paused():
    """Pause Python's cycle collector for this block; reference counting still frees the rows."""
    # The millions of rows made here would start it thousands of times, and its full passes
    # each walk the schedule's lists of a million entries: 4.4 s of a 30 s seed of 100,000
    # owners, finding next to nothing to collect.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class TableWriter:
    """Inserts row dictionaries, keyed by column name, into one table; the database stamps times."""

    def __init__(self, model):
        table = self.table = model.__table__
        stamps = {name: sa.func.now() for name in ("created_at", "updated_at") if name in table.c}
        self.statement = sa.insert(table).values(**stamps)
        self.compiled = None

    def insert_rows(self, rows):
        """Insert the rows in the session's transaction."""
        if not rows:
            return
        # On the session's connection (same transaction) rather than session.execute(): the
        # ORM's bulk path would re-examine every plain dictionary, at about twice the cost.
        connection = db.session.connection()
        if not connection.dialect.positional:
            # PostgreSQL: Core's executemany sends many rows per INSERT ("insertmanyvalues").
            for start in range(0, len(rows), BATCH_SIZE):
                connection.execute(self.statement, rows[start:start + BATCH_SIZE])
            return
        # SQLite (a positional driver): Core would build and convert parameters row by row
        # before the driver's executemany, costing as much as SQLite's own work. Here the
        # statement is compiled once and the rows go to that executemany as tuples, each
        # column converted by its type's bind processor once per distinct value (slot times,
        # dates, statuses: a few thousand values over millions of rows).
        if self.compiled is None:
            self.compile(connection.dialect, list(rows[0]))
        columns = list(zip(*map(self.values_of, rows)))
        for index, process in self.processors:
            columns[index] = map(process, columns[index])
        connection.exec_driver_sql(self.compiled.string, list(zip(*columns)))

    def compile(self, dialect, keys):
        """Compile the statement for rows with these keys, and the conversions its values need."""
        self.compiled = self.statement.compile(dialect=dialect, column_keys=keys)
        names = self.compiled.positiontup
        self.values_of = operator.itemgetter(*names)
        self.processors = []
        for index, name in enumerate(names):
            process = self.table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
            if process is not None:
                self.processors.append((index, functools.cache(process)))
