"""Likely duplicate owners: the one check the registration and edit pages (and imports) ask."""

from dataclasses import dataclass

import sqlalchemy as sa

from app.extensions import db
from app.i18n import _l
from app.models import Owner
from app.models.search_columns import fold

# How many a warning lists: enough to see the pattern, never a whole page of owners.
SHOWN = 10
SAME_TELEPHONE = _l("same telephone")
SAME_EMAIL = _l("same email")
SAME_NAME_AND_ADDRESS = _l("same name and address")


@dataclass(frozen=True)
class Duplicate:
    """An existing owner that looks like the one being saved, and why."""

    owner: Owner
    reasons: tuple[str, ...]


def _folded(text):
    return (text or "").strip().lower()


def duplicates_query(values, exclude_id=None):
    """(the select of likely duplicates of ``values``, the reasons its flag columns stand for).

    Same telephone (E.164), same email, or same first name, last name and address, each
    ignoring case and surrounding spaces. Every rule is an index look-up
    (ix_owners_telephone, ix_owners_email_folded, ix_owners_last_name_folded), so it is one
    cheap statement however many owners the clinic has. None when nothing can match.
    """
    # Names and email folded as the search box folds them (one rule), read from its indexes.
    telephone, email = values.get("telephone"), fold(values.get("email") or None)
    last_name = fold(values.get("last_name"))
    rules = {
        SAME_TELEPHONE: Owner.telephone == telephone if telephone else None,
        SAME_EMAIL: Owner.email_folded == email if email else None,
        # Last name by the search index, then first name and address among those few.
        SAME_NAME_AND_ADDRESS: sa.and_(
            Owner.last_name_folded == last_name,
            Owner.first_name_folded == fold(values.get("first_name")),
            sa.func.lower(sa.func.trim(Owner.address)) == _folded(values.get("address")),
        ) if last_name else None,
    }
    rules = {reason: rule for reason, rule in rules.items() if rule is not None}
    if not rules:
        return None, ()
    flags = [sa.case((rule, True), else_=False) for rule in rules.values()]
    query = (
        sa.select(Owner, *flags)
        .where(sa.or_(*rules.values()))
        .order_by(Owner.last_name, Owner.first_name, Owner.id)
        .limit(SHOWN)
    )
    if exclude_id is not None:
        query = query.where(Owner.id != exclude_id)
    return query, tuple(rules)


def likely_duplicates(values, exclude_id=None):
    """Owners that look like ``values`` (column values as saved: owner_values), with why.

    ``exclude_id``: the owner being edited, never its own duplicate.
    """
    query, reasons = duplicates_query(values, exclude_id)
    if query is None:
        return []
    return [
        Duplicate(row[0], tuple(reason for reason, hit in zip(reasons, row[1:], strict=True) if hit))
        for row in db.session.execute(query)
    ]


def differs_in_what_is_compared(owner, values):
    """Whether an edit changes any value the duplicate rules compare (else it warns of nothing new)."""
    return any(
        _folded(getattr(owner, field)) != _folded(values.get(field))
        for field in ("telephone", "email", "first_name", "last_name", "address")
    )


def confirmed_ids(raw):
    """The ids the "Save anyway" button carries: the duplicates the desk was shown.

    Anything malformed reads as none confirmed, so it only brings the warning back.
    """
    words = (raw or "").split()
    return frozenset(int(word) for word in words[:SHOWN] if word.isascii() and word.isdigit() and len(word) < 10)


def unconfirmed(found, confirmed):
    """The duplicates found that the desk has not seen and confirmed with "Save anyway"."""
    return [duplicate for duplicate in found if duplicate.owner.id not in (confirmed or ())]
