"""Jobs run once however many workers start them, and a killed worker loses nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta

import sqlalchemy as sa
from click.testing import CliRunner

from paperfeed.cli import main
from paperfeed.jobs.runner import run_job
from paperfeed.jobs.schedule import INGEST_AT, daily_after, every
from paperfeed.store.schema import job_runs


def runs(engine) -> list[tuple[str, str, str | None]]:
    with engine.connect() as conn:
        return [(r.job, r.outcome, r.detail) for r in conn.execute(sa.select(job_runs).order_by(job_runs.c.id))]


def test_a_job_started_on_two_workers_at_once_runs_once(engine, tmp_path):
    started = threading.Barrier(2)
    outcomes = []

    def worker() -> None:
        started.wait()
        outcomes.append(run_job(engine, str(tmp_path), "index", lambda: time.sleep(0.5) or "indexed"))

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["busy", "ok"]
    assert runs(engine) == [("index", "ok", "indexed")]
    assert run_job(engine, str(tmp_path), "index", lambda: "again") == "ok"  # released afterwards


def test_a_failing_job_is_recorded_and_the_lock_released(engine, tmp_path):
    def broken() -> str:
        raise RuntimeError("arXiv said no")

    assert run_job(engine, str(tmp_path), "ingest", broken) == "failed"
    assert runs(engine) == [("ingest", "failed", "RuntimeError: arXiv said no")]
    assert run_job(engine, str(tmp_path), "ingest", lambda: "fine") == "ok"


def test_a_worker_killed_during_a_job_leaves_it_failed_and_unlocked(engine, database_url, tmp_path):
    script = (
        "import sys, time\n"
        "from paperfeed.store.db import make_engine\n"
        "from paperfeed.jobs.runner import run_job\n"
        "run_job(make_engine(sys.argv[1]), sys.argv[2], 'digest', lambda: time.sleep(120) or 'never')\n"
    )
    child = subprocess.Popen([sys.executable, "-c", script, database_url, str(tmp_path)])
    try:
        deadline = time.monotonic() + 30
        while runs(engine) != [("digest", "running", None)]:
            assert time.monotonic() < deadline, "the child never started its job"
            time.sleep(0.1)
        assert run_job(engine, str(tmp_path), "digest", lambda: "no") == "busy"  # it holds the lock
        os.kill(child.pid, signal.SIGKILL)
        child.wait(10)
    finally:
        if child.poll() is None:
            child.kill()
    deadline = time.monotonic() + 10  # PostgreSQL notices the dead session
    while (outcome := run_job(engine, str(tmp_path), "digest", lambda: "sent what was due")) == "busy":
        assert time.monotonic() < deadline
        time.sleep(0.2)
    assert outcome == "ok"
    assert runs(engine) == [
        ("digest", "failed", "the worker stopped before the job ended"),
        ("digest", "ok", "sent what was due"),
    ]


def test_when_jobs_are_due():
    daily = daily_after(INGEST_AT)
    now = datetime(2026, 4, 6, 12, 0)
    assert daily(None, now)
    assert not daily(datetime(2026, 4, 6, 1, 45), now)  # ran after today's slot
    assert daily(datetime(2026, 4, 6, 1, 0), now)  # ran before it
    assert not daily(datetime(2026, 4, 5, 2, 0), datetime(2026, 4, 6, 1, 0))  # today's slot not yet come
    hourly = every(timedelta(hours=1))
    assert hourly(None, now) and hourly(now - timedelta(hours=2), now) and not hourly(now - timedelta(minutes=5), now)


def test_the_worker_command_runs_due_jobs_once(engine, database_url, tmp_path):
    env = {
        "PAPERFEED_DATABASE_URL": database_url,
        "PAPERFEED_DATA_DIR": str(tmp_path),
        "CI": "1",
        "PAPERFEED_EMBED_AFTER_INGEST": "0",
    }
    result = CliRunner().invoke(main, ["worker", "--once", "--job", "index", "--job", "digest"], env=env)
    assert result.exit_code == 0, result.output
    assert "index: ok" in result.output and "digest: ok" in result.output
    again = CliRunner().invoke(main, ["worker", "--once", "--job", "index"], env=env)
    assert again.output.strip() == ""  # ran a minute ago: not due
    forced = CliRunner().invoke(main, ["worker", "--once", "--job", "index", "--force"], env=env)
    assert "index: ok" in forced.output
    assert [r[:2] for r in runs(engine)] == [("index", "ok"), ("digest", "ok"), ("index", "ok")]
    assert "not sent: PAPERFEED_SMTP_HOST is not set" in runs(engine)[1][2]
