"""Upvotes: a row per (user, paper) and an exact counter on the paper.

The counter changes in the same transaction as the row it counts, with
UPDATE … SET n = n + 1, so it stays exact however many people vote at once.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from paperfeed.store.db import upsert
from paperfeed.store.schema import papers, votes


def toggle_vote(conn: Connection, user_id: int, paper_id: int, now: datetime) -> tuple[bool, int]:
    """Add the user's vote or take it back; return (voted now, the paper's total votes)."""
    # RETURNING says whether the row went in (rowcount is not reliable for ON CONFLICT on every driver).
    added = (
        conn.execute(
            upsert(conn, votes)
            .values(user_id=user_id, paper_id=paper_id, created_at=now)
            .on_conflict_do_nothing()
            .returning(votes.c.user_id)
        ).first()
        is not None
    )
    if added:
        delta = 1
    else:
        conn.execute(votes.delete().where(votes.c.user_id == user_id, votes.c.paper_id == paper_id))
        delta = -1
    total = conn.execute(
        papers.update()
        .where(papers.c.id == paper_id)
        .values(vote_count=papers.c.vote_count + delta)
        .returning(papers.c.base_upvotes + papers.c.vote_count)
    ).scalar_one()
    return bool(added), int(total)


def voted_papers(conn: Connection, user_id: int, paper_ids: list[int]) -> set[int]:
    """Return which of these papers the user has voted for."""
    if not paper_ids:
        return set()
    return set(
        conn.execute(
            sa.select(votes.c.paper_id).where(votes.c.user_id == user_id, votes.c.paper_id.in_(paper_ids))
        ).scalars()
    )


def latest_vote_at(conn: Connection, paper_ids: list[int]) -> datetime | None:
    """Return when any of these papers was last upvoted (feeds change when their order may)."""
    if not paper_ids:
        return None
    return conn.execute(sa.select(sa.func.max(votes.c.created_at)).where(votes.c.paper_id.in_(paper_ids))).scalar()
