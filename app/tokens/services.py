"""Personal API tokens: create, list and revoke them, and find the account a Bearer secret names.

A secret is ``pct_`` + a public prefix (12 hex digits, unique, indexed) + 43 random
URL-safe characters (256 bits). Only its SHA-256 is stored: a random secret needs no slow
hash, so a token request costs one indexed read and no Argon2 check.
"""

import hashlib
import hmac
import secrets
from datetime import timedelta

import sqlalchemy as sa

from app.extensions import db
from app.i18n import _
from app.models import ApiToken, User
from app.models.columns import utcnow
from app.tokens.usage import note_use
from app.validation import FieldRefusal, max_length

MARK = "pct_"
PREFIX_LENGTH = 12
MAX_DAYS = 365
DEFAULT_DAYS = 90


class TokenError(FieldRefusal):
    """A token cannot be created as asked; ``field`` names the form field to blame."""

    field = "name"


class TokenRefused(ValueError):
    """A Bearer secret that does not sign anyone in; the message is safe to show its sender."""


def secret_digest(secret):
    """What is stored of a secret: its SHA-256, hex."""
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(user, name, days):
    """A new token of ``user`` valid for ``days`` (1 to MAX_DAYS): (ApiToken, its secret).

    The secret is returned this once; nothing can show it again.
    """
    name = (name or "").strip()
    if not name or len(name) > max_length(ApiToken.name) or not name.isprintable():
        raise TokenError(_("A token's name is 1 to %(longest)d characters.",
                           longest=max_length(ApiToken.name)))
    if not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        raise TokenError(_("A token lasts 1 to %(num)d days.", num=MAX_DAYS), field="days")
    prefix = secrets.token_hex(PREFIX_LENGTH // 2)
    secret = f"{MARK}{prefix}{secrets.token_urlsafe(32)}"
    now = utcnow()
    token = ApiToken(user_id=user.id, name=name, prefix=prefix, secret_digest=secret_digest(secret),
                     created_at=now, expires_at=now + timedelta(days=days))
    db.session.add(token)
    db.session.flush()
    return token, secret


def tokens_of(user_id):
    """An account's tokens, newest first (revoked and expired ones too: their history)."""
    return db.session.scalars(
        sa.select(ApiToken).where(ApiToken.user_id == user_id)
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    ).all()


def all_tokens():
    """Every account's tokens with their accounts, by username then newest first."""
    return db.session.execute(
        sa.select(ApiToken, User.username).join(User, User.id == ApiToken.user_id)
        .order_by(User.username, ApiToken.created_at.desc(), ApiToken.id.desc())
    ).all()


def revoke_token(token):
    """Refuse the token from now on (its row stays, to show when it was revoked)."""
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        db.session.flush()
    return token


def bearer_user(secret):
    """The active account a Bearer secret belongs to, or TokenRefused saying why not.

    One indexed read, no write in this session; the time of use is noted at most once a
    minute in a transaction of its own (app.tokens.usage).
    """
    secret = secret or ""
    prefix = secret[len(MARK):len(MARK) + PREFIX_LENGTH]
    if not secret.startswith(MARK) or len(prefix) != PREFIX_LENGTH:
        raise TokenRefused("That is not a PetClinic API token (they start with pct_).")
    row = db.session.execute(
        sa.select(ApiToken, User).join(User, User.id == ApiToken.user_id)
        .where(ApiToken.prefix == prefix)
    ).first()
    if row is None or not hmac.compare_digest(row.ApiToken.secret_digest, secret_digest(secret)):
        raise TokenRefused("Unknown API token.")
    token, user = row
    now = utcnow()
    state = token.state(now)
    if state != "active":
        raise TokenRefused(f"This API token is {state}: create a new one.")
    if not user.active:
        raise TokenRefused("The account of this API token is deactivated.")
    note_use(ApiToken.last_used_at, token.id, token.last_used_at, now)
    return user
