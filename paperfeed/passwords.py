"""Passwords: which are acceptable, and the argon2id hasher with the cost the settings give.

The site's sign-up and the `paperfeed users` command both use it.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from paperfeed.settings import Settings

MIN_PASSWORD = 10
MAX_PASSWORD = 1000  # argon2 hashes anything, but a megabyte of password is an attack


def password_hasher(settings: Settings) -> PasswordHasher:
    """Return the argon2id hasher, with the cost the settings give."""
    return PasswordHasher(time_cost=settings.argon2_time_cost, memory_cost=settings.argon2_memory_kib, parallelism=2)


def verify_password(hasher: PasswordHasher, password_hash: str, password: str) -> bool:
    """Return whether a password matches its stored hash (a malformed hash never matches)."""
    try:
        return hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def check_password(password: str, username: str = "") -> str | None:
    """Return why a new password is unacceptable, or None."""
    if len(password) < MIN_PASSWORD:
        return f"A password needs at least {MIN_PASSWORD} characters."
    if len(password) > MAX_PASSWORD:
        return f"A password has at most {MAX_PASSWORD} characters."
    if len(set(password)) == 1:
        return "A password of one repeated character is guessed at once; choose another."
    name = username.strip().lower()
    if name and name in password.lower():
        return "A password must not contain your username."
    return None
