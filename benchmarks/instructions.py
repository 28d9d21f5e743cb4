"""Instructions per request of each page, counted by callgrind: a figure the machine's load cannot move.

    .venv/bin/python benchmarks/instructions.py          # demo, 10,000, 100,000 owners; both databases
    .venv/bin/python benchmarks/instructions.py --sizes demo,10000 --databases sqlite --requests 10

For each database and size it builds a database of its own (a SQLite file, or a PostgreSQL
database named after --postgresql-url, VACUUM ANALYZEd as autovacuum would; `flask db
upgrade`, then `flask seed demo` or `flask seed bulk --owners N --seed 7`), then runs ONE
Python process under
`valgrind --tool=callgrind` that signs in through the form (as a receptionist), warms every
page up (each path once, then a few rounds, so every statement is compiled and cached), and
then serves --requests requests of each page in turn through Flask's test client. Around
each page's requests the process asks callgrind to dump its counters (`callgrind_control
--dump`), so each page's interval holds its requests alone; the cost of one dump, measured
as an empty interval, is taken off. A full garbage collection runs before each interval, so
that one page's garbage is not collected, and counted, in the next page's. Wall clock does not enter the figures: on these shared machines they repeat to
within a fraction of a per cent, where requests per second move 10-25 %.

Needs valgrind (Debian's package: `make bench-instructions` installs it when missing). A run
at the default sizes and databases takes about 25 minutes; results go to
benchmarks/results/instructions-*/.
"""

import argparse
import gc
import os
import re
import secrets
import shutil
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

PAGES = ["healthz", "search", "details", "vets", "day", "schedule", "pet-edit"]
WARM_UP_ROUNDS = 3


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="demo,10000,100000",
                        help="comma-separated: demo (the demo clinic) or a number of owners")
    parser.add_argument("--databases", default="sqlite,postgresql",
                        help="comma-separated: sqlite, postgresql")
    parser.add_argument("--postgresql-url",
                        default="postgresql+psycopg://postgres@127.0.0.1:5432/petclinic_instr_bench",
                        help="names the PostgreSQL databases, one per size "
                             "(petclinic_instr_10000_bench, ...): created and dropped here")
    parser.add_argument("--pages", default=",".join(PAGES), help="from: " + ", ".join(PAGES))
    parser.add_argument("--requests", type=int, default=20, help="requests per page, counted")
    parser.add_argument("--out", type=Path, default=None, help="where to keep databases and dumps")
    parser.add_argument("--serve", nargs=2, metavar=("DATABASE_URL", "DUMP_DIR"),
                        help=argparse.SUPPRESS)  # the process under callgrind
    args = parser.parse_args(argv)
    args.sizes = [size.strip() for size in args.sizes.split(",") if size.strip()]
    args.pages = [page.strip() for page in args.pages.split(",") if page.strip()]
    args.databases = [kind.strip() for kind in args.databases.split(",") if kind.strip()]
    if set(args.databases) - {"sqlite", "postgresql"} or not args.databases:
        parser.error("--databases: sqlite, postgresql or both")
    unknown = set(args.pages) - set(PAGES)
    if unknown:
        parser.error(f"unknown pages: {', '.join(sorted(unknown))}")
    for size in args.sizes:
        if size != "demo" and not size.isdigit():
            parser.error(f"a size is 'demo' or a number of owners, not {size!r}")
    return args


# -- the process under callgrind ---------------------------------------------------------------


def dump(label):
    """End the current interval: callgrind writes its counters since the last dump, labelled."""
    subprocess.run(["callgrind_control", f"--dump={label}", str(os.getpid())],
                   check=True, capture_output=True)


def choose_paths(database_url):
    """Each page's paths, from whatever the database holds (the demo clinic is small)."""
    import sqlalchemy as sa

    engine = sa.create_engine(database_url, poolclass=sa.pool.NullPool)
    with engine.connect() as db:
        prefixes = db.execute(sa.text(
            "SELECT lower(substr(last_name, 1, 2)) AS prefix FROM owners GROUP BY prefix "
            "HAVING count(*) > 1 ORDER BY count(*) DESC, prefix LIMIT 8")).scalars().all()
        owners = db.execute(sa.text(
            "SELECT p.owner_id FROM pets p LEFT JOIN appointments a ON a.pet_id = p.id "
            "GROUP BY p.owner_id ORDER BY count(a.id) DESC, p.owner_id LIMIT 20")).scalars().all()
        pets = db.execute(sa.text(
            "SELECT owner_id, id FROM pets WHERE owner_id IN :owners ORDER BY id LIMIT 20")
            .bindparams(sa.bindparam("owners", expanding=True)), {"owners": owners}).all()
        busy_day = db.execute(sa.text(
            "SELECT date(starts_at) AS day FROM appointments GROUP BY date(starts_at) "
            "ORDER BY count(*) DESC, day LIMIT 1")).scalar()
    engine.dispose()
    return {
        "healthz": ["/healthz"],
        # Prefixes more than one owner shares (one match would redirect); else the whole list.
        "search": [f"/owners?lastName={urllib.parse.quote(p)}" for p in prefixes or [""]],
        "details": [f"/owners/{owner}" for owner in owners],
        "vets": ["/vets"],
        "day": [f"/appointments?date={busy_day}"],
        "schedule": [f"/schedule?date={busy_day}"],
        "pet-edit": [f"/owners/{owner}/pets/{pet}/edit" for owner, pet in pets],
    }


def serve(database_url, pages, requests):
    """Sign in, warm up, then each page's requests between two dumps."""
    os.environ.update(DATABASE_URL=database_url, SECRET_KEY=secrets.token_urlsafe(32),
                      SESSION_COOKIE_SECURE="false")
    from inprocess import signed_in_client

    from app import create_app

    paths = choose_paths(database_url)
    with signed_in_client(create_app()) as client:
        for page in pages:
            for _ in range(WARM_UP_ROUNDS):
                for path in paths[page]:
                    answer = client.get(path)
                    if answer.status_code != 200:
                        raise SystemExit(f"{path} answered {answer.status_code}")
        dump("warm-up")
        dump("empty")  # one dump's own cost, taken off each page's interval
        for page in pages:
            rotation = paths[page]
            gc.collect()
            dump(f"before {page}")
            for number in range(requests):
                client.get(rotation[number % len(rotation)])
            dump(f"page {page}")


# -- the driver --------------------------------------------------------------------------------


def flask(database_url, *args, stdin=None):
    """Run a `flask` command against the database, failing loudly."""
    env = os.environ | {"DATABASE_URL": database_url, "FLASK_APP": "wsgi",
                        "SECRET_KEY": secrets.token_urlsafe(32)}
    done = subprocess.run([str(Path(sys.executable).parent / "flask"), *args], cwd=ROOT,
                          env=env, input=stdin, text=True, capture_output=True)
    if done.returncode != 0:
        raise SystemExit(f"flask {' '.join(args)} failed:\n{done.stderr}")


def database(kind, size, directory, postgresql):
    """The database of one size: a SQLite file in the results folder, or a PostgreSQL one."""
    from seeding import PostgresDatabase, SqliteDatabase, postgresql_url  # not in the served process

    if kind == "sqlite":
        return SqliteDatabase(directory, size)
    return PostgresDatabase(postgresql_url(postgresql, size))


def seed(store, size):
    """Seed the database as `make bench` does (demo: the demo clinic); its URL."""
    store.create()
    flask(store.url, "db", "upgrade")
    if size == "demo":
        flask(store.url, "seed", "demo")
    else:
        flask(store.url, "seed", "bulk", "--owners", size, "--seed", "7")
    from seeding import analyze

    analyze(store.url)
    return store.url


TRIGGER = re.compile(r"^desc: Trigger: dump (.+)$", re.MULTILINE)
TOTALS = re.compile(r"^totals: (\d+)$", re.MULTILINE)


def read_dumps(directory):
    """{label: instructions} from the callgrind dumps in the directory."""
    counts = {}
    for dump_file in directory.glob("callgrind.out.*"):
        text = dump_file.read_text(errors="replace")
        trigger, totals = TRIGGER.search(text), TOTALS.search(text)
        if trigger and totals:
            counts[trigger.group(1)] = int(totals.group(1))
    return counts


def measure(kind, size, args, directory):
    """Instructions per request of each page at one size of one database."""
    store = database(kind, size, directory, args.postgresql_url)
    url = seed(store, size)
    dumps = directory / f"dumps-{kind}-{size}"
    shutil.rmtree(dumps, ignore_errors=True)
    dumps.mkdir()
    python = sys.executable  # the virtualenv's interpreter (a link to the binary, not a shim)
    started = time.monotonic()
    subprocess.run(
        ["valgrind", "--tool=callgrind", "--dump-instr=no", "--compress-strings=no",
         f"--callgrind-out-file={dumps}/callgrind.out.%p",
         python, __file__, "--serve", url, str(dumps),
         "--pages", ",".join(args.pages), "--requests", str(args.requests)],
        check=True, cwd=ROOT, stderr=open(dumps / "valgrind.log", "w"),
        env=os.environ | {"PYTHONPATH": str(ROOT)},
    )
    if kind == "postgresql":
        store.drop()
    counts = read_dumps(dumps)
    empty = counts["empty"]
    per_request = {page: (counts[f"page {page}"] - empty) / args.requests for page in args.pages}
    print(f"  {kind} {size}: {time.monotonic() - started:.0f} s under callgrind", file=sys.stderr)
    return per_request


def main(argv=None):
    args = parse_args(argv)
    if args.serve:
        serve(args.serve[0], args.pages, args.requests)
        return
    if shutil.which("valgrind") is None or shutil.which("callgrind_control") is None:
        raise SystemExit("valgrind is not installed: `make bench-instructions` installs it "
                         "(Debian's valgrind package)")
    out = args.out or ROOT / "benchmarks" / "results" / time.strftime("instructions-%Y%m%d-%H%M%S")
    out.mkdir(parents=True, exist_ok=True)
    columns = [(kind, size) for kind in args.databases for size in args.sizes]
    results = {column: measure(*column, args, out) for column in columns}
    label = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
    headings = [f"{label[kind]}, {'demo' if size == 'demo' else f'{int(size):,}'}"
                for kind, size in columns]
    width = max(len(heading) for heading in headings) + 2
    print(f"Instructions per request (millions), {args.requests} requests per page, signed in")
    print(f"{'page':10}" + "".join(f"{heading:>{width}}" for heading in headings))
    for page in args.pages:
        cells = "".join(f"{results[column][page] / 1e6:>{width}.2f}" for column in columns)
        print(f"{page:10}{cells}")
    print(f"(databases and callgrind dumps in {out})")


if __name__ == "__main__":
    main()
