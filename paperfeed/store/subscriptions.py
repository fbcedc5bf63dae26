"""Digest subscriptions: double opt-in, preferences, unsubscribing, and what each was already sent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from zoneinfo import available_timezones as _zones

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from paperfeed.records import is_category
from paperfeed.store.db import upsert
from paperfeed.store.schema import digest_papers, subscriptions, users

FREQUENCIES = ("daily", "weekly")
TOPICS = ("trending", "categories", "foryou")
MAX_CATEGORIES = 20
MAX_COUNT = 50
DEFAULT_COUNT = 10
DEFAULT_HOUR = 7
RESEND_AFTER = timedelta(minutes=10)  # at most one confirmation mail per address in this time
STOP_AFTER_BOUNCES = 3


@cache
def available_timezones() -> frozenset[str]:
    return frozenset(_zones())


class SubscriptionError(ValueError):
    """Preferences that cannot be kept; the message is for the subscriber."""


@dataclass(frozen=True, slots=True)
class Preferences:
    frequency: str = "daily"
    topic: str = "trending"
    categories: tuple[str, ...] = ()
    count: int = DEFAULT_COUNT
    hour: int = DEFAULT_HOUR  # the local hour from which a digest is due
    timezone: str = "UTC"


@dataclass(frozen=True, slots=True)
class Wanted:
    """What one subscribe request asked for: carried in its confirmation link, applied only when it is followed."""

    prefs: Preferences
    user_id: int | None = None


@dataclass(frozen=True, slots=True)
class Subscription:
    id: int
    email: str
    user_id: int | None
    prefs: Preferences
    confirmed_at: datetime | None
    unsubscribed_at: datetime | None
    stopped_at: datetime | None
    bounces: int

    @property
    def active(self) -> bool:
        return self.confirmed_at is not None and self.unsubscribed_at is None and self.stopped_at is None


def check_preferences(
    frequency: str,
    topic: str,
    categories: str | list[str] | tuple[str, ...],
    count: int,
    *,
    allow_foryou: bool = False,
    hour: int = DEFAULT_HOUR,
    timezone: str = "UTC",
) -> Preferences:
    """Return valid preferences, or raise SubscriptionError saying what is wrong."""
    if frequency not in FREQUENCIES:
        raise SubscriptionError("Choose a daily or a weekly digest.")
    if topic not in TOPICS or (topic == "foryou" and not allow_foryou):
        raise SubscriptionError("Choose what the digest should carry: trending papers or papers in categories.")
    names = categories.replace(",", " ").split() if isinstance(categories, str) else list(categories)
    cats = tuple(dict.fromkeys(names))
    if len(cats) > MAX_CATEGORIES:
        raise SubscriptionError(f"Choose at most {MAX_CATEGORIES} categories.")
    bad = [c for c in cats if not is_category(c)]
    if bad:
        raise SubscriptionError(f"{bad[0][:40]!r} is not an arXiv category such as cs.CL or hep-th.")
    if topic == "categories" and not cats:
        raise SubscriptionError("Name at least one category, such as cs.CL.")
    if not 1 <= count <= MAX_COUNT:
        raise SubscriptionError(f"A digest carries from 1 to {MAX_COUNT} papers.")
    if not 0 <= hour <= 23:
        raise SubscriptionError("Choose an hour from 0 to 23.")
    if timezone not in available_timezones():
        raise SubscriptionError(f"{timezone[:40]!r} is not a time zone such as Europe/Paris.")
    return Preferences(frequency, topic, cats if topic == "categories" else (), count, hour, timezone)


def _subscription(row: sa.Row) -> Subscription:
    prefs = Preferences(
        row.frequency, row.topic, tuple(row.categories or ()), row._mapping["count"], row.send_hour, row.timezone
    )
    return Subscription(
        row.id, row.email, row.user_id, prefs, row.confirmed_at, row.unsubscribed_at, row.stopped_at, row.bounces
    )


def get_subscription(conn: Connection, subscription_id: int) -> Subscription | None:
    row = conn.execute(sa.select(subscriptions).where(subscriptions.c.id == subscription_id)).first()
    return _subscription(row) if row else None


def subscription_by_email(conn: Connection, email: str) -> Subscription | None:
    row = conn.execute(sa.select(subscriptions).where(subscriptions.c.email == email)).first()
    return _subscription(row) if row else None


def subscriptions_of_user(conn: Connection, user_id: int) -> list[Subscription]:
    rows = conn.execute(sa.select(subscriptions).where(subscriptions.c.user_id == user_id).order_by(subscriptions.c.id))
    return [_subscription(r) for r in rows]


def subscribe(conn: Connection, email: str, wanted: Wanted, now: datetime) -> tuple[Subscription, str | None]:
    """Record a request to subscribe; return the subscription and which mail to send, if any.

    The request changes nothing a stranger could use: a new address gets a
    pending row holding the request, and an existing one keeps its preferences
    and owner. What was asked for travels in the confirmation link (see
    `confirm`), so only the one who reads that address's mail decides it. The
    mail is "confirm" for a new or lapsed subscription, "manage" for one
    already active, and None when such a mail went out less than RESEND_AFTER ago.
    """
    existing = subscription_by_email(conn, email)
    if existing is None:
        conn.execute(
            upsert(conn, subscriptions)
            .values(email=email, user_id=wanted.user_id, created_at=now, **_columns(wanted.prefs))
            .on_conflict_do_nothing(index_elements=["email"])
        )
        existing = subscription_by_email(conn, email)
        assert existing is not None
    mail = "manage" if existing.active else "confirm"
    # One statement claims the mail, so two requests at once send it once.
    claimed = conn.execute(
        subscriptions.update()
        .where(
            subscriptions.c.id == existing.id,
            sa.or_(subscriptions.c.confirm_sent_at.is_(None), subscriptions.c.confirm_sent_at <= now - RESEND_AFTER),
        )
        .values(confirm_sent_at=now)
    ).rowcount
    return existing, mail if claimed else None


def _columns(prefs: Preferences) -> dict[str, object]:
    return {
        "frequency": prefs.frequency,
        "topic": prefs.topic,
        "categories": list(prefs.categories),
        "count": prefs.count,
        "send_hour": prefs.hour,
        "timezone": prefs.timezone,
    }


def _matching(subscription_id: int, email: str) -> list:
    return [subscriptions.c.id == subscription_id, subscriptions.c.email == email]


def confirm(conn: Connection, subscription_id: int, email: str, wanted: Wanted, now: datetime) -> Subscription | None:
    """Confirm a subscription with what its link asked for; None when it no longer exists.

    An active subscription is left as it is (following an old link twice changes nothing); a
    pending or lapsed one takes the link's preferences and owner, if that account still exists.
    """
    sub = get_subscription(conn, subscription_id)
    if sub is None or sub.email != email:
        return None
    if not sub.active:
        owner = wanted.user_id
        if owner is not None and conn.execute(sa.select(users.c.id).where(users.c.id == owner)).first() is None:
            owner = None
        prefs = wanted.prefs if owner is not None or wanted.prefs.topic != "foryou" else Preferences()
        conn.execute(
            subscriptions.update()
            .where(*_matching(subscription_id, email))
            .values(
                confirmed_at=now, unsubscribed_at=None, stopped_at=None, bounces=0, user_id=owner, **_columns(prefs)
            )
        )
    return get_subscription(conn, subscription_id)


def unsubscribe(conn: Connection, subscription_id: int, email: str, now: datetime) -> bool:
    """Stop a subscription at once; True when it exists (already unsubscribed counts)."""
    sub = get_subscription(conn, subscription_id)
    if sub is None or sub.email != email:
        return False
    if sub.unsubscribed_at is None:
        conn.execute(subscriptions.update().where(*_matching(subscription_id, email)).values(unsubscribed_at=now))
    return True


def update_preferences(conn: Connection, subscription_id: int, email: str, prefs: Preferences) -> bool:
    result = conn.execute(subscriptions.update().where(*_matching(subscription_id, email)).values(**_columns(prefs)))
    return result.rowcount == 1


def active_subscriptions(conn: Connection, frequency: str | None = None) -> list[Subscription]:
    stmt = sa.select(subscriptions).where(
        subscriptions.c.confirmed_at.is_not(None),
        subscriptions.c.unsubscribed_at.is_(None),
        subscriptions.c.stopped_at.is_(None),
    )
    if frequency:
        stmt = stmt.where(subscriptions.c.frequency == frequency)
    return [_subscription(r) for r in conn.execute(stmt.order_by(subscriptions.c.id))]


def record_bounce(conn: Connection, subscription_id: int, now: datetime) -> bool:
    """Count a permanent failure; return True when the subscription is now stopped."""
    conn.execute(
        subscriptions.update().where(subscriptions.c.id == subscription_id).values(bounces=subscriptions.c.bounces + 1)
    )
    conn.execute(
        subscriptions.update()
        .where(
            subscriptions.c.id == subscription_id,
            subscriptions.c.bounces >= STOP_AFTER_BOUNCES,
            subscriptions.c.stopped_at.is_(None),
        )
        .values(stopped_at=now)
    )
    sub = get_subscription(conn, subscription_id)
    return bool(sub and sub.stopped_at)


def record_delivery(conn: Connection, subscription_id: int) -> None:
    """A message got through: bounces only count in a row."""
    conn.execute(
        subscriptions.update()
        .where(subscriptions.c.id == subscription_id, subscriptions.c.bounces > 0)
        .values(bounces=0)
    )


def sent_papers(conn: Connection, subscription_ids: list[int]) -> dict[int, set[int]]:
    """Return, for each subscription, the papers any digest already carried to it."""
    out: dict[int, set[int]] = {i: set() for i in subscription_ids}
    for start in range(0, len(subscription_ids), 500):
        chunk = subscription_ids[start : start + 500]
        for sid, pid in conn.execute(
            sa.select(digest_papers.c.subscription_id, digest_papers.c.paper_id).where(
                digest_papers.c.subscription_id.in_(chunk)
            )
        ):
            out[sid].add(pid)
    return out


def remember_sent(conn: Connection, sent: list[tuple[int, list[int], str]]) -> None:
    """Record (subscription id, paper ids, edition) of digests queued: those papers are not sent to them again."""
    rows = [{"subscription_id": sub, "paper_id": p, "edition": edition} for sub, ids, edition in sent for p in ids]
    if rows:
        conn.execute(upsert(conn, digest_papers).on_conflict_do_nothing(), rows)
