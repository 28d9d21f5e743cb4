"""Text compared and ordered code point by code point, in the SQL each database indexes that way.

SQLite compares text in binary, so the plain operators already mean code point order. On
PostgreSQL they follow the database collation; the pattern operators (``~>=~``, ``~<~``)
compare byte by byte, and only they can use an index built with ``text_pattern_ops``. The
difference is settled when a statement is compiled for a dialect, so the statements that use
these constructs know nothing of sessions, engines or dialects.
"""

import sys

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import Grouping
from sqlalchemy.sql.functions import FunctionElement

# FunctionElement, though none of these renders as a function call: it carries its
# arguments so that FROM clauses, the statement cache and aliasing (adapting the columns
# to an aliased entity) all see them, as they do for any SQL function.


class Comparison(FunctionElement):
    """A boolean of two operands that groups like a comparison."""

    type = sa.Boolean()
    inherit_cache = True

    def self_group(self, against=None):
        """Parenthesised only beside operators that bind tighter than a comparison."""
        # The default for a boolean in AND would be "x = 1" where booleans are not native
        # (SQLite): this is a comparison, and groups like one.
        if against is not None and operators.is_precedent(operators.ge, against):
            return Grouping(self)
        return self


class CodePointComparison(Comparison):
    """A comparison of ``(text, value)`` in code point order; a subclass says which."""

    inherit_cache = True


class AmongRows(Comparison):
    """``(value, rows)``: the value is one of the rows of a one-column select.

    SQLite reads ``IN (select)`` as it is written: each row looked up in the outer table's
    primary key. PostgreSQL's planner turns it into a join, which at a few thousand rows it
    costs as a full scan of the outer table (a semi-join against every owner); ``=
    ANY(ARRAY(select))`` is computed once and then looked up in the primary key's index.
    """

    name = "among_rows"
    inherit_cache = True


class CodePointAtLeast(CodePointComparison):
    """``text`` at or after ``value`` in code point order."""

    name = "code_point_at_least"
    inherit_cache = True


class CodePointBelow(CodePointComparison):
    """``text`` before ``value`` in code point order."""

    name = "code_point_below"
    inherit_cache = True


class CodePointAscending(FunctionElement):
    """An ORDER BY term: ``text`` ascending in code point order."""

    name = "code_point_ascending"
    inherit_cache = True


_PLAIN = {CodePointAtLeast: ">=", CodePointBelow: "<"}
_PATTERN = {CodePointAtLeast: "~>=~", CodePointBelow: "~<~"}


def _comparison_sql(element, compiler, operators_by_class, **kw):
    """``text op value``, with the operator the table gives the element's class."""
    text, value = (c.self_group(against=operators.ge) for c in element.clauses)
    operator = operators_by_class[type(element)]
    return f"{compiler.process(text, **kw)} {operator} {compiler.process(value, **kw)}"


@compiles(CodePointAtLeast)
@compiles(CodePointBelow)
def _plain_comparison(element, compiler, **kw):
    # Binary comparison, as SQLite's; a database with another order needs its own rule here.
    return _comparison_sql(element, compiler, _PLAIN, **kw)


@compiles(CodePointAtLeast, "postgresql")
@compiles(CodePointBelow, "postgresql")
def _pattern_comparison(element, compiler, **kw):
    return _comparison_sql(element, compiler, _PATTERN, **kw)


@compiles(AmongRows)
def _among_rows_in(element, compiler, **kw):
    value, rows = element.clauses
    return f"{compiler.process(value, **kw)} IN {compiler.process(rows, **kw)}"


@compiles(AmongRows, "postgresql")
def _among_rows_any(element, compiler, **kw):
    value, rows = element.clauses  # rows: a scalar subquery, "(SELECT ...)"
    return f"{compiler.process(value, **kw)} = ANY(ARRAY{compiler.process(rows, **kw)})"


@compiles(CodePointAscending)
def _plain_ascending(element, compiler, **kw):
    (text,) = element.clauses
    return compiler.process(text, **kw)


@compiles(CodePointAscending, "postgresql")
def _pattern_ascending(element, compiler, **kw):
    # PostgreSQL reads a text_pattern_ops index in order for ORDER BY (no sort of every
    # match) only when the ordering operator is named: ASC would mean the collation's order.
    (text,) = element.clauses
    return f"{compiler.process(text, **kw)} USING ~<~"


def after_prefix(key):
    """The first string, in code point order, after every string that starts with ``key``."""
    key = key.rstrip(chr(sys.maxunicode))
    if not key:
        return None  # nothing comes after: every string from ``key`` on starts with it
    following = ord(key[-1]) + 1
    if 0xD800 <= following <= 0xDFFF:
        following = 0xE000  # surrogates are not text: no stored name holds one
    return key[:-1] + chr(following)


def starts_with(text, key):
    """``text`` starts with ``key``, as a range in code point order that an index serves.

    No LIKE: % _ and quotes in ``key`` are plain characters, and the database checks no
    pattern again on every row of the range.
    """
    end = after_prefix(key)
    at_least = CodePointAtLeast(text, key)
    return at_least if end is None else sa.and_(at_least, CodePointBelow(text, end))
