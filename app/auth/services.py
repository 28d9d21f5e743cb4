"""Accounts and sign-in, with throttling that holds across workers (state in the database)."""

import secrets
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
from app.i18n import _
from app.models import Role, StaffSession, User, Vet
from app.models.columns import UTCDateTime, utcnow
from app.models.staff_session import token_digest
from app.validation import FieldRefusal, max_length


class AccountError(FieldRefusal):
    """An account cannot be created or changed as asked; ``field`` names the field to blame."""

    field = "username"


class SignInRefused(ValueError):
    """Wrong credentials, an inactive account, or a locked one; the message is safe to show."""


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
        raise AccountError(_("A username is 1 to %(longest)d characters without spaces.",
                               longest=longest))
    if find_user(username) is not None:
        raise AccountError(_("The username %(name)s is taken.", name=repr(username)))
    problem = password_problem(password)
    if problem:
        raise AccountError(problem, field="password")
    role = Role(role)
    if vet_id is not None and db.session.get(Vet, vet_id) is None:
        raise AccountError(_("There is no vet with id %(id)d.", id=vet_id), field="vet_id")
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
    """Give a user a new password; every session of the account ends (it signs in again)."""
    problem = password_problem(password)
    if problem:
        raise AccountError(problem, field="password")
    user.password_hash = hash_password(password)
    user.failed_logins, user.locked_until = 0, None
    end_sessions(user.id)
    db.session.flush()


def wrong_credentials():
    """The one refusal every failed sign-in gets: unknown, wrong, locked and deactivated alike."""
    config = current_app.config
    return _(
        "Unknown username or wrong password. After %(failures)d failed attempts an account is "
        "locked for %(minutes)d minutes; an administrator can see why an account cannot sign in.",
        failures=config["LOGIN_MAX_FAILURES"], minutes=config["LOGIN_LOCK_MINUTES"],
    )


def authenticate(username, password):
    """The user for these credentials, or SignInRefused; commits its own short transactions.

    The attempt is reserved first, with one conditional UPDATE that counts it and says
    whether the account may try at all (reserve_attempt), and committed: so at most
    LOGIN_MAX_FAILURES passwords are checked per lock window, however many workers or
    hosts race, and the slow Argon2 check runs with no transaction open (on SQLite, no
    write lock held). A success then clears the count in a new transaction, which the
    caller commits. Unknown, wrong, locked and deactivated cost one Argon2 check each and
    read the same.
    """
    now = utcnow()
    user = reserve_attempt(normalise_username(username), now)
    db.session.commit()
    if user is None:
        spend_verification_time(password)
        raise SignInRefused(wrong_credentials())
    if not verify_password(user.password_hash, password) or not user.active:
        raise SignInRefused(wrong_credentials())
    new_hash = hash_password(password) if needs_rehash(user.password_hash) else None
    if new_hash:
        user.password_hash = new_hash
    user.failed_logins, user.locked_until, user.last_login_at = 0, None, now
    db.session.flush()
    return user


def reserve_attempt(username, now):
    """Count a sign-in attempt before its password is checked; the User, or None if it may not.

    None when there is no such account or it is locked. The count starts again once a lock
    has run out; reaching LOGIN_MAX_FAILURES locks the account for LOGIN_LOCK_MINUTES (a
    success clears both). The WHERE clause is re-checked under the row lock (PostgreSQL)
    or the write lock (SQLite), so two racing attempts cannot both slip under the limit.
    """
    limit = current_app.config["LOGIN_MAX_FAILURES"]
    lock_ends = sa.literal(now + timedelta(minutes=current_app.config["LOGIN_LOCK_MINUTES"]),
                           UTCDateTime())
    lock_ran_out = sa.and_(User.locked_until.is_not(None), User.locked_until <= now)
    attempts = sa.case((lock_ran_out, 1), else_=User.failed_logins + 1)
    return db.session.scalar(
        sa.update(User)
        .where(User.username == username)
        .where(sa.or_(User.locked_until.is_(None), User.locked_until <= now))
        .values(failed_logins=attempts, locked_until=sa.case((attempts >= limit, lock_ends)))
        .returning(User)
        .execution_options(synchronize_session=False, populate_existing=True)
    )


def start_session(user):
    """Record a new sign-in of ``user`` and return its token (for the cookie, via get_id)."""
    now = utcnow()
    db.session.execute(
        sa.delete(StaffSession)
        .where(StaffSession.user_id == user.id, StaffSession.expires_at <= now)
        .execution_options(synchronize_session=False)
    )
    token = secrets.token_urlsafe(32)
    hours = current_app.config["SESSION_HOURS"]
    db.session.add(StaffSession(user_id=user.id, token_digest=token_digest(token),
                                created_at=now, expires_at=now + timedelta(hours=hours)))
    db.session.flush()
    user.session_token = token
    return token


def end_session(token):
    """End one session (signing out): its cookie is refused from now on."""
    db.session.execute(
        sa.delete(StaffSession)
        .where(StaffSession.token_digest == token_digest(token or ""))
        .execution_options(synchronize_session=False)
    )


def end_sessions(user_id):
    """End every session of an account ("sign out everywhere"); returns how many there were."""
    result = db.session.execute(
        sa.delete(StaffSession)
        .where(StaffSession.user_id == user_id)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


# Flask-Login's loader runs on every signed-in request: its statement is built once, its
# values bound per call. Nothing is cached: a session ended or an account deactivated a
# moment ago is refused on the very next request.
SIGNED_IN_USER = (
    sa.select(User)
    .join(StaffSession, StaffSession.user_id == User.id)
    .where(StaffSession.token_digest == sa.bindparam("digest"))
    .where(StaffSession.expires_at > sa.bindparam("now"), User.active)
)


def load_user(token):
    """Flask-Login's loader: the active user of an unexpired session with this token, or None."""
    if not token:
        return None
    user = db.session.scalar(SIGNED_IN_USER, {"digest": token_digest(token), "now": utcnow()})
    if user is not None:
        user.session_token = token
    return user
