"""Owner: a client of the clinic."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, validates

from app.database import Base
from app.models.columns import Timestamps, UTCDateTime, Versioned, owned_collection, utcnow
from app.models.search_columns import fold, keep_search_copies, reversed_digits, search_copy

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
    # The language messages to the owner are written in (app/i18n.py), or None for the clinic's.
    language: Mapped[str | None] = mapped_column(sa.String(5))
    # What the search box compares (app/owners/search.py): names and email folded in Python
    # the same way for both databases, and the telephone's digits last first, so that its
    # last digits ("1023") are a prefix. Kept by the ORM and by every INSERT.
    first_name_folded: Mapped[str] = search_copy("first_name", fold)
    last_name_folded: Mapped[str] = search_copy("last_name", fold)
    email_folded: Mapped[str | None] = search_copy("email", fold, nullable=True)
    phone_digits_reversed: Mapped[str] = search_copy("telephone", reversed_digits, sa.String(20))

    pets: Mapped[list[Pet]] = owned_collection("owner", order_by="Pet.name")

    __table_args__ = (
        # Prefix searches, in code point order on both databases (text_pattern_ops on
        # PostgreSQL, whatever the database collation): a prefix is a range of the index.
        # first_name and id follow the last name, so a page of the list is read in order,
        # not sorted from every match, and matches are counted from the index alone.
        sa.Index(
            "ix_owners_last_name_folded",
            "last_name_folded",
            "first_name",
            "id",
            postgresql_ops={"last_name_folded": "text_pattern_ops"},
        ),
        sa.Index(
            "ix_owners_first_name_folded",
            "first_name_folded",
            "id",
            postgresql_ops={"first_name_folded": "text_pattern_ops"},
        ),
        sa.Index(
            "ix_owners_email_folded", "email_folded",
            postgresql_ops={"email_folded": "text_pattern_ops"},
        ),
        sa.Index(
            "ix_owners_phone_digits_reversed",
            "phone_digits_reversed",
            postgresql_ops={"phone_digits_reversed": "text_pattern_ops"},
        ),
        sa.Index("ix_owners_last_name_first_name", "last_name", "first_name"),
        # The duplicate warning's look-up of the stored E.164 number (app/owners/duplicates.py;
        # its email and name rules use the folded columns' indexes above).
        sa.Index("ix_owners_telephone", "telephone"),
    )

    @validates("first_name", "last_name", "email", "telephone")
    def _keep_search_copies(self, key, value):
        return keep_search_copies(self, key, value)

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
