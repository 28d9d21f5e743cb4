"""Writing a bulk seed fast: ids reserved up front, SQLite tuned for a big load, rows handed
to the driver in batches (TableWriter)."""

import contextlib
import functools
import gc
import operator

import sqlalchemy as sa

from app.extensions import db

BATCH_SIZE = 5_000


def reserve_ids(model, count):
    """Ids for ``count`` new rows of ``model`` that no other writer can take."""
    if not count:
        return []
    if db.session.get_bind().dialect.name == "postgresql":
        # Drawn from the table's own sequence, so concurrent inserts get other numbers.
        sequence = sa.func.pg_get_serial_sequence(model.__tablename__, "id")
        numbers = sa.select(sa.func.nextval(sequence)).select_from(sa.func.generate_series(1, count))
        return list(db.session.scalars(numbers))
    # SQLite: the transaction began IMMEDIATE, so nobody else can insert until it ends.
    last = db.session.scalar(sa.select(sa.func.max(model.id))) or 0
    return list(range(last + 1, last + count + 1))


@contextlib.contextmanager
def large_page_cache(mebibytes=1024):
    """Give SQLite a page cache big enough for the indexes being filled, for this block."""
    # With the default 2 MiB, inserts in random index order (by start time, by vet) keep
    # evicting the pages they need next, and a big load runs about half as fast.
    connection = db.session.connection()
    if connection.dialect.name != "sqlite":
        yield
        return
    before = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    connection.exec_driver_sql(f"PRAGMA cache_size = {-1024 * mebibytes}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size = {int(before)}")


@contextlib.contextmanager
def cycle_collector_paused():
    """Pause Python's cycle collector for this block; reference counting still frees the rows."""
    # The millions of rows made here would start it thousands of times, and its full passes
    # each walk the schedule's lists of a million entries: 4.4 s of a 30 s seed of 100,000
    # owners, finding next to nothing to collect.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class TableWriter:
    """Inserts row dictionaries, keyed by column name, into one table; the database stamps times."""

    def __init__(self, model):
        table = self.table = model.__table__
        stamps = {name: sa.func.now() for name in ("created_at", "updated_at") if name in table.c}
        self.statement = sa.insert(table).values(**stamps)
        self.compiled = None

    def insert_rows(self, rows):
        """Insert the rows in the session's transaction."""
        if not rows:
            return
        # On the session's connection (same transaction) rather than session.execute(): the
        # ORM's bulk path would re-examine every plain dictionary, at about twice the cost.
        connection = db.session.connection()
        if not connection.dialect.positional:
            # PostgreSQL: Core's executemany sends many rows per INSERT ("insertmanyvalues").
            for start in range(0, len(rows), BATCH_SIZE):
                connection.execute(self.statement, rows[start:start + BATCH_SIZE])
            return
        # SQLite (a positional driver): Core would build and convert parameters row by row
        # before the driver's executemany, costing as much as SQLite's own work. Here the
        # statement is compiled once and the rows go to that executemany as tuples, each
        # column converted by its type's bind processor once per distinct value (slot times,
        # dates, statuses: a few thousand values over millions of rows).
        if self.compiled is None:
            self.compile(connection.dialect, list(rows[0]))
        columns = list(zip(*map(self.values_of, rows)))
        for index, process in self.processors:
            columns[index] = map(process, columns[index])
        connection.exec_driver_sql(self.compiled.string, list(zip(*columns)))

    def compile(self, dialect, keys):
        """Compile the statement for rows with these keys, and the conversions its values need."""
        self.compiled = self.statement.compile(dialect=dialect, column_keys=keys)
        names = self.compiled.positiontup
        self.values_of = operator.itemgetter(*names)
        self.processors = []
        for index, name in enumerate(names):
            process = self.table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
            if process is not None:
                self.processors.append((index, functools.cache(process)))
