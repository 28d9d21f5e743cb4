"""Seeding: each size's own database, `flask seed bulk` into it, and the clinic it makes."""

import secrets
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from environment import BENCH_ROLE, BENCH_USER, BIN, REPO, app_env, log
from servers import Desk, Gunicorn
from workload import Workload, booking_lanes, choose_workload, page_paths


class SqliteDatabase:
    """A SQLite file in the run's results folder."""

    kind, label = "sqlite", "SQLite"

    def __init__(self, folder, owners):
        self.path = folder / f"petclinic-{owners}.db"
        self.url = f"sqlite:///{self.path}"

    def create(self):
        """Start from no file at all."""
        self.drop()

    def drop(self):
        """Remove the file and its WAL companions."""
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)


class PostgresDatabase:
    """The benchmark's own PostgreSQL database, dropped and created again for each scale."""

    kind, label = "postgresql", "PostgreSQL"

    def __init__(self, url):
        self.url = url
        self.name = sa.make_url(url).database

    def _admin(self, statement):
        admin_url = sa.make_url(self.url).set(database="postgres")
        engine = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT",
                                  poolclass=sa.pool.NullPool)
        try:
            with engine.connect() as connection:
                connection.exec_driver_sql(statement)
        finally:
            engine.dispose()

    def create(self):
        """A new, empty database."""
        self.drop()
        self._admin(f'CREATE DATABASE "{self.name}"')

    def drop(self):
        """Drop the database, ending any session still on it."""
        self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def postgresql_url(url, owners):
    """The database of one size: petclinic_bench becomes petclinic_10000_bench."""
    parsed = sa.make_url(url)
    stem = parsed.database.removesuffix("_bench")
    return parsed.set(database=f"{stem}_{owners}_bench").render_as_string(hide_password=False)


def flask(env, *args, stdin=None, timeout=1800):
    """Run a `flask` command, stopping the benchmark if it fails; its output."""
    done = subprocess.run([str(BIN / "flask"), *args], cwd=REPO, env=env, input=stdin,
                          capture_output=True, text=True, timeout=timeout, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"flask {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def prepare(database, owners, seed, env):
    """Schema, `flask seed bulk`, and the benchmark's sign-in; what seeding reported."""
    database.create()
    flask(env, "db", "upgrade")
    started = time.perf_counter()
    report = flask(env, "seed", "bulk", "--owners", str(owners), "--seed", str(seed))
    seconds = time.perf_counter() - started
    password = secrets.token_urlsafe(24)
    flask(env, "users", "create", BENCH_USER, "--role", BENCH_ROLE, stdin=password + "\n")
    analyze(database.url)
    summary = " ".join(line for line in report.splitlines() if line.startswith("Added"))
    return password, f"{summary} Seeded in {seconds:.0f} s."


def analyze(url):
    """VACUUM ANALYZE on PostgreSQL, as autovacuum does in time after a bulk load.

    Without statistics the planner plans for empty tables, and without the visibility map
    no index-only scan skips the table; autovacuum may be off (it is on some development
    clusters) and takes a while to notice a bulk load. SQLite plans by rule.
    """
    if not url.startswith("postgresql"):
        return
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")
    finally:
        engine.dispose()


@dataclass
class Clinic:
    """One seeded database, the server on it, and what its scenarios ask for."""

    database: object
    owners: int
    env: dict
    password: str
    seeded: str
    workload: Workload = None
    paths: dict = None
    lanes: dict = None
    server: Gunicorn = None
    desk: Desk = None
    statements: dict = None

    @property
    def name(self):
        """sqlite-10000, postgresql-100000, ..."""
        return f"{self.database.kind}-{self.owners}"


def seed_clinic(database, owners, args):
    """Seed a database and choose its workload."""
    env = app_env(database.url, secrets.token_urlsafe(32))
    log(f"{database.label}, {owners:,} owners: seeding")
    password, seeded = prepare(database, owners, args.seed, env)
    log(f"  {seeded}")
    clinic = Clinic(database, owners, env, password, seeded)
    clinic.workload = choose_workload(database.url)
    clinic.paths = page_paths(clinic.workload)
    clinic.lanes = booking_lanes(clinic.workload, args)
    return clinic
