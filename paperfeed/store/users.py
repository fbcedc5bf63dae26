"""Accounts, sessions and the record of failed sign-ins (kept in the store so every worker shares them)."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from paperfeed.store.db import driver_rows, stored_time
from paperfeed.store.schema import feed_tokens, sessions, users

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{1,29}$")
RESERVED = {"admin", "api", "static", "settings", "signin", "signup", "signout", "about", "papers", "root"}


class AccountError(ValueError):
    """A sign-up or account change that cannot be made; the message is for the user."""


@dataclass(frozen=True, slots=True)
class User:
    id: int
    username: str
    display_name: str
    is_admin: bool


def _user(row: sa.Row) -> User:
    return User(row.id, row.username, row.display_name, bool(row.is_admin))


def check_username(username: str) -> str:
    """Return the canonical (lower-case) username, or raise AccountError saying what is wrong."""
    name = username.strip().lower()
    if not USERNAME_RE.match(name):
        raise AccountError(
            "A username has 2 to 30 characters: letters, digits, '-' and '_', starting with a letter or digit."
        )
    if name in RESERVED:
        raise AccountError(f"The username {name!r} is reserved.")
    return name


def create_user(
    conn: Connection,
    username: str,
    password_hash: str,
    now: datetime,
    *,
    display_name: str = "",
    is_admin: bool = False,
) -> User:
    """Create an account; raises AccountError when the name is malformed or taken."""
    name = check_username(username)
    display = " ".join(display_name.split())[:100] or name
    exists = conn.execute(sa.select(users.c.id).where(users.c.username == name)).first()
    if exists:
        raise AccountError(f"The username {name!r} is taken.")
    try:
        with conn.begin_nested():
            user_id = conn.execute(
                users.insert().values(
                    username=name, display_name=display, password_hash=password_hash, is_admin=is_admin, created_at=now
                )
            ).inserted_primary_key[0]  # type: ignore[index]  # never None for an INSERT
    except sa.exc.IntegrityError as exc:
        raise AccountError(f"The username {name!r} is taken.") from exc
    return User(user_id, name, display, is_admin)


def get_user(conn: Connection, user_id: int) -> User | None:
    row = conn.execute(sa.select(users).where(users.c.id == user_id)).first()
    return _user(row) if row else None


def user_by_name(conn: Connection, username: str) -> User | None:
    row = conn.execute(sa.select(users).where(users.c.username == username.strip().lower())).first()
    return _user(row) if row else None


def password_hash_of(conn: Connection, user_id: int) -> str | None:
    return conn.execute(sa.select(users.c.password_hash).where(users.c.id == user_id)).scalar()


def set_password_hash(conn: Connection, user_id: int, password_hash: str) -> None:
    conn.execute(users.update().where(users.c.id == user_id).values(password_hash=password_hash))


def set_admin(conn: Connection, user_id: int, is_admin: bool) -> None:
    conn.execute(users.update().where(users.c.id == user_id).values(is_admin=is_admin))


def token_hash(token: str) -> str:
    """Sessions are stored by the hash of their token: a leaked table opens no session."""
    return hashlib.sha256(token.encode()).hexdigest()


def create_session(conn: Connection, user_id: int, token: str, now: datetime, lifetime: timedelta) -> None:
    conn.execute(
        sessions.insert().values(
            token_hash=token_hash(token), user_id=user_id, created_at=now, expires_at=now + lifetime
        )
    )


def session_user(conn: Connection, token: str, now: datetime) -> User | None:
    """Return the user a session token belongs to, if the session is alive (every signed-in request asks)."""
    rows = driver_rows(
        conn,
        "SELECT u.id, u.username, u.display_name, u.is_admin FROM users u JOIN sessions s ON s.user_id = u.id"
        " WHERE s.token_hash = ? AND s.expires_at > ?",
        (token_hash(token), stored_time(conn, now)),
    )
    return User(rows[0][0], rows[0][1], rows[0][2], bool(rows[0][3])) if rows else None


def end_session(conn: Connection, token: str) -> None:
    conn.execute(sessions.delete().where(sessions.c.token_hash == token_hash(token)))


def end_other_sessions(conn: Connection, user_id: int, keep_token: str | None) -> None:
    """End every session of a user but one (after a password change)."""
    stmt = sessions.delete().where(sessions.c.user_id == user_id)
    if keep_token:
        stmt = stmt.where(sessions.c.token_hash != token_hash(keep_token))
    conn.execute(stmt)


def feed_token(conn: Connection, user_id: int, now: datetime, *, renew: bool = False) -> str:
    """Return the token of the user's private feed, making one (or a new one) when asked."""
    current = conn.execute(sa.select(feed_tokens.c.token).where(feed_tokens.c.user_id == user_id)).scalar()
    if current and not renew:
        return current
    token = secrets.token_urlsafe(32)
    if current:
        conn.execute(feed_tokens.update().where(feed_tokens.c.user_id == user_id).values(token=token, created_at=now))
    else:
        conn.execute(feed_tokens.insert().values(user_id=user_id, token=token, created_at=now))
    return token


def user_by_feed_token(conn: Connection, token: str) -> User | None:
    if not token or len(token) > 64:
        return None
    row = conn.execute(
        sa.select(users).join(feed_tokens, feed_tokens.c.user_id == users.c.id).where(feed_tokens.c.token == token)
    ).first()
    return _user(row) if row else None
