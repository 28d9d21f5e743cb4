"""A database that stops answering: bounded waits, 503s, no killed workers, recovery by itself."""

import base64
import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import sqlalchemy as sa

from app import create_app
from app.config import ConfigurationError, from_environment
from app.extensions import db
from tests.conftest import TEST_DATABASE_URL
from tests.test_deployment import (
    WORKERS,
    flask,
    free_port,
    production_env,
    running_gunicorn,
    sign_in,
    wait_for,
)

POSTGRESQL_BIN = Path("/usr/lib/postgresql/15/bin")
STATEMENT_TIMEOUT = 3  # seconds: DB_STATEMENT_TIMEOUT of the gunicorn under test
# The client gives up one second after the server's own statement_timeout (app/database.py);
# the rest is for the request around it and a loaded test machine.
BOUND = STATEMENT_TIMEOUT + 1
SLACK = 2.5


def on_postgresql():
    """Whether this run's test database is PostgreSQL (the stall tests run in that pass)."""
    return bool(TEST_DATABASE_URL) and sa.make_url(TEST_DATABASE_URL).get_backend_name() == (
        "postgresql"
    )


postgresql_only = pytest.mark.skipif(
    not on_postgresql(), reason="PostgreSQL only: TEST_DATABASE_URL is not a PostgreSQL URL"
)


# Settings --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"DB_STATEMENT_TIMEOUT": "soon"}, "DB_STATEMENT_TIMEOUT must be a whole number"),
        ({"DB_STATEMENT_TIMEOUT": "-1"}, "DB_STATEMENT_TIMEOUT must be at least 0, got -1"),
        (
            {"DB_STATEMENT_TIMEOUT": "30"},
            "DB_STATEMENT_TIMEOUT (30 s) must be less than GUNICORN_TIMEOUT (30 s)",
        ),
        (
            {"DB_STATEMENT_TIMEOUT": "12", "GUNICORN_TIMEOUT": "10"},
            "DB_STATEMENT_TIMEOUT (12 s) must be less than GUNICORN_TIMEOUT (10 s)",
        ),
    ],
)
def test_a_database_timeout_that_cannot_work_is_refused(monkeypatch, settings, message):
    for name, value in settings.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigurationError, match=message.replace("(", r"\(").replace(")", r"\)")):
        from_environment()


def test_the_database_timeout_defaults_to_ten_seconds_and_zero_turns_it_off(monkeypatch):
    monkeypatch.delenv("DB_STATEMENT_TIMEOUT", raising=False)
    assert from_environment()["DB_STATEMENT_TIMEOUT"] == 10
    monkeypatch.setenv("DB_STATEMENT_TIMEOUT", "0")
    monkeypatch.setenv("GUNICORN_TIMEOUT", "0")  # gunicorn's "no timeout": nothing to be under
    assert from_environment()["DB_STATEMENT_TIMEOUT"] == 0


# A slow statement: the server's statement_timeout ----------------------------------------------


@postgresql_only
def test_the_server_cancels_a_statement_slower_than_the_timeout_and_keeps_the_connection():
    config = {"SECRET_KEY": "test-secret", "SQLALCHEMY_DATABASE_URI": TEST_DATABASE_URL}
    app = create_app({**config, "DB_STATEMENT_TIMEOUT": 1})
    with app.app_context():
        try:
            with db.engine.connect() as connection:
                backend = connection.exec_driver_sql("SELECT pg_backend_pid()").scalar()
                started = time.monotonic()
                with pytest.raises(sa.exc.OperationalError, match="statement timeout"):
                    connection.exec_driver_sql("SELECT pg_sleep(5)")
                elapsed = time.monotonic() - started
                connection.rollback()
                # Cancelled by the server, not dropped by the client: the connection lives on.
                assert connection.exec_driver_sql("SELECT pg_backend_pid()").scalar() == backend
            assert 1 <= elapsed < 2, elapsed
        finally:
            db.engine.dispose()


# A stopped server: a cluster of the test's own, paused with SIGSTOP ----------------------------


class Cluster:
    """A throwaway PostgreSQL cluster on a free port, run as the postgres OS user."""

    def __init__(self, directory):
        self.directory = directory
        self.data = directory / "data"
        self.port = free_port()
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/petclinic"
        shutil.chown(directory, "postgres", "postgres")

    def run(self, program, *arguments):
        """Run a PostgreSQL program as the postgres user (the server refuses to run as root)."""
        as_postgres = ["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups"]
        command = [*(as_postgres if os.geteuid() == 0 else []), str(POSTGRESQL_BIN / program)]
        done = subprocess.run(
            [*command, *arguments], check=False, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, f"{program} failed:\n{done.stdout}{done.stderr}"

    def start(self):
        """initdb, start the server on its port (its socket in the cluster's directory), createdb."""
        self.run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "--no-sync")
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off"
        log = str(self.directory / "postgresql.log")
        self.run("pg_ctl", "-D", str(self.data), "-o", options, "-l", log, "-w", "start")
        self.run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "petclinic")

    def processes(self):
        """The postmaster's pid and its children's (the backends and background workers)."""
        postmaster = int((self.data / "postmaster.pid").read_text().split()[0])
        children = Path(f"/proc/{postmaster}/task/{postmaster}/children").read_text().split()
        return [postmaster, *map(int, children)]

    def signal(self, signum):
        """Send a signal to every process of the cluster."""
        for pid in self.processes():
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signum)

    def stop(self):
        """Resume it if paused, then stop it at once."""
        with contextlib.suppress(FileNotFoundError):
            self.signal(signal.SIGCONT)
        self.run("pg_ctl", "-D", str(self.data), "-m", "immediate", "stop")


@pytest.fixture(scope="module")
def cluster():
    """A PostgreSQL cluster of this module's own: pausing the shared one would stop every run."""
    if not on_postgresql():
        pytest.skip("PostgreSQL only: TEST_DATABASE_URL is not a PostgreSQL URL")
    if not (POSTGRESQL_BIN / "initdb").exists():
        pytest.skip(f"needs PostgreSQL's server programs in {POSTGRESQL_BIN}")
    # Not under pytest's own temporary directory: the postgres user may not enter that one.
    directory = Path(tempfile.mkdtemp(prefix="petclinic-stall-"))
    cluster = Cluster(directory)
    try:
        cluster.start()
        yield cluster
    finally:
        with contextlib.suppress(AssertionError):
            cluster.stop()
        shutil.rmtree(directory, ignore_errors=True)


@contextlib.contextmanager
def paused(cluster):
    """SIGSTOP every process of the cluster: its kernel still ACKs, the server answers nothing."""
    cluster.signal(signal.SIGSTOP)
    try:
        yield
    finally:
        cluster.signal(signal.SIGCONT)


def timed(server, path, headers):
    """Request a path; the reply (or the error that replaced it) and how long it took."""
    started = time.monotonic()
    try:
        reply = server.get(path, headers, timeout=45)  # longer than GUNICORN_TIMEOUT
    except OSError as error:  # cut off when gunicorn kills the worker
        reply = error
    return reply, time.monotonic() - started


@pytest.mark.slow
def test_a_stopped_database_gives_503s_in_bounded_time_and_service_resumes_by_itself(
    cluster, tmp_path
):
    timeouts = {"DB_STATEMENT_TIMEOUT": str(STATEMENT_TIMEOUT), "DB_CONNECT_TIMEOUT": "3"}
    env = production_env(cluster.url, **timeouts)
    flask(env, "db", "upgrade")
    flask(env, "seed", "demo")
    credentials = base64.b64encode(b"reception:reception-demo-password").decode()
    api = {"Authorization": f"Basic {credentials}", "Accept": "application/json"}
    with running_gunicorn(env, tmp_path) as server:
        staff = sign_in(server)
        # Every worker holds a pooled connection to the server that is about to stop.
        for _ in range(4 * WORKERS):
            assert server.get("/", staff).status == 200
            assert server.get("/api/owners", api).status == 200
        workers = server.worker_pids()

        with paused(cluster):
            paused_at = time.monotonic()
            # As many requests at once as there are workers, then each kind once more.
            with ThreadPoolExecutor(WORKERS) as pool:
                pages = pool.map(lambda _: timed(server, "/", staff), range(WORKERS))
                results = {f"page {i}": result for i, result in enumerate(pages)}
            results["page"] = timed(server, "/", staff)
            results["api"] = timed(server, "/api/owners", api)
            results["readyz"] = timed(server, "/readyz", {})
            paused_for = time.monotonic() - paused_at
            workers_while_paused = server.worker_pids()
        resumed_at = time.monotonic()
        first = wait_for(
            lambda: (reply := server.get("/", staff)).status == 200 and reply,
            10,
            f"no 200 after the database resumed:\n{server.stderr()}",
        )
        recovered = time.monotonic() - resumed_at

        for name, (reply, elapsed) in results.items():
            print(f"{name}: {getattr(reply, 'status', reply)} after {elapsed:.2f} s")
        print(f"paused {paused_for:.1f} s; first 200 {recovered:.2f} s after SIGCONT")

        for name, (reply, elapsed) in results.items():
            assert getattr(reply, "status", None) == 503, (name, reply, server.stderr())
            assert elapsed < BOUND + SLACK, (name, elapsed)
        page, problem = results["page"][0], results["api"][0]
        assert "Service unavailable" in page.text and "Traceback" not in page.text
        assert problem.json()["status"] == 503 and "requestId" in problem.json()
        assert results["readyz"][0].json()["reason"] == "database unreachable"
        assert workers_while_paused == workers == server.worker_pids()
        assert server.stderr().count("Booting worker") == WORKERS
        assert "did not reply within 4 s" in server.stderr(), server.stderr()

        assert first.status == 200 and recovered < 5
        assert [server.get("/", staff).status for _ in range(10)] == [200] * 10
        assert server.get("/api/owners", api).status == 200
        assert server.get("/readyz").status == 200
