"""The ?page= argument of paginated lists."""

from flask import abort, request
from flask_sqlalchemy.pagination import Pagination

# Far beyond any real list; larger numbers would overflow the database's OFFSET.
MAX_PAGE = 100_000


def page_number():
    """The requested page (1 when absent); a 404 for one that cannot exist."""
    page = request.args.get("page", 1, type=int)
    if page < 1 or page > MAX_PAGE:
        abort(404)
    return page


class ListPagination(Pagination):
    """A page of a list already read (the schedule's vets of a day), for the same pagination
    macro as db.paginate()'s pages: Flask-SQLAlchemy's Pagination, its two queries answered
    from the list. ``ListPagination(items=[...], page=n, per_page=size)``; a page past the
    last is a 404, as db.paginate()'s is."""

    def _query_items(self):
        start = (self.page - 1) * self.per_page
        return self._query_args["items"][start:start + self.per_page]

    def _query_count(self):
        return len(self._query_args["items"])
