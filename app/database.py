"""The declarative base, the session class, and the engine behaviour every connection gets."""

import contextlib
import contextvars
import logging
import time

import sqlalchemy as sa
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy.orm import DeclarativeBase

logger = logging.getLogger("petclinic.sql")

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# How the next SQLite transaction begins: "DEFERRED" for reads, "IMMEDIATE" for writes.
_sqlite_begin = contextvars.ContextVar("sqlite_begin", default="DEFERRED")


class Base(DeclarativeBase):
    """Declarative base whose constraints and indexes get predictable names."""

    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


class BoundSession(FlaskSession):
    """Flask-SQLAlchemy's session, honouring an explicit ``bind`` (tests join an outer transaction)."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        """Use the session's own bind when one was given, else the app's engine."""
        if bind is None and self.bind is not None:
            return self.bind
        return super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)


@contextlib.contextmanager
def write_transactions():
    """Make SQLite transactions begun inside this block take the write lock at BEGIN.

    A deferred SQLite transaction that reads and then writes cannot wait for a competing
    writer: it fails with "database is locked". Beginning write work with BEGIN IMMEDIATE
    queues writers behind each other instead. Other databases ignore this.
    """
    token = _sqlite_begin.set("IMMEDIATE")
    try:
        yield
    finally:
        _sqlite_begin.reset(token)


def begin_writes_immediately(app):
    """Make every POST/PUT/PATCH/DELETE request's SQLite transaction a write transaction from BEGIN."""
    from flask import g, request

    @app.before_request
    def mark_write_request():
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            g.sqlite_begin_token = _sqlite_begin.set("IMMEDIATE")

    @app.teardown_request
    def unmark_write_request(exc):
        token = g.pop("sqlite_begin_token", None)
        if token is not None:
            _sqlite_begin.reset(token)


def _sqlite_lower(value):
    """Unicode-aware lower() for SQLite, whose built-in one folds ASCII only."""
    return value.lower() if isinstance(value, str) else value


def configure_engine(engine, slow_query_ms, statement_timeout=0):
    """Attach the per-connection settings and the slow-query log to an engine.

    ``statement_timeout`` (seconds, 0 for none) bounds every wait for a PostgreSQL server.
    SQLite needs no such bound: its busy timeout already limits the only wait it has.
    """
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine)
    elif engine.dialect.driver == "psycopg" and statement_timeout:
        from app.postgresql import bound_postgresql_waits  # psycopg: PostgreSQL engines only

        bound_postgresql_waits(engine, statement_timeout)
    _log_slow_statements(engine, slow_query_ms)


def _configure_sqlite(engine):
    """Foreign keys, WAL, unicode lower(), and SQLAlchemy's documented pysqlite BEGIN workaround."""

    @sa.event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, connection_record):
        # pysqlite emits BEGIN lazily (only before DML), so a SAVEPOINT issued first runs
        # outside any transaction and a later ROLLBACK cannot undo it. Turn its own
        # transaction handling off and emit BEGIN ourselves in the "begin" event below.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
        # The same case folding as PostgreSQL's lower(), for case-insensitive indexes.
        dbapi_connection.create_function("lower", 1, _sqlite_lower, deterministic=True)

    @sa.event.listens_for(engine, "begin")
    def on_begin(connection):
        connection.exec_driver_sql(f"BEGIN {_sqlite_begin.get()}")


def _log_slow_statements(engine, slow_query_ms):
    """Log every statement slower than the threshold, with its duration."""

    @sa.event.listens_for(engine, "before_cursor_execute")
    def before(conn, cursor, statement, parameters, context, executemany):
        conn.info.setdefault("query_started", []).append(time.perf_counter())

    @sa.event.listens_for(engine, "after_cursor_execute")
    def after(conn, cursor, statement, parameters, context, executemany):
        elapsed_ms = (time.perf_counter() - conn.info["query_started"].pop()) * 1000
        if elapsed_ms >= slow_query_ms:
            # Parameters are left out: they hold people's names and phone numbers.
            logger.warning("slow query (%.1f ms): %s", elapsed_ms, " ".join(statement.split()))

    @sa.event.listens_for(engine, "handle_error")
    def on_error(context):
        try:
            started = context.connection.info.get("query_started") if context.connection else None
        except NotImplementedError:
            # The connection that first sets up the dialect has no info (and no timings).
            # Raising here would turn a connection lost at that moment into a 500, not a 503.
            return
        if started:
            started.pop()
