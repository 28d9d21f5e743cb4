"""Column types and timestamp columns shared by the models."""

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship


def utcnow():
    """The current time in UTC, timezone-aware (called per row, never at import)."""
    return datetime.now(UTC)


class UTCDateTime(sa.TypeDecorator):
    """A timezone-aware UTC timestamp on every database (SQLite returns naive values)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            raise ValueError("UTCDateTime needs a timezone-aware datetime")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


def string_enum(enum_class):
    """A Python enum stored as its values in a VARCHAR with a CHECK constraint (portable)."""
    return sa.Enum(
        enum_class,
        native_enum=False,
        create_constraint=True,
        length=20,
        values_callable=lambda members: [m.value for m in members],
    )


class Timestamps:
    """created_at and updated_at columns, set by callables in UTC."""

    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class Versioned:
    """Optimistic concurrency: a version number that every UPDATE checks and increments.

    SQLAlchemy's version_id_col adds ``AND version = <the version loaded>`` to each UPDATE
    and raises StaleDataError when no row matches, so two saves that both started from
    version 5 cannot both succeed (app.concurrency turns that into a refusal).
    """

    # The mapper numbers a new row 1 itself; bulk inserts get 1 from the server default.
    version: Mapped[int] = mapped_column(server_default="1")

    @declared_attr.directive
    def __mapper_args__(cls):
        return {"version_id_col": cls.__table__.c.version}


def owned_collection(back_populates, order_by):
    """A collection its parent owns: deleted with it by the ORM and by ON DELETE CASCADE.

    passive_deletes leaves the children's rows to the database's cascade, so deleting a
    parent need not load them first (the audit hook loads what it records); raise_on_sql
    makes a page that forgets to eager-load them fail its test instead of issuing N queries.
    """
    return relationship(
        back_populates=back_populates,
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by=order_by,
        lazy="raise_on_sql",
    )
