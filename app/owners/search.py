"""The search box: what the typed text is, and the owners it finds, each kind from an index.

Names (no digits, no @): owners whose last or first name starts with the text, whose pet's
name does, or "first last" (either order) with both prefixes. Digits, with a telephone's
separators: a pet's whole microchip number (15 digits), and owners whose normalised
telephone ends with those digits (at least four) or is that number. An @: owners whose
email starts with the text. Everything is compared folded (app/models/search_columns.py).
"""

import functools
import re

import sqlalchemy as sa

from app.eager import collection_statement, fill
from app.extensions import db
from app.i18n import _
from app.models import Owner, Pet
from app.models.pet import MICROCHIP_DIGITS
from app.models.search_columns import fold, reversed_digits
from app.owners.search_sql import AmongRows, starts_with
from app.owners.services import last_name_order
from app.phone import InvalidPhoneNumber, normalise_phone

# What a telephone number is typed with (app/phone.py accepts the same characters).
NUMBER_TEXT = re.compile(r"[0-9 +\-().]*[0-9][0-9 +\-().]*")
MIN_PHONE_DIGITS = 4
# The pets listed beside a page of owners: one statement, built once (app/eager.py).
OWNERS_PETS = collection_statement(Owner.pets)


class OwnerSearch:
    """One search of the box: its kind, the owners it finds and the pets that matched."""

    def __init__(self, text):
        self.text = " ".join((text or "").split())
        self.key = fold(self.text)
        self.digits = re.sub(r"[^0-9]", "", self.text)
        if not self.text:
            self.kind = "all"
        elif "@" in self.text:
            self.kind = "email"
        elif NUMBER_TEXT.fullmatch(self.text):
            self.kind = "number"
        else:
            self.kind = "names"
        self.microchip = (
            self.digits if self.kind == "number" and len(self.digits) == MICROCHIP_DIGITS else None
        )

    def owner_ids(self):
        """Selects of the ids of the owners found, one per way of matching, each index-served."""
        if self.kind == "email":
            return [sa.select(Owner.id).where(starts_with(Owner.email_folded, self.key))]
        if self.kind == "number":
            return self._number_ids()
        ids = [
            sa.select(Owner.id).where(starts_with(Owner.last_name_folded, self.key)),
            sa.select(Owner.id).where(starts_with(Owner.first_name_folded, self.key)),
            sa.select(Pet.owner_id).where(starts_with(Pet.name_folded, self.key)),
        ]
        words = self.key.split(" ")
        for split in range(1, len(words)):
            before, after = " ".join(words[:split]), " ".join(words[split:])
            for first, last in ((before, after), (after, before)):
                ids.append(
                    sa.select(Owner.id).where(
                        starts_with(Owner.last_name_folded, last),
                        starts_with(Owner.first_name_folded, first),
                    )
                )
        return ids

    def _number_ids(self):
        ids = []
        if self.microchip:
            ids.append(sa.select(Pet.owner_id).where(Pet.microchip == self.microchip))
        if len(self.digits) >= MIN_PHONE_DIGITS:
            # The last digits as typed: "1023", "555-1023", "(608) 555-1023", "+1 608 555 1023".
            ids.append(
                sa.select(Owner.id).where(
                    starts_with(Owner.phone_digits_reversed, self.digits[::-1])
                )
            )
            normalised = self._normalised_phone()
            if normalised is not None and not normalised.endswith(self.digits):
                # Written nationally with a trunk prefix ("020 7946 0958" is +442079460958).
                ids.append(
                    sa.select(Owner.id).where(
                        Owner.phone_digits_reversed == reversed_digits(normalised)
                    )
                )
        return ids

    def _normalised_phone(self):
        try:
            return normalise_phone(self.text)
        except InvalidPhoneNumber:
            return None

    @functools.cached_property
    def _found(self):
        """The ids found, as one select; None when the text cannot match anything.

        Built once for the page of owners and their count."""
        # Uncorrelated: each branch reads its own index, whatever query the select goes in.
        ids = [select.correlate(None) for select in self.owner_ids()]
        if not ids:
            return None
        return ids[0] if len(ids) == 1 else sa.union(*ids)

    def owners(self):
        """A select of the owners found, in last-name order (``with_pets`` lists their pets)."""
        query = sa.select(Owner).order_by(*last_name_order())
        if self.kind == "all":
            return query
        found = self._found
        if found is None:
            return query.where(sa.false())
        return query.where(AmongRows(Owner.id, found.scalar_subquery()))

    def count_query(self, limit):
        """A select of how many owners are found, counting no further than ``limit`` + 1."""
        # Past the limit the exact number tells the desk nothing ("type more" does), and
        # counting every match is the one part of the list whose cost grows with the clinic.
        if self.kind == "all":
            matches = sa.select(Owner.id)
        else:
            matches = self._found
            if matches is None:
                matches = sa.select(Owner.id).where(sa.false())
            elif not isinstance(matches, sa.CompoundSelect):
                matches = matches.distinct()  # a pet's owner once, however many pets match
        return sa.select(sa.func.count()).select_from(matches.limit(limit + 1).subquery())

    def count(self, limit):
        """How many owners are found, counting no further than ``limit`` + 1."""
        return db.session.scalar(self.count_query(limit))

    @staticmethod
    def with_pets(owners):
        """Load the pets of a page of owners found."""
        fill(owners, Owner.pets, OWNERS_PETS)
        return owners

    def highlights(self, pet):
        """Whether this pet (of an owner found) is one that matched."""
        if self.kind == "names":
            return pet.name_folded.startswith(self.key)
        return self.microchip is not None and pet.microchip == self.microchip

    def miss(self):
        """The sentence that says nothing was found, and what was looked for."""
        if self.kind == "email":
            return _("No owner has an email address starting with “%(text)s”.", text=self.text)
        if self.kind == "names":
            return _("No owner or pet has a name starting with “%(text)s”.", text=self.text)
        if self.microchip:
            return _(
                "No pet has microchip %(microchip)s, and no owner has a telephone number "
                "ending in %(text)s.",
                microchip=self.microchip, text=self.text,
            )
        if len(self.digits) < MIN_PHONE_DIGITS:
            return _(
                "“%(text)s” is too short to look up: type at least %(digits)d digits "
                "of a telephone number, or a pet's whole microchip number "
                "(%(microchip_digits)d digits).",
                text=self.text, digits=MIN_PHONE_DIGITS, microchip_digits=MICROCHIP_DIGITS,
            )
        return _("No owner has a telephone number ending in or matching “%(text)s”.",
                 text=self.text)
