"""`paperfeed backup` and `restore`: a consistent copy of a SQLite store, and back."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from paperfeed.cli import main
from paperfeed.store.db import make_engine
from paperfeed.store.schema import papers


def run(url: str, *args: str):
    return CliRunner().invoke(
        main, list(args), env={"PAPERFEED_DATABASE_URL": url, "CI": "1", "PAPERFEED_EMBED_AFTER_INGEST": "0"}
    )


def count(url: str) -> int:
    with make_engine(url).connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(papers)).scalar()


def test_backup_then_restore(tmp_path):
    url = f"sqlite:///{tmp_path / 'site.db'}"
    assert run(url, "init", "--sample").exit_code == 0
    made = run(url, "backup", str(tmp_path / "copy.db"))
    assert made.exit_code == 0 and "backed up to" in made.output
    assert run(url, "backup", str(tmp_path / "copy.db")).exit_code == 1  # never overwrites
    with make_engine(url).begin() as conn:
        conn.execute(papers.delete())
    assert count(url) == 0
    assert run(url, "restore", str(tmp_path / "copy.db")).exit_code == 2  # asks for --yes
    restored = run(url, "restore", str(tmp_path / "copy.db"), "--yes")
    assert restored.exit_code == 0, restored.output
    assert count(url) == 290


def test_restore_refuses_what_is_not_a_backup(tmp_path):
    url = f"sqlite:///{tmp_path / 'site.db'}"
    run(url, "init")
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    result = run(url, "restore", str(junk), "--yes")
    assert result.exit_code == 1 and "not a paperfeed backup" in result.output


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_postgresql_points_to_pg_dump(database_url, tmp_path):
    result = run(database_url, "backup", str(tmp_path / "x.db"))
    assert result.exit_code == 1 and "pg_dump" in result.output


def test_migrate_is_safe_to_repeat(tmp_path):
    url = f"sqlite:///{tmp_path / 'site.db'}"
    assert run(url, "migrate").exit_code == 0
    assert "schema is current" in run(url, "migrate").output
