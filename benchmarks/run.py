"""`make bench`: seed a clinic, serve it with gunicorn, load it with wrk, print a table.

See benchmarks/README.md. Every server this starts listens on 127.0.0.1 and is stopped on
the way out, whatever happens; all traffic goes to 127.0.0.1.
"""

import argparse
import json
import signal
import sys
import time
from datetime import datetime

import sqlalchemy as sa
from environment import REPO, RESULTS, WORKERS, log
from load import ensure_wrk, measure
from report import format_table, machine
from seeding import PostgresDatabase, SqliteDatabase, postgresql_url, seed_clinic
from workload import PAGES


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


def check_postgresql_url(parser, url):
    """Only a database of the benchmark's own, on this machine: it is dropped afterwards."""
    parsed = sa.make_url(url)
    if not (parsed.database or "").endswith("_bench"):
        parser.error("--postgresql-url: the database name must end in _bench (it is dropped)")
    if parsed.host not in (None, "localhost") and not parsed.host.startswith("127."):
        parser.error("--postgresql-url: only a database on this machine (127.0.0.1)")


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
