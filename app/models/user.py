"""User: a staff account, and the roles that decide what it may do."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import Base
from app.i18n import _l
from app.models.columns import Timestamps, UTCDateTime, string_enum

if TYPE_CHECKING:
    from app.models.vet import Vet


class Role(enum.StrEnum):
    """What a staff member does at the clinic."""

    RECEPTION = "reception"
    VET = "vet"
    ADMIN = "admin"

    @property
    def label(self):
        """The role as staff read it: Reception (in the page's language)."""
        return {Role.RECEPTION: _l("Reception"), Role.VET: _l("Vet"), Role.ADMIN: _l("Admin")}[self]


class User(UserMixin, Timestamps, Base):
    """A staff account; the password is only ever stored as an Argon2 hash."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[Role] = mapped_column(string_enum(Role))
    active: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    vet_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("vets.id", ondelete="SET NULL"), index=True
    )
    # Sign-in throttling lives in the database so it holds across workers and hosts.
    failed_logins: Mapped[int] = mapped_column(default=0, server_default="0")
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The language the user's pages speak (app/i18n.py), or None for the browser's.
    locale: Mapped[str | None] = mapped_column(sa.String(5))

    vet: Mapped[Vet | None] = relationship(lazy="raise_on_sql")

    # UserMixin compares users by get_id(), which here is a session's token: keep the
    # ORM's usual identity (one object per row per session) instead.
    __eq__, __ne__, __hash__ = object.__eq__, object.__ne__, object.__hash__

    @property
    def is_active(self):
        """A deactivated account cannot sign in or stay signed in (UserMixin says always)."""
        return self.active

    # The token of the StaffSession this request runs in (app.auth.services.start_session
    # and load_user set it); not a column: the table keeps only its digest.
    session_token = None

    def get_id(self):
        """The session key: the server-side session's token (UserMixin would give the id)."""
        if self.session_token is None:
            raise RuntimeError("start_session() first: a signed-in user needs a StaffSession")
        return self.session_token

    def __repr__(self):
        return f"<User {self.username!r} {self.role}>"
