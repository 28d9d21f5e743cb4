"""Accounts and sign-in, with throttling that holds across workers (state in the database)."""

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from app.auth.passwords import (
    hash_password,
    needs_rehash,
    password_problem,
    spend_verification_time,
    verify_password,
)
from app.extensions import db
from app.models import Role, User, Vet
from app.models.columns import UTCDateTime, utcnow
from app.validation import max_length


class AccountError(ValueError):
    """An account cannot be created or changed as asked."""


class SignInRefused(ValueError):
    """Wrong credentials, an inactive account, or a locked one; the message is safe to show."""


WRONG_CREDENTIALS = "Unknown username or wrong password."


def normalise_username(username):
    """Usernames are case-insensitive: stored and compared in lower case."""
    return (username or "").strip().lower()


def find_user(username):
    """The user with this username, or None."""
    return db.session.scalar(sa.select(User).where(User.username == normalise_username(username)))


def create_user(username, password, role, vet_id=None, active=True):
    """Add a staff account (an inactive one cannot sign in); AccountError says what is wrong."""
    username = normalise_username(username)
    longest = max_length(User.username)
    if not username or len(username) > longest or not username.isprintable() or " " in username:
        raise AccountError(f"A username is 1 to {longest} characters without spaces.")
    if find_user(username) is not None:
        raise AccountError(f"The username {username!r} is taken.")
    problem = password_problem(password)
    if problem:
        raise AccountError(problem)
    role = Role(role)
    if vet_id is not None and db.session.get(Vet, vet_id) is None:
        raise AccountError(f"There is no vet with id {vet_id}.")
    user = User(
        username=username,
        password_hash=hash_password(password),
        role=role,
        vet_id=vet_id,
        active=active,
    )
    db.session.add(user)
    db.session.flush()
    return user


def set_password(user, password):
    """Give a user a new password (which also ends their other sessions)."""
    problem = password_problem(password)
    if problem:
        raise AccountError(problem)
    user.password_hash = hash_password(password)
    user.failed_logins, user.locked_until = 0, None
    db.session.flush()


def deactivate_user(user):
    """Stop an account from signing in; its sessions end on their next request."""
    user.active = False
    db.session.flush()


def authenticate(username, password):
    """The user for these credentials, or SignInRefused.

    Each failure is counted in the database with one atomic UPDATE; after
    LOGIN_MAX_FAILURES in a row the account is locked for LOGIN_LOCK_MINUTES, whatever
    worker or host the next attempt reaches. The caller commits either way.
    """
    user = find_user(username)
    if user is None:
        spend_verification_time(password)
        raise SignInRefused(WRONG_CREDENTIALS)
    now = utcnow()
    if user.locked_until is not None and user.locked_until > now:
        spend_verification_time(password)
        minutes = max(1, int((user.locked_until - now).total_seconds() // 60) + 1)
        raise SignInRefused(
            f"Too many failed sign-ins: this account is locked for {minutes} more minute(s)."
        )
    if not verify_password(user.password_hash, password):
        record_failure(user.id, now)
        raise SignInRefused(WRONG_CREDENTIALS)
    if not user.active:
        raise SignInRefused("This account has been deactivated.")
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.failed_logins, user.locked_until, user.last_login_at = 0, None, now
    db.session.flush()
    return user


def record_failure(user_id, now):
    """Count a failed sign-in atomically, locking the account when the limit is reached.

    A lock that has run out starts the count again, so one more mistake after it does
    not lock the account at once.
    """
    limit = current_app.config["LOGIN_MAX_FAILURES"]
    locked_until = sa.literal(now + timedelta(minutes=current_app.config["LOGIN_LOCK_MINUTES"]),
                              UTCDateTime())
    lock_ran_out = sa.and_(User.locked_until.is_not(None), User.locked_until <= now)
    failures = sa.case((lock_ran_out, 1), else_=User.failed_logins + 1)
    db.session.execute(
        sa.update(User)
        .where(User.id == user_id)
        .values(failed_logins=failures, locked_until=sa.case((failures >= limit, locked_until)))
        .execution_options(synchronize_session=False)
    )


def load_user(session_id):
    """Flask-Login's loader: the active user whose id and password fragment match."""
    user_id, _, fragment = (session_id or "").partition(":")
    if not user_id.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.password_hash[-12:] != fragment:
        return None
    return user
