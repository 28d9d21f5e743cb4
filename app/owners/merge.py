"""Merging two owners: one is kept, with the contact details chosen field by field; the other's
pets (with their whole history), messages and reminder contacts move to it, in one
transaction, and the other is deleted, its old id leading to the kept one (owner_merges)."""

import collections
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError

from app.audit import record_event
from app.concurrency import ChangedMeanwhile, saving
from app.constraints import violation
from app.extensions import db
from app.i18n import _
from app.models import Message, Owner, OwnerMerge, Pet, ReminderContact

# The choices, in the page's order. Choosing the consent also takes when and by whom it
# was recorded: the three go together.
MERGED_FIELDS = ("first_name", "last_name", "address", "city", "telephone", "email",
                 "email_consent")
CONSENT_COLUMNS = ("email_consent", "email_consent_at", "email_consent_by")
KEPT, REMOVED = "kept", "removed"


class MergeRefused(Exception):
    """The database refused the merge (a pet name taken meanwhile): nothing was written."""


@dataclass
class MergeSides:
    """The two owners and their pets, as a merge page shows them and a merge writes them."""

    kept: Owner
    removed: Owner
    kept_pets: list[Pet]
    moving_pets: list[Pet]

    def clashes(self, names=None):
        """Groups of pets that would share a name, ignoring case, under the kept owner.

        ``names`` (pet id -> name) are renames the admin typed; the rest keep theirs.
        """
        names = names or {}
        groups = collections.defaultdict(list)
        for pet in self.kept_pets + self.moving_pets:
            groups[names.get(pet.id, pet.name).lower()].append(pet)
        return [group for group in groups.values() if len(group) > 1]


def merge_sides(kept_id, removed_id, lock=False):
    """Both owners and their pets (with types), read afresh; None if either is missing.

    With ``lock``, the owners are locked in id order (two merges of overlapping pairs cannot
    deadlock), then their pets, so that no pet of theirs is renamed or moved meanwhile. The
    removed owner is locked FOR UPDATE: a pet being added to it waits, then finds it gone.
    The kept one FOR NO KEY UPDATE (PostgreSQL): a pet being added to it goes ahead, and if
    its name clashes the unique index refuses whichever of the two writes it second (a FOR
    UPDATE here would make them wait for each other: a deadlock).
    """
    if kept_id == removed_id:
        return None
    found = {}
    for owner_id in sorted((kept_id, removed_id)):
        query = sa.select(Owner).where(Owner.id == owner_id)
        if lock:
            query = query.with_for_update(key_share=owner_id == kept_id)
        found[owner_id] = db.session.scalar(query.execution_options(populate_existing=True))
    if None in found.values():
        return None
    pets = (sa.select(Pet).options(joinedload(Pet.type))
            .where(Pet.owner_id.in_((kept_id, removed_id))).order_by(Pet.name, Pet.id))
    if lock:
        pets = pets.with_for_update(of=Pet)
    pets = db.session.scalars(pets.execution_options(populate_existing=True)).all()
    return MergeSides(found[kept_id], found[removed_id],
                      [pet for pet in pets if pet.owner_id == kept_id],
                      [pet for pet in pets if pet.owner_id == removed_id])


def merge_owners(sides, choices, names, versions):
    """Merge ``sides.removed`` into ``sides.kept`` (both locked by merge_sides(lock=True)).

    ``choices``: field -> KEPT or REMOVED (missing: KEPT); ``names``: pet id -> new name, to
    resolve clashes (checked first: sides.clashes(names) must be empty); ``versions``:
    (kept, removed) as the page showed them. Raises ChangedMeanwhile when either owner
    changed since, MergeRefused when a constraint refuses (the caller rolls back).
    """
    kept, removed = sides.kept, sides.removed
    if removed.version != versions[1]:
        raise ChangedMeanwhile()
    taken = [field for field in MERGED_FIELDS if choices.get(field) == REMOVED]
    try:
        with saving(kept, versions[0]):  # written even if no value changes: it was merged
            for field in taken:
                for column in CONSENT_COLUMNS if field == "email_consent" else (field,):
                    setattr(kept, column, getattr(removed, column))
        # The kept owner's renamed pets first, so a moving pet may take a name they leave.
        for pet in sides.kept_pets:
            pet.name = names.get(pet.id, pet.name)
        db.session.flush()
        for pet in sides.moving_pets:
            pet.name, pet.owner_id = names.get(pet.id, pet.name), kept.id
        db.session.flush()  # the unique index on (owner_id, lower(name)) decides any race
        moved_messages = db.session.execute(
            sa.update(Message).where(Message.owner_id == removed.id).values(owner_id=kept.id)
        ).rowcount
        _keep_latest_reminder_contact(kept.id, removed.id)
        _point_old_links(kept.id, removed.id)
        record_event("merge", kept, (
            f"merged owner #{removed.id} ({removed.full_name}) into this one: "
            f"{len(sides.moving_pets)} pet(s), {moved_messages} message(s) moved; kept "
            + (", ".join(f"{field} of #{removed.id}" for field in taken) or "every value")
            + f" ({', '.join(f for f in MERGED_FIELDS if f not in taken) or 'none'} of #{kept.id})"
        ))
        record_event("merge", removed, f"merged into owner #{kept.id} ({kept.full_name})")
        db.session.delete(removed)  # DELETE ... WHERE version = the one locked
        db.session.flush()
    except StaleDataError:
        raise ChangedMeanwhile() from None
    except IntegrityError as error:
        refusal = violation(error)
        if refusal is None:
            raise
        raise MergeRefused(_("Nothing was merged: %(reason)s", reason=refusal.message)) from None
    return kept


def _keep_latest_reminder_contact(kept_id, removed_id):
    """The kept owner's last reminder is the later of the two (the removed one's goes with it)."""
    theirs = db.session.get(ReminderContact, removed_id)
    if theirs is None:
        return
    ours = db.session.get(ReminderContact, kept_id)
    if ours is None:
        db.session.add(ReminderContact(owner_id=kept_id, last_sent_at=theirs.last_sent_at))
    else:
        ours.last_sent_at = max(ours.last_sent_at, theirs.last_sent_at)


def _point_old_links(kept_id, removed_id):
    """The removed id, and ids merged into it before, now lead to the kept owner (one hop)."""
    db.session.execute(
        sa.update(OwnerMerge).where(OwnerMerge.kept_id == removed_id).values(kept_id=kept_id)
    )
    # SQLite may give a deleted owner's id to the next one: a pointer left from then goes.
    db.session.execute(sa.delete(OwnerMerge).where(OwnerMerge.removed_id == removed_id))
    db.session.add(OwnerMerge(removed_id=removed_id, kept_id=kept_id))


def merged_into(owner_id):
    """The owner an id was merged into, or None."""
    return db.session.scalar(
        sa.select(Owner).join(OwnerMerge, OwnerMerge.kept_id == Owner.id)
        .where(OwnerMerge.removed_id == owner_id)
    )
