"""Backups of a SQLite store with SQLite's online backup API: consistent while the site runs."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy.engine import Engine

PAGES_PER_STEP = 4096  # copied between moments when writers may go on


class BackupError(RuntimeError):
    """The backup or restore cannot be made; the message says why."""


def _driver(engine: Engine) -> tuple[object, sqlite3.Connection]:
    if engine.dialect.name != "sqlite":
        raise BackupError(
            "Backups of PostgreSQL are pg_dump's job: pg_dump -Fc DATABASE > paperfeed.dump, "
            "and pg_restore -d DATABASE paperfeed.dump to bring it back."
        )
    raw = engine.raw_connection()
    return raw, raw.driver_connection  # type: ignore[return-value]


def backup(engine: Engine, target: Path) -> int:
    """Copy the store into `target` (a new file); return its size in bytes."""
    if target.exists():
        raise BackupError(f"{target} exists: choose a new file")
    raw, source = _driver(engine)
    try:
        copy = sqlite3.connect(target)
        try:
            source.backup(copy, pages=PAGES_PER_STEP)
        finally:
            copy.close()
    finally:
        raw.close()  # type: ignore[attr-defined]
    return target.stat().st_size


def restore(engine: Engine, source_path: Path) -> None:
    """Replace the store's content with a backup's (stop the web and the worker first)."""
    if not source_path.is_file():
        raise BackupError(f"{source_path} is not a file")
    copy = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True)
    try:
        try:
            version = copy.execute("SELECT version_num FROM alembic_version").fetchone()
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"{source_path} is not a paperfeed backup ({exc})") from exc
        if version is None:
            raise BackupError(f"{source_path} is not a paperfeed backup (no schema version)")
        raw, target = _driver(engine)
        try:
            copy.backup(target, pages=PAGES_PER_STEP)
        finally:
            raw.close()  # type: ignore[attr-defined]
    finally:
        copy.close()
