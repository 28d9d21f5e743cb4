"""StaffSession: a signed-in browser session, kept on the server so that it can be ended."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import Base
from app.models.columns import UTCDateTime, utcnow

if TYPE_CHECKING:
    from app.models.user import User


def token_digest(token):
    """What is stored of a session token: its SHA-256, so a copy of the table signs no one in."""
    return hashlib.sha256(token.encode()).hexdigest()


class StaffSession(Base):
    """One sign-in of one account; the browser's cookie holds its token, the table its digest.

    Signing out deletes the row, so a cookie copied before is refused afterwards; a new
    password, a deactivation or an admin's "sign out everywhere" delete all of an account's.
    """

    __tablename__ = "staff_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_digest: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship(lazy="raise_on_sql")

    def __repr__(self):
        return f"<StaffSession {self.id} of user {self.user_id}>"
