"""Owner: a client of the clinic."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.database import Base
from app.models.columns import Timestamps, UTCDateTime, Versioned, owned_collection, utcnow

if TYPE_CHECKING:
    from app.models.pet import Pet


class Owner(Versioned, Timestamps, Base):
    """A pet owner, with contact details; deleting one deletes their pets and records."""

    __tablename__ = "owners"

    id: Mapped[int] = mapped_column(primary_key=True)
    first_name: Mapped[str] = mapped_column(sa.String(30))
    last_name: Mapped[str] = mapped_column(sa.String(30))
    address: Mapped[str] = mapped_column(sa.String(255))
    city: Mapped[str] = mapped_column(sa.String(80))
    telephone: Mapped[str] = mapped_column(sa.String(20))
    email: Mapped[str | None] = mapped_column(sa.String(254))
    # Whether the owner agreed to messages beyond the transactional ones (vaccination
    # reminders), and when and by whom that was last recorded: a username, cli:<user>, or
    # "owner" for the unsubscribe page (app/messages).
    email_consent: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    email_consent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    email_consent_by: Mapped[str | None] = mapped_column(sa.String(80))

    pets: Mapped[list[Pet]] = owned_collection("owner", order_by="Pet.name")

    __table_args__ = (
        # Case-insensitive last-name prefix search, in code point order on both databases
        # (text_pattern_ops on PostgreSQL, whatever the database collation): a prefix is a
        # range of it. first_name and id follow, so a page of the list is read in order,
        # not sorted from every match; with last_name included, PostgreSQL counts the
        # matches from the index alone.
        sa.Index(
            "ix_owners_last_name_lower",
            sa.func.lower(sa.column("last_name")).label("last_name_lower"),
            "first_name",
            "id",
            postgresql_ops={"last_name_lower": "text_pattern_ops"},
            postgresql_include=["last_name"],
        ),
        sa.Index("ix_owners_last_name_first_name", "last_name", "first_name"),
        # The duplicate warning's look-ups (app/owners/duplicates.py): the stored E.164
        # number, and the email ignoring case.
        sa.Index("ix_owners_telephone", "telephone"),
        sa.Index("ix_owners_email_lower", sa.func.lower(sa.column("email"))),
    )

    @property
    def full_name(self):
        """First and last name, as staff say it."""
        return f"{self.first_name} {self.last_name}"

    def __repr__(self):
        return f"<Owner {self.id} {self.full_name!r}>"


class OwnerMerge(Base):
    """An owner merged into another: the removed owner's id still leads to the kept one."""

    __tablename__ = "owner_merges"

    # No foreign key: the removed owner's row is gone, its id is what old links still name.
    removed_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    # Deleting the kept owner later takes the pointer with it: then the old id is a 404.
    kept_id: Mapped[int] = mapped_column(
        sa.ForeignKey("owners.id", ondelete="CASCADE"), index=True
    )
    merged_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    def __repr__(self):
        return f"<OwnerMerge {self.removed_id} -> {self.kept_id}>"
