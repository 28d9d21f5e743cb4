"""PostgreSQL's bounded waits: imported only for a PostgreSQL engine (app/database.py).

SQLite runs (the demo, the default test run) then never import psycopg.
"""

import psycopg
import sqlalchemy as sa
from flask import g, has_app_context
from psycopg.pq import TransactionStatus

# The client waits this much longer than the server's statement_timeout, so that a statement
# that is merely slow is cancelled by the server, which keeps the connection and says why.
REPLY_MARGIN = 1


class ReplyBoundConnection(psycopg.Connection):
    """A psycopg connection that gives up on a server that has stopped replying.

    Nothing else bounds that wait. libpq has no read timeout; statement_timeout is enforced by
    the very server that is stuck; and a server that is paused, swapping or stuck on its
    storage still has a kernel that ACKs every packet and keepalive probe, so neither TCP
    keepalives nor tcp_user_timeout ever fire. But psycopg waits for every reply (execute,
    fetch, commit, rollback, SQLAlchemy's ping) in ``wait()``, which takes a timeout. Past it,
    the command is still in flight and the connection unusable: it is closed, which SQLAlchemy
    reads as a disconnect (the pool discards it) and the app answers with a 503. A network
    drop ends the same way; connecting is bounded by connect_timeout. (A timer thread closing
    the socket would do the same with more moving parts. ``wait(timeout=)`` is recent in
    psycopg 3.3: tests/test_database_stall.py fails on a psycopg without it.)
    """

    reply_timeout = None

    def wait(self, gen, *args, timeout=None, **kwargs):
        """Wait for the server as psycopg does, but never longer than ``reply_timeout``."""
        if timeout is None:
            timeout = self.reply_timeout
        try:
            return super().wait(gen, *args, timeout=timeout, **kwargs)
        except psycopg.OperationalError as error:
            if self.pgconn.transaction_status != TransactionStatus.ACTIVE:
                raise  # the server answered, with an error: the connection is fine
            self.pgconn.finish()
            failure = psycopg.OperationalError(
                f"the database server did not reply within {timeout:g} s; connection closed"
            )
            _remember_database_failure(failure)
            raise failure from error


def _remember_database_failure(error):
    """Note that the database failed this request (or command): it is not asked again.

    Once it has not answered, asking again costs the user another wait for the same 503,
    e.g. when the error page's navigation bar looks up the signed-in user.
    """
    if has_app_context():
        g.setdefault("database_failure", str(error).strip())


def bound_postgresql_waits(engine, seconds):
    """Set statement_timeout on the server and the same bound, plus a margin, on the client."""

    @sa.event.listens_for(engine, "do_connect")
    def connect(dialect, connection_record, cargs, cparams):
        failure = g.get("database_failure") if has_app_context() else None
        if failure:
            # Say why, since the first error may not be the one the log shows: SQLAlchemy
            # swallows a failed ping and reconnects, and so meets this one.
            raise psycopg.OperationalError(f"{failure} (earlier in this request; not retried)")
        options = cparams.get("options", "")  # keep any the DATABASE_URL gives
        cparams["options"] = f"{options} -c statement_timeout={seconds * 1000}".strip()
        try:
            connection = ReplyBoundConnection.connect(*cargs, **cparams)
        except psycopg.OperationalError as error:
            _remember_database_failure(error)
            raise
        connection.reply_timeout = seconds + REPLY_MARGIN
        return connection
