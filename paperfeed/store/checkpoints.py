"""Harvest checkpoints: where an incremental harvest stands, so an interrupted one resumes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from paperfeed.store.schema import harvest_checkpoints


@dataclass(frozen=True, slots=True)
class Checkpoint:
    name: str
    from_date: date | None = None
    resumption_token: str | None = None
    last_success_date: date | None = None


def load_checkpoint(conn: Connection, name: str) -> Checkpoint:
    """Return the saved checkpoint, or an empty one for a harvest never run."""
    row = conn.execute(
        sa.select(
            harvest_checkpoints.c.from_date,
            harvest_checkpoints.c.resumption_token,
            harvest_checkpoints.c.last_success_date,
        ).where(harvest_checkpoints.c.name == name)
    ).first()
    if row is None:
        return Checkpoint(name)
    return Checkpoint(name, row.from_date, row.resumption_token, row.last_success_date)


def save_checkpoint(conn: Connection, checkpoint: Checkpoint, now: datetime) -> None:
    """Write the checkpoint; call it in the transaction that stored the page it follows."""
    values = {
        "from_date": checkpoint.from_date,
        "resumption_token": checkpoint.resumption_token,
        "last_success_date": checkpoint.last_success_date,
        "updated_at": now,
    }
    updated = conn.execute(
        harvest_checkpoints.update().where(harvest_checkpoints.c.name == checkpoint.name).values(values)
    )
    if updated.rowcount == 0:
        conn.execute(harvest_checkpoints.insert().values(name=checkpoint.name, **values))
