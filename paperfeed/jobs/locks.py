"""One job at a time across every worker: PostgreSQL advisory locks, or file locks beside SQLite.

Both are released by the operating system or the database when the holder
dies, so a killed worker never leaves a job locked.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine


def _key(name: str) -> int:
    """A stable signed 64-bit key for pg_try_advisory_lock."""
    return int.from_bytes(hashlib.sha256(f"paperfeed-job:{name}".encode()).digest()[:8], "big", signed=True)


@contextmanager
def job_lock(engine: Engine, name: str, data_dir: str) -> Iterator[bool]:
    """Hold the job's lock for the block; yields False (and holds nothing) when another worker has it."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:  # the session holds the lock: it ends with the connection
            got = bool(conn.execute(sa.text("SELECT pg_try_advisory_lock(:k)"), {"k": _key(name)}).scalar())
            conn.commit()
            try:
                yield got
            finally:
                if got:
                    conn.execute(sa.text("SELECT pg_advisory_unlock(:k)"), {"k": _key(name)})
                    conn.commit()
        return
    folder = Path(data_dir) / "locks"
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder / f"{name}.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
