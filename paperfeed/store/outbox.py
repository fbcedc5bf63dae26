"""The outbox: every mail is stored here before it is sent, and marked when it has been.

A message's key says what it is (e.g. digest:<subscription>:<edition>); the
key is unique, so building the same edition twice queues it once, and a
sender that dies half-way leaves exactly the unsent messages pending.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from paperfeed.store.db import upsert
from paperfeed.store.schema import outbox, subscriptions

MAX_ATTEMPTS = 8  # temporary failures before a message is given up
FIRST_RETRY = timedelta(minutes=2)
LAST_RETRY = timedelta(hours=6)


@dataclass(frozen=True, slots=True)
class Outgoing:
    id: int
    key: str
    subscription_id: int | None
    recipient: str
    message: bytes
    attempts: int
    bounces: int  # the subscription's bounces in a row (0 when none or no subscription)


def enqueue(
    conn: Connection, key: str, recipient: str, message: bytes, subscription_id: int | None, now: datetime
) -> bool:
    """Queue a message; False when one with this key is already queued or sent."""
    row = conn.execute(
        upsert(conn, outbox)
        .values(
            key=key,
            recipient=recipient,
            message=message,
            subscription_id=subscription_id,
            status="pending",
            attempts=0,
            next_attempt_at=now,
            created_at=now,
        )
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(outbox.c.id)
    ).first()
    return row is not None


def enqueue_many(conn: Connection, messages: list[tuple[str, str, bytes, int | None]], now: datetime) -> None:
    """Queue (key, recipient, message, subscription id) rows in one statement; known keys are skipped."""
    if messages:
        conn.execute(
            upsert(conn, outbox).on_conflict_do_nothing(index_elements=["key"]),
            [
                {
                    "key": key,
                    "recipient": to,
                    "message": body,
                    "subscription_id": sub,
                    "status": "pending",
                    "attempts": 0,
                    "next_attempt_at": now,
                    "created_at": now,
                }
                for key, to, body, sub in messages
            ],
        )


def queued_keys(conn: Connection, keys: list[str]) -> set[str]:
    out: set[str] = set()
    for start in range(0, len(keys), 500):
        out.update(conn.execute(sa.select(outbox.c.key).where(outbox.c.key.in_(keys[start : start + 500]))).scalars())
    return out


def due(
    conn: Connection, now: datetime, after_id: int = 0, limit: int = 200, keys: list[str] | None = None
) -> list[Outgoing]:
    """Return pending messages whose time has come, oldest first, after `after_id`."""
    bounces = sa.func.coalesce(subscriptions.c.bounces, 0).label("bounces")
    stmt = (
        sa.select(
            outbox.c.id,
            outbox.c.key,
            outbox.c.subscription_id,
            outbox.c.recipient,
            outbox.c.message,
            outbox.c.attempts,
            bounces,
        )
        .select_from(outbox.outerjoin(subscriptions, subscriptions.c.id == outbox.c.subscription_id))
        .where(outbox.c.status == "pending", outbox.c.next_attempt_at <= now, outbox.c.id > after_id)
        .order_by(outbox.c.id)
        .limit(limit)
    )
    if keys is not None:
        stmt = stmt.where(outbox.c.key.in_(keys))
    return [
        Outgoing(r.id, r.key, r.subscription_id, r.recipient, bytes(r.message), r.attempts, r.bounces)
        for r in conn.execute(stmt)
    ]


def mark_sent(conn: Connection, message_id: int, now: datetime) -> None:
    conn.execute(
        outbox.update()
        .where(outbox.c.id == message_id)
        .values(status="sent", sent_at=now, attempts=outbox.c.attempts + 1, last_error=None)
    )


def mark_failed(conn: Connection, message_id: int, error: str) -> None:
    """A permanent failure: the message is not tried again."""
    conn.execute(
        outbox.update()
        .where(outbox.c.id == message_id)
        .values(status="failed", attempts=outbox.c.attempts + 1, last_error=error[:1000])
    )


def defer(conn: Connection, message: Outgoing, error: str, now: datetime) -> bool:
    """A temporary failure: try again later, with a doubling wait; False when it is given up instead."""
    attempts = message.attempts + 1
    if attempts >= MAX_ATTEMPTS:
        mark_failed(conn, message.id, f"gave up after {attempts} temporary failures; last: {error}")
        return False
    wait = min(FIRST_RETRY * 2 ** (attempts - 1), LAST_RETRY)
    conn.execute(
        outbox.update()
        .where(outbox.c.id == message.id)
        .values(attempts=attempts, next_attempt_at=now + wait, last_error=error[:1000])
    )
    return True


@dataclass(frozen=True, slots=True)
class OutboxStats:
    counts: dict[str, int]
    failures: list[tuple[str, str, str]]  # (key, recipient, error) of the latest failed messages


def outbox_stats(conn: Connection, failures: int = 10) -> OutboxStats:
    counts = {s: int(n) for s, n in conn.execute(sa.select(outbox.c.status, sa.func.count()).group_by(outbox.c.status))}
    rows = conn.execute(
        sa.select(outbox.c.key, outbox.c.recipient, outbox.c.last_error)
        .where(outbox.c.last_error.is_not(None))
        .order_by(outbox.c.id.desc())
        .limit(failures)
    )
    return OutboxStats(counts, [(r.key, r.recipient, r.last_error) for r in rows])


@dataclass(frozen=True, slots=True)
class Kept:
    """A message as the outbox keeps it, for the page that shows admins what the site mailed."""

    id: int
    key: str
    recipient: str
    message: bytes
    status: str
    created_at: datetime
    sent_at: datetime | None
    last_error: str | None


def kept_messages(
    conn: Connection, limit: int = 100, message_id: int | None = None, key: str | None = None
) -> list[Kept]:
    """Return the newest messages of the outbox (or the one with this id or key), whatever their state."""
    stmt = sa.select(
        outbox.c.id,
        outbox.c.key,
        outbox.c.recipient,
        outbox.c.message,
        outbox.c.status,
        outbox.c.created_at,
        outbox.c.sent_at,
        outbox.c.last_error,
    )
    if message_id is not None:
        stmt = stmt.where(outbox.c.id == message_id)
    if key is not None:
        stmt = stmt.where(outbox.c.key == key)
    rows = conn.execute(stmt.order_by(outbox.c.id.desc()).limit(limit))
    return [Kept(*r[:3], bytes(r.message), *r[4:]) for r in rows]


def kept_message(conn: Connection, key: str) -> Kept | None:
    """Return the message queued under an idempotency key."""
    found = kept_messages(conn, 1, key=key)
    return found[0] if found else None
