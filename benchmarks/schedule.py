"""The schedule grid on a busy day: 20 vets, each nearly fully booked, one request at a time.

    .venv/bin/python benchmarks/schedule.py                       # a SQLite file of its own
    .venv/bin/python benchmarks/schedule.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/petclinic_schedule_bench

Builds its own clinic (`flask db upgrade`, then rows inserted in bulk): --vets vets working
08:00-18:00, half of them with a lunch break and one away for the afternoon, every vet booked
in 30-minute appointments all day but for one free slot, and the first vet's whole week
booked the same way. Then times, through Flask's test client as benchmarks/inprocess.py
does, the day view (every vet), the same with cancelled ones shown, and the first vet's
week, printing milliseconds per request (the fastest of --rounds), statements and page size.
A PostgreSQL database (its name must end in _bench) is created and dropped by the script.
"""

import argparse
import os
import secrets
import sys
import tempfile
import time as clock
from datetime import date, datetime, time, timedelta
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent.parent), str(Path(__file__).resolve().parent)]

import sqlalchemy as sa  # noqa: E402
from inprocess import signed_in_client  # noqa: E402
from seeding import PostgresDatabase  # noqa: E402


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="a PostgreSQL database of the benchmark's own "
                        "(name ending in _bench); a fresh SQLite file when absent")
    parser.add_argument("--vets", type=int, default=20)
    parser.add_argument("--requests", type=int, default=50, help="requests per page and round")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    if args.database_url and not sa.make_url(args.database_url).database.endswith("_bench"):
        parser.error("--database-url: the database name must end in _bench (it is dropped)")
    return args


def busy_day():
    """A Wednesday one to two weeks ahead: every free slot is bookable, none in the past."""
    day = date.today() + timedelta(days=8)
    return day + timedelta(days=(2 - day.weekday()) % 7)


def seed(vets, day):
    """The clinic: vets, rotas, an absence, one pet per appointment, the appointments."""
    from app.extensions import db
    from app.models import Absence, Appointment, Owner, Pet, PetType, RotaDay, Vet

    session = db.session
    session.execute(sa.insert(PetType), [{"name": "cat"}])
    cat = session.scalar(sa.select(PetType.id))
    session.execute(sa.insert(Vet), [{"first_name": "Vet", "last_name": f"Number {n:02d}",
                                      "active": True} for n in range(vets)])
    vet_ids = session.scalars(sa.select(Vet.id).order_by(Vet.id)).all()
    monday = day - timedelta(days=day.weekday())
    rota = [{"vet_id": vet_id, "weekday": weekday, "starts": time(8), "ends": time(18),
             "break_starts": time(12) if n % 2 else None, "break_ends": time(13) if n % 2 else None}
            for n, vet_id in enumerate(vet_ids) for weekday in range(7)]
    session.execute(sa.insert(RotaDay), rota)
    session.execute(sa.insert(Absence), [{
        "vet_id": vet_ids[-1], "reason": "course",
        "starts_at": datetime.combine(day, time(15)), "ends_at": datetime.combine(day, time(18))}])
    slots = []  # (vet_id, starts_at): every half hour the vet works, but one
    for n, vet_id in enumerate(vet_ids):
        days = [monday + timedelta(days=k) for k in range(7)] if n == 0 else [day]
        for booked_day in days:
            starts = [datetime.combine(booked_day, time(8)) + timedelta(minutes=30 * k)
                      for k in range(20)]
            starts = [s for s in starts if not (n % 2 and 12 <= s.hour < 13)]
            if n == len(vet_ids) - 1:
                starts = [s for s in starts if s.hour < 15]
            del starts[(n * 3) % len(starts)]  # nearly full: one free half hour
            slots += [(vet_id, s) for s in starts]
    session.execute(sa.insert(Owner), [{
        "first_name": "Owner", "last_name": f"Busy {k:04d}", "address": "1 Main St.",
        "city": "Madison", "telephone": f"+1608555{k:04d}"} for k in range(len(slots))])
    owner_ids = session.scalars(sa.select(Owner.id).order_by(Owner.id)).all()
    session.execute(sa.insert(Pet), [{"owner_id": owner_id, "name": f"Pet {k}", "type_id": cat,
                                      "birth_date": date(2020, 1, 1)}
                                     for k, owner_id in enumerate(owner_ids)])
    pet_ids = session.scalars(sa.select(Pet.id).order_by(Pet.id)).all()
    session.execute(sa.insert(Appointment), [{
        "pet_id": pet_id, "vet_id": vet_id, "starts_at": starts_at, "duration_minutes": 30,
        "ends_at": starts_at + timedelta(minutes=30), "reason": "Check-up",
        "status": "cancelled" if k % 17 == 0 else "scheduled"}
        for k, (pet_id, (vet_id, starts_at)) in enumerate(zip(pet_ids, slots, strict=True))])
    session.commit()
    return vet_ids, len(slots)


def measure(client, name, path, args):
    """Print the fastest round's milliseconds per request of one page."""
    answer = client.get(path)  # once first: every statement compiled and cached
    if answer.status_code != 200:
        raise SystemExit(f"{path} answered {answer.status_code}")
    best = float("inf")
    for _ in range(args.rounds):
        started = clock.perf_counter()
        for _ in range(args.requests):
            client.get(path)
        best = min(best, (clock.perf_counter() - started) / args.requests)
    statements = answer.headers["X-SQL-Statements"]
    print(f"{name:28} {best * 1000:10.1f} {statements:>4} {len(answer.data) / 1024:6.0f}")


def run(url, args):
    """Migrate, seed and measure one database."""
    os.environ.update(DATABASE_URL=url, SQL_STATEMENT_HEADER="1",
                      SECRET_KEY=secrets.token_urlsafe(32), SESSION_COOKIE_SECURE="false")
    from flask_migrate import upgrade

    from app import create_app

    app = create_app()
    day = busy_day()
    with app.app_context():
        upgrade()
        vet_ids, booked = seed(args.vets, day)
    print(f"{sa.make_url(url).get_backend_name()}: {args.vets} vets, {booked} appointments "
          f"({args.vets} vets on {day}, one vet's whole week), 15-minute slots")
    with signed_in_client(app) as client:
        print(f"{'page':28} {'ms/request':>10} {'SQL':>4} {'KB':>6}")
        measure(client, f"day, {args.vets} vets", f"/schedule?date={day}", args)
        measure(client, "day, cancelled shown", f"/schedule?date={day}&cancelled=show", args)
        measure(client, "one vet's week", f"/schedule?view=week&vet={vet_ids[0]}&date={day}", args)
    with app.app_context():
        from app.extensions import db

        db.engine.dispose()


def main(argv=None):
    args = parse_args(argv)
    if args.database_url:
        database = PostgresDatabase(args.database_url)
        database.create()
        try:
            run(args.database_url, args)
        finally:
            database.drop()
        return
    with tempfile.TemporaryDirectory() as folder:
        run(f"sqlite:///{folder}/schedule-bench.db", args)


if __name__ == "__main__":
    main()
