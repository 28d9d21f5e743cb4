"""Password hashing with Argon2id (argon2-cffi): memory-hard, salted, self-describing."""

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

from app.i18n import _, ngettext

MIN_PASSWORD_LENGTH = 10

_production = PasswordHasher()  # the library's recommended parameters (64 MiB, t=3)
_testing = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)  # fast, for the tests


def _hasher():
    """The hasher for this app: the cheap one only when TESTING."""
    return _testing if current_app.config.get("TESTING") else _production


def hash_password(password):
    """A new salted Argon2id hash of the password."""
    return _hasher().hash(password)


def verify_password(password_hash, password):
    """Whether the password matches the hash (never raises for a wrong one)."""
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash):
    """Whether the hash was made with weaker parameters than today's."""
    return _hasher().check_needs_rehash(password_hash)


def password_problem(password):
    """Why a new password is not acceptable, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return ngettext("A password needs at least %(num)d character.",
                        "A password needs at least %(num)d characters.", MIN_PASSWORD_LENGTH)
    if not password.isprintable():
        return _("A password cannot contain control characters.")
    return None


def stand_in_hash(hasher):
    """A hash of a random password made by ``hasher`` itself, made once per hasher.

    Verifying against it costs what verifying a real account costs (the same memory and
    time parameters), so the time a refusal takes does not tell which usernames exist.
    """
    if hasher not in _stand_ins:
        _stand_ins[hasher] = hasher.hash(secrets.token_urlsafe(16))
    return _stand_ins[hasher]


_stand_ins = {}


def spend_verification_time(password):
    """Verify against the stand-in hash and throw the answer away."""
    verify_password(stand_in_hash(_hasher()), password)
