"""Working time: the clinic's opening hours and closures, each vet's weekly rota and absences.

A weekday is numbered as ``date.weekday()`` does: 0 is Monday, 6 is Sunday.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import Base

if TYPE_CHECKING:
    from app.models.vet import Vet

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class OpeningHours(Base):
    """When the clinic is open on one weekday; no times means closed all day.

    An empty table means the clinic has not set its hours: CLINIC_OPENS–CLINIC_CLOSES apply
    every day (app.working_time.calendar).
    """

    __tablename__ = "clinic_hours"

    weekday: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    opens: Mapped[time | None] = mapped_column(sa.Time)
    closes: Mapped[time | None] = mapped_column(sa.Time)

    __table_args__ = (
        sa.CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday_range"),
        sa.CheckConstraint(
            "(opens IS NULL AND closes IS NULL) OR (opens IS NOT NULL AND closes IS NOT NULL "
            "AND opens < closes)",
            name="opens_before_closes",
        ),
    )

    def __repr__(self):
        return f"<OpeningHours {WEEKDAYS[self.weekday]} {self.opens}-{self.closes}>"


class ClinicClosure(Base):
    """A day the whole clinic is closed (a public holiday, a staff day)."""

    __tablename__ = "clinic_closures"

    day: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    reason: Mapped[str] = mapped_column(sa.String(120))

    def __repr__(self):
        return f"<ClinicClosure {self.day} {self.reason!r}>"


class RotaDay(Base):
    """A vet's hours on one weekday, with an optional break; a weekday without a row is off.

    A vet with no rota rows at all works whenever the clinic is open.
    """

    __tablename__ = "vet_rota"

    vet_id: Mapped[int] = mapped_column(
        sa.ForeignKey("vets.id", ondelete="CASCADE"), primary_key=True
    )
    weekday: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    starts: Mapped[time] = mapped_column(sa.Time)
    ends: Mapped[time] = mapped_column(sa.Time)
    break_starts: Mapped[time | None] = mapped_column(sa.Time)
    break_ends: Mapped[time | None] = mapped_column(sa.Time)

    vet: Mapped[Vet] = relationship(back_populates="rota", lazy="raise_on_sql")

    __table_args__ = (
        sa.CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday_range"),
        sa.CheckConstraint("starts < ends", name="starts_before_ends"),
        sa.CheckConstraint(
            "(break_starts IS NULL AND break_ends IS NULL) OR (break_starts IS NOT NULL AND "
            "break_ends IS NOT NULL AND starts < break_starts AND break_starts < break_ends "
            "AND break_ends < ends)",
            name="break_within_hours",
        ),
    )

    def __repr__(self):
        return f"<RotaDay vet {self.vet_id} {WEEKDAYS[self.weekday]} {self.starts}-{self.ends}>"


class Absence(Base):
    """A time a vet is away (leave, a course, illness): from ``starts_at`` up to ``ends_at``."""

    __tablename__ = "vet_absences"

    id: Mapped[int] = mapped_column(primary_key=True)
    vet_id: Mapped[int] = mapped_column(sa.ForeignKey("vets.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime] = mapped_column(sa.DateTime)
    ends_at: Mapped[datetime] = mapped_column(sa.DateTime)
    reason: Mapped[str] = mapped_column(sa.String(120))

    vet: Mapped[Vet] = relationship(back_populates="absences", lazy="raise_on_sql")

    __table_args__ = (
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        # The foreign key leads, serving it and "this vet's absences over these days".
        sa.Index("ix_vet_absences_vet_id_starts_at", "vet_id", "starts_at"),
    )

    def __repr__(self):
        return f"<Absence vet {self.vet_id} {self.starts_at}-{self.ends_at}>"
