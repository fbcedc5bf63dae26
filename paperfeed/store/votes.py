"""Upvotes: a row per (user, paper) and an exact counter on the paper.

The counter changes in the same transaction as the row it counts, with
UPDATE … SET n = n + 1, so it stays exact however many people vote at once.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from paperfeed.store.db import driver_rows, upsert
from paperfeed.store.quotas import take
from paperfeed.store.schema import papers, votes


def set_vote(conn: Connection, user_id: int, paper_id: int, want: bool, now: datetime) -> tuple[bool, int]:
    """Make the user's vote on a paper be `want`; return (voted, the paper's total votes).

    Idempotent, and safe under concurrency: the insert or delete decides by itself whether anything
    changed (RETURNING says so: rowcount is not reliable for ON CONFLICT on every driver), and the
    counter moves only when a row really went in or out.
    """
    take(conn, "vote", f"user:{user_id}", now)
    if want:
        changed = (
            conn.execute(
                upsert(conn, votes)
                .values(user_id=user_id, paper_id=paper_id, created_at=now)
                .on_conflict_do_nothing()
                .returning(votes.c.user_id)
            ).first()
            is not None
        )
    else:
        changed = (
            conn.execute(
                votes.delete()
                .where(votes.c.user_id == user_id, votes.c.paper_id == paper_id)
                .returning(votes.c.user_id)
            ).first()
            is not None
        )
    total = papers.c.base_upvotes + papers.c.vote_count
    if changed:
        delta = 1 if want else -1
        counted = conn.execute(
            papers.update()
            .where(papers.c.id == paper_id)
            .values(vote_count=papers.c.vote_count + delta)
            .returning(total)
        ).scalar_one()
    else:
        counted = conn.execute(sa.select(total).where(papers.c.id == paper_id)).scalar_one()
    return want, int(counted)


def toggle_vote(conn: Connection, user_id: int, paper_id: int, now: datetime) -> tuple[bool, int]:
    """Add the user's vote or take it back (the site's button); return (voted now, the paper's total votes)."""
    voted = conn.execute(
        sa.select(votes.c.user_id).where(votes.c.user_id == user_id, votes.c.paper_id == paper_id)
    ).first()
    return set_vote(conn, user_id, paper_id, voted is None, now)


def voted_papers(conn: Connection, user_id: int, paper_ids: list[int]) -> set[int]:
    """Return which of these papers the user has voted for.

    Every member's page asks this for its 25 to 50 papers; an expanding IN cost 5 times the query
    (bench/pages.py), so the ids, integers by construction, are written into the statement.
    """
    if not paper_ids:
        return set()
    ids = ",".join(str(int(i)) for i in paper_ids)
    sql = f"SELECT paper_id FROM votes WHERE user_id = ? AND paper_id IN ({ids})"
    return {row[0] for row in driver_rows(conn, sql, (int(user_id),))}


def latest_vote_at(conn: Connection, paper_ids: list[int]) -> datetime | None:
    """Return when any of these papers was last upvoted (feeds change when their order may)."""
    if not paper_ids:
        return None
    return conn.execute(sa.select(sa.func.max(votes.c.created_at)).where(votes.c.paper_id.in_(paper_ids))).scalar()
