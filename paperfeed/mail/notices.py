"""Queuing the mail a subscribe request causes: a confirmation, or a note that the address is subscribed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.engine import Connection

from paperfeed.mail.compose import Composer
from paperfeed.store.outbox import enqueue
from paperfeed.store.subscriptions import Wanted, subscribe


def request_subscription(conn: Connection, composer: Composer, email: str, wanted: Wanted, now: datetime) -> str | None:
    """Record the request and queue its mail; return the outbox key, or None when no mail is due."""
    sub, kind = subscribe(conn, email, wanted, now)
    if kind is None:
        return None
    key = f"{kind}:{sub.id}:{now:%Y%m%dT%H%M%S.%f}"
    enqueue(conn, key, sub.email, composer.notice(sub, kind, key, wanted), sub.id, now)
    return key
