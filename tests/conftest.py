"""Fixtures: one app per run on a real database, each test inside an outer transaction."""

import contextlib
import os

import pytest
import sqlalchemy as sa

from app import create_app
from app.extensions import db
from tests.staff import signed_in

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
# pytest-xdist's worker name (gw0, gw1 ...), or None in a run without workers.
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """TEST_DATABASE_URL, or a fresh SQLite file for this run.

    Under pytest-xdist each worker has a database of its own: a SQLite file under its own
    temporary directory, or a PostgreSQL database named after TEST_DATABASE_URL's plus the
    worker's name, made for the run and dropped after it.
    """
    if not TEST_DATABASE_URL:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'petclinic-test.db'}"
    elif XDIST_WORKER:
        with empty_database(TEST_DATABASE_URL, tmp_path_factory.getbasetemp(), XDIST_WORKER) as url:
            yield url
    else:
        yield TEST_DATABASE_URL


@contextlib.contextmanager
def empty_database(database_url, directory, suffix):
    """A new, empty database beside the test one: a SQLite file, or a PostgreSQL database."""
    url = sa.make_url(database_url)
    if url.get_backend_name() == "sqlite":
        yield f"sqlite:///{directory / f'{suffix}.db'}"
        return
    name = f"{url.database}_{suffix}"
    # No pool: a pooled admin connection would not outlive a test that restarts the server.
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture
def empty_database_url(database_url, tmp_path):
    """A database of its own, empty: a SQLite file, or a new PostgreSQL database."""
    with empty_database(database_url, tmp_path, "migrations") as url:
        yield url


@pytest.fixture(scope="session")
def app(database_url):
    """The application, configured for tests, with the schema built from the models."""
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "WTF_CSRF_ENABLED": False,
        }
    )
    # No app context stays pushed during tests: each request must get its own, as in
    # production, or sessions and `g` would leak between requests.
    with app.app_context():
        reset_schema()
    yield app
    with app.app_context():
        db.drop_all()
        db.engine.dispose()


def reset_schema():
    """Drop whatever a previous run left, then create the tables (tests only)."""
    db.drop_all()
    with db.engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    db.create_all()


@pytest.fixture
def connection(app):
    """A connection in an outer transaction that every session of the test joins.

    The code under test commits and rolls back for real: with
    join_transaction_mode="create_savepoint" those become savepoint operations, and the
    outer transaction is rolled back at the end, so no test sees another's rows
    (SQLAlchemy's "joining a session into an external transaction").
    """
    factory_kw = db.session.session_factory.kw
    saved = dict(factory_kw)
    with app.app_context():
        outer = db.engine.connect()
        transaction = outer.begin()
    factory_kw.update(bind=outer, join_transaction_mode="create_savepoint")
    try:
        yield outer
    finally:
        factory_kw.clear()
        factory_kw.update(saved)
        transaction.rollback()
        outer.close()


@pytest.fixture
def dbs(app, connection):
    """``with dbs() as session:`` runs database work in its own app context, like a request."""

    @contextlib.contextmanager
    def block():
        with app.app_context():
            yield db.session

    return block


@pytest.fixture
def sign_in(app, connection):
    """``sign_in("reception")`` gives a client signed in with that role."""
    return lambda role: signed_in(app, role)


@pytest.fixture
def client(app, connection):
    """A client signed in as an administrator, whose requests join the outer transaction."""
    return signed_in(app, "admin")


@pytest.fixture
def anonymous(app, connection):
    """A client that has not signed in."""
    return app.test_client()


@pytest.fixture
def runner(app, connection):
    """A CLI runner whose commands join the test's outer transaction."""
    return app.test_cli_runner()


@pytest.fixture
def committing(app):
    """For tests that need real commits on separate connections: tables emptied afterwards."""
    yield app
    with app.app_context(), db.engine.begin() as conn:
        for table in reversed(db.metadata.sorted_tables):
            conn.execute(table.delete())


@pytest.fixture
def statements(app):
    """Count the SQL statements sent while the fixture is alive: ``statements.count``."""

    class Counter:
        count = 0
        sql = []

        def __call__(self, conn, cursor, statement, *args):
            if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK TO")):
                self.count += 1
                self.sql.append(statement)

        def reset(self):
            self.count = 0
            self.sql = []

    counter = Counter()
    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", counter)
    yield counter
    sa.event.remove(engine, "before_cursor_execute", counter)


@pytest.fixture
def today(app):
    """Today's date at the clinic."""
    from app.clinic import clinic_today

    with app.app_context():
        return clinic_today()
