"""What a reader tells the recommender: upvotes and collected papers (for), dismissals (against),
and, before any of those, the categories, authors and papers they say they follow."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from paperfeed.store.db import upsert
from paperfeed.store.schema import (
    collection_items,
    collections,
    digest_papers,
    dismissals,
    interests,
    papers,
    subscriptions,
    votes,
)

KINDS = ("category", "author", "paper")
MAX_INTERESTS = 50


def positives(conn: Connection, user_id: int) -> list[int]:
    """Return the papers a reader upvoted or collected, the most recent signal first."""
    voted = sa.select(votes.c.paper_id, votes.c.created_at.label("at")).where(votes.c.user_id == user_id)
    kept = (
        sa.select(collection_items.c.paper_id, collection_items.c.added_at.label("at"))
        .join(collections, collections.c.id == collection_items.c.collection_id)
        .where(collections.c.user_id == user_id)
    )
    both = sa.union_all(voted, kept).subquery()
    rows = conn.execute(
        sa.select(both.c.paper_id, sa.func.max(both.c.at).label("at"))
        .group_by(both.c.paper_id)
        .order_by(sa.desc("at"), both.c.paper_id)
    )
    return [r.paper_id for r in rows]


def dismissed(conn: Connection, user_id: int) -> set[int]:
    return set(conn.execute(sa.select(dismissals.c.paper_id).where(dismissals.c.user_id == user_id)).scalars())


def dismiss(conn: Connection, user_id: int, paper_id: int, now: datetime) -> None:
    conn.execute(
        upsert(conn, dismissals).values(user_id=user_id, paper_id=paper_id, created_at=now).on_conflict_do_nothing()
    )


def undismiss(conn: Connection, user_id: int, paper_id: int) -> None:
    conn.execute(dismissals.delete().where(dismissals.c.user_id == user_id, dismissals.c.paper_id == paper_id))


def user_interests(conn: Connection, user_id: int) -> list[tuple[str, str]]:
    rows = conn.execute(
        sa.select(interests.c.kind, interests.c.value)
        .where(interests.c.user_id == user_id)
        .order_by(interests.c.kind, interests.c.value)
    )
    return [(r.kind, r.value) for r in rows]


def set_interests(conn: Connection, user_id: int, chosen: list[tuple[str, str]], now: datetime) -> None:
    """Replace what a reader follows (a cold start: before they have upvoted anything)."""
    clean = list(dict.fromkeys((k, " ".join(v.split())[:200]) for k, v in chosen if k in KINDS and v.strip()))
    if len(clean) > MAX_INTERESTS:
        raise ValueError(f"Choose at most {MAX_INTERESTS} categories, authors and papers in all.")
    conn.execute(interests.delete().where(interests.c.user_id == user_id))
    if clean:
        conn.execute(
            interests.insert(), [{"user_id": user_id, "kind": k, "value": v, "created_at": now} for k, v in clean]
        )


def signal_state(conn: Connection, user_id: int) -> tuple[datetime | None, int]:
    """Return (when the reader's signals last changed, how many there are): picks go stale on either."""
    parts = [
        sa.select(votes.c.created_at.label("at")).where(votes.c.user_id == user_id),
        sa.select(collection_items.c.added_at.label("at"))
        .join(collections, collections.c.id == collection_items.c.collection_id)
        .where(collections.c.user_id == user_id),
        sa.select(dismissals.c.created_at.label("at")).where(dismissals.c.user_id == user_id),
        sa.select(interests.c.created_at.label("at")).where(interests.c.user_id == user_id),
    ]
    every = sa.union_all(*parts).subquery()
    row = conn.execute(sa.select(sa.func.max(every.c.at), sa.func.count())).one()
    return row[0], int(row[1])


def seen_in_digests(conn: Connection, user_id: int) -> set[int]:
    """Papers a digest already carried to any of the reader's subscribed addresses."""
    return set(
        conn.execute(
            sa.select(digest_papers.c.paper_id)
            .join(subscriptions, subscriptions.c.id == digest_papers.c.subscription_id)
            .where(subscriptions.c.user_id == user_id)
        ).scalars()
    )


def reader_categories(conn: Connection, user_id: int, limit: int = 5) -> list[str]:
    """Return the categories a user upvotes and collects most, most first."""
    kept = sa.union_all(
        sa.select(votes.c.paper_id).where(votes.c.user_id == user_id),
        sa.select(collection_items.c.paper_id)
        .join(collections, collections.c.id == collection_items.c.collection_id)
        .where(collections.c.user_id == user_id),
    ).subquery()
    rows = conn.execute(
        sa.select(papers.c.primary_category, sa.func.count().label("n"))
        .join(kept, kept.c.paper_id == papers.c.id)
        .where(papers.c.primary_category.is_not(None))
        .group_by(papers.c.primary_category)
        .order_by(sa.desc("n"), papers.c.primary_category)
        .limit(limit)
    )
    return [r.primary_category for r in rows]
