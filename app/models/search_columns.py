"""Search columns: copies of a text column folded for searching, kept in step with it.

Case is folded here, in Python, once per write, not by each database's lower(): SQLite's
own lower() folds ASCII only and PostgreSQL's follows its collation, so the two disagreed
("İ" was found on one and not the other). The copies are plain columns with plain indexes,
compared in code point order (app/owners/search_sql.py), the same on both databases.
"""

import functools
import unicodedata

import sqlalchemy as sa
from sqlalchemy.orm import mapped_column

ASCII_DIGITS = frozenset("0123456789")


def fold(text):
    """Text as the search compares it: NFKC, case folded (ß is ss, İ is i̇), spaces collapsed."""
    if text is None:
        return None
    # NFKC again after casefold: folding can leave a string that is not normalised.
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    return " ".join(folded.split())


def reversed_digits(text):
    """The digits of a telephone number, last first: its last digits are then a prefix."""
    if text is None:
        return None
    return "".join(ch for ch in text if ch in ASCII_DIGITS)[::-1]


def search_copy(source, rule, type_=None, nullable=False):
    """A column holding ``rule(source)``: set by the ORM with its source, and by every INSERT.

    The ORM keeps it (``keep_search_copies``); an INSERT that leaves it out, as Core bulk
    inserts do, gets it from the row's own ``source`` value. The server default only lets
    rows written by hand in SQL in (unfound by the search until saved through the app).
    """

    def default(context):
        return rule(context.get_current_parameters().get(source))

    return mapped_column(
        type_ if type_ is not None else sa.String(),
        default=default,
        server_default=None if nullable else "",
        nullable=nullable,
        info={"search_copy_of": (source, rule)},
    )


@functools.cache
def search_copies(model):
    """{source column: [(copy column, rule)]} for a model's search columns."""
    copies = {}
    for column in model.__table__.columns:
        if "search_copy_of" in column.info:
            source, rule = column.info["search_copy_of"]
            copies.setdefault(source, []).append((column.key, rule))
    return copies


def search_values(model, row):
    """The search columns' values for a row of plain values (for bulk inserts that send every column)."""
    return {
        copy: rule(row.get(source))
        for source, pairs in search_copies(model).items()
        for copy, rule in pairs
    }


def keep_search_copies(instance, key, value):
    """For a ``@validates`` of the source columns: set their copies, return the value unchanged."""
    for copy, rule in search_copies(type(instance))[key]:
        setattr(instance, copy, rule(value))
    return value
