"""The ?page= argument of paginated lists."""

from flask import abort, request

# Far beyond any real list; larger numbers would overflow the database's OFFSET.
MAX_PAGE = 100_000


def page_number():
    """The requested page (1 when absent); a 404 for one that cannot exist."""
    page = request.args.get("page", 1, type=int)
    if page < 1 or page > MAX_PAGE:
        abort(404)
    return page
