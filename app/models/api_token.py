"""ApiToken: a personal API token of a staff account, sent as ``Authorization: Bearer``."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import Base
from app.models.columns import UTCDateTime, utcnow

if TYPE_CHECKING:
    from app.models.user import User


class ApiToken(Base):
    """A named, expiring credential for API clients; the table holds only the secret's digest.

    ``prefix`` is the public start of the secret: it finds the row by index, and the list
    shows it so that a staff member can tell their tokens apart. The rest of the secret is
    checked against ``secret_digest`` (SHA-256: the secret is random, so a slow hash adds
    nothing) in constant time. A token speaks with its account's role at request time.
    """

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    prefix: Mapped[str] = mapped_column(sa.String(16), unique=True)
    secret_digest: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Written at most once a minute, outside the requests' transactions (app.tokens.services).
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship(lazy="raise_on_sql")

    def state(self, now):
        """'active', 'revoked' or 'expired' at ``now``."""
        if self.revoked_at is not None:
            return "revoked"
        return "expired" if self.expires_at <= now else "active"

    def __repr__(self):
        return f"<ApiToken {self.id} {self.prefix} of user {self.user_id}>"
