"""Calendar feeds: issue, replace and revoke a vet's secret feed URL, and find a feed by it.

The secret is made and kept as a sign-in session's token is (app.auth.services): a random
token in the URL, only its SHA-256 in the table, so the lookup by digest compares nothing
secret byte by byte and a copy of the table opens no feed.
"""

import secrets
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app, url_for
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.i18n import _
from app.models import CalendarFeed, Vet
from app.models.columns import utcnow
from app.models.staff_session import token_digest

# A secret is 43 characters (token_urlsafe(32)); anything much longer is not worth hashing.
LONGEST_SECRET = 128


class NoSuchVet(LookupError):
    """There is no vet with that id."""


def feed_of(vet_id):
    """The vet's live feed, or None."""
    return db.session.get(CalendarFeed, vet_id)


def issue_feed(vet_id):
    """Give the vet a new feed secret and return it; an old one stops working at once.

    The vet's row is locked first (as bookings lock it), so two replacements at once
    follow one another instead of racing for the feed's row.
    """
    locked = db.session.scalar(sa.select(Vet.id).where(Vet.id == vet_id).with_for_update())
    if locked is None:
        raise NoSuchVet(_("There is no vet with id %(id)s.", id=vet_id))
    token = secrets.token_urlsafe(32)
    feed = db.session.get(CalendarFeed, vet_id, populate_existing=True)
    if feed is None:
        feed = CalendarFeed(vet_id=vet_id)
        db.session.add(feed)
    feed.token_digest, feed.created_at = token_digest(token), utcnow()
    db.session.flush()
    return token


def revoke_feed(vet_id):
    """Delete the vet's feed, so its URL answers 404 from now on; whether there was one."""
    result = db.session.execute(
        sa.delete(CalendarFeed)
        .where(CalendarFeed.vet_id == vet_id)
        .execution_options(synchronize_session="fetch")
    )
    return result.rowcount > 0


def feed_for_secret(secret):
    """The live feed whose secret this is, with its vet loaded; None for any other string."""
    if not secret or len(secret) > LONGEST_SECRET:
        return None
    return db.session.scalar(
        sa.select(CalendarFeed)
        .options(joinedload(CalendarFeed.vet))
        .where(CalendarFeed.token_digest == token_digest(secret))
    )


def feed_url(secret, base_url=None):
    """The feed's address: under this request's site, or under ``base_url`` (for the CLI).

    A ``base_url`` that is not an http(s) address of a host raises ValueError.
    """
    if base_url is None:
        return url_for("calendar_feed.feed", secret=secret, _external=True)
    parts = urlsplit(base_url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise ValueError(_("%(url)s is not a site address such as https://clinic.example",
                           url=repr(base_url)))
    adapter = current_app.url_map.bind(
        parts.netloc, script_name=parts.path.rstrip("/") or "/", url_scheme=parts.scheme
    )
    return adapter.build("calendar_feed.feed", {"secret": secret}, force_external=True)


def webcal_url(url):
    """The same address as webcal://, which phones open straight in their calendar app."""
    return "webcal://" + url.split("://", 1)[1]
