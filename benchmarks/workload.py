"""The workload: pages, the requests of each scenario, the booking slots, the plans wrk reads.

The plans are Lua tables that workload.lua loads; the ids in them come from the seeded data.
"""

import math
import urllib.parse
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from environment import SETTINGS, USER_AGENT

PAGES = {
    "search": "owners search, /owners?lastName=<prefix>",
    "details": "owner details, /owners/<id>",
    "vets": "vets list, /vets",
    "day": "day sheet, /appointments?date=<busy day>",
    "schedule": "schedule grid, /schedule?date=<busy day>",
    "pet-edit": "pet edit form, /owners/<id>/pets/<id>/edit",
    "book": "book appointment, POST .../appointments/new",
    "mixed": "mixed front desk",
}

# The mixed scenario: requests per hundred, roughly a front desk's day.
MIX = {"search": 25, "details": 25, "vets": 10, "day": 15, "pet-edit": 10, "book": 15}

# Bookings go this many days ahead, past the seeded appointments (flask seed bulk: 120).
BOOKING_HORIZON_DAYS = 200

# The booking days of each use (the probe, the warm-up, the two scenarios) never meet.
LANES = {"probe": 0, "warm-up": 1, "book": 2, "mixed": 3}
BOOKING_MINUTES = 15


@dataclass
class Workload:
    """What the scenarios ask for, chosen from the seeded data."""

    prefixes: list
    owners: list
    pets_of_owners: list
    busy_day: str
    vets: list
    booking_pets: list
    today: date


def clinic_today():
    """Today at the clinic (CLINIC_TIMEZONE)."""
    return datetime.now(ZoneInfo(SETTINGS["CLINIC_TIMEZONE"])).date()


def choose_workload(url):
    """Search prefixes, owners, pets, a busy day and vets that exist in the seeded data."""
    today = clinic_today()
    start = datetime.combine(today, datetime.min.time())
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as db:
            # Prefixes that many owners share: each search shows a list page, not one owner.
            prefixes = db.execute(sa.text(
                "SELECT lower(substr(last_name, 1, 3)) AS prefix FROM owners GROUP BY prefix "
                "HAVING count(*) > :many ORDER BY count(*) DESC, prefix LIMIT 8"
            ), {"many": SETTINGS["PAGE_SIZE"]}).scalars().all()
            # Owners with the most upcoming appointments: the fullest owner pages.
            owners = db.execute(sa.text(
                "SELECT p.owner_id FROM appointments a JOIN pets p ON p.id = a.pet_id "
                "WHERE a.starts_at >= :start GROUP BY p.owner_id "
                "ORDER BY count(*) DESC, p.owner_id LIMIT 100"
            ), {"start": start}).scalars().all()
            pets = db.execute(
                sa.text("SELECT owner_id, id FROM pets WHERE owner_id IN :owners ORDER BY id")
                .bindparams(sa.bindparam("owners", expanding=True)), {"owners": owners}
            ).all()
            busy_day = db.execute(sa.text(
                "SELECT date(starts_at) AS day FROM appointments WHERE starts_at >= :start "
                "GROUP BY date(starts_at) ORDER BY count(*) DESC, day LIMIT 1"
            ), {"start": start}).scalar()
            vets = db.execute(sa.text("SELECT id FROM vets WHERE active ORDER BY id")).scalars()
            vets = vets.all()
            # More pets than vets: the bookings of one start time each get a pet of their own.
            booking_pets = db.execute(sa.text("SELECT owner_id, id FROM pets ORDER BY id LIMIT :n"),
                                      {"n": max(500, 2 * len(vets) + 1)}).all()
    finally:
        engine.dispose()
    if not (prefixes and owners and busy_day and vets):
        raise RuntimeError("the seeded data is too small for the workload: use more --owners")
    return Workload(prefixes, owners, [tuple(p) for p in pets], str(busy_day), vets,
                    [tuple(p) for p in booking_pets], today)


def page_paths(workload):
    """The GET paths of each page, rotated through by wrk."""
    return {
        "search": [f"/owners?lastName={urllib.parse.quote(p)}" for p in workload.prefixes],
        "details": [f"/owners/{owner}" for owner in workload.owners],
        "vets": ["/vets"],
        "day": [f"/appointments?date={workload.busy_day}"],
        "schedule": [f"/schedule?date={workload.busy_day}"],
        "pet-edit": [f"/owners/{owner}/pets/{pet}/edit" for owner, pet in workload.pets_of_owners],
    }


@dataclass
class Booking:
    """Where the bookings of one lane go: days of their own, far past the seeded ones."""

    first_day: int  # days since 1970-01-01
    days_per_thread: int
    starts_per_day: int
    opens_minutes: int


def booking_lanes(workload, args):
    """The booking days of each lane, wide enough for the fastest conceivable run."""
    opens, closes = SETTINGS["CLINIC_OPENS"], SETTINGS["CLINIC_CLOSES"]
    opens_minutes = opens.hour * 60 + opens.minute
    starts = (closes.hour * 60 + closes.minute - opens_minutes) // BOOKING_MINUTES
    per_day = len(workload.vets) * starts
    days_per_thread = math.ceil(max(args.duration, 2) * 5_000 / per_day) + 1
    first = (workload.today - date(1970, 1, 1)).days + BOOKING_HORIZON_DAYS
    width = days_per_thread * args.threads
    return {lane: Booking(first + n * width, days_per_thread, starts, opens_minutes)
            for lane, n in LANES.items()}


def lane_of(clinic, page, round_number):
    """The booking days of one page's run in one round: a run never books another's slots."""
    booking = clinic.lanes["probe"]
    if page in LANES:
        lane_width = clinic.lanes["warm-up"].first_day - clinic.lanes["probe"].first_day
        booking = clinic.lanes[page]
        booking = Booking(booking.first_day + round_number * len(LANES) * lane_width,
                          booking.days_per_thread, booking.starts_per_day,
                          booking.opens_minutes)
    return booking


def booking_fields(desk, workload, booking, number):
    """The form of the ``number``-th booking of a lane, as workload.lua makes them."""
    vets, starts = len(workload.vets), booking.starts_per_day
    day = date(1970, 1, 1) + timedelta(days=booking.first_day + number // (vets * starts))
    minutes = booking.opens_minutes + (number // vets) % starts * BOOKING_MINUTES
    return {
        "csrf_token": desk.csrf_token,
        "vet_id": workload.vets[number % vets],
        "date": day.isoformat(),
        "start_time": f"{minutes // 60:02d}:{minutes % 60:02d}",
        "duration_minutes": BOOKING_MINUTES,
        "reason": "Benchmark booking",
    }


def lua_string(text):
    """A Lua string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_plan(path, desk, sequence, workload, booking, threads):
    """The plan that workload.lua reads: session, request sequence, booking slots."""
    entries = []
    for page, request_path in sequence:
        if request_path is None:
            entries.append(f"{{page={lua_string(page)}}}")
        else:
            entries.append(f"{{page={lua_string(page)}, path={lua_string(request_path)}}}")
    pets = [f"/owners/{owner}/pets/{pet}/appointments/new" for owner, pet in workload.booking_pets]
    path.write_text(
        "return {\n"
        f"  cookie = {lua_string(desk.cookie)},\n"
        f"  user_agent = {lua_string(USER_AGENT)},\n"
        f"  csrf_token = {lua_string(urllib.parse.quote(desk.csrf_token, safe=''))},\n"
        f"  threads = {threads},\n"
        f"  sequence = {{{', '.join(entries)}}},\n"
        f"  pets = {{{', '.join(lua_string(p) for p in pets)}}},\n"
        f"  vets = {{{', '.join(str(v) for v in workload.vets)}}},\n"
        f"  first_day = {booking.first_day},\n"
        f"  days_per_thread = {booking.days_per_thread},\n"
        f"  starts_per_day = {booking.starts_per_day},\n"
        f"  opens_minutes = {booking.opens_minutes},\n"
        "}\n"
    )


def scenario_sequence(page, paths):
    """(page, path or None for a booking) requests of a scenario, in the order wrk sends them."""
    if page == "book":
        return [("book", None)]
    if page != "mixed":
        return [(page, path) for path in paths[page]]
    # Interleaved, so that every stretch of the sequence has the mix's proportions.
    sequence, seen = [], dict.fromkeys(MIX, 0)
    for step in range(100):
        for name, share in MIX.items():
            if (step * share) // 100 != ((step + 1) * share) // 100:
                pool = paths.get(name, [None])
                sequence.append((name, pool[seen[name] % len(pool)]))
                seen[name] += 1
    return sequence
