"""Recording weights and reading a pet's history: one set of rules for pages and API."""

from dataclasses import dataclass

import sqlalchemy as sa
from flask import has_request_context
from flask_login import current_user

from app.clinic import clinic_today
from app.extensions import db
from app.i18n import _
from app.models import PetWeight
from app.validation import FieldRefusal
from app.weights.chart import weight_chart
from app.weights.kilograms import Change, checked_kilograms, weight_change


class WeightRefused(FieldRefusal):
    """A weight breaks a rule; ``field`` names the form field to blame."""

    field = "recorded_on"


def record_weight(pet_id, kilograms, recorded_on, visit_id=None, appointment_id=None):
    """Add a weight of the pet (in the caller's transaction); WeightRefused if it breaks a rule.

    ``kilograms`` is a Decimal of at most two places (app.weights.kilograms.parse_kilograms).
    """
    try:
        checked_kilograms(kilograms)
    except ValueError as refusal:
        raise WeightRefused(str(refusal), field="kilograms") from None
    if recorded_on > clinic_today():
        raise WeightRefused(_("A weight cannot be recorded for a day still to come."))
    weight = PetWeight(
        pet_id=pet_id,
        kilograms=kilograms,
        recorded_on=recorded_on,
        visit_id=visit_id,
        appointment_id=appointment_id,
        recorded_by_id=_signed_in_user_id(),
    )
    db.session.add(weight)
    db.session.flush()
    return weight


def _signed_in_user_id():
    """The signed-in member of staff's id (already loaded for the request), or None."""
    if has_request_context() and current_user.is_authenticated:
        return current_user.id
    return None


@dataclass(frozen=True)
class WeightEntry:
    """A weight and how it changed from the previous one (None for the first)."""

    weight: PetWeight
    change: Change | None

    @property
    def flagged(self):
        """Whether the change from the previous weight is more than 10 %."""
        return self.change is not None and self.change.flagged

    @property
    def change_percent(self):
        """The signed percent since the previous weight ("+12.5"), or None for the first."""
        return None if self.change is None else f"{self.change.percent:+.1f}"


def weight_entries(weights):
    """Entries for weights in date order (recorded_on, then id), each with its change."""
    entries, previous = [], None
    for weight in weights:
        change = None
        if previous is not None:
            change = weight_change(previous.kilograms, weight.kilograms, since=previous.recorded_on)
        entries.append(WeightEntry(weight, change))
        previous = weight
    return entries


def weights_of(pet_id):
    """The pet's weights, oldest first (one statement)."""
    return db.session.scalars(
        sa.select(PetWeight)
        .where(PetWeight.pet_id == pet_id)
        .order_by(PetWeight.recorded_on, PetWeight.id)
    ).all()


@dataclass(frozen=True)
class WeightHistory:
    """What the pet page shows of a pet's weights: the entries (oldest first) and the chart."""

    entries: list[WeightEntry]
    chart: str | None  # SVG markup; None when nothing is recorded

    @property
    def newest_first(self):
        """The entries for the table: the latest weight on top."""
        return self.entries[::-1]

    @property
    def latest(self):
        """The latest entry, or None."""
        return self.entries[-1] if self.entries else None


def load_weight_history(pet):
    """The weight history of a pet (its id and name are used): one statement, any number of weights.

    Feeds templates/pets/_weights.html as ``weight_history``.
    """
    entries = weight_entries(weights_of(pet.id))
    title = _("Weight of %(pet)s", pet=pet.name)
    chart = weight_chart(entries, title, f"weights-{pet.id}") if entries else None
    return WeightHistory(entries, chart)
