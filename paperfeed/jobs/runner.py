"""Running one job: take its lock, record the run, call it, record how it ended."""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable

from sqlalchemy.engine import Engine

from paperfeed.clock import now
from paperfeed.jobs.locks import job_lock
from paperfeed.metrics import JOB_RUNS
from paperfeed.store.jobs import abandon_runs, finish_run, start_run

log = logging.getLogger(__name__)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


def run_job(engine: Engine, data_dir: str, name: str, work: Callable[[], str]) -> str:
    """Run `work` as job `name` unless another worker is running it; return "ok", "failed" or "busy".

    `work` returns a line saying what it did. Runs left 'running' by a worker
    that died are marked failed first: holding the lock proves they are over.
    """
    with job_lock(engine, name, data_dir) as got:
        if not got:
            log.info("job %s is running on another worker; skipped", name)
            return "busy"
        with engine.begin() as conn:
            abandoned = abandon_runs(conn, name, now())
            run_id = start_run(conn, name, worker_name(), now())
        if abandoned:
            log.warning("job %s: %d earlier run(s) had died and are marked failed", name, abandoned)
        try:
            detail = work()
        except Exception as exc:  # a job's failure is recorded, and the worker goes on
            log.exception("job %s failed", name)
            with engine.begin() as conn:
                finish_run(conn, run_id, "failed", f"{type(exc).__name__}: {exc}", now())
            JOB_RUNS.labels(job=name, outcome="failed").inc()
            return "failed"
        with engine.begin() as conn:
            finish_run(conn, run_id, "ok", detail, now())
        JOB_RUNS.labels(job=name, outcome="ok").inc()
        log.info("job %s done: %s", name, detail)
        return "ok"
