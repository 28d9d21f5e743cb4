"""`make bench`: seed a clinic, serve it with gunicorn, load it with wrk, print a table.

See benchmarks/README.md. Every server this starts listens on 127.0.0.1 and is stopped on
the way out, whatever happens; all traffic goes to 127.0.0.1.
"""

import argparse
import contextlib
import ctypes
import http.client
import json
import math
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlalchemy as sa

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from app.config import from_environment  # after sys.path: the repository is not installed

BIN = Path(sys.executable).parent
RESULTS = REPO / "benchmarks" / "results"
WORKLOAD = REPO / "benchmarks" / "workload.lua"
WORKERS = 2
USER_AGENT = "petclinic-bench"
BENCH_USER, BENCH_ROLE = "bench", "reception"
HOST = "127.0.0.1"
SETTINGS = from_environment()

PAGES = {
    "search": "owners search, /owners?lastName=<prefix>",
    "details": "owner details, /owners/<id>",
    "vets": "vets list, /vets",
    "day": "day sheet, /appointments?date=<busy day>",
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


def log(message):
    """A progress line on stderr, with the time."""
    print(f"[{datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def parse_args(argv=None):
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--databases", default="sqlite,postgresql",
                        help="comma-separated: sqlite, postgresql (default: both)")
    parser.add_argument("--owners", type=int, default=10_000,
                        help="owners at scale 1 (2 pets each, 5 appointments per pet)")
    parser.add_argument("--scales", default="1,10",
                        help="comma-separated multiples of --owners (default 1,10)")
    parser.add_argument("--pages", default=",".join(PAGES),
                        help=f"comma-separated, from: {', '.join(PAGES)}")
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=2,
                        help="runs of every page; the fastest is reported (default 2)")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--seed", type=int, default=7, help="flask seed bulk --seed")
    parser.add_argument("--postgresql-url",
                        default="postgresql+psycopg://postgres@127.0.0.1:5432/petclinic_bench",
                        help="names the benchmark's own databases, one per size "
                             "(petclinic_10000_bench, ...): created and dropped by this script")
    parser.add_argument("--keep", action="store_true",
                        help="keep the seeded SQLite files and the last PostgreSQL database")
    parser.add_argument("--profile", action="store_true",
                        help="record each page's load with py-spy (pip install py-spy) into "
                             "results/: collapsed stacks, one file per worker")
    args = parser.parse_args(argv)
    args.databases = split_choices(parser, "--databases", args.databases, ("sqlite", "postgresql"))
    args.pages = split_choices(parser, "--pages", args.pages, PAGES)
    try:
        args.scales = [int(scale) for scale in args.scales.split(",")]
    except ValueError:
        parser.error("--scales takes whole numbers, e.g. 1,10")
    if min(args.scales) < 1 or min(args.owners, args.duration, args.threads, args.rounds) < 1:
        parser.error("--owners, --scales, --duration, --threads and --rounds must be positive")
    if len(set(args.scales)) != len(args.scales):
        parser.error("--scales: each scale once")
    if args.connections < args.threads:
        parser.error("wrk needs at least one connection per thread")
    check_postgresql_url(parser, args.postgresql_url)
    return args


def split_choices(parser, option, raw, allowed):
    """A comma-separated option as a list, each item checked."""
    items = [item.strip() for item in raw.split(",") if item.strip()]
    unknown = [item for item in items if item not in allowed]
    if unknown or not items:
        parser.error(f"{option}: choose from {', '.join(allowed)}")
    return items


def postgresql_url(url, owners):
    """The database of one size: petclinic_bench becomes petclinic_10000_bench."""
    parsed = sa.make_url(url)
    stem = parsed.database.removesuffix("_bench")
    return parsed.set(database=f"{stem}_{owners}_bench").render_as_string(hide_password=False)


def check_postgresql_url(parser, url):
    """Only a database of the benchmark's own, on this machine: it is dropped afterwards."""
    parsed = sa.make_url(url)
    if not (parsed.database or "").endswith("_bench"):
        parser.error("--postgresql-url: the database name must end in _bench (it is dropped)")
    if parsed.host not in (None, "localhost") and not parsed.host.startswith("127."):
        parser.error("--postgresql-url: only a database on this machine (127.0.0.1)")


def ensure_wrk():
    """Install wrk from the system's packages when it is missing."""
    if shutil.which("wrk"):
        return
    if os.geteuid() != 0:
        sys.exit("wrk is missing: install it (Debian: sudo apt-get install -y wrk) and run again")
    log("installing wrk (apt-get)")
    subprocess.run(["apt-get", "update", "-qq"], check=True)
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True,
                   env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})


def die_with_parent():
    """In a child: be sent SIGTERM if this script dies, so that no server outlives it."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


# --- databases -------------------------------------------------------------------------


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


def app_env(database_url, secret_key, **extra):
    """The environment of the app's processes: a production host's, on plain HTTP."""
    kept = ("PATH", "HOME", "LANG", "TMPDIR")
    env = {name: os.environ[name] for name in kept if name in os.environ}
    env.update(
        DATABASE_URL=database_url,
        SECRET_KEY=secret_key,
        FLASK_APP="wsgi",
        WEB_CONCURRENCY=str(WORKERS),
        SESSION_COOKIE_SECURE="false",  # plain http on 127.0.0.1
        SQL_STATEMENT_HEADER="1",
        PYTHONUNBUFFERED="1",
        **extra,
    )
    return env


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


# --- the workload ----------------------------------------------------------------------


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


# --- servers and the signed-in desk ----------------------------------------------------


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on just now."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


class Gunicorn:
    """gunicorn with the repository's gunicorn.conf.py, on 127.0.0.1, logs in files."""

    def __init__(self, env, app_uri, log_dir, name):
        self.port = free_port()
        env = {**env, "HOST": HOST, "PORT": str(self.port)}
        command = [str(BIN / "gunicorn"), "--no-control-socket", "-c", "gunicorn.conf.py", app_uri]
        self.stderr_path = log_dir / f"{name}.stderr"
        self.access_log = log_dir / f"{name}.access"
        with open(self.access_log, "ab") as out, open(self.stderr_path, "ab") as err:
            self.process = subprocess.Popen(command, cwd=REPO, env=env, stdout=out, stderr=err,
                                            preexec_fn=die_with_parent)

    def wait_until_serving(self, path, timeout=60):
        """Poll ``path`` until it answers 200."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {self.stderr_path}")
            with contextlib.suppress(OSError):
                connection = http.client.HTTPConnection(HOST, self.port, timeout=2)
                try:
                    connection.request("GET", path)
                    if connection.getresponse().status == 200:
                        return
                finally:
                    connection.close()
            time.sleep(0.1)
        raise RuntimeError(f"gunicorn did not serve {path} in {timeout} s; see {self.stderr_path}")

    def worker_pids(self):
        """The master's children: its workers."""
        pid = self.process.pid
        return Path(f"/proc/{pid}/task/{pid}/children").read_text().split()

    def stop(self):
        """SIGTERM (graceful), then SIGKILL if the master is still there."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(40)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


@contextlib.contextmanager
def serving(env, app_uri, log_dir, name, ready_path):
    """A running gunicorn, always stopped afterwards."""
    server = Gunicorn(env, app_uri, log_dir, name)
    try:
        server.wait_until_serving(ready_path)
        yield server
    finally:
        server.stop()


@dataclass
class Desk:
    """A signed-in browser: the session cookie and a CSRF token of that session."""

    port: int
    cookie: str = ""
    csrf_token: str = ""

    def request(self, method, path, fields=None, headers=None):
        """One request with the session's cookie; (status, headers, text)."""
        headers = {"User-Agent": USER_AGENT, **(headers or {})}
        if self.cookie:
            headers["Cookie"] = self.cookie
        body = None
        if fields is not None:
            body = urllib.parse.urlencode(fields)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection(HOST, self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode()
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            if header.startswith("session="):
                self.cookie = header.split(";", 1)[0]
        for tag in re.findall(r"<input [^>]*>", text):
            if 'name="csrf_token"' in tag:
                self.csrf_token = re.search(r'value="([^"]+)"', tag).group(1)
        return response.status, response.headers, text

    def sign_in(self, username, password):
        """Through the sign-in form, then one page for the session's CSRF token."""
        self.request("GET", "/login")
        status, _, text = self.request(
            "POST", "/login",
            {"csrf_token": self.csrf_token, "username": username, "password": password},
        )
        if status != 302:
            raise RuntimeError(f"sign-in failed ({status}): {text[:500]}")
        # Sign-in starts a new session; the first page stores its CSRF secret in it.
        self.csrf_token = ""
        status, _, _ = self.request("GET", "/owners/find")
        if status != 200 or not self.csrf_token:
            raise RuntimeError(f"no CSRF token on the first page after sign-in ({status})")


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


def probe_statements(desk, page, paths, workload, lanes):
    """One request of a page: checks its answer, returns its SQL statement count."""
    if page == "book":
        owner, pet = workload.booking_pets[0]
        fields = booking_fields(desk, workload, lanes["probe"], 0)
        status, headers, text = desk.request(
            "POST", f"/owners/{owner}/pets/{pet}/appointments/new", fields)
        expected = 302
    else:
        status, headers, text = desk.request("GET", paths[page][0])
        expected = 200
    if status != expected or "/login" in (headers.get("Location") or ""):
        raise RuntimeError(f"{page}: expected {expected}, got {status}: {text[:800]}")
    return int(headers["X-SQL-Statements"])


# --- wrk -------------------------------------------------------------------------------


@contextlib.contextmanager
def profiling(server, folder, name, args):
    """With --profile, py-spy samples every worker while the block runs."""
    if not args.profile:
        yield
        return
    spy = shutil.which("py-spy") or str(BIN / "py-spy")
    recorders = [
        subprocess.Popen([spy, "record", "--pid", pid, "--rate", "250", "--format", "raw",
                          "--duration", str(args.duration + 5), "--nonblocking",
                          "--output", str(folder / f"profile-{name}-{pid}.txt")],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         preexec_fn=die_with_parent)
        for pid in server.worker_pids()
    ]
    try:
        yield
    finally:
        for recorder in recorders:
            recorder.send_signal(signal.SIGINT)  # py-spy writes what it has on SIGINT
            recorder.wait(30)


def run_wrk(port, plan, args, duration=None):
    """One wrk run against 127.0.0.1; the figures workload.lua reports."""
    command = [
        "wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{duration or args.duration}s",
        "--timeout", "10s", "-s", str(WORKLOAD), f"http://{HOST}:{port}/", "--", str(plan),
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False,
                          timeout=(duration or args.duration) + 60)
    for line in done.stdout.splitlines():
        if line.startswith("BENCH_RESULT "):
            return json.loads(line.removeprefix("BENCH_RESULT "))
    raise RuntimeError(f"wrk gave no result ({done.returncode}):\n{done.stdout}\n{done.stderr}")


def summarise(page, result, hello_rps=None):
    """req/s, latency, errors and the booking check from a wrk result."""
    seconds = result["duration_us"] / 1e6
    counts = result["counts"]
    expected = {"book": "302"}
    unexpected, form_errors = 0, 0
    for key, number in counts.items():
        name, status = key.split(" ", 1)
        if name == "book" and status == "200":
            form_errors += number  # the form came back: nothing was written
        elif status != expected.get(name, "200"):
            unexpected += number
    socket_errors = sum(result[kind] for kind in ("connect", "read", "write", "timeout"))
    rps = result["requests"] / seconds
    return {
        "page": page,
        "requests": result["requests"],
        "rps": rps,
        "ratio": rps / hello_rps if hello_rps else None,
        "p50_ms": result["p50_us"] / 1000,
        "p99_ms": result["p99_us"] / 1000,
        "socket_errors": socket_errors,
        "unexpected_status": unexpected,
        "form_errors": form_errors,
        "errors": socket_errors + unexpected + form_errors,
        "bookings_sent": result["bookings_sent"],
        "booked": counts.get("book 302", 0),
        "counts": counts,
    }


def scalar(url, sql, timeout=60):
    """One value from the database, waiting for it to answer (a restarting server does not)."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    deadline = time.monotonic() + timeout
    try:
        while True:
            try:
                with engine.connect() as connection:
                    return connection.execute(sa.text(sql)).scalar()
            except sa.exc.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
    finally:
        engine.dispose()


def count_appointments(url):
    """Rows in the appointments table."""
    return scalar(url, "SELECT count(*) FROM appointments")


def server_started(url):
    """When the PostgreSQL server started, or None for SQLite."""
    if not url.startswith("postgresql"):
        return None
    return scalar(url, "SELECT pg_postmaster_start_time()")


def wait_until_idle(server, url, timeout=60):
    """Wait until the requests wrk left queued at its end are served (the log stops growing).

    wrk stops with up to one request per connection still queued in gunicorn; the server
    serves them all the same, and a booking among them writes its row.
    """
    deadline = time.monotonic() + timeout
    last, still = None, 0
    while time.monotonic() < deadline and still < 4:
        now = (server.access_log.stat().st_size, count_appointments(url))
        still = still + 1 if now == last else 0
        last = now
        time.sleep(0.25)


BOOKING_LINE = re.compile(r'"POST /owners/\d+/pets/\d+/appointments/new" (\d{3}) ')


def served_bookings(access_log, offset):
    """{status: count} of the bookings gunicorn logged after ``offset`` bytes of its log."""
    with open(access_log, "rb") as log_file:
        log_file.seek(offset)
        text = log_file.read().decode(errors="replace")
    statuses = {}
    for status in BOOKING_LINE.findall(text):
        statuses[status] = statuses.get(status, 0) + 1
    return statuses


def load_page(server, url, page, plan, args, hello_rps, profile_name):
    """Load one page with wrk and check what it wrote; again once if PostgreSQL was restarted.

    The local cluster is shared: a test elsewhere may restart it (tests/test_deployment.py
    does), which costs the run a few seconds of 503s that say nothing about this app.
    """
    for attempt in (1, 2):
        started = server_started(url)
        wait_until_idle(server, url)
        before, offset = count_appointments(url), server.access_log.stat().st_size
        with profiling(server, server.access_log.parent, profile_name, args):
            result = summarise(page, run_wrk(server.port, plan, args), hello_rps)
        wait_until_idle(server, url)
        result["new_rows"] = count_appointments(url) - before
        result["served"] = served_bookings(server.access_log, offset)
        # A booking that the server answered with anything but its redirect wrote nothing;
        # its log also has the ones wrk stopped waiting for.
        refused = sum(n for status, n in result["served"].items() if status != "302")
        result["form_errors"] = max(result["form_errors"], refused)
        result["errors"] = (result["socket_errors"] + result["unexpected_status"]
                            + result["form_errors"])
        result["restarted_during_run"] = attempt > 1
        if server_started(url) == started:
            return result
        log(f"  {page}: PostgreSQL was restarted during the load, not by this script: again")
    return result


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


def best(results):
    """The run with the most requests per second, carrying the errors of every run.

    Other work on a shared machine only ever slows a run down, so the fastest of a few is
    the nearest to what the app can do; an error in any run still counts.
    """
    chosen = dict(max(results, key=lambda result: result["rps"]))
    for key in ("errors", "socket_errors", "unexpected_status", "form_errors", "new_rows"):
        chosen[key] = sum(result.get(key, 0) for result in results)
    served = {}
    for result in results:
        for status, number in result.get("served", {}).items():
            served[status] = served.get(status, 0) + number
    chosen["served"] = served
    chosen["booked"] = sum(result["booked"] for result in results)
    chosen["runs"] = len(results)
    chosen["restarted_during_run"] = any(r.get("restarted_during_run") for r in results)
    return chosen


def measure(clinics, args, folder):
    """Serve every clinic of one database side by side and load them in turns; the results.

    Each round measures the hello ceiling, then each page on each clinic, one after the
    other: the sizes of a page are measured minutes apart at most, under the same weather.
    """
    first = clinics[0]
    runs = {(clinic.name, page): [] for clinic in clinics for page in args.pages}
    hello_runs = []
    with contextlib.ExitStack() as stack:
        hello = stack.enter_context(serving(first.env, "benchmarks.hello_app:app", folder,
                                            f"{first.database.kind}-hello", "/"))
        hello_plan = folder / f"{first.database.kind}-hello.lua"
        write_plan(hello_plan, Desk(hello.port), [("hello", "/")], first.workload,
                   first.lanes["probe"], args.threads)
        for clinic in clinics:
            clinic.server = stack.enter_context(
                serving(clinic.env, "wsgi:app", folder, clinic.name, "/healthz"))
            clinic.desk = Desk(clinic.server.port)
            clinic.desk.sign_in(BENCH_USER, clinic.password)
            clinic.statements = {
                page: probe_statements(clinic.desk, page, clinic.paths, clinic.workload,
                                       clinic.lanes)
                for page in args.pages if page != "mixed"
            }
            warm_up = folder / f"{clinic.name}-warm-up.lua"
            write_plan(warm_up, clinic.desk, scenario_sequence("mixed", clinic.paths),
                       clinic.workload, clinic.lanes["warm-up"], args.threads)
            run_wrk(clinic.server.port, warm_up, args, duration=min(2, args.duration))
        for round_number in range(args.rounds):
            log(f"{first.database.label}, round {round_number + 1} of {args.rounds}")
            hello_runs.append(summarise("hello", run_wrk(hello.port, hello_plan, args)))
            log(f"  hello: {hello_runs[-1]['rps']:,.0f} req/s")
            for page in args.pages:
                for clinic in clinics:
                    plan = folder / f"{clinic.name}-{page}-{round_number + 1}.lua"
                    write_plan(plan, clinic.desk, scenario_sequence(page, clinic.paths),
                               clinic.workload, lane_of(clinic, page, round_number),
                               args.threads)
                    result = load_page(clinic.server, clinic.database.url, page, plan, args,
                                       None, profile_name=f"{clinic.name}-{page}")
                    runs[clinic.name, page].append(result)
                    log(f"  {clinic.owners:,} owners, {page}: {result['rps']:,.0f} req/s, "
                        f"p99 {result['p99_ms']:.1f} ms, {result['errors']} errors"
                        + (f", {result['served'].get('302', 0)} bookings served (302), "
                           f"{result['new_rows']} new rows" if result["bookings_sent"] else ""))
    hello_best = best(hello_runs)
    blocks = []
    for clinic in clinics:
        block = {"database": clinic.database.label, "owners": clinic.owners,
                 "seeded": clinic.seeded, "busy_day": clinic.workload.busy_day,
                 "vets": len(clinic.workload.vets), "hello": hello_best, "pages": {}}
        for page in args.pages:
            result = best(runs[clinic.name, page])
            result["ratio"] = result["rps"] / hello_best["rps"]
            result["statements"] = clinic.statements.get(page)
            block["pages"][page] = result
        blocks.append(block)
    return blocks


# --- the table -------------------------------------------------------------------------


def format_table(blocks, scales, owners):
    """One Markdown table per database, the scales side by side."""
    lines = []
    labels = [f"{owners * scale // 1000:,}k" for scale in scales]
    for database in dict.fromkeys(block["database"] for block in blocks):
        mine = {block["owners"]: block for block in blocks if block["database"] == database}
        ordered = [mine.get(owners * scale) for scale in scales]
        lines.append(f"#### {database}")
        lines.append("")
        for label, block in zip(labels, ordered):
            if block:
                lines.append(f"- {label} owners: {block['seeded']} Busiest upcoming day "
                             f"{block['busy_day']}; {block['vets']} vets.")
        lines.append("")
        header = ["page"]
        for metric in ("req/s", "% of hello", "p50 ms", "p99 ms", "errors", "SQL/req"):
            header += [f"{metric} {label}" for label in labels]
        if len(scales) > 1:
            header.append(f"{labels[-1]} vs {labels[0]}")
        lines.append("| " + " | ".join(header) + " |")
        lines.append("|" + "---|" * len(header))
        pages = ["hello", *dict.fromkeys(p for b in ordered if b for p in b["pages"])]
        for page in pages:
            rows = [(b["hello"] if page == "hello" else b["pages"].get(page)) if b else None
                    for b in ordered]
            cells = [PAGES.get(page, "bare Flask hello (the ceiling)")]
            cells += [f"{r['rps']:,.0f}" if r else "" for r in rows]
            cells += [f"{r['ratio']:.0%}" if r and r["ratio"] else "" for r in rows]
            cells += [f"{r['p50_ms']:.1f}" if r else "" for r in rows]
            cells += [f"{r['p99_ms']:.1f}" if r else "" for r in rows]
            cells += [str(r["errors"]) if r else "" for r in rows]
            cells += [str(r.get("statements") or "—") if r else "" for r in rows]
            if len(scales) > 1:
                first, last = rows[0], rows[-1]
                if first and last and first["ratio"] and last["ratio"]:
                    # Compared as shares of each run's own hello ceiling: the noise cancels.
                    cells.append(f"{last['ratio'] / first['ratio'] - 1:+.0%}")
                else:
                    cells.append("")
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
        for label, block in zip(labels, ordered):
            for page, result in (block["pages"].items() if block else ()):
                if result.get("restarted_during_run"):
                    lines.append(f"- {label}, {page}: measured a second time, because the "
                                 f"PostgreSQL cluster was restarted (not by this script) "
                                 f"during the first.")
            for page in ("book", "mixed"):
                result = block and block["pages"].get(page)
                if result:
                    served = result["served"].get("302", 0)
                    check = "equal" if served == result["new_rows"] else "DIFFER"
                    lines.append(
                        f"- {label}, {page}: {served:,} bookings answered 302 (gunicorn's log; "
                        f"wrk saw {result['booked']:,} before it stopped), "
                        f"{result['new_rows']:,} new appointment rows: {check}; "
                        f"{result['form_errors']} form errors."
                    )
        lines.append("")
    return "\n".join(lines)


def machine():
    """nproc, CPU model and memory, for the record."""
    model = next((line.split(":", 1)[1].strip() for line in
                  Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")),
                 "unknown CPU")
    kib = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
    return f"{os.cpu_count()} CPUs ({model}), {kib / 2**20:.0f} GiB memory"


def main(argv=None):
    """Run every database at every scale; print the tables and keep the figures."""
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run the finally blocks
    ensure_wrk()
    started = time.perf_counter()
    folder = RESULTS / datetime.now().strftime("%Y%m%d-%H%M%S")
    folder.mkdir(parents=True)
    log(f"results in {folder.relative_to(REPO)}")
    blocks = []
    for kind in args.databases:
        databases = [
            SqliteDatabase(folder, args.owners * scale) if kind == "sqlite"
            else PostgresDatabase(postgresql_url(args.postgresql_url, args.owners * scale))
            for scale in args.scales
        ]
        try:
            clinics = [seed_clinic(database, args.owners * scale, args)
                       for database, scale in zip(databases, args.scales)]
            blocks += measure(clinics, args, folder)
        finally:
            if not args.keep:
                for database in databases:
                    database.drop()
        (folder / "results.json").write_text(json.dumps(blocks, indent=1, default=str))
    minutes = (time.perf_counter() - started) / 60
    table = format_table(blocks, args.scales, args.owners)
    command = " ".join(["benchmarks/run.py", *(argv if argv is not None else sys.argv[1:])])
    report = (
        f"{datetime.now():%Y-%m-%d %H:%M}, {machine()}; {WORKERS} sync gunicorn workers, "
        f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s; `{command}` "
        f"took {minutes:.1f} min.\n\n{table}"
    )
    (folder / "table.md").write_text(report)
    print(report)


if __name__ == "__main__":
    main()
