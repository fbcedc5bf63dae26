"""Personal API tokens: made, listed, revoked, and looked up by the hash of their value."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from paperfeed.store.schema import api_tokens, users
from paperfeed.store.users import User

PREFIX = "pf_"
MAX_TOKENS = 20
TOUCH_EVERY = timedelta(minutes=5)  # last_used_at is written at most this often


@dataclass(frozen=True, slots=True)
class ApiToken:
    id: int
    name: str
    created_at: datetime
    last_used_at: datetime | None


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(conn: Connection, user_id: int, name: str, now: datetime) -> str:
    """Make a token and return its value: the only time it is seen, since only its hash is stored."""
    name = " ".join(name.split())[:100] or "token"
    live = conn.execute(
        sa.select(sa.func.count())
        .select_from(api_tokens)
        .where(api_tokens.c.user_id == user_id, api_tokens.c.revoked_at.is_(None))
    ).scalar()
    if (live or 0) >= MAX_TOKENS:
        raise ValueError(f"You have {MAX_TOKENS} tokens already; revoke one first.")
    token = PREFIX + secrets.token_urlsafe(32)
    conn.execute(api_tokens.insert().values(user_id=user_id, name=name, token_hash=token_hash(token), created_at=now))
    return token


def user_tokens(conn: Connection, user_id: int) -> list[ApiToken]:
    rows = conn.execute(
        sa.select(api_tokens)
        .where(api_tokens.c.user_id == user_id, api_tokens.c.revoked_at.is_(None))
        .order_by(api_tokens.c.id)
    )
    return [ApiToken(r.id, r.name, r.created_at, r.last_used_at) for r in rows]


def revoke_token(conn: Connection, user_id: int, token_id: int, now: datetime) -> bool:
    result = conn.execute(
        api_tokens.update()
        .where(api_tokens.c.id == token_id, api_tokens.c.user_id == user_id, api_tokens.c.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    return result.rowcount == 1


def is_live_token(conn: Connection, token: str) -> bool:
    """Return whether a token is one of ours and not revoked (without noting a use)."""
    if not token.startswith(PREFIX) or len(token) > 100:
        return False
    found = conn.execute(
        sa.select(api_tokens.c.id).where(
            api_tokens.c.token_hash == token_hash(token), api_tokens.c.revoked_at.is_(None)
        )
    ).first()
    return found is not None


def token_user(conn: Connection, token: str, now: datetime) -> User | None:
    """Return the user a live token belongs to (and note its use), or None."""
    if not token.startswith(PREFIX) or len(token) > 100:
        return None
    row = conn.execute(
        sa.select(
            users.c.id,
            users.c.username,
            users.c.display_name,
            users.c.is_admin,
            api_tokens.c.id.label("token_id"),
            api_tokens.c.last_used_at,
        )
        .join(api_tokens, api_tokens.c.user_id == users.c.id)
        .where(api_tokens.c.token_hash == token_hash(token), api_tokens.c.revoked_at.is_(None))
    ).first()
    if row is None:
        return None
    if row.last_used_at is None or now - row.last_used_at > TOUCH_EVERY:
        conn.execute(api_tokens.update().where(api_tokens.c.id == row.token_id).values(last_used_at=now))
    return User(row.id, row.username, row.display_name, bool(row.is_admin))
