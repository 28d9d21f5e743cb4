"""The API's costs: a GET with a token against the same GET with Basic, and GET /api/owners
at a large clinic (time to first and last byte, peak worker RSS), before and after.

    .venv/bin/python benchmarks/api.py --owners 100000 --before ../main-export

"before" is a checkout of the code to compare with (e.g. `git archive main | tar -x -C DIR`):
it seeds the database with its own migrations, is measured, and then this checkout
upgrades the same database (`flask db upgrade`) and is measured on it. One gunicorn sync
worker (WEB_CONCURRENCY=1), so the worker's peak RSS (VmHWM) is the list's; a worker
timeout of 900 s, so that the old in-memory list can finish at all. Everything listens on
127.0.0.1 and is stopped on the way out. Figures go to stdout as a Markdown table.
"""

import argparse
import base64
import http.client
import os
import secrets
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from environment import BIN, HOST, REPO, app_env, die_with_parent, log
from servers import free_port

USER = "apibench"


def flask(repo, env, *args, stdin=None):
    """Run `flask ...` in ``repo``; its stdout, or stop with its error."""
    done = subprocess.run([str(BIN / "flask"), *args], cwd=repo, env=env, input=stdin,
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"flask {' '.join(args)} failed in {repo}:\n{done.stdout}{done.stderr}")
    return done.stdout


class Server:
    """One gunicorn sync worker of ``repo`` on 127.0.0.1, stopped on exit."""

    def __init__(self, repo, env, log_dir, name):
        self.port = free_port()
        env = {**env, "HOST": HOST, "PORT": str(self.port), "WEB_CONCURRENCY": "1",
               "GUNICORN_TIMEOUT": "900", "PYTHONDONTWRITEBYTECODE": "1"}
        self.err = open(log_dir / f"{name}.stderr", "ab")  # noqa: SIM115 (closed in __exit__)
        self.process = subprocess.Popen(
            [str(BIN / "gunicorn"), "--no-control-socket", "-c", "gunicorn.conf.py", "wsgi:app"],
            cwd=repo, env=env, stdout=self.err, stderr=self.err, preexec_fn=die_with_parent)

    def __enter__(self):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if self.get("/healthz")[0] == 200:
                    return self
            except OSError:
                time.sleep(0.1)
        raise SystemExit("gunicorn did not start")

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(30)
        self.err.close()

    def worker_peak_rss_mib(self):
        """The worker's peak resident memory so far (VmHWM), MiB."""
        pid = self.process.pid
        worker = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()[0]
        for line in Path(f"/proc/{worker}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def get(self, path, headers=None, connection=None):
        """(status, seconds to first byte, seconds to last byte, bytes) of one GET."""
        own = connection is None
        connection = connection or http.client.HTTPConnection(HOST, self.port, timeout=900)
        started = time.perf_counter()
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        first = response.read(1)
        first_byte = time.perf_counter() - started
        size = len(first) + sum(len(piece) for piece in iter(lambda: response.read(65536), b""))
        last_byte = time.perf_counter() - started
        if own:
            connection.close()
        return response.status, first_byte, last_byte, size


def latency(server, headers, requests):
    """Median and 95th percentile (ms), and requests/s, of sequential keep-alive GETs."""
    connection = http.client.HTTPConnection(HOST, server.port, timeout=60)
    server.get("/api/owners/1", headers, connection)  # the worker's first call: a full check
    times = []
    for _ in range(requests):
        status, _, seconds, _ = server.get("/api/owners/1", headers, connection)
        if status != 200:
            raise SystemExit(f"GET /api/owners/1 answered {status}")
        times.append(seconds * 1000)
    connection.close()
    times.sort()
    return (statistics.median(times), times[int(len(times) * 0.95) - 1],
            1000 * len(times) / sum(times))


def measure(label, repo, env, log_dir, password, token, requests):
    """The rows of one checkout: auth latency per way, then the whole owner list."""
    basic = {"Authorization": "Basic "
             + base64.b64encode(f"{USER}:{password}".encode()).decode()}
    ways = [("Basic", env, basic)]
    if token:
        ways = [("Bearer token", env, {"Authorization": f"Bearer {token}"}),
                ("Basic (verified pair remembered)", env, basic),
                ("Basic, API_BASIC_CACHE_SECONDS=0", {**env, "API_BASIC_CACHE_SECONDS": "0"},
                 basic)]
    rows = []
    for way, way_env, headers in ways:
        with Server(repo, way_env, log_dir, f"{label}-auth") as server:
            median, p95, rate = latency(server, headers, requests)
        log(f"{label} {way}: median {median:.1f} ms, p95 {p95:.1f} ms, {rate:.0f}/s")
        rows.append(f"| {label} | GET /api/owners/1, {way} | {median:.1f} ms | {p95:.1f} ms "
                    f"| {rate:.0f} req/s | |")
    with Server(repo, env, log_dir, f"{label}-list") as server:
        server.get("/api/owners/1", basic)  # imports, and Argon2's 64 MiB, out of the figure
        before = server.worker_peak_rss_mib()
        status, first, last, size = server.get("/api/owners", basic)
        peak = server.worker_peak_rss_mib()
    log(f"{label} GET /api/owners: {status}, first byte {first:.2f} s, last {last:.1f} s, "
        f"{size / 2**20:.0f} MiB, worker peak RSS {before:.0f} -> {peak:.0f} MiB")
    rows.append(f"| {label} | GET /api/owners (all, {size / 2**20:.0f} MiB of JSON), Basic "
                f"| first byte {first:.2f} s | last byte {last:.1f} s | | worker peak RSS "
                f"{peak:.0f} MiB (before the list {before:.0f}) |")
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--owners", type=int, default=100_000)
    parser.add_argument("--before", type=Path, help="a checkout of the code to compare with")
    parser.add_argument("--requests", type=int, default=300, help="GETs per way of signing in")
    parser.add_argument("--folder", type=Path, default=REPO / "benchmarks" / "results" / "api")
    args = parser.parse_args()
    args.folder.mkdir(parents=True, exist_ok=True)
    database = args.folder / f"api-{args.owners}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    env = app_env(f"sqlite:///{database}", secrets.token_urlsafe(32))
    env.pop("SQL_STATEMENT_HEADER")
    first = args.before or REPO
    log(f"seeding {args.owners:,} owners with {first}")
    flask(first, env, "db", "upgrade")
    flask(first, env, "seed", "bulk", "--owners", str(args.owners), "--seed", "7")
    password = secrets.token_urlsafe(24)
    flask(first, env, "users", "create", USER, "--role", "reception", stdin=password + "\n")
    rows = []
    if args.before:
        rows += measure("before", args.before, env, args.folder, password, None, args.requests)
        flask(REPO, env, "db", "upgrade")
    token = flask(REPO, env, "users", "token", "create", USER, "--name", "bench",
                  "--days", "1").strip()
    rows += measure("after", REPO, env, args.folder, password, token, args.requests)
    print(f"\nSQLite, {args.owners:,} owners (flask seed bulk --seed 7), one sync worker, "
          f"{os.cpu_count()} CPUs:\n")
    print("| code | request | median / first byte | p95 / last byte | throughput | memory |")
    print("|---|---|---|---|---|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
