"""Pet and PetType."""

from __future__ import annotations

import enum
from datetime import date
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from app.database import Base
from app.i18n import _l
from app.models.columns import Timestamps, Versioned, owned_collection, string_enum
from app.models.pet_alert import gravest_first
from app.models.search_columns import fold, keep_search_copies, search_copy

if TYPE_CHECKING:
    from app.models.appointment import Appointment
    from app.models.owner import Owner
    from app.models.pet_alert import PetAlert
    from app.models.vaccination import ReminderDismissal, Vaccination
    from app.models.visit import Visit
    from app.models.weight import PetWeight

# ISO 11784: a microchip's number is 15 decimal digits.
MICROCHIP_DIGITS = 15


class Sex(enum.StrEnum):
    """A pet's sex, as the owner or the vet records it."""

    FEMALE = "female"
    MALE = "male"
    UNKNOWN = "unknown"

    @property
    def label(self):
        """The sex as staff read it: Female (in the page's language)."""
        return SEX_LABELS[self]

    @property
    def word(self):
        """The sex inside a sentence: female."""
        return SEX_WORDS[self]


SEX_LABELS = {Sex.FEMALE: _l("Female"), Sex.MALE: _l("Male"), Sex.UNKNOWN: _l("Unknown")}
SEX_WORDS = {Sex.FEMALE: _l("female"), Sex.MALE: _l("male"), Sex.UNKNOWN: _l("unknown")}


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
    # The name as the owner search compares it (app/models/search_columns.py).
    name_folded: Mapped[str] = search_copy("name", fold)
    birth_date: Mapped[date] = mapped_column(sa.Date)
    owner_id: Mapped[int] = mapped_column(
        sa.ForeignKey("owners.id", ondelete="CASCADE"), index=True
    )
    type_id: Mapped[int] = mapped_column(
        sa.ForeignKey("pet_types.id", ondelete="RESTRICT"), index=True
    )

    owner: Mapped[Owner] = relationship(back_populates="pets", lazy="raise_on_sql")
    sex: Mapped[Sex] = mapped_column(
        string_enum(Sex), default=Sex.UNKNOWN, server_default=Sex.UNKNOWN.value
    )
    neutered: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    breed: Mapped[str | None] = mapped_column(sa.String(40))
    colour: Mapped[str | None] = mapped_column(sa.String(40))
    # Unique when present: a unique index lets any number of rows have none (NULL).
    microchip: Mapped[str | None] = mapped_column(sa.String(MICROCHIP_DIGITS))
    # The record stays: a deceased pet is no longer booked or reminded, nothing is deleted.
    deceased_on: Mapped[date | None] = mapped_column(sa.Date)

    type: Mapped[PetType] = relationship(back_populates="pets", lazy="raise_on_sql")
    appointments: Mapped[list[Appointment]] = owned_collection(
        "pet", order_by="Appointment.starts_at"
    )
    visits: Mapped[list[Visit]] = owned_collection("pet", order_by="Visit.date.desc()")
    weights: Mapped[list[PetWeight]] = owned_collection(
        "pet", order_by="[PetWeight.recorded_on, PetWeight.id]"
    )
    alerts: Mapped[list[PetAlert]] = owned_collection("pet", order_by=gravest_first)
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
        sa.Index("uq_pets_microchip", "microchip", unique=True),
        # The owner search by pet name: a prefix is a range; owner_id read from the index.
        sa.Index(
            "ix_pets_name_folded",
            "name_folded",
            "owner_id",
            postgresql_ops={"name_folded": "text_pattern_ops"},
        ),
        # ltrim(text, characters) is SQLite's and PostgreSQL's alike: nothing but digits left.
        sa.CheckConstraint(
            f"length(microchip) = {MICROCHIP_DIGITS} AND ltrim(microchip, '0123456789') = ''",
            name="microchip_digits",
        ),
        sa.CheckConstraint("deceased_on >= birth_date", name="deceased_after_birth"),
    )

    @validates("name")
    def _keep_search_copies(self, key, value):
        return keep_search_copies(self, key, value)

    def age_on(self, day):
        """Age in whole years on the given day."""
        years = day.year - self.birth_date.year
        if (day.month, day.day) < (self.birth_date.month, self.birth_date.day):
            years -= 1
        return years

    def __repr__(self):
        return f"<Pet {self.id} {self.name!r}>"
