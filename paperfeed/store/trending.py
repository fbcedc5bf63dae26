"""Trending: papers ranked by `paperfeed.trending`'s score, and what stands in when nothing trends.

`trending_list` is the one rule every view uses (the page, the API, the feed,
the digest): the trending ranking, then, when fewer papers than asked trend
(a quiet fortnight, a new site), the most upvoted papers of all time that are
not in it, each with at least one vote.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from paperfeed import trending
from paperfeed.store.listings import latest_day
from paperfeed.store.models import VISIBLE, VOTES, Paper, read_papers, select_papers
from paperfeed.store.papers import papers_by_ids
from paperfeed.store.schema import papers


@dataclass(frozen=True, slots=True)
class Trending:
    """What trending shows: the ranked papers with their scores, then the ones standing in."""

    ranked: list[tuple[Paper, float]]
    standing_in: list[Paper] = field(default_factory=list)

    @property
    def papers(self) -> list[Paper]:
        return [p for p, _ in self.ranked] + self.standing_in


def trending_papers(conn: Connection, now: datetime, limit: int = 50) -> list[tuple[Paper, float]]:
    """Return papers ranked by trending.trending_score, with their scores.

    The reference time is now, or the end of the newest listing day when the
    store has nothing newer (a site that has not ingested for a while, or the
    sample corpus), so trending never goes blank.
    """
    newest = latest_day(conn)
    if newest is None:
        return []
    reference = min(now, datetime.combine(newest + timedelta(days=1), datetime.min.time()))
    since = trending.window_start(reference)
    first_day = since.date()
    # Every paper of a listing day has the same age, so the database can rank them with one
    # weight per day; the few submitted papers (aged from their submission) are scored here.
    weights = {
        first_day + timedelta(days=n): trending.trending_score(
            1, (reference - trending.listed_at(first_day + timedelta(days=n), None)).total_seconds() / 3600
        )
        for n in range((reference.date() - first_day).days + 1)
    }
    score = VOTES * sa.case(weights, value=papers.c.listed_on, else_=0.0)
    in_window = (papers.c.listed_on >= first_day, VOTES > 0, VISIBLE)
    ranked = [
        (float(s), int(v), i)
        for i, v, s in conn.execute(
            sa.select(papers.c.id, VOTES, score.label("score"))
            .where(*in_window, papers.c.submitted_at.is_(None))
            .order_by(sa.desc("score"), VOTES.desc(), papers.c.id.desc())
            .limit(limit)
        )
    ]
    for row in conn.execute(
        sa.select(papers.c.id, VOTES.label("votes"), papers.c.listed_on, papers.c.submitted_at).where(
            *in_window, papers.c.submitted_at.is_not(None)
        )
    ):
        age = (reference - trending.listed_at(row.listed_on, row.submitted_at)).total_seconds() / 3600
        ranked.append((trending.trending_score(row.votes, age), row.votes, row.id))
    ranked.sort(reverse=True)
    top = ranked[:limit]
    by_id = {p.id: p for p in papers_by_ids(conn, [paper_id for _, _, paper_id in top])}
    return [(by_id[paper_id], score) for score, _, paper_id in top if paper_id in by_id]


def trending_list(conn: Connection, now: datetime, limit: int = 50) -> Trending:
    """Return what trending shows: the `limit` best trending papers, topped up by the most upvoted of all time."""
    ranked = trending_papers(conn, now, limit)
    if len(ranked) >= limit:
        return Trending(ranked)
    seen = [p.id for p, _ in ranked]
    stmt = select_papers().where(VISIBLE, VOTES > 0)
    if seen:
        stmt = stmt.where(papers.c.id.not_in(seen))
    best = read_papers(conn, stmt.order_by(VOTES.desc(), papers.c.id.desc()).limit(limit - len(ranked)))
    return Trending(ranked, best)
