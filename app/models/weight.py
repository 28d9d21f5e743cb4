"""PetWeight: a pet's weight on a day, in kilograms, kept as an exact Decimal."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import Base
from app.models.columns import UTCDateTime, utcnow

if TYPE_CHECKING:
    from app.models.pet import Pet

# Kilograms with two decimals: 0.01 (a mouse) to 9999.99 (a horse is about 1000).
KILOGRAM_PLACES = 2
HUNDREDTH = Decimal("0.01")
MAX_KILOGRAMS = Decimal("9999.99")


class Kilograms(sa.TypeDecorator):
    """NUMERIC(6, 2) that holds only Decimals of at most two places, the same on every database.

    PostgreSQL keeps NUMERIC exactly, and would round a third decimal silently. SQLite keeps
    it as an 8-byte REAL: SQLAlchemy binds float(value) (correctly rounded) and reads it back
    as "%.2f" of that double, which is the value written for every number of at most 15
    significant digits; ours have at most 6 (tests/test_weights_storage.py checks all
    999,999 of them). What this type adds: no float, and no third decimal, gets in at all.
    """

    impl = sa.Numeric(6, KILOGRAM_PLACES)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if not isinstance(value, Decimal):
            raise TypeError(f"Kilograms are Decimals, not {type(value).__name__}")
        if not value.is_finite() or value != value.quantize(HUNDREDTH):
            raise ValueError(f"Kilograms have at most two decimals: {value}")
        return value

    def process_result_value(self, value, dialect):
        return None if value is None else value.quantize(HUNDREDTH)


class PetWeight(Base):
    """A pet's weight on a day: on its own, at a check-in, or in a visit."""

    __tablename__ = "pet_weights"

    id: Mapped[int] = mapped_column(primary_key=True)
    pet_id: Mapped[int] = mapped_column(sa.ForeignKey("pets.id", ondelete="CASCADE"))
    kilograms: Mapped[Decimal] = mapped_column(Kilograms())
    recorded_on: Mapped[dt.date] = mapped_column(sa.Date)
    # Where it was taken, if anywhere; the weight outlives a deleted visit or appointment.
    visit_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("visits.id", ondelete="SET NULL"), index=True
    )
    appointment_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("appointments.id", ondelete="SET NULL"), index=True
    )
    recorded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    pet: Mapped[Pet] = relationship(back_populates="weights", lazy="raise_on_sql")

    __table_args__ = (
        # < 10000 rather than <= 9999.99: on SQLite the bound is a REAL too, and an integer
        # bound is exact there; with two decimals the two say the same.
        sa.CheckConstraint("kilograms > 0 AND kilograms < 10000", name="kilograms_range"),
        # The pet's weights by date: the pet page's one query, and the pet_id foreign key's index.
        sa.Index("ix_pet_weights_pet_id_recorded_on", "pet_id", "recorded_on"),
    )

    def __repr__(self):
        return f"<PetWeight {self.id} {self.kilograms} kg {self.recorded_on}>"
