"""The next-free-slot search on a year of appointments for 20 vets: milliseconds and statements.

    .venv/bin/python benchmarks/free_slots.py                       # SQLite, a file of its own
    .venv/bin/python benchmarks/free_slots.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/free_slots_bench

Builds its own clinic (the schema by create_all on an empty database; a PostgreSQL database
must be named *_bench and is emptied first): 20 vets working Monday to Friday 08:00–18:00
(half of them with a lunch break), one closure, an absence per vet, and a year of 30-minute
appointments filling --fill of every vet's working time at random, from today on. Then it
times each search (the fastest of --rounds, in process, in one app context) and counts its
SQL statements:

- any vet, 30 minutes, from now;
- one vet, 30 minutes;
- any vet with a specialty, 120 minutes (surgery);
- one vet fully booked for the next --full-weeks weeks (the search walks past them).
"""

import argparse
import random
import sys
import time as clock
from datetime import datetime, time, timedelta
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import create_app  # noqa: E402
from app.appointments.free_slots import candidate_vets, next_free_slots  # noqa: E402
from app.clinic import clinic_today  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import (  # noqa: E402
    Absence,
    Appointment,
    ClinicClosure,
    Owner,
    Pet,
    PetType,
    RotaDay,
    Specialty,
    Vet,
    vet_specialties,
)

VETS = 20


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None,
                        help="default: a SQLite file in benchmarks/results/")
    parser.add_argument("--fill", type=float, default=0.85, help="share of working time booked")
    parser.add_argument("--full-weeks", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    return parser.parse_args(argv)


def database_url(args):
    if args.database_url:
        if not args.database_url.startswith("sqlite") and not args.database_url.endswith("_bench"):
            raise SystemExit("A PostgreSQL database for this benchmark must be named *_bench.")
        return args.database_url
    folder = Path(__file__).resolve().parent / "results"
    folder.mkdir(exist_ok=True)
    path = folder / "free-slots.db"
    path.unlink(missing_ok=True)
    return f"sqlite:///{path}"


def seed(rng, fill, full_weeks):
    """The clinic described above; returns (the busy vet's id, the number of appointments)."""
    db.drop_all()
    db.create_all()
    surgery = Specialty(name="surgery")
    kind = PetType(name="dog")
    owner = Owner(first_name="Bench", last_name="Owner", address="1 Road", city="Town",
                  telephone="+16085551234")
    db.session.add_all([surgery, kind, owner])
    db.session.flush()
    pets = [Pet(name=f"Pet {n}", birth_date=datetime(2020, 1, 1).date(), owner=owner, type=kind)
            for n in range(200)]
    vets = [Vet(first_name="Vet", last_name=f"{n:02}") for n in range(VETS)]
    db.session.add_all(pets + vets)
    db.session.flush()
    db.session.execute(sa.insert(vet_specialties), [
        {"vet_id": vet.id, "specialty_id": surgery.id} for vet in vets[::4]])
    today = clinic_today()
    for index, vet in enumerate(vets):
        for weekday in range(5):
            lunch = index % 2 == 0
            db.session.add(RotaDay(vet_id=vet.id, weekday=weekday, starts=time(8), ends=time(18),
                                   break_starts=time(12) if lunch else None,
                                   break_ends=time(13) if lunch else None))
        away = datetime.combine(today + timedelta(days=rng.randrange(5, 300)), time.min)
        db.session.add(Absence(vet_id=vet.id, starts_at=away, ends_at=away + timedelta(days=3),
                               reason="Leave"))
    db.session.add(ClinicClosure(day=today + timedelta(days=20), reason="Holiday"))
    db.session.flush()
    rows, busy = [], vets[1]  # odd index: no lunch break
    for offset in range(1, 366):
        day = today + timedelta(days=offset)
        if day.weekday() >= 5:
            continue
        for index, vet in enumerate(vets):
            full = vet is busy and offset <= full_weeks * 7
            for half_hour in range(20):
                starts_at = datetime.combine(day, time(8)) + timedelta(minutes=30 * half_hour)
                if index % 2 == 0 and time(12) <= starts_at.time() < time(13):  # lunch
                    continue
                if full or rng.random() < fill:
                    rows.append({"pet_id": rng.choice(pets).id, "vet_id": vet.id,
                                 "starts_at": starts_at, "duration_minutes": 30,
                                 "ends_at": starts_at + timedelta(minutes=30),
                                 "reason": "Check-up", "status": "scheduled"})
    now = datetime.now().astimezone()
    for row in rows:
        row.update(created_at=now, updated_at=now, version=1)
    db.session.execute(sa.insert(Appointment), rows)
    db.session.commit()
    return busy.id, len(rows)


def measure(search, rounds, engine):
    """(fastest milliseconds, statements, slots found) of a search."""
    count = [0]

    def counter(*_):
        count[0] += 1

    sa.event.listen(engine, "before_cursor_execute", counter)
    try:
        best = None
        for _ in range(rounds):
            count[0] = 0
            started = clock.perf_counter()
            slots = search()
            elapsed = (clock.perf_counter() - started) * 1000
            best = elapsed if best is None else min(best, elapsed)
    finally:
        sa.event.remove(engine, "before_cursor_execute", counter)
    return best, count[0], slots


def main(argv=None):
    args = parse_args(argv)
    url = database_url(args)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    rng = random.Random(args.seed)
    with app.app_context():
        started = clock.perf_counter()
        busy_id, appointments = seed(rng, args.fill, args.full_weeks)
        print(f"{url.split('://')[0]}: {VETS} vets, {appointments:,} appointments over a year "
              f"({args.fill:.0%} of working time), seeded in {clock.perf_counter() - started:.1f} s")
        surgery_id = db.session.scalar(sa.select(Specialty.id))
        pet_id = db.session.scalar(sa.select(Pet.id))
        start = datetime.now().replace(microsecond=0)
        cases = {
            "any vet, 30 min": lambda: next_free_slots(candidate_vets(), 30, start, pet_id),
            "one vet, 30 min": lambda: next_free_slots(
                candidate_vets(vet_id=busy_id + 1), 30, start, pet_id),
            "surgery vets, 120 min": lambda: next_free_slots(
                candidate_vets(specialty_id=surgery_id), 120, start, pet_id),
            f"vet booked {args.full_weeks} weeks, 30 min": lambda: next_free_slots(
                candidate_vets(vet_id=busy_id), 30, start, pet_id),
        }
        print(f"{'search':<34} {'ms (best)':>10} {'statements':>11}  first slot")
        for name, search in cases.items():
            ms, statements, slots = measure(search, args.rounds, db.engine)
            first = f"{slots[0].starts_at:%a %d %b %H:%M}" if slots else "none"
            print(f"{name:<34} {ms:>10.1f} {statements:>11}  {first} ({len(slots)} found)")
        db.session.rollback()
        db.drop_all()
        db.engine.dispose()


if __name__ == "__main__":
    main()
