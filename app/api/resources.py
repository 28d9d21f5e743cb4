"""What the API's resource modules share: how an operation is declared, how a row is found."""

import re

import sqlalchemy as sa
from flask import abort

from app.api.auth import requires
from app.api.blueprint import bp
from app.extensions import db


def operation(method, rule, permission, *, tags, response=None, status=200, body=None,
              query=None, errors=(), headers=None, doc=None, endpoint=None):
    """Declare an API operation: its URL, the permission it needs, what it reads and answers.

    The same decorators as written out one by one, in the same order (so the OpenAPI
    document is the same): route, requires, arguments, response, errors, doc.
    """

    def decorator(view):
        if doc:
            view = bp.doc(**doc)(view)
        if errors:
            view = bp.errors(*errors)(view)
        view = bp.response(status, response, headers=headers)(view)
        if query is not None:
            view = bp.arguments(query, location="query")(view)
        if body is not None:
            view = bp.arguments(body)(view)
        view = requires(permission)(view)
        options = {"endpoint": endpoint} if endpoint else {}
        return bp.route(rule, methods=[method], tags=tags, **options)(view)

    return decorator


def label(model):
    """How a message names a model's rows: PetType → 'pet type'."""
    return re.sub(r"(?<!^)(?=[A-Z])", " ", model.__name__).lower()


def found_or_404(model, row_id, *options, fresh=False, **within):
    """The row of ``model`` with this id, loaded with ``options``; a 404 problem if there is none.

    ``within`` narrows the search (owner_id=3: that owner's row only; None: no narrowing);
    ``fresh`` reloads a row this session already holds (after a commit changed it).
    """
    within = {column: value for column, value in within.items() if value is not None}
    if within:
        query = sa.select(model).filter_by(id=row_id, **within).options(*options)
        row = db.session.scalar(query.execution_options(populate_existing=fresh))
    else:
        row = db.session.get(model, row_id, options=options, populate_existing=fresh)
    if row is None:
        whose = "".join(f" for {column.removesuffix('_id')} {value}"
                        for column, value in within.items())
        abort(404, description=f"There is no {label(model)} with id {row_id}{whose}.")
    return row


def saved(row, change, *args, **kwargs):
    """Apply a service's ``change`` to the row, commit, and return the row for the response."""
    change(row, *args, **kwargs)
    db.session.commit()
    return row
