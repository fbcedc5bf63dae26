"""Where each search index stands: a named watermark per index, so upkeep resumes where it stopped."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from paperfeed.store.schema import search_state


def read_state(conn: Connection, name: str) -> str | None:
    """Return a search index's saved position (a watermark), if any."""
    return conn.execute(sa.select(search_state.c.value).where(search_state.c.name == name)).scalar()


def write_state(conn: Connection, name: str, value: str) -> None:
    """Save a search index's position."""
    if not conn.execute(search_state.update().where(search_state.c.name == name).values(value=value)).rowcount:
        conn.execute(search_state.insert().values(name=name, value=value))


def forget_state(conn: Connection, name: str) -> None:
    """Forget a search index's position (it is rebuilt from the start)."""
    conn.execute(search_state.delete().where(search_state.c.name == name))
