"""Which vaccinations are due: a reminder is the next dose of a vaccine type for a pet.

The latest dose of a type defines it (its next_due_on); a later dose of that type completes
it, by becoming the latest; a dismissal of that pet, type and due date takes it off the list.
"""

import itertools
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import aliased, contains_eager, joinedload

from app.extensions import db
from app.models import Owner, Pet, ReminderContact, ReminderDismissal, Vaccination

# At booking and completion, the pet's doses due within this many days are shown too.
DUE_SOON_DAYS = 30


@dataclass(frozen=True)
class DueFilter:
    """What the due list shows: doses due from ``first_day`` (None: any overdue) to ``last_day``."""

    last_day: date
    first_day: date | None = None
    vaccine_type_id: int | None = None
    vet_id: int | None = None


@dataclass
class OwnerDue:
    """One row of the due list: an owner, their pets' due doses, their last reminder."""

    owner: Owner
    last_sent_at: datetime | None
    doses: list[Vaccination] = field(default_factory=list)

    def earliest_due(self):
        """The first due date among the owner's doses."""
        return min(dose.next_due_on for dose in self.doses)


def is_latest_dose():
    """Clause: the vaccination is the pet's latest of its type (no later one exists)."""
    later = aliased(Vaccination)
    return ~sa.exists().where(
        later.pet_id == Vaccination.pet_id,
        later.vaccine_type_id == Vaccination.vaccine_type_id,
        sa.or_(
            later.given_on > Vaccination.given_on,
            sa.and_(later.given_on == Vaccination.given_on, later.id > Vaccination.id),
        ),
    )


def is_not_dismissed():
    """Clause: nobody dismissed the reminder this dose makes (its pet, type and due date)."""
    return ~sa.exists().where(
        ReminderDismissal.pet_id == Vaccination.pet_id,
        ReminderDismissal.vaccine_type_id == Vaccination.vaccine_type_id,
        ReminderDismissal.due_on == Vaccination.next_due_on,
    )


def pet_gets_reminders():
    """Clause: the pet is alive. Deceased pets get no reminders."""
    return Pet.deceased_on.is_(None)


def reminders():
    """Vaccinations that are open reminders: latest of their type, not dismissed, pet alive."""
    return (
        sa.select(Vaccination)
        .join(Vaccination.pet)
        .where(is_latest_dose(), is_not_dismissed(), pet_gets_reminders())
    )


def due(filters):
    """Open reminders due in the filter's range, of its vaccine type and vet if it names them."""
    query = reminders().where(Vaccination.next_due_on <= filters.last_day)
    if filters.first_day is not None:
        query = query.where(Vaccination.next_due_on >= filters.first_day)
    if filters.vaccine_type_id is not None:
        query = query.where(Vaccination.vaccine_type_id == filters.vaccine_type_id)
    if filters.vet_id is not None:
        query = query.where(Vaccination.vet_id == filters.vet_id)
    return query


def owners_due(filters):
    """Owners with a pet due, by name: a query to page through (db.paginate)."""
    pets_due = due(filters).with_only_columns(Pet.owner_id)
    return (
        sa.select(Owner)
        .where(Owner.id.in_(pets_due))
        .order_by(Owner.last_name, Owner.first_name, Owner.id)
    )


def _doses_with_contacts(filters):
    """Due doses with pet, owner, type and vet loaded, and the owner's last reminder, by owner."""
    return (
        due(filters)
        .join(Pet.owner)
        .outerjoin(ReminderContact, ReminderContact.owner_id == Owner.id)
        .add_columns(ReminderContact.last_sent_at)
        .options(
            contains_eager(Vaccination.pet).contains_eager(Pet.owner),
            joinedload(Vaccination.vaccine_type),
            joinedload(Vaccination.vet),
        )
        .order_by(Owner.last_name, Owner.first_name, Owner.id, Pet.name, Vaccination.next_due_on)
    )


def _grouped(rows):
    """OwnerDue rows from (dose, last_sent_at) rows ordered by owner."""
    for _, group in itertools.groupby(rows, key=lambda row: row[0].pet.owner_id):
        group = list(group)
        owner = group[0][0].pet.owner
        yield OwnerDue(owner, group[0][1], [dose for dose, _ in group])


def due_page(filters, owners):
    """The OwnerDue rows of a page of owners (in its order): one statement for all their doses."""
    if not owners:
        return []
    rows = db.session.execute(
        _doses_with_contacts(filters).where(Pet.owner_id.in_([owner.id for owner in owners]))
    ).all()
    by_owner = {row.owner.id: row for row in _grouped(rows)}
    return [by_owner[owner.id] for owner in owners if owner.id in by_owner]


def all_due(filters, batch_size=500):
    """Every OwnerDue row, streamed from the database in batches (CSV, the CLI)."""
    result = db.session.execute(
        _doses_with_contacts(filters).execution_options(yield_per=batch_size)
    )
    yield from _grouped(result)


def pet_due_soon(pet_id, today):
    """The pet's open reminders due by DUE_SOON_DAYS from today (overdue ones too), by date."""
    return db.session.scalars(
        reminders()
        .options(joinedload(Vaccination.vaccine_type))
        .where(Vaccination.pet_id == pet_id)
        .where(Vaccination.next_due_on <= today + timedelta(days=DUE_SOON_DAYS))
        .order_by(Vaccination.next_due_on)
    ).all()
