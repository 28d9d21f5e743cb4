"""Appointment: the association object between Pet and Vet, i.e. the schedule."""

from __future__ import annotations

import enum
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ExcludeConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import Base
from app.i18n import _, _l, day
from app.models.columns import Timestamps, Versioned, string_enum

if TYPE_CHECKING:
    from app.models.appointment_type import AppointmentType
    from app.models.pet import Pet
    from app.models.vet import Vet
    from app.models.visit import Visit

MIN_DURATION = 15
MAX_DURATION = 240


class AppointmentStatus(enum.StrEnum):
    """Where an appointment is in its life."""

    SCHEDULED = "scheduled"
    CHECKED_IN = "checked_in"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"

    @property
    def label(self):
        """The status as staff read it: Checked in (in the page's language)."""
        return STATUS_LABELS[self]

    @property
    def word(self):
        """The status inside a sentence: checked in."""
        return STATUS_WORDS[self]


STATUS_LABELS = {
    AppointmentStatus.SCHEDULED: _l("Scheduled"),
    AppointmentStatus.CHECKED_IN: _l("Checked in"),
    AppointmentStatus.COMPLETED: _l("Completed"),
    AppointmentStatus.CANCELLED: _l("Cancelled"),
    AppointmentStatus.NO_SHOW: _l("No-show"),
}
STATUS_WORDS = {
    AppointmentStatus.SCHEDULED: _l("scheduled"),
    AppointmentStatus.CHECKED_IN: _l("checked in"),
    AppointmentStatus.COMPLETED: _l("completed"),
    AppointmentStatus.CANCELLED: _l("cancelled"),
    AppointmentStatus.NO_SHOW: _l("no-show"),
}


# Appointments that hold their slot; a cancelled one frees it.
HOLDS_SLOT = (
    AppointmentStatus.SCHEDULED,
    AppointmentStatus.CHECKED_IN,
    AppointmentStatus.COMPLETED,
    AppointmentStatus.NO_SHOW,
)

# What is recorded on the appointment's own day only.
ON_THE_DAY = (AppointmentStatus.CHECKED_IN, AppointmentStatus.NO_SHOW, AppointmentStatus.COMPLETED)

# PostgreSQL's own refusal of a double booking, behind the booking service's locks.
NO_OVERLAP = "ex_appointments_vet_id_slot"

# Which status may follow which; anything else is refused.
TRANSITIONS = {
    AppointmentStatus.SCHEDULED: {
        AppointmentStatus.CHECKED_IN,
        AppointmentStatus.CANCELLED,
        AppointmentStatus.NO_SHOW,
    },
    AppointmentStatus.CHECKED_IN: {AppointmentStatus.COMPLETED},
}


class Appointment(Versioned, Timestamps, Base):
    """A booked slot of one vet for one pet, in the clinic's wall-clock time."""

    __tablename__ = "appointments"

    id: Mapped[int] = mapped_column(primary_key=True)
    pet_id: Mapped[int] = mapped_column(sa.ForeignKey("pets.id", ondelete="CASCADE"))
    vet_id: Mapped[int] = mapped_column(sa.ForeignKey("vets.id", ondelete="RESTRICT"))
    starts_at: Mapped[datetime] = mapped_column(sa.DateTime)
    duration_minutes: Mapped[int]
    # Stored (not computed in SQL) so the overlap test is the same indexable
    # comparison on every database: other.starts_at < ends_at AND other.ends_at > starts_at.
    ends_at: Mapped[datetime] = mapped_column(sa.DateTime)
    reason: Mapped[str] = mapped_column(sa.String(255))
    status: Mapped[AppointmentStatus] = mapped_column(
        string_enum(AppointmentStatus), default=AppointmentStatus.SCHEDULED
    )
    # Optional: the Spring-contract API books without types.
    type_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("appointment_types.id", ondelete="RESTRICT"), index=True
    )
    # The appointment this one follows up (booked at its completion); kept if that one goes.
    follows_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("appointments.id", ondelete="SET NULL"), index=True
    )

    pet: Mapped[Pet] = relationship(back_populates="appointments", lazy="raise_on_sql")
    vet: Mapped[Vet] = relationship(back_populates="appointments", lazy="raise_on_sql")
    visit: Mapped[Visit | None] = relationship(
        back_populates="appointment", passive_deletes=True, lazy="raise_on_sql"
    )
    type: Mapped[AppointmentType | None] = relationship(
        back_populates="appointments", lazy="raise_on_sql"
    )
    follows: Mapped[Appointment | None] = relationship(
        remote_side=[id], back_populates="follow_ups", lazy="raise_on_sql"
    )
    follow_ups: Mapped[list[Appointment]] = relationship(
        back_populates="follows",
        passive_deletes=True,
        order_by="Appointment.starts_at",
        lazy="raise_on_sql",
    )

    __table_args__ = (
        sa.CheckConstraint(
            f"duration_minutes BETWEEN {MIN_DURATION} AND {MAX_DURATION}", name="duration_range"
        ),
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        # A database backstop on PostgreSQL: no two appointments of one vet that hold a slot
        # overlap, whatever path wrote them (btree_gist lets vet_id share the GiST index).
        # SQLite has no exclusion constraints; its writers are serialised instead.
        ExcludeConstraint(
            (sa.column("vet_id"), "="),
            (sa.func.tsrange(sa.column("starts_at"), sa.column("ends_at")), "&&"),
            name=NO_OVERLAP,
            using="gist",
            where=sa.column("status").in_([status.value for status in HOLDS_SLOT]),
        ).ddl_if(dialect="postgresql"),
        # Foreign keys lead composite indexes, serving both the FK and the overlap queries.
        sa.Index("ix_appointments_vet_id_starts_at", "vet_id", "starts_at"),
        sa.Index("ix_appointments_pet_id_starts_at", "pet_id", "starts_at"),
        sa.Index("ix_appointments_starts_at", "starts_at"),
    )

    def schedule(self, starts_at, duration_minutes):
        """Set the start and duration, keeping ends_at consistent."""
        self.starts_at = starts_at
        self.duration_minutes = duration_minutes
        self.ends_at = starts_at + timedelta(minutes=duration_minutes)

    def refusal(self, status, now):
        """Why the status cannot move to ``status`` at ``now`` (the clinic's time), or None.

        Check-in, no-show and completion record what happened on the day, so only on the
        appointment's own day (a visit is never dated in the future); a no-show only once
        the appointment should have started.
        """
        rule = self._rule_broken(status, now)
        if rule == "transition":
            return _("A %(status)s appointment cannot be marked %(new_status)s.",
                     status=self.status.word, new_status=status.word)
        if rule == "on the day":
            return _("%(new_status)s only on the appointment's day, %(day)s.",
                     new_status=status.label, day=day(self.starts_at))
        if rule == "after the start":
            return _("A no-show can be marked only after the start, %(time)s.",
                     time=self.starts_at.strftime("%H:%M"))
        return None

    def _rule_broken(self, status, now):
        """Which of refusal's rules the move breaks, or None: no message is made for it."""
        if status not in TRANSITIONS.get(self.status, ()):
            return "transition"
        if status in ON_THE_DAY and now.date() != self.starts_at.date():
            return "on the day"
        if status is AppointmentStatus.NO_SHOW and now < self.starts_at:
            return "after the start"
        return None

    def can_become(self, status, now):
        """Whether the status may move to ``status`` at ``now``."""
        # Asked for every button of every row of the day sheet: the rules without the words.
        return self._rule_broken(status, now) is None

    def allowed_actions(self, actions, now):
        """The keys of ``actions`` ({name: (status, ...)}) whose status this one may move to."""
        return [name for name, (status, *_) in actions.items() if self.can_become(status, now)]

    def __repr__(self):
        return f"<Appointment {self.id} {self.starts_at:%Y-%m-%d %H:%M} {self.status}>"


# create_all() (the tests) needs the extension the exclusion constraint uses; migrations
# create it themselves.
sa.event.listen(
    Base.metadata,
    "before_create",
    sa.DDL("CREATE EXTENSION IF NOT EXISTS btree_gist").execute_if(dialect="postgresql"),
)
