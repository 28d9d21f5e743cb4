"""What the API's resource modules share: how an operation is declared, how a row is found."""

import re

import sqlalchemy as sa
from flask import abort, g, request
from werkzeug.exceptions import BadRequest, PreconditionFailed

from app.api.auth import requires
from app.api.blueprint import bp
from app.concurrency import ChangedMeanwhile, saving
from app.extensions import db
from app.models.columns import Versioned


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
    if isinstance(row, Versioned):
        g.versioned_row = row  # its version is answered as the ETag (tag_version)
    return row


def expected_version():
    """The version an ``If-Match: "<version>"`` header asks for; None without one."""
    tags = request.if_match
    if not tags or tags.star_tag:
        return None
    values = list(tags)
    if len(values) != 1 or not values[0].isdigit() or len(values[0]) > 9:
        raise BadRequest('If-Match takes one version, as the ETag gave it: If-Match: "3".')
    return int(values[0])


def saved(row, change, *args, **kwargs):
    """Apply a service's ``change`` to the row, commit, and return the row for the response.

    A versioned row (owners, pets, vets, appointments) is written only if it is still at the
    version the client's If-Match names (412 otherwise) and no other save of it won a race
    meanwhile (409): Spring clients, which send no If-Match, keep their last-write-wins.
    """
    if not isinstance(row, Versioned):
        change(row, *args, **kwargs)
        db.session.commit()
        return row
    version = expected_version()
    try:
        with saving(row, version):
            change(row, *args, **kwargs)
    except ChangedMeanwhile:
        # The page's wording speaks of a form; an API client reads the row again instead.
        detail = ("Changed by someone else meanwhile: nothing was saved. GET it again, "
                  "then send your change with the new ETag in If-Match.")
        if version is not None:
            raise PreconditionFailed(f"{detail} (If-Match was \"{version}\")") from None
        abort(409, description=detail)
    db.session.commit()
    return row


@bp.after_request
def tag_version(response):
    """Answer a single versioned row's version as its ETag, for a later If-Match."""
    row = g.pop("versioned_row", None)
    if row is not None and response.status_code == 200 and request.method in ("GET", "PUT"):
        response.set_etag(str(row.version))
    return response
