"""Servers: gunicorn on 127.0.0.1, always stopped, and a signed-in desk that talks to it."""

import contextlib
import http.client
import re
import signal
import socket
import subprocess
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

from environment import BIN, HOST, REPO, USER_AGENT, die_with_parent


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
