"""AppointmentType: reference data for what an appointment is for, and how long it takes."""

from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import Base
from app.models.appointment import MAX_DURATION, MIN_DURATION

if TYPE_CHECKING:
    from app.models.appointment import Appointment
    from app.models.vet import Specialty


class AppointmentType(Base):
    """Vaccination, consultation, dental, surgery...: a default length, an optional colour on
    the schedule, and a specialty the vet must have (surgery needs "surgery")."""

    __tablename__ = "appointment_types"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(80), unique=True)
    duration_minutes: Mapped[int]
    # "#rrggbb", or none for the schedule's plain block.
    colour: Mapped[str | None] = mapped_column(sa.String(7))
    specialty_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("specialties.id", ondelete="RESTRICT"), index=True
    )

    specialty: Mapped[Specialty | None] = relationship(lazy="raise_on_sql")
    # passive_deletes="all": a type in use is kept by ON DELETE RESTRICT, never nulled.
    appointments: Mapped[list[Appointment]] = relationship(
        back_populates="type", passive_deletes="all", lazy="raise_on_sql"
    )

    __table_args__ = (
        sa.CheckConstraint(
            f"duration_minutes BETWEEN {MIN_DURATION} AND {MAX_DURATION}", name="duration_range"
        ),
    )

    def __repr__(self):
        return f"<AppointmentType {self.name!r} {self.duration_minutes} min>"
