"""`python database.py create|drop URL`: a PostgreSQL database of its own for the Newman run.

`create` drops the database named in URL if it exists and makes it again, empty, so that
`flask seed spring` gets Spring's ids; `drop` removes it. Both connect to the server's
`postgres` database to do it.
"""

import sys

import sqlalchemy as sa
from sqlalchemy.engine import make_url


def main(action, url):
    """Create (afresh) or drop the database that ``url`` names."""
    target = make_url(url)
    name = target.database
    if not name or not name.replace("_", "").isalnum():
        raise SystemExit(f"not a database name for the Newman run: {name!r}")
    server = sa.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        if action == "create":
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    server.dispose()


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("create", "drop"):
        raise SystemExit("usage: database.py create|drop URL")
    main(sys.argv[1], sys.argv[2])
