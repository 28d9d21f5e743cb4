"""Health endpoints for load balancers and orchestrators: /healthz (alive), /readyz (ready)."""

import functools
import logging

from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Blueprint, current_app, jsonify
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db
from app.problems import request_id

logger = logging.getLogger("petclinic.health")

bp = Blueprint("ops", __name__)

# No one signs in to these: they read no session cookie and set none (app.api.auth).
SESSIONLESS_PATHS = frozenset({"/healthz", "/readyz"})


@bp.get("/healthz")
def healthz():
    """The process is alive and serving requests; the database is not consulted."""
    return status_response(200, status="ok")


@bp.get("/readyz")
def readyz():
    """Ready for traffic: the database answers and its schema is at the migrations' head."""
    head = migration_heads(current_app.extensions["migrate"].directory)
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
    return tuple(ScriptDirectory(directory).get_heads())


def status_response(code, **body):
    """A small JSON status document that no cache keeps."""
    response = jsonify(body)
    response.status_code = code
    response.headers["Cache-Control"] = "no-store"
    return response
