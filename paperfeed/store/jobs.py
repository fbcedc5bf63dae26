"""The record of job runs: one row per run, written when it starts and when it ends."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from paperfeed.store.schema import job_runs

# The jobs `paperfeed worker` runs (jobs/schedule.py says when); the admin page lists their runs by these names.
JOB_NAMES = ("digest", "index", "ingest", "submissions")


@dataclass(frozen=True, slots=True)
class JobRun:
    id: int
    job: str
    started_at: datetime
    finished_at: datetime | None
    outcome: str
    detail: str | None
    worker: str


def _run(row: sa.Row) -> JobRun:
    return JobRun(row.id, row.job, row.started_at, row.finished_at, row.outcome, row.detail, row.worker)


def start_run(conn: Connection, job: str, worker: str, now: datetime) -> int:
    return int(
        conn.execute(
            job_runs.insert().values(job=job, started_at=now, outcome="running", worker=worker)
        ).inserted_primary_key[0]  # type: ignore[index]  # never None for an INSERT
    )  # type: ignore[index]


def finish_run(conn: Connection, run_id: int, outcome: str, detail: str, now: datetime) -> None:
    conn.execute(
        job_runs.update().where(job_runs.c.id == run_id).values(outcome=outcome, detail=detail[:4000], finished_at=now)
    )


def abandon_runs(conn: Connection, job: str, now: datetime) -> int:
    """Mark runs still 'running' as failed: called by whoever holds the job's lock, so their worker is gone."""
    return (
        conn.execute(
            job_runs.update()
            .where(job_runs.c.job == job, job_runs.c.outcome == "running")
            .values(outcome="failed", finished_at=now, detail="the worker stopped before the job ended")
        ).rowcount
        or 0
    )


def last_success(conn: Connection, job: str) -> JobRun | None:
    row = conn.execute(
        sa.select(job_runs)
        .where(job_runs.c.job == job, job_runs.c.outcome == "ok")
        .order_by(job_runs.c.started_at.desc())
        .limit(1)
    ).first()
    return _run(row) if row else None


def recent_runs(conn: Connection, limit: int = 100) -> list[JobRun]:
    return [_run(r) for r in conn.execute(sa.select(job_runs).order_by(job_runs.c.id.desc()).limit(limit))]
