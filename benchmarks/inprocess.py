"""One request at a time, in process: what each page costs the app itself, without gunicorn or wrk.

    .venv/bin/python benchmarks/inprocess.py sqlite:///benchmarks/results/<run>/petclinic-10000.db

The database must already be seeded (`make bench BENCH_ARGS=--keep` keeps its databases, or
`flask seed bulk`). The pages and their ids are those `make bench` loads (benchmarks/workload.py).
Signs in through the form as an account of its own (created, or its password reset, on
the first run). Figures are milliseconds of one request through Flask's test client, the
fastest of --rounds; a quiet machine still moves them by 5-10 %.
"""

import argparse
import contextlib
import os
import re
import secrets
import sys
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent.parent), str(Path(__file__).resolve().parent)]

# The same workload as `make bench` (benchmarks/workload.py), chosen the same way.
from environment import USER_AGENT
from run import split_choices
from workload import choose_workload, page_paths

USERNAME = "bench-inprocess"
PAGES = ["search", "details", "vets", "day", "schedule", "pet-edit"]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database_url", help="a seeded database, e.g. sqlite:////abs/path.db")
    parser.add_argument("--pages", default=",".join(PAGES), help="comma-separated, from: "
                        + ", ".join(PAGES))
    parser.add_argument("--requests", type=int, default=500, help="requests per page and round")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    args.pages = split_choices(parser, "--pages", args.pages, PAGES)
    return args


@contextlib.contextmanager
def signed_in_client(app):
    """A test client signed in through the form as USERNAME, a receptionist deactivated after."""
    from app.auth.services import create_user, find_user, set_password
    from app.extensions import db
    from app.models import Role
    from app.users.services import deactivate_account

    password = secrets.token_urlsafe(24)
    with app.app_context():
        user = find_user(USERNAME)
        if user is None:
            create_user(USERNAME, password, Role.RECEPTION)
        else:
            set_password(user, password)
            user.active = True
        db.session.commit()
    try:
        client = app.test_client()
        client.environ_base["HTTP_USER_AGENT"] = USER_AGENT
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                          client.get("/login").get_data(as_text=True)).group(1)
        answer = client.post("/login", data={"username": USERNAME, "password": password,
                                             "csrf_token": token})
        if answer.status_code != 302:
            raise SystemExit(f"sign-in failed ({answer.status_code})")
        yield client
    finally:
        with app.app_context():
            deactivate_account(find_user(USERNAME))
            db.session.commit()


def main(argv=None):
    args = parse_args(argv)
    os.environ.update(DATABASE_URL=args.database_url, SQL_STATEMENT_HEADER="1",
                      SECRET_KEY=secrets.token_urlsafe(32), SESSION_COOKIE_SECURE="false")
    from app import create_app

    paths = page_paths(choose_workload(args.database_url))
    with signed_in_client(create_app()) as client:
        print(f"{'page':10} {'ms/request':>10} {'SQL':>4} {'KB':>6}")
        for page in args.pages:
            measure(client, page, paths[page], args)


def measure(client, page, rotation, args):
    """Print the fastest round's milliseconds per request of one page."""
    for path in rotation:  # each one once first: every statement compiled and cached
        answer = client.get(path)
        if answer.status_code != 200:
            raise SystemExit(f"{path} answered {answer.status_code}")
    best = float("inf")
    for _ in range(args.rounds):
        started = time.perf_counter()
        for number in range(args.requests):
            client.get(rotation[number % len(rotation)])
        best = min(best, (time.perf_counter() - started) / args.requests)
    statements = answer.headers["X-SQL-Statements"]
    print(f"{page:10} {best * 1000:10.2f} {statements:>4} {len(answer.data) / 1024:6.0f}")


if __name__ == "__main__":
    main()
