"""Vaccine types (reference data), vaccinations, and what the reminders they make keep."""

from __future__ import annotations

import datetime as dt
import enum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import Base
from app.i18n import _l
from app.models.columns import UTCDateTime, string_enum, utcnow

if TYPE_CHECKING:
    from app.models.pet import Pet, PetType
    from app.models.vet import Vet
    from app.models.visit import Visit

# The longest interval a vaccine type may have (ten years); it also keeps every due date
# computed from a given date far from the calendar's end.
MAX_INTERVAL_MONTHS = 120

# Which pet types (species) a vaccine type applies to.
vaccine_type_species = sa.Table(
    "vaccine_type_species",
    Base.metadata,
    sa.Column(
        "vaccine_type_id", sa.ForeignKey("vaccine_types.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column(
        "pet_type_id", sa.ForeignKey("pet_types.id", ondelete="CASCADE"), primary_key=True,
        index=True,
    ),
)


class VaccineType(Base):
    """A vaccine (rabies, DHPP, ...): the species it applies to, months until the next dose."""

    __tablename__ = "vaccine_types"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(80), unique=True)
    interval_months: Mapped[int] = mapped_column()

    species: Mapped[list[PetType]] = relationship(
        secondary=vaccine_type_species, passive_deletes=True, order_by="PetType.name",
        lazy="raise_on_sql",
    )
    # passive_deletes="all": ON DELETE RESTRICT decides; a type in use is never deleted.
    vaccinations: Mapped[list[Vaccination]] = relationship(
        back_populates="vaccine_type", passive_deletes="all", lazy="raise_on_sql"
    )

    __table_args__ = (
        sa.CheckConstraint(
            f"interval_months BETWEEN 1 AND {MAX_INTERVAL_MONTHS}", name="interval_range"
        ),
    )

    def applies_to(self, pet_type_id):
        """Whether pets of this type (by id) can have this vaccine (species loaded)."""
        return any(kind.id == pet_type_id for kind in self.species)

    def __repr__(self):
        return f"<VaccineType {self.name!r}>"


class Vaccination(Base):
    """A dose given to a pet: its type, date, batch (lot), vet, and when the next is due."""

    __tablename__ = "vaccinations"

    id: Mapped[int] = mapped_column(primary_key=True)
    pet_id: Mapped[int] = mapped_column(sa.ForeignKey("pets.id", ondelete="CASCADE"))
    vaccine_type_id: Mapped[int] = mapped_column(
        sa.ForeignKey("vaccine_types.id", ondelete="RESTRICT"), index=True
    )
    given_on: Mapped[dt.date] = mapped_column(sa.Date)
    batch: Mapped[str] = mapped_column(sa.String(40))
    vet_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("vets.id", ondelete="RESTRICT"), index=True
    )
    # The visit it was given at, if any; the record outlives a deleted visit.
    visit_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("visits.id", ondelete="SET NULL"), index=True
    )
    next_due_on: Mapped[dt.date] = mapped_column(sa.Date, index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    pet: Mapped[Pet] = relationship(back_populates="vaccinations", lazy="raise_on_sql")
    vaccine_type: Mapped[VaccineType] = relationship(
        back_populates="vaccinations", lazy="raise_on_sql"
    )
    vet: Mapped[Vet | None] = relationship(lazy="raise_on_sql")
    visit: Mapped[Visit | None] = relationship(lazy="raise_on_sql")

    __table_args__ = (
        # A pet's doses of one type in date order: the latest defines its reminder, and this
        # index (its first column the pet) also serves the pet_id foreign key.
        sa.Index("ix_vaccinations_pet_id_vaccine_type_id_given_on",
                 "pet_id", "vaccine_type_id", "given_on"),
        sa.CheckConstraint("next_due_on > given_on", name="due_after_given"),
    )

    def __repr__(self):
        return f"<Vaccination {self.id} pet #{self.pet_id} on {self.given_on}>"


class DismissalReason(enum.StrEnum):
    """Why a reminder will not be followed up."""

    MOVED_AWAY = "moved_away"
    DIED = "died"
    OTHER = "other"

    @property
    def label(self):
        """The reason as the desk reads it (in the page's language)."""
        return {DismissalReason.MOVED_AWAY: _l("Moved away"), DismissalReason.DIED: _l("Died"),
                DismissalReason.OTHER: _l("Other")}[self]


class ReminderDismissal(Base):
    """A reminder (a pet's dose of a type due on a day) that the desk will not follow up."""

    __tablename__ = "reminder_dismissals"

    id: Mapped[int] = mapped_column(primary_key=True)
    pet_id: Mapped[int] = mapped_column(sa.ForeignKey("pets.id", ondelete="CASCADE"))
    vaccine_type_id: Mapped[int] = mapped_column(
        sa.ForeignKey("vaccine_types.id", ondelete="RESTRICT"), index=True
    )
    due_on: Mapped[dt.date] = mapped_column(sa.Date)
    reason: Mapped[DismissalReason] = mapped_column(string_enum(DismissalReason))
    # Who dismissed it, as the audit trail names people (a username, or cli:<user>).
    dismissed_by: Mapped[str] = mapped_column(sa.String(80))
    dismissed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    pet: Mapped[Pet] = relationship(back_populates="reminder_dismissals", lazy="raise_on_sql")
    vaccine_type: Mapped[VaccineType] = relationship(lazy="raise_on_sql")

    __table_args__ = (
        # One dismissal per reminder; the unique index serves the pet_id foreign key too.
        sa.UniqueConstraint(
            "pet_id", "vaccine_type_id", "due_on", name="uq_reminder_dismissals_reminder"
        ),
    )


class ReminderContact(Base):
    """When an owner was last sent a reminder (written by the messages feature)."""

    __tablename__ = "reminder_contacts"

    owner_id: Mapped[int] = mapped_column(
        sa.ForeignKey("owners.id", ondelete="CASCADE"), primary_key=True
    )
    last_sent_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
