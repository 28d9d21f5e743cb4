"""URL converters: a number in a URL is a database id."""

from werkzeug.routing import IntegerConverter

# The largest id every supported database can hold: PostgreSQL's INTEGER (SQLite's is larger).
# The one bound of an id: URLs (below) and the API's JSON fields (app.api.fields) use it.
MAX_ID = 2**31 - 1


def numbers_up_to(limit):
    """A regular expression for the decimal numbers 0 to ``limit`` (leading zeros allowed)."""
    digits = str(limit)
    shorter = [rf"\d{{1,{len(digits) - 1}}}"] if len(digits) > 1 else []
    # Same length: equal to the limit up to one digit, smaller there, anything after it.
    smaller = [
        rf"{digits[:place]}[0-{int(digit) - 1}]\d{{{len(digits) - place - 1}}}"
        for place, digit in enumerate(digits)
        if digit != "0"
    ]
    return rf"0*(?:{'|'.join([*shorter, *smaller, digits])})"


class IdConverter(IntegerConverter):
    """``<int:...>`` that matches only ids a database can hold: a larger number is a 404.

    Without the bound, SQLite's driver fails on a number beyond 64 bits (a 500). The bound is
    in the pattern, not only in ``max``: werkzeug refuses a number over ``max`` only after
    choosing the rule by method, so DELETE /owners/<too large> was a 405 (GET was a 404).
    """

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)
        if not self.signed:
            self.regex = numbers_up_to(self.max)


def register(app):
    """Make every ``<int:...>`` an IdConverter; call before any URL rule is added."""
    app.url_map.converters["int"] = IdConverter
