"""The recommendations last computed for each reader, and when: pages read these, never the model."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from paperfeed.store.schema import pick_runs, picks


@dataclass(frozen=True, slots=True)
class Pick:
    paper_id: int
    score: float
    because: list[int]  # the reader's own papers it is closest to
    shared: list[str]  # keywords it shares with them


@dataclass(frozen=True, slots=True)
class PickRun:
    computed_at: datetime
    signals: int


def save_picks(conn: Connection, user_id: int, chosen: list[Pick], now: datetime, signals: int) -> None:
    conn.execute(picks.delete().where(picks.c.user_id == user_id))
    if chosen:
        conn.execute(
            picks.insert(),
            [
                {
                    "user_id": user_id,
                    "paper_id": p.paper_id,
                    "position": n,
                    "score": p.score,
                    "because": p.because,
                    "shared": p.shared,
                }
                for n, p in enumerate(chosen)
            ],
        )
    conn.execute(pick_runs.delete().where(pick_runs.c.user_id == user_id))
    conn.execute(pick_runs.insert().values(user_id=user_id, computed_at=now, signals=signals))


def load_picks(conn: Connection, user_id: int) -> list[Pick]:
    rows = conn.execute(sa.select(picks).where(picks.c.user_id == user_id).order_by(picks.c.position))
    return [Pick(r.paper_id, r.score, list(r.because), list(r.shared)) for r in rows]


def last_run(conn: Connection, user_id: int) -> PickRun | None:
    row = conn.execute(sa.select(pick_runs).where(pick_runs.c.user_id == user_id)).first()
    return PickRun(row.computed_at, row.signals) if row else None


def drop_pick(conn: Connection, user_id: int, paper_id: int) -> None:
    conn.execute(picks.delete().where(picks.c.user_id == user_id, picks.c.paper_id == paper_id))
