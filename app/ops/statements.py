"""Opt-in: each response says how many SQL statements its request ran (SQL_STATEMENT_HEADER).

The benchmarks (benchmarks/run.py) read it to show that a page's statement count does not
grow with the data. Off by default: production has no use for it.
"""

import sqlalchemy as sa
from flask import g, has_request_context

HEADER = "X-SQL-Statements"

# Transaction control is left out: SQLite's BEGIN passes through the cursor (see
# app.database) while psycopg's does not, and counts must compare across databases.
TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


def count_statements(app, engine):
    """Count the statements each request sends to ``engine`` and report them in HEADER."""

    @sa.event.listens_for(engine, "before_cursor_execute")
    def count(conn, cursor, statement, parameters, context, executemany):
        if has_request_context() and not statement.lstrip().upper().startswith(TRANSACTION_CONTROL):
            g.sql_statements = g.get("sql_statements", 0) + 1

    @app.after_request
    def report(response):
        response.headers[HEADER] = str(g.get("sql_statements", 0))
        return response
