"""Production deployment: real gunicorn, started as the README says, on a real database."""

import contextlib
import http.client
import json
import os
import re
import secrets
import select
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid
from collections import Counter
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa

from app.config import DEFAULT_SECRET_KEY
from tests.conftest import TEST_DATABASE_URL, empty_database

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
WORKERS = 2


def production_env(database_url, **overrides):
    """The environment of a production host: only what the README's Deploying section sets."""
    kept = ("PATH", "HOME", "LANG", "TMPDIR")
    env = {name: os.environ[name] for name in kept if name in os.environ}
    env.update(
        DATABASE_URL=database_url,
        SECRET_KEY=secrets.token_urlsafe(32),
        FLASK_APP="wsgi",
        WEB_CONCURRENCY=str(WORKERS),
        PYTHONUNBUFFERED="1",
    )
    env.update(overrides)
    return {name: value for name, value in env.items() if value is not None}


def free_port():
    """A TCP port that nothing listens on just now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(condition, timeout, message):
    """Poll ``condition`` until it returns something true, failing after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.05)
    pytest.fail(f"gave up after {timeout} s: {message}")


@dataclass
class Reply:
    """What the server answered."""

    status: int
    headers: http.client.HTTPMessage
    text: str

    def json(self):
        """The body as JSON."""
        return json.loads(self.text)


class Gunicorn:
    """A gunicorn master started in the repository root, its log streams kept in files."""

    def __init__(self, env, log_dir, app_uri="wsgi:app", *options):
        self.port = free_port()
        self.stdout_path = log_dir / f"gunicorn-{self.port}.stdout"
        self.stderr_path = log_dir / f"gunicorn-{self.port}.stderr"
        env = {**env, "HOST": "127.0.0.1", "PORT": str(self.port)}
        # No control socket: it lives in $HOME and parallel test runs would take it from each other.
        command = [str(BIN / "gunicorn"), "--no-control-socket", *options, app_uri]
        with open(self.stdout_path, "wb") as out, open(self.stderr_path, "wb") as err:
            self.process = subprocess.Popen(command, cwd=REPO, env=env, stdout=out, stderr=err)

    def request(self, method, path, body=None, headers=None, timeout=10):
        """Send one request to the server and read the whole reply."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return Reply(response.status, response.headers, response.read().decode())
        finally:
            connection.close()

    def get(self, path, headers=None, timeout=10):
        """GET a path."""
        return self.request("GET", path, headers=headers, timeout=timeout)

    def post_form(self, path, fields, headers=None):
        """POST a form, as a browser does."""
        body = urllib.parse.urlencode(fields)
        headers = {**(headers or {}), "Content-Type": "application/x-www-form-urlencoded"}
        return self.request("POST", path, body=body, headers=headers)

    def wait_until_serving(self, timeout=30):
        """Wait until /healthz answers, failing at once if the master exits."""

        def serving():
            if self.process.poll() is not None:
                pytest.fail(f"gunicorn exited with {self.process.returncode}:\n{self.stderr()}")
            with contextlib.suppress(OSError):
                return self.get("/healthz", timeout=1).status == 200

        wait_for(serving, timeout, f"gunicorn did not serve:\n{self.stderr()}")

    def worker_pids(self):
        """The pids of the master's children: its workers."""
        pid = self.process.pid
        return set(Path(f"/proc/{pid}/task/{pid}/children").read_text().split())

    def stdout(self):
        """What gunicorn wrote to stdout: the access log."""
        return self.stdout_path.read_text()

    def stderr(self):
        """What gunicorn wrote to stderr: its own log and the app's."""
        return self.stderr_path.read_text()

    def stop(self, timeout=40):
        """SIGTERM, as systemd sends it; kill if the master is still there after the timeout."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        return self.process.returncode


@contextlib.contextmanager
def running_gunicorn(env, log_dir, app_uri="wsgi:app", *options):
    """Start gunicorn, wait until it serves, and always stop it afterwards."""
    server = Gunicorn(env, log_dir, app_uri, *options)
    try:
        server.wait_until_serving()
        yield server
    finally:
        server.stop()


def flask(env, *args):
    """Run a `flask` command the way an administrator does, failing the test if it fails."""
    done = subprocess.run(
        [str(BIN / "flask"), *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr


def session_cookie(reply):
    """The Cookie header that sends back the session the reply set."""
    for header in reply.headers.get_all("Set-Cookie") or []:
        if header.startswith("session="):
            return header.split(";", 1)[0]
    raise AssertionError(f"no session cookie in {reply.headers}")


def sign_in(server, username="reception", password="reception-demo-password"):
    """Sign in through the form with a demo account (`flask seed demo`); the session's cookie."""
    form = server.get("/login")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form.text).group(1)
    fields = {"csrf_token": token, "username": username, "password": password}
    reply = server.post_form("/login", fields, headers={"Cookie": session_cookie(form)})
    assert reply.status == 302, reply.text
    return {"Cookie": session_cookie(reply)}


@pytest.fixture(scope="module")
def deployed_database(database_url, tmp_path_factory):
    """A database of its own, built by `flask db upgrade` and seeded by `flask seed demo`."""
    with empty_database(database_url, tmp_path_factory.mktemp("deployed"), "gunicorn") as url:
        env = production_env(url)
        flask(env, "db", "upgrade")
        flask(env, "seed", "demo")
        yield url


@pytest.fixture(scope="module")
def server(deployed_database, tmp_path_factory):
    """`gunicorn wsgi:app` with the repository's gunicorn.conf.py and nothing else."""
    with running_gunicorn(production_env(deployed_database), tmp_path_factory.mktemp("logs")) as g:
        yield g


@pytest.fixture(scope="module")
def staff(server):
    """Request headers of a signed-in receptionist."""
    return sign_in(server)


@pytest.fixture(scope="module")
def probe_server(deployed_database, tmp_path_factory):
    """gunicorn --preload on the probe app, whose master holds a pooled connection at fork."""
    env = production_env(deployed_database)
    log_dir = tmp_path_factory.mktemp("probe-logs")
    with running_gunicorn(env, log_dir, "tests.gunicorn_probe:app", "--preload") as g:
        yield g


def test_pages_and_health_endpoints_answer(server, staff):
    assert server.get("/").headers["Location"].startswith("/login")
    sign_in_page = server.get("/login")
    assert sign_in_page.status == 200 and "PetClinic" in sign_in_page.text
    home = server.get("/", headers=staff)
    assert home.status == 200 and "Welcome" in home.text

    missing = server.get("/no-such-page", headers=staff)
    assert missing.status == 404 and "PetClinic" in missing.text

    health = server.get("/healthz")
    assert health.status == 200 and health.json() == {"status": "ok"}

    ready = server.get("/readyz")
    assert ready.status == 200 and ready.headers["Content-Type"] == "application/json"
    assert ready.json()["status"] == "ok" and len(ready.json()["revision"]) == 1


@pytest.mark.parametrize(
    "path", ["/", "/login", "/no-such-page", "/healthz", "/static/css/petclinic.css",
             "/bootstrap/static/css/bootstrap.min.css"]
)
def test_every_response_carries_the_security_headers(server, path):
    reply = server.get(path)
    assert reply.headers["X-Content-Type-Options"] == "nosniff"
    assert reply.headers["X-Frame-Options"] == "DENY"
    assert reply.headers["Referrer-Policy"] == "same-origin"
    policy = reply.headers["Content-Security-Policy"] or ""
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy


class PageResources(HTMLParser):
    """The resources a page loads, and anything inline that the policy would block."""

    def __init__(self):
        super().__init__()
        self.urls = []
        self.inline = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "style" or (tag == "script" and not attrs.get("src")):
            self.inline.append(f"<{tag}>")
        handlers = [name for name in attrs if name == "style" or name.startswith("on")]
        self.inline += [f"{tag} {name}=" for name in handlers]
        if (attrs.get("href") or "").startswith("javascript:"):
            self.inline.append(f"{tag} href=javascript:")
        url = attrs.get("src") or (attrs.get("href") if tag == "link" else None)
        if url:
            self.urls.append(url)


@pytest.mark.parametrize(
    "path", ["/login", "/", "/owners/find", "/owners?lastName=", "/owners/1", "/vets",
             "/no-such-page"]
)
def test_pages_satisfy_their_content_security_policy(server, staff, path):
    reply = server.get(path, headers={} if path == "/login" else staff)
    assert reply.status == (404 if path == "/no-such-page" else 200)
    page = PageResources()
    page.feed(reply.text)
    assert page.inline == []
    assert any(url.endswith(".js") for url in page.urls), page.urls
    for url in page.urls:
        assert url.startswith("/") and not url.startswith("//"), url
        assert server.get(url).status == 200, url


def test_each_request_writes_one_access_log_line_with_its_request_id(server):
    request_id = f"probe-{uuid.uuid4().hex}"
    reply = server.get("/no-such-page?lastName=Confidential", headers={"X-Request-ID": request_id})
    assert reply.headers["X-Request-ID"] == request_id

    lines = wait_for(
        lambda: [line for line in server.stdout().splitlines() if request_id in line],
        timeout=5,
        message="no access log line with the request id",
    )
    assert len(lines) == 1
    assert re.search(r'"GET /no-such-page" 404 \d+ \d+ms request_id=' + request_id, lines[0])
    assert "Confidential" not in lines[0]  # query strings carry names: kept out of the log


def test_a_calendar_feeds_secret_stays_out_of_the_access_log(server):
    request_id = f"probe-{uuid.uuid4().hex}"
    secret = secrets.token_urlsafe(32)
    reply = server.get(f"/calendar/{secret}.ics", headers={"X-Request-ID": request_id})
    assert reply.status == 404  # no such feed, and no sign-in asked for

    lines = wait_for(
        lambda: [line for line in server.stdout().splitlines() if request_id in line],
        timeout=5,
        message="no access log line with the request id",
    )
    assert '"GET /calendar/<secret>.ics" 404' in lines[0] and secret not in lines[0]


@pytest.mark.parametrize("secret_key", [None, DEFAULT_SECRET_KEY])
def test_gunicorn_refuses_to_start_without_a_real_secret_key(
    deployed_database, tmp_path, secret_key
):
    env = production_env(deployed_database, SECRET_KEY=secret_key)
    server = Gunicorn(env, tmp_path)
    try:
        server.process.wait(timeout=30)
    finally:
        server.stop()
    assert server.process.returncode != 0
    assert "SECRET_KEY is not set, or is the development default" in server.stderr()
    assert "Booting worker" not in server.stderr()


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"SECRET_KEY": None}, "SECRET_KEY is not set, or is the development default"),
        ({"PAGE_SIZE": "0"}, "PAGE_SIZE must be at least 1, got 0"),
    ],
)
def test_a_flask_command_with_a_setting_to_fix_says_so_in_one_line(
    deployed_database, settings, message
):
    env = production_env(deployed_database, **settings)
    done = subprocess.run([str(BIN / "flask"), "users", "list"], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert done.stderr.startswith(f"PetClinic cannot start: {message}")
    assert len(done.stderr.strip().splitlines()) == 1  # no traceback


def test_workers_never_use_a_connection_the_master_opened(probe_server):
    master = str(probe_server.process.pid)
    seen = {}

    def both_workers_answered():
        reply = probe_server.get("/_probe/connection").json()
        seen[str(reply["worker"])] = reply
        return len(seen) == WORKERS

    wait_for(both_workers_answered, timeout=10, message=f"only workers {sorted(seen)} answered")
    assert set(seen) == probe_server.worker_pids() and master not in seen
    for worker, reply in seen.items():
        assert str(reply["master"]) == master
        assert str(reply["opened_by"]) == worker  # not the master's pooled connection


def test_an_unexpected_error_is_a_500_page_whose_reference_is_in_the_log(probe_server):
    reply = probe_server.get("/_probe/fail")
    request_id = reply.headers["X-Request-ID"]
    assert reply.status == 500
    assert request_id in reply.text and "Something went wrong" in reply.text
    assert "Traceback" not in reply.text and "a fault that no user may see" not in reply.text
    wait_for(
        lambda: f"unhandled error [request {request_id}]" in probe_server.stderr(),
        timeout=5,
        message="the error was not logged with its request id",
    )


def test_sigterm_lets_the_request_in_flight_finish_then_exits_cleanly(deployed_database, tmp_path):
    env = production_env(deployed_database, WEB_CONCURRENCY="1")
    with running_gunicorn(env, tmp_path, "tests.gunicorn_probe:app", "--preload") as server:
        replies = []
        request = threading.Thread(
            target=lambda: replies.append(server.get("/_probe/slow?seconds=1"))
        )
        request.start()
        wait_for(lambda: "slow request started" in server.stderr(), 5, "the request never started")
        returncode = server.stop()
        request.join(10)
    assert [(r.status, r.text) for r in replies] == [(200, "finished")]
    assert returncode == 0


# Request size --------------------------------------------------------------------------------

BIG_FORM = 200 * 1024 * 1024
BIG_JSON = 50 * 1024 * 1024
# Reading one of these bodies would grow a worker by the body's size or more (a 50 MB JSON
# body grew one by 100 MB); refusing it unread costs what refusing a small one does.
MAX_GROWTH_KIB = 16 * 1024


@pytest.fixture(scope="module")
def lone_worker(deployed_database, tmp_path_factory):
    """`gunicorn wsgi:app` with one worker, so that the worker serving a request is known."""
    env = production_env(deployed_database, WEB_CONCURRENCY="1")
    with running_gunicorn(env, tmp_path_factory.mktemp("lone-logs")) as g:
        yield g


def peak_rss_kib(pid):
    """The most memory the process has had resident since its peak was last reset (KiB)."""
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE).group(1))


def reset_peak_rss(pid):
    """Start measuring the process's peak resident memory afresh (Linux: clear_refs 5)."""
    Path(f"/proc/{pid}/clear_refs").write_text("5")


@dataclass
class Refusal:
    """How a request with a big body went: the status line and how much of the body was sent."""

    status: int
    text: str
    sent: int


def send_big_body(port, path, headers, body_start, size, chunked):
    """POST a body of ``size`` bytes, stopping as soon as the server answers; what it said.

    The body is sent in pieces, and before each one the socket is checked for a reply: a
    server that refuses the body early answers long before the last piece.
    """
    piece = b"a" * (16 * 1024)
    lines = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    lines.append("Transfer-Encoding: chunked" if chunked else f"Content-Length: {size}")
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        sent, data = 0, body_start
        while sent < size:
            if select.select([connection], [], [], 0)[0]:
                break  # the server has answered (or closed): stop sending
            data = data[: size - sent]
            try:
                connection.sendall(b"%x\r\n%s\r\n" % (len(data), data) if chunked else data)
            except OSError:  # the server has closed its side: its reply is waiting
                break
            sent += len(data)
            data = piece
        else:
            if chunked:
                connection.sendall(b"0\r\n\r\n")
        reply = b""
        with contextlib.suppress(OSError):
            while chunk := connection.recv(65536):
                reply += chunk
    head, _, text = reply.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1]) if head else 0
    return Refusal(status, text.decode(errors="replace"), sent)


BIG_BODIES = {
    # An anonymous sign-in form: nothing but the size stops it before the password check.
    "form": ("/login", {"Content-Type": "application/x-www-form-urlencoded"}, b"username=",
             BIG_FORM),
    "json": ("/api/owners", {"Content-Type": "application/json",
                             "Authorization": "Basic YWRtaW46YWRtaW4tZGVtby1wYXNzd29yZA=="},
             b'{"firstName": "', BIG_JSON),
}


def peak_growth_kib(server, kind, size, chunked):
    """Send a body of ``size`` bytes; the refusal, and how much the worker's peak memory grew."""
    path, headers, body_start, _ = BIG_BODIES[kind]
    (worker,) = server.worker_pids()
    reset_peak_rss(worker)
    before = peak_rss_kib(worker)
    refusal = send_big_body(server.port, path, headers, body_start, size, chunked)
    return refusal, peak_rss_kib(worker) - before


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
@pytest.mark.parametrize("kind", sorted(BIG_BODIES))
def test_a_body_over_the_limit_is_refused_with_413_without_being_read(lone_worker, kind, chunked):
    size = BIG_BODIES[kind][3]
    workers = lone_worker.worker_pids()
    # The first refusal loads what any refusal needs (templates, the API's code). The second,
    # of a body just over the limit, is what a refusal costs: the API's password check alone
    # (scrypt) takes 64 MiB for a moment.
    peak_growth_kib(lone_worker, kind, 2 * 1024 * 1024, chunked)
    _, refusal_cost = peak_growth_kib(lone_worker, kind, 2 * 1024 * 1024, chunked)

    refusal, growth = peak_growth_kib(lone_worker, kind, size, chunked)

    assert refusal.status == 413, refusal.text
    assert "Request too large" in refusal.text
    # The reply came while most of the body was still to be sent...
    assert refusal.sent < size // 4, f"{refusal.sent} of {size} bytes sent before the reply"
    # ...and the worker never held it: a body 25-100 times bigger costs no more memory.
    assert growth - refusal_cost < MAX_GROWTH_KIB, (
        f"the worker grew by {growth} KiB ({refusal_cost} KiB for a body just over the limit)"
    )
    assert lone_worker.worker_pids() == workers  # the same worker, still serving
    assert lone_worker.get("/healthz").status == 200


# PostgreSQL restarts --------------------------------------------------------------------------


def local_cluster_version(database_url):
    """The version of the local PostgreSQL cluster serving the URL, or None."""
    url = sa.make_url(database_url)
    if url.get_backend_name() != "postgresql" or url.host not in ("127.0.0.1", "localhost"):
        return None
    if not shutil.which("pg_ctlcluster") or not os.path.isdir("/etc/postgresql"):
        return None
    versions = sorted(os.listdir("/etc/postgresql"), key=lambda v: [int(p) for p in v.split(".")])
    return versions[-1] if versions else None


def pg_ctlcluster(version, action, *options, check=True):
    """Start or stop the local cluster directly (no systemd in the way)."""
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", action, *options],
        check=check, capture_output=True, timeout=60,
    )


def accepts_connections(database_url):
    """Whether PostgreSQL accepts a new connection now."""
    url = sa.make_url(database_url)
    try:
        psycopg.connect(
            host=url.host, port=url.port or 5432, user=url.username, password=url.password,
            dbname=url.database, connect_timeout=2,
        ).close()
    except psycopg.OperationalError:
        return False
    return True


class Load(threading.Thread):
    """Requests to the home page, one after another, until told to stop."""

    def __init__(self, server, headers):
        super().__init__(daemon=True)
        self.server, self.headers, self.statuses, self.failures = server, headers, [], []
        self.stopping = threading.Event()

    def run(self):
        while not self.stopping.is_set():
            try:
                self.statuses.append(self.server.get("/", self.headers, timeout=10).status)
            except OSError as error:  # refused or cut off: what the app must never cause
                self.failures.append(repr(error))


@contextlib.contextmanager
def load_on(server, headers):
    """Keep requesting the home page in the background while the block runs."""
    load = Load(server, headers)
    load.start()
    try:
        yield load
    finally:
        load.stopping.set()
        load.join(15)


@pytest.mark.alone
@pytest.mark.skipif(  # before its servers start: `make test`'s second run is this test alone
    "postgresql" not in (TEST_DATABASE_URL or ""), reason="needs the local PostgreSQL cluster"
)
def test_a_postgresql_restart_gives_503s_then_200s_without_restarting_workers(
    server, staff, deployed_database
):
    version = local_cluster_version(deployed_database)
    if version is None:
        pytest.skip("needs the local PostgreSQL cluster (TEST_DATABASE_URL on 127.0.0.1)")
    assert server.get("/", staff).status == 200, server.stderr()
    workers = server.worker_pids()
    with load_on(server, staff) as load:
        time.sleep(0.3)
        try:
            stopping = time.monotonic()
            pg_ctlcluster(version, "stop", "-m", "fast")

            page = server.get("/", staff)
            assert page.status == 503 and "Service unavailable" in page.text, server.stderr()
            assert page.headers["X-Request-ID"] in page.text and "Traceback" not in page.text
            problem = server.get("/", {**staff, "Accept": "application/json"})
            assert problem.status == 503 and problem.json()["status"] == 503
            ready = server.get("/readyz")
            assert ready.status == 503 and ready.json()["reason"] == "database unreachable"
            assert server.get("/healthz").status == 200
        finally:
            pg_ctlcluster(version, "start", check=False)  # whatever happened above
            wait_for(lambda: accepts_connections(deployed_database), 60, "PostgreSQL is down")
        back = time.monotonic()
        first_page = server.get("/", staff)
        recovered = time.monotonic()
        time.sleep(0.3)
    print(
        f"outage {back - stopping:.2f} s, first page after it {recovered - back:.3f} s, "
        f"background requests {dict(Counter(load.statuses))}"
    )

    assert first_page.status == 200
    assert [server.get("/", staff).status for _ in range(10)] == [200] * 10
    assert server.get("/readyz").status == 200
    assert server.worker_pids() == workers
    assert server.stderr().count("Booting worker") == WORKERS
    assert f"database unavailable [request {page.headers['X-Request-ID']}]" in server.stderr()
    assert load.failures == [] and set(load.statuses) <= {200, 503}, server.stderr()
    assert 503 in load.statuses and load.statuses[-1] == 200, load.statuses
