"""Password hashing with Argon2id (argon2-cffi): memory-hard, salted, self-describing."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

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
        return f"A password needs at least {MIN_PASSWORD_LENGTH} characters."
    if not password.isprintable():
        return "A password cannot contain control characters."
    return None


# A real hash to verify against when the username is unknown, so that the time taken
# does not tell an attacker which usernames exist.
_DUMMY = "$argon2id$v=19$m=1024,t=1,p=1$c29tZXNhbHQ$6pD3d3N9lqU3DYsyvCMVSg"


def spend_verification_time(password):
    """Verify against a dummy hash and throw the answer away."""
    verify_password(_DUMMY, password)
