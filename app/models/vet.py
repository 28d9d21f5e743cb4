"""Vet and Specialty."""

from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import Base
from app.models.columns import Versioned, owned_collection

if TYPE_CHECKING:
    from app.models.appointment import Appointment
    from app.models.visit import Visit
    from app.models.working_time import Absence, RotaDay

vet_specialties = sa.Table(
    "vet_specialties",
    Base.metadata,
    sa.Column("vet_id", sa.ForeignKey("vets.id", ondelete="CASCADE"), primary_key=True),
    sa.Column(
        "specialty_id",
        sa.ForeignKey("specialties.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
)


class Specialty(Base):
    """A vet's field of expertise (radiology, surgery, ...)."""

    __tablename__ = "specialties"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(80), unique=True)

    vets: Mapped[list[Vet]] = relationship(
        secondary=vet_specialties,
        back_populates="specialties",
        passive_deletes=True,
        lazy="raise_on_sql",
    )

    def __repr__(self):
        return f"<Specialty {self.name!r}>"


class Vet(Versioned, Base):
    """A veterinarian; one with appointments is deactivated, never deleted."""

    __tablename__ = "vets"

    id: Mapped[int] = mapped_column(primary_key=True)
    first_name: Mapped[str] = mapped_column(sa.String(30))
    last_name: Mapped[str] = mapped_column(sa.String(30))
    active: Mapped[bool] = mapped_column(default=True, server_default=sa.true())

    specialties: Mapped[list[Specialty]] = relationship(
        secondary=vet_specialties,
        back_populates="vets",
        order_by="Specialty.name",
        # The association rows go by ON DELETE CASCADE; no need to load them first.
        passive_deletes=True,
        lazy="raise_on_sql",
    )
    # passive_deletes="all": deleting a referenced vet is refused by ON DELETE RESTRICT.
    appointments: Mapped[list[Appointment]] = relationship(
        back_populates="vet", passive_deletes="all", lazy="raise_on_sql"
    )
    visits: Mapped[list[Visit]] = relationship(
        back_populates="vet", passive_deletes="all", lazy="raise_on_sql"
    )
    rota: Mapped[list[RotaDay]] = owned_collection("vet", order_by="RotaDay.weekday")
    absences: Mapped[list[Absence]] = owned_collection("vet", order_by="Absence.starts_at")

    __table_args__ = (sa.Index("ix_vets_last_name_first_name", "last_name", "first_name"),)

    @property
    def full_name(self):
        """First and last name."""
        return f"{self.first_name} {self.last_name}"

    def __repr__(self):
        return f"<Vet {self.id} {self.full_name!r}>"
