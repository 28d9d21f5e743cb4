"""PetAlert: what staff must know before handling a pet ("bites", "diabetic")."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import Base
from app.i18n import _l
from app.models.columns import UTCDateTime, string_enum, utcnow

if TYPE_CHECKING:
    from app.models.pet import Pet

# Enough for "allergic to penicillin: anaphylaxis in 2023, use doxycycline".
ALERT_TEXT_MAX = 120


class AlertSeverity(enum.StrEnum):
    """How much an alert matters: worded for the desk, not as a colour."""

    NOTE = "note"
    CAUTION = "caution"
    DANGER = "danger"

    @property
    def label(self):
        """The severity as staff read it (in the page's language)."""
        return {AlertSeverity.NOTE: _l("Note"), AlertSeverity.CAUTION: _l("Caution"),
                AlertSeverity.DANGER: _l("Danger")}[self]

    @property
    def rank(self):
        """0 for the gravest: alerts are listed gravest first."""
        return SEVERITIES.index(self)


# Gravest first.
SEVERITIES = [AlertSeverity.DANGER, AlertSeverity.CAUTION, AlertSeverity.NOTE]


class PetAlert(Base):
    """An alert on a pet, shown wherever the pet appears; removed, not edited."""

    __tablename__ = "pet_alerts"

    id: Mapped[int] = mapped_column(primary_key=True)
    pet_id: Mapped[int] = mapped_column(sa.ForeignKey("pets.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(sa.String(ALERT_TEXT_MAX))
    severity: Mapped[AlertSeverity] = mapped_column(string_enum(AlertSeverity))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Kept as text, as the audit trail keeps its actors: the alert outlives the account.
    created_by: Mapped[str] = mapped_column(sa.String(120))

    pet: Mapped[Pet] = relationship(back_populates="alerts", lazy="raise_on_sql")

    def __repr__(self):
        return f"<PetAlert {self.id} {self.severity.value}: {self.text!r}>"


def gravest_first():
    """ORDER BY terms listing a pet's alerts gravest first, then as they were added."""
    rank = sa.case(
        *((PetAlert.severity == severity, rank) for rank, severity in enumerate(SEVERITIES))
    )
    return rank, PetAlert.id
