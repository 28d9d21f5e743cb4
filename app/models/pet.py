"""Pet and PetType."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import Base
from app.models.columns import Timestamps, Versioned, owned_collection

if TYPE_CHECKING:
    from app.models.appointment import Appointment
    from app.models.owner import Owner
    from app.models.vaccination import ReminderDismissal, Vaccination
    from app.models.visit import Visit


class PetType(Base):
    """A kind of animal (cat, dog, ...); cannot be deleted while pets have it."""

    __tablename__ = "pet_types"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(80), unique=True)

    # passive_deletes="all": the database's ON DELETE RESTRICT decides, the ORM never nulls.
    pets: Mapped[list[Pet]] = relationship(
        back_populates="type", passive_deletes="all", lazy="raise_on_sql"
    )

    def __repr__(self):
        return f"<PetType {self.name!r}>"


class Pet(Versioned, Timestamps, Base):
    """An animal in the clinic's care; its name is unique per owner, ignoring case."""

    __tablename__ = "pets"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(30))
    birth_date: Mapped[date] = mapped_column(sa.Date)
    owner_id: Mapped[int] = mapped_column(
        sa.ForeignKey("owners.id", ondelete="CASCADE"), index=True
    )
    type_id: Mapped[int] = mapped_column(
        sa.ForeignKey("pet_types.id", ondelete="RESTRICT"), index=True
    )

    owner: Mapped[Owner] = relationship(back_populates="pets", lazy="raise_on_sql")
    type: Mapped[PetType] = relationship(back_populates="pets", lazy="raise_on_sql")
    appointments: Mapped[list[Appointment]] = owned_collection(
        "pet", order_by="Appointment.starts_at"
    )
    visits: Mapped[list[Visit]] = owned_collection("pet", order_by="Visit.date.desc()")
    vaccinations: Mapped[list[Vaccination]] = owned_collection(
        "pet", order_by="(Vaccination.given_on.desc(), Vaccination.id.desc())"
    )
    reminder_dismissals: Mapped[list[ReminderDismissal]] = owned_collection(
        "pet", order_by="ReminderDismissal.due_on"
    )

    __table_args__ = (
        sa.Index(
            "uq_pets_owner_id_name_lower",
            "owner_id",
            sa.func.lower(sa.column("name")),
            unique=True,
        ),
    )

    def age_on(self, day):
        """Age in whole years on the given day."""
        years = day.year - self.birth_date.year
        if (day.month, day.day) < (self.birth_date.month, self.birth_date.day):
            years -= 1
        return years

    def __repr__(self):
        return f"<Pet {self.id} {self.name!r}>"
