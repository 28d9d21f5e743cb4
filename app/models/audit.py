"""AuditEntry: who created, changed, cancelled or deleted which record, and when."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.database import Base
from app.models.columns import UTCDateTime, utcnow


class AuditEntry(Base):
    """One audited change; written by the session's flush hook, never edited."""

    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The actor's name is kept as text: the trail must survive the account.
    actor: Mapped[str] = mapped_column(sa.String(120))
    action: Mapped[str] = mapped_column(sa.String(20))
    entity_type: Mapped[str] = mapped_column(sa.String(20))
    entity_id: Mapped[int]
    summary: Mapped[str] = mapped_column(sa.Text)

    __table_args__ = (
        sa.Index("ix_audit_entries_entity", "entity_type", "entity_id", "at"),
        # The audit page: newest first, and one actor's (migration 0016).
        sa.Index("ix_audit_entries_at", "at"),
        sa.Index("ix_audit_entries_actor_at", "actor", "at"),
    )

    def __repr__(self):
        return f"<AuditEntry {self.actor} {self.action} {self.entity_type} {self.entity_id}>"
