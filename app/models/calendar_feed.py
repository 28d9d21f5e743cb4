"""CalendarFeed: a vet's private iCalendar subscription, reached by a secret URL."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import Base
from app.models.columns import UTCDateTime, utcnow

if TYPE_CHECKING:
    from app.models.vet import Vet


class CalendarFeed(Base):
    """The one live feed of a vet; the URL holds its secret, the table only the digest.

    Replacing the feed overwrites the digest and revoking deletes the row, so an old URL
    stops working at once; a copy of the table opens no feed.
    """

    __tablename__ = "calendar_feeds"

    # The vet is the key: one live feed per vet (and the key's index serves the foreign key).
    vet_id: Mapped[int] = mapped_column(
        sa.ForeignKey("vets.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    # sha256 hex of the secret (app.models.staff_session.token_digest), as for sign-in sessions.
    token_digest: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    vet: Mapped[Vet] = relationship(lazy="raise_on_sql")

    def __repr__(self):
        return f"<CalendarFeed of vet {self.vet_id}>"
