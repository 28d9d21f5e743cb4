"""Where the benchmark runs: the repository, its virtualenv's commands, the app's settings.

Also the environment every app process of the run gets, and the progress log.
"""

import ctypes
import os
import signal
import sys
from datetime import datetime
from pathlib import Path

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


def log(message):
    """A progress line on stderr, with the time."""
    print(f"[{datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def die_with_parent():
    """In a child: be sent SIGTERM if this script dies, so that no server outlives it."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


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
