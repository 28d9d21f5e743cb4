"""Messages to owners: the transactional outbox (app/messages).

A message is written in the same transaction as what causes it (a booking, a cancellation) or
by the reminder run, already rendered; a sender (`flask messages send` / `worker`) delivers it
later over SMTP. If the booking rolls back, the message was never there.
"""

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
    from app.models.appointment import Appointment
    from app.models.owner import Owner


class MessageKind(enum.StrEnum):
    """Why a message is sent."""

    CONFIRMATION = "confirmation"
    RESCHEDULED = "rescheduled"
    CANCELLATION = "cancellation"
    APPOINTMENT_REMINDER = "appointment_reminder"
    VACCINATION_REMINDER = "vaccination_reminder"

    @property
    def label(self):
        """The kind as staff read it (in the page's language)."""
        return KIND_LABELS[self]

    @property
    def transactional(self):
        """Whether it is about a service the owner asked for (sent even after an opt-out).

        Confirmations, moves, cancellations and reminders of a booked appointment facilitate
        a transaction the owner agreed to; vaccination reminders solicit a new one, so they
        need the owner's consent.
        """
        return self is not MessageKind.VACCINATION_REMINDER


class MessageStatus(enum.StrEnum):
    """Where a message is in the outbox."""

    PENDING = "pending"  # waiting to be sent (again, after a transient failure)
    SENT = "sent"  # the SMTP server accepted it
    FAILED = "failed"  # refused for good, or given up after MESSAGE_MAX_ATTEMPTS
    CANCELLED = "cancelled"  # withdrawn by staff, or made pointless (appointment moved)

    @property
    def label(self):
        """The status as staff read it (in the page's language)."""
        return STATUS_LABELS[self]


KIND_LABELS = {
    MessageKind.CONFIRMATION: _l("Confirmation"),
    MessageKind.RESCHEDULED: _l("Rescheduled"),
    MessageKind.CANCELLATION: _l("Cancellation"),
    MessageKind.APPOINTMENT_REMINDER: _l("Appointment reminder"),
    MessageKind.VACCINATION_REMINDER: _l("Vaccination reminder"),
}
STATUS_LABELS = {
    MessageStatus.PENDING: _l("Pending"),
    MessageStatus.SENT: _l("Sent"),
    MessageStatus.FAILED: _l("Failed"),
    MessageStatus.CANCELLED: _l("Cancelled"),
}


class Message(Base):
    """One email to an owner, rendered when queued, with its delivery record."""

    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("owners.id", ondelete="CASCADE"))
    # What it is about, when it is about an appointment (kept if the appointment goes).
    appointment_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("appointments.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[MessageKind] = mapped_column(string_enum(MessageKind))
    status: Mapped[MessageStatus] = mapped_column(
        string_enum(MessageStatus), default=MessageStatus.PENDING
    )
    to_address: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(200))
    body_text: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str] = mapped_column(sa.Text)
    # The RFC 5322 Message-ID, fixed when queued: a re-send after a crash carries the same
    # one, so the receiving side can tell it is the same message.
    message_id: Mapped[str] = mapped_column(sa.String(255), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Who or what queued it: a username, cli:<user>, or "reminders".
    queued_by: Mapped[str] = mapped_column(sa.String(80))
    # Not before this time: now when queued; later after a transient failure (backoff).
    next_attempt_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    # A sender's claim (which sender, until when) while it is sending this message.
    claimed_by: Mapped[str | None] = mapped_column(sa.String(100))
    claimed_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    # The SMTP server's last answer (or the connection error), for staff.
    last_response: Mapped[str | None] = mapped_column(sa.String(500))

    owner: Mapped[Owner] = relationship(lazy="raise_on_sql")
    appointment: Mapped[Appointment | None] = relationship(lazy="raise_on_sql")

    __table_args__ = (
        # The sender's scan: pending messages whose time has come, oldest first.
        sa.Index("ix_messages_status_next_attempt_at", "status", "next_attempt_at"),
        # An owner's communication log, newest first (serves the owner_id foreign key too).
        sa.Index("ix_messages_owner_id_created_at", "owner_id", "created_at"),
        sa.CheckConstraint("attempts >= 0", name="attempts_not_negative"),
    )

    def __repr__(self):
        return f"<Message {self.id} {self.kind} to owner #{self.owner_id} {self.status}>"
