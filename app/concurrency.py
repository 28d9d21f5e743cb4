"""Optimistic concurrency: a save made from a stale form is refused, never silently applied.

Owners, pets, vets and appointments carry a version (app.models.columns.Versioned). An edit
form carries the version it was loaded at; ``saving(record, version)`` makes the UPDATE
check that version in its WHERE clause, so a save based on an older form, or one that lost
a race with another save of the same row, raises ChangedMeanwhile instead of overwriting.
"""

import contextlib

import sqlalchemy as sa
from sqlalchemy.orm.exc import StaleDataError
from wtforms import HiddenField

from app.extensions import db
from app.i18n import _l

CHANGED_MEANWHILE = _l(
    "Changed by someone else meanwhile: nothing was saved. The saved values are shown here, "
    "and the form still holds what you typed: check it and save again to keep yours."
)


class ChangedMeanwhile(Exception):
    """The record was saved by someone else after the form or request read it."""

    def __init__(self, message=CHANGED_MEANWHILE):
        super().__init__(str(message))


class VersionField(HiddenField):
    """The record's version, carried by an edit form; None when absent or not a number."""

    def process_formdata(self, valuelist):
        raw = valuelist[0] if valuelist else ""
        self.data = int(raw) if raw.isdigit() and len(raw) < 10 else None


@contextlib.contextmanager
def saving(record, version):
    """Apply the block's changes to ``record`` only if its row is still at ``version``.

    The record must be loaded in this transaction. ``version`` None (a client that sends
    none) checks only against a concurrent save. The row is always written with the next
    version, so a save that changes only a relationship (a vet's specialties) is checked
    and counted too.
    """
    expected = record.version if version is None else version
    if expected != record.version:
        raise ChangedMeanwhile()
    try:
        yield
        state = sa.inspect(record)
        if (
            record.version == expected
            and not (state.deleted or record in db.session.deleted)
            and not db.session.is_modified(record, include_collections=False)
        ):
            record.version = expected + 1  # no column changed: write the version anyway
        db.session.flush()  # UPDATE ... SET version = expected + 1 WHERE ... AND version = expected
    except StaleDataError:
        raise ChangedMeanwhile() from None


def current_values(reload, labels):
    """After a refused save: the record read afresh, and its (label, saved value) pairs.

    ``reload`` reads the record again (with what its page shows loaded); ``labels`` maps a
    label to an attribute name or to a function of the record.
    """
    db.session.rollback()
    record = reload()
    pairs = [
        (label, getter(record) if callable(getter) else getattr(record, getter))
        for label, getter in labels.items()
    ]
    return record, pairs


def refuse_stale_form(form, reload, labels):
    """Prepare an edit form refused as stale: (the record as saved now, its saved values).

    The form keeps what the user typed and takes the current version, so saving it again
    deliberately replaces the other person's change.
    """
    record, saved = current_values(reload, labels)
    form.version.data = record.version
    return record, saved
