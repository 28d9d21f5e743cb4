"""URL converters: a number in a URL is a database id."""

from werkzeug.routing import IntegerConverter

# The largest id every supported database can hold: PostgreSQL's INTEGER (SQLite's is larger).
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """``<int:...>`` that matches only ids a database can hold: a larger number is a 404.

    Without the bound, SQLite's driver fails on a number beyond 64 bits (a 500).
    """

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def register(app):
    """Make every ``<int:...>`` an IdConverter; call before any URL rule is added."""
    app.url_map.converters["int"] = IdConverter
