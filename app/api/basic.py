"""HTTP Basic for the API without an Argon2 check and two writes on every call.

Spring clients send the password on every request. Checking it costs an Argon2id hash
(tens of milliseconds, 64 MiB) and authenticate()'s two committed writes (the attempt
reserved, then cleared). A worker therefore remembers, for API_BASIC_CACHE_SECONDS, that a
username and password were verified against a given stored hash. A later call with the
same pair re-reads the account and is let in without hashing or writing only while that
hash is still the account's (a new password, or a rehash, changes it), the account is
active and it is not locked; anything else goes the full way again. Deactivation and role
changes therefore apply at once, on every worker.

The key is an HMAC of the pair under a random key of this process, so the memory holds no
value that a password could be checked against offline; the password itself is not kept.
"""

import hashlib
import hmac
import secrets
import threading
import time
from dataclasses import dataclass

from app.auth.services import normalise_username
from app.extensions import db
from app.models import User
from app.models.columns import utcnow

MAX_ENTRIES = 1024


@dataclass(frozen=True)
class Verified:
    """A pair verified at some time: whose, against which stored hash, until when."""

    user_id: int
    password_hash: str
    until: float


class VerifiedPasswords:
    """This worker's short memory of verified (username, password) pairs."""

    def __init__(self, seconds):
        self.seconds = seconds
        self._key = secrets.token_bytes(32)
        self._entries = {}
        self._lock = threading.Lock()

    def _name(self, username, password):
        pair = f"{normalise_username(username)}\0{password}".encode()
        return hmac.new(self._key, pair, hashlib.sha256).digest()

    def user(self, username, password):
        """The account, if this pair was verified lately and nothing about it changed since."""
        if not self.seconds:
            return None
        name = self._name(username, password)
        entry = self._entries.get(name)
        if entry is None:
            return None
        user = db.session.get(User, entry.user_id) if entry.until > time.monotonic() else None
        if (user is None or user.username != normalise_username(username)
                or not hmac.compare_digest(user.password_hash, entry.password_hash)
                or not user.active
                or (user.locked_until is not None and user.locked_until > utcnow())):
            with self._lock:
                self._entries.pop(name, None)
            return None
        return user

    def remember(self, username, password, user):
        """Note that this pair was just verified as ``user``'s."""
        if not self.seconds:
            return
        with self._lock:
            if len(self._entries) >= MAX_ENTRIES:
                self._entries.clear()  # bounded; the next calls verify again
            self._entries[self._name(username, password)] = Verified(
                user.id, user.password_hash, time.monotonic() + self.seconds
            )

    def forget(self):
        """Drop every entry (tests and benchmarks, to measure the full check)."""
        with self._lock:
            self._entries.clear()
