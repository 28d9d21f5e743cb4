"""Recording when a credential was last used, without writing in the request's transaction.

An API request that only reads should take no write lock (SQLite) and leave no dirty row
(PostgreSQL) for its bookkeeping. So the time of last use is written at most once a
minute per credential, in a short transaction of a separate session, by a conditional
UPDATE: of many requests racing past the minute, one writes and the rest change nothing.
"""

import logging
from datetime import timedelta

import sqlalchemy as sa

from app.extensions import db
from app.models.columns import utcnow

logger = logging.getLogger("petclinic.auth")

EVERY = timedelta(minutes=1)
# How long bookkeeping waits for SQLite's write lock before leaving it for a later request.
SQLITE_LOCK_WAIT_MS = 50


def due(last_used_at, now):
    """Whether a use at ``now`` should be written, given the last one recorded."""
    return last_used_at is None or last_used_at <= now - EVERY


def note_use(column, row_id, last_used_at, now=None):
    """Set ``column`` (e.g. ApiToken.last_used_at) of row ``row_id`` to now, if a minute has passed.

    ``last_used_at`` is the value the request read: when it is recent, nothing is sent at
    all. Failing to write (a lock held elsewhere) loses one note, never the request.
    """
    now = now or utcnow()
    if not due(last_used_at, now):
        return False
    table = column.class_
    stale = sa.or_(column.is_(None), column <= now - EVERY)
    session = db.session()
    if session.in_transaction() and not (session.new or session.dirty or session.deleted):
        # End the request's read so far (authentication): the note is then in no transaction
        # of the request's, before or around it, and the request's own work starts afresh.
        session.commit()
    with db.session.session_factory() as side:
        connection = side.connection()
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            waited = int(connection.exec_driver_sql("PRAGMA busy_timeout").scalar())
            connection.exec_driver_sql(f"PRAGMA busy_timeout = {SQLITE_LOCK_WAIT_MS}")
        try:
            side.execute(
                sa.update(table).where(table.id == row_id, stale).values({column.key: now})
                .execution_options(synchronize_session=False)
            )
        except sa.exc.OperationalError as error:
            logger.warning("last use of %s %s not recorded: %s", table.__tablename__, row_id,
                           str(error.orig).strip().splitlines()[0])
            noted = False
        else:
            noted = True
        finally:
            if sqlite:
                connection.exec_driver_sql(f"PRAGMA busy_timeout = {waited}")
        if noted:
            side.commit()
    return noted
