"""The submission queue: papers members asked for, waiting for a worker to fetch them from arXiv.

A request is queued at once; a worker claims the oldest open one with a
compare-and-set UPDATE (so several workers, on one machine or many, never take
the same one), and a claim older than CLAIM_EXPIRES is taken again: a worker
killed mid-fetch loses nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from paperfeed.store.schema import submissions

OPEN = ("queued", "fetching")
CLAIM_EXPIRES = timedelta(minutes=10)
MAX_ATTEMPTS = 5  # an arXiv that keeps failing: the submitter is told, and may ask again later


@dataclass(frozen=True, slots=True)
class Submission:
    id: int
    arxiv_id: str
    user_id: int
    state: str  # queued | fetching | listed | failed
    reason: str | None
    attempts: int
    requested_at: datetime
    finished_at: datetime | None

    @property
    def open(self) -> bool:
        return self.state in OPEN


def _submission(row: sa.Row) -> Submission:
    return Submission(
        row.id, row.arxiv_id, row.user_id, row.state, row.reason, row.attempts, row.requested_at, row.finished_at
    )


def queue_submission(conn: Connection, arxiv_id: str, user_id: int, now: datetime) -> Submission:
    """Queue a request for a worker to fetch; return it."""
    result = conn.execute(
        submissions.insert().values(arxiv_id=arxiv_id, user_id=user_id, state="queued", requested_at=now)
    )
    found = get_submission(conn, int(result.inserted_primary_key[0]))  # type: ignore[index]  # set by an INSERT
    assert found is not None
    return found


def get_submission(conn: Connection, submission_id: int) -> Submission | None:
    row = conn.execute(sa.select(submissions).where(submissions.c.id == submission_id)).first()
    return _submission(row) if row else None


def open_submission(conn: Connection, arxiv_id: str) -> Submission | None:
    """Return the request for this paper still waiting or being fetched, if any."""
    row = conn.execute(
        sa.select(submissions)
        .where(submissions.c.arxiv_id == arxiv_id, submissions.c.state.in_(OPEN))
        .order_by(submissions.c.id)
        .limit(1)
    ).first()
    return _submission(row) if row else None


def _claimable(now: datetime, before: datetime) -> sa.ColumnElement[bool]:
    waiting = sa.and_(
        submissions.c.state == "queued", sa.or_(submissions.c.claimed_at.is_(None), submissions.c.claimed_at < before)
    )
    abandoned = sa.and_(submissions.c.state == "fetching", submissions.c.claimed_at < now - CLAIM_EXPIRES)
    return sa.or_(waiting, abandoned)


def claim_next(conn: Connection, now: datetime, before: datetime | None = None) -> Submission | None:
    """Take the oldest request no worker holds; None when there is none. Run it in its own transaction.

    Requests put back after a failure since `before` (this run's start) wait for the next run.
    """
    before = before or now
    for _ in range(5):  # another worker may take the one we saw: look again
        candidate = conn.execute(
            sa.select(submissions.c.id).where(_claimable(now, before)).order_by(submissions.c.id).limit(1)
        ).scalar()
        if candidate is None:
            return None
        taken = conn.execute(
            submissions.update()
            .where(submissions.c.id == candidate, _claimable(now, before))
            .values(state="fetching", claimed_at=now, attempts=submissions.c.attempts + 1)
        )
        if taken.rowcount == 1:
            return get_submission(conn, candidate)
    return None


def finish_submission(
    conn: Connection, submission_id: int, state: str, now: datetime, reason: str | None = None
) -> None:
    """Record how a request ended: listed, or failed with the reason the submitter will read."""
    conn.execute(
        submissions.update()
        .where(submissions.c.id == submission_id)
        .values(state=state, reason=reason, finished_at=now)
    )


def release_submission(conn: Connection, submission: Submission, now: datetime, reason: str) -> str:
    """Put a request back in the queue after an upstream failure, or fail it after MAX_ATTEMPTS; return its state."""
    if submission.attempts >= MAX_ATTEMPTS:
        finish_submission(conn, submission.id, "failed", now, reason)
        return "failed"
    conn.execute(submissions.update().where(submissions.c.id == submission.id).values(state="queued", reason=reason))
    return "queued"
