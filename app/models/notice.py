"""What the reminder run has queued, so that a rerun (or a second run at once) queues nothing new.

Each notice is unique on what it reminds of, in the database: two runs racing to queue the
same reminder cannot both insert its notice, and the loser's message goes with its savepoint.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.database import Base

# VaccinationNotice.stage: 0 is the reminder before the due date, 1..N the overdue ones.
BEFORE_DUE = 0


class AppointmentNotice(Base):
    """An appointment's reminder for one start time (moved: the notices go, the new time gets one)."""

    __tablename__ = "appointment_notices"

    appointment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("appointments.id", ondelete="CASCADE"), primary_key=True
    )
    starts_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, primary_key=True)
    message_id: Mapped[int] = mapped_column(
        sa.ForeignKey("messages.id", ondelete="CASCADE"), index=True
    )


class VaccinationNotice(Base):
    """One stage of a vaccination reminder (pet, vaccine type, due date) that a message carried."""

    __tablename__ = "vaccination_notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    pet_id: Mapped[int] = mapped_column(sa.ForeignKey("pets.id", ondelete="CASCADE"))
    vaccine_type_id: Mapped[int] = mapped_column(
        sa.ForeignKey("vaccine_types.id", ondelete="RESTRICT"), index=True
    )
    due_on: Mapped[dt.date] = mapped_column(sa.Date)
    stage: Mapped[int]
    message_id: Mapped[int] = mapped_column(
        sa.ForeignKey("messages.id", ondelete="CASCADE"), index=True
    )

    __table_args__ = (
        # Each stage of each reminder once; the unique index serves the pet_id foreign key too.
        sa.UniqueConstraint(
            "pet_id", "vaccine_type_id", "due_on", "stage", name="uq_vaccination_notices_stage"
        ),
        sa.CheckConstraint("stage >= 0", name="stage_not_negative"),
    )
