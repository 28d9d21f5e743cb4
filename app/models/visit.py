"""Visit: the medical record of what happened."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import Base
from app.models.columns import UTCDateTime, utcnow

if TYPE_CHECKING:
    from app.models.appointment import Appointment
    from app.models.pet import Pet
    from app.models.vet import Vet


class Visit(Base):
    """A visit of a pet: written when an appointment is completed, or recorded directly."""

    __tablename__ = "visits"

    id: Mapped[int] = mapped_column(primary_key=True)
    pet_id: Mapped[int] = mapped_column(
        sa.ForeignKey("pets.id", ondelete="CASCADE"), index=True
    )
    date: Mapped[dt.date] = mapped_column("visit_date", sa.Date)
    description: Mapped[str] = mapped_column(sa.String(2000))
    vet_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("vets.id", ondelete="RESTRICT"), index=True
    )
    # At most one visit per appointment; the record outlives a deleted appointment.
    appointment_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("appointments.id", ondelete="SET NULL"), unique=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    pet: Mapped[Pet] = relationship(back_populates="visits", lazy="raise_on_sql")
    vet: Mapped[Vet | None] = relationship(back_populates="visits", lazy="raise_on_sql")
    appointment: Mapped[Appointment | None] = relationship(
        back_populates="visit", lazy="raise_on_sql"
    )

    def __repr__(self):
        return f"<Visit {self.id} {self.date}>"
