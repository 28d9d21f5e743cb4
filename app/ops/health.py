"""Health endpoints for load balancers and orchestrators: /healthz (alive), /readyz (ready).

/healthz is answered in front of the app (Liveness): whether the worker serves requests is
all it says, so it needs no session, sign-in, database or request hooks. /readyz is a view.
"""

import functools
import logging

from flask import Blueprint, jsonify
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db
from app.migrate import MIGRATIONS
from app.ops.security import SECURITY_HEADERS
from app.problems import request_id, request_id_from

logger = logging.getLogger("petclinic.health")

bp = Blueprint("ops", __name__)

# No one signs in to this: it reads no session cookie and sets none (app.api.auth).
SESSIONLESS_PATHS = frozenset({"/readyz"})

LIVENESS_PATH = "/healthz"
ALIVE = b'{"status":"ok"}\n'
ALIVE_HEADERS = [
    ("Content-Type", "application/json"),
    ("Content-Length", str(len(ALIVE))),
    ("Cache-Control", "no-store"),
    *SECURITY_HEADERS.items(),
]


class Liveness:
    """WSGI middleware: GET and HEAD /healthz say the process is alive and serving requests.

    The answer carries what every response does (the security headers, X-Request-ID for
    the access log), and nothing of the app runs: no session, sign-in or hooks, which cost
    a probe more than its answer. Any other request, or method, goes on to the app.
    """

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        """Answer a liveness probe, or hand the request on."""
        method = environ.get("REQUEST_METHOD")
        if environ.get("PATH_INFO") != LIVENESS_PATH or method not in ("GET", "HEAD"):
            return self.wsgi_app(environ, start_response)
        tag = ("X-Request-ID", request_id_from(environ.get("HTTP_X_REQUEST_ID", "")))
        start_response("200 OK", [*ALIVE_HEADERS, tag])
        return [b""] if method == "HEAD" else [ALIVE]


def answer_liveness_probes(app):
    """Install the liveness middleware in front of the app."""
    app.wsgi_app = Liveness(app.wsgi_app)


@bp.get("/readyz")
def readyz():
    """Ready for traffic: the database answers and its schema is at the migrations' head."""
    from alembic.migration import MigrationContext  # Alembic: not at import (app.migrate)

    head = migration_heads(str(MIGRATIONS))
    try:
        with db.engine.connect() as connection:
            current = MigrationContext.configure(connection).get_current_heads()
    except SQLAlchemyError as error:
        logger.warning(
            "not ready, database unreachable [request %s]: %s",
            request_id(),
            getattr(error, "orig", None) or error,
        )
        return status_response(503, status="unavailable", reason="database unreachable")
    if set(current) != set(head):
        return status_response(
            503,
            status="unavailable",
            reason="database schema is not at the migrations' head; run `flask db upgrade`",
            revision=sorted(current),
            head=sorted(head),
        )
    return status_response(200, status="ok", revision=sorted(current))


@functools.cache
def migration_heads(directory):
    """The head revisions of the migration scripts (read once: they change only with a deploy)."""
    from alembic.script import ScriptDirectory

    return tuple(ScriptDirectory(directory).get_heads())


def status_response(code, **body):
    """A small JSON status document that no cache keeps."""
    response = jsonify(body)
    response.status_code = code
    response.headers["Cache-Control"] = "no-store"
    return response
