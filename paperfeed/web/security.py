"""Signed session and CSRF cookies, form tokens bound to the session, signed notices; password hashing
(its rules live in paperfeed/passwords.py)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from itsdangerous import BadSignature, Signer

from paperfeed.passwords import password_hasher, verify_password
from paperfeed.settings import Settings, signing_secret

SESSION_COOKIE = "pf_session"
CSRF_COOKIE = "pf_csrf"
CSRF_HEADER = "x-csrf-token"
CSRF_MAX_AGE = 365 * 86400  # seconds: the CSRF cookie outlives any session


@dataclass(frozen=True)
class Security:
    """What the web layer signs and hashes with, built once per application."""

    hasher: PasswordHasher
    session_signer: Signer
    csrf_signer: Signer
    notice_signer: Signer  # messages the site puts in a redirect's address (?error=…)

    @classmethod
    def from_settings(cls, settings: Settings) -> Security:
        secret = signing_secret(settings)
        return cls(
            hasher=password_hasher(settings),
            session_signer=Signer(secret, salt="paperfeed-session"),
            csrf_signer=Signer(secret, salt="paperfeed-csrf"),
            notice_signer=Signer(secret, salt="paperfeed-notice"),
        )

    def hash_password(self, password: str) -> str:
        return self.hasher.hash(password)

    def verify_password(self, password_hash: str, password: str) -> bool:
        return verify_password(self.hasher, password_hash, password)

    def new_session_cookie(self) -> tuple[str, str]:
        """Return (token, cookie value): the store keeps a hash of the token; the cookie carries it signed."""
        token = secrets.token_urlsafe(32)
        return token, self.session_signer.sign(token).decode()

    def session_token(self, cookie: str | None) -> str | None:
        if not cookie or len(cookie) > 200:
            return None
        try:
            return self.session_signer.unsign(cookie).decode()
        except BadSignature:
            return None

    def new_csrf_cookie(self) -> str:
        return self.csrf_signer.sign(secrets.token_urlsafe(24)).decode()

    def valid_csrf_cookie(self, cookie: str | None) -> bool:
        if not cookie or len(cookie) > 200:
            return False
        try:
            self.csrf_signer.unsign(cookie)
        except BadSignature:
            return False
        return True

    def form_token(self, csrf_cookie: str, session_token: str | None) -> str:
        """Return the token a visitor's forms carry: bound to their CSRF cookie and their session.

        Signing in starts a new session (and a new cookie), so a token seen before it is worthless
        after; a token from one visitor's page never passes with another visitor's session.
        """
        return self.csrf_signer.get_signature(f"{csrf_cookie}|{session_token or ''}").decode()

    def sign_notice(self, message: str) -> str:
        """Return a message signed for an address, so that a page shows only what the site itself said."""
        return self.notice_signer.sign(message[:300]).decode()

    def read_notice(self, signed: str) -> str:
        """Return the message a signed notice carries; anything else (a forged ?error=…) shows nothing."""
        if not signed or len(signed) > 1000:
            return ""
        try:
            return self.notice_signer.unsign(signed).decode()
        except BadSignature:
            return ""
