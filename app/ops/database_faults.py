"""Database faults: a connection that dies during a request costs that request, nothing more."""

import logging

from flask import g
from sqlalchemy.exc import DBAPIError

from app.extensions import db

logger = logging.getLogger("petclinic.errors")


def close_session(exception):
    """End the request's session; a connection that was lost has nothing left to roll back.

    Flask-SQLAlchemy's own teardown would let the failed ROLLBACK escape the app, and gunicorn
    would answer with its bare 500 page, even in place of a response the app had already built.
    This runs first (teardowns run in reverse order of registration) and leaves it nothing to do.
    """
    try:
        db.session.remove()
    except DBAPIError as error:
        if not error.connection_invalidated:
            raise
        logger.warning(
            "database connection lost at the end of request %s: %s",
            g.get("request_id", "-"),
            error.orig,
        )
        # The first attempt rolled back what it could and invalidated the connection.
        db.session.remove()
