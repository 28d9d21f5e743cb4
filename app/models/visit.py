"""Visit: the medical record of what happened, and the addenda written to it later."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import Base
from app.models.columns import UTCDateTime, Versioned, owned_collection, utcnow

if TYPE_CHECKING:
    from app.models.appointment import Appointment
    from app.models.pet import Pet
    from app.models.user import User
    from app.models.vet import Vet


class Visit(Versioned, Base):
    """A visit of a pet: written when an appointment is completed, or recorded directly.

    Its author may correct it for VISIT_CORRECTION_HOURS after created_at (the rule is
    app.visits.services.correction_refusal); after that only addenda are added.
    """

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
    # The staff account that wrote it (None: recorded before authors were kept, or by a
    # command). Accounts are deactivated, never deleted: RESTRICT keeps the record's author.
    author_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="RESTRICT"), index=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    pet: Mapped[Pet] = relationship(back_populates="visits", lazy="raise_on_sql")
    vet: Mapped[Vet | None] = relationship(back_populates="visits", lazy="raise_on_sql")
    appointment: Mapped[Appointment | None] = relationship(
        back_populates="visit", lazy="raise_on_sql"
    )
    author: Mapped[User | None] = relationship(lazy="raise_on_sql")
    # In the order they were written (ids are handed out in insertion order).
    addenda: Mapped[list[VisitAddendum]] = owned_collection("visit", order_by="VisitAddendum.id")

    def __repr__(self):
        return f"<Visit {self.id} {self.date}>"


class VisitAddendum(Base):
    """Text added to a visit by a member of staff; never changed, deleted only with its visit."""

    __tablename__ = "visit_addenda"

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(
        sa.ForeignKey("visits.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="RESTRICT"), index=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    text: Mapped[str] = mapped_column(sa.String(2000))

    visit: Mapped[Visit] = relationship(back_populates="addenda", lazy="raise_on_sql")
    author: Mapped[User] = relationship(lazy="raise_on_sql")

    def __repr__(self):
        return f"<VisitAddendum {self.id} of visit {self.visit_id}>"
