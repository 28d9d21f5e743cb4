"""The production app plus probe URLs, for tests that run it under gunicorn --preload.

Imported once in the gunicorn master, which opens a pooled database connection before forking:
a worker that were handed that connection would report it as opened by another process.
"""

import logging
import os
import time

import sqlalchemy as sa
from flask import request

from app.extensions import db
from app.models import Owner
from tests.probes import probe
from wsgi import app

MASTER_PID = os.getpid()


def tag_connection(dbapi_connection, connection_record):
    """Remember which process opened each database connection."""
    connection_record.info["opened_by"] = os.getpid()


with app.app_context():
    sa.event.listen(db.engine, "connect", tag_connection)
    db.session.execute(sa.text("SELECT 1"))
    db.session.remove()


@probe(app, "/_probe/connection")
def connection_owner():
    """This worker's pid, the master's, and the pid of the process that opened our connection."""
    opened_by = db.session.connection().info.get("opened_by")
    return {"worker": os.getpid(), "master": MASTER_PID, "opened_by": opened_by}


@probe(app, "/_probe/owners")
def count_owners():
    """A read through the session, as every page makes."""
    return {"owners": db.session.scalar(sa.select(sa.func.count(Owner.id))), "worker": os.getpid()}


@probe(app, "/_probe/fail")
def fail():
    """A bug: an exception that no handler expects."""
    raise RuntimeError("a fault that no user may see")


@probe(app, "/_probe/slow")
def slow():
    """A request that takes a while, to be in flight when the server is told to stop."""
    logging.getLogger("petclinic.probe").warning("slow request started")
    time.sleep(float(request.args.get("seconds", "1")))
    return "finished"
