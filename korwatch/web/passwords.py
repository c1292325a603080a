"""Password hashes for `[web.users.NAME]`: Argon2id (argon2-cffi, RFC 9106's low-memory
profile), made by `korwatch web-user add`. The config holds only the hash; the password itself
is never stored, logged or shown."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_HASHER = PasswordHasher()
# Verified against when the user name is unknown, so a wrong name costs as long as a wrong
# password and the answer does not tell which names exist.
_UNKNOWN = _HASHER.hash("korwatch: no such user")
MIN_LENGTH = 10


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    """Whether `password` matches the hash `stored` (None: an unknown user, always False)."""
    try:
        return _HASHER.verify(stored or _UNKNOWN, password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def password_problem(password: str) -> str | None:
    """What is wrong with a new password, or None."""
    if len(password) < MIN_LENGTH:
        return f"a password needs at least {MIN_LENGTH} characters"
    if password.strip() != password:
        return "a password cannot begin or end with a space"
    return None
