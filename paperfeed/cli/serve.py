"""`paperfeed serve` and `paperfeed worker`: the web workers and the job runner."""

from __future__ import annotations

import signal
import threading

import click
import uvicorn

from paperfeed.cli.context import load_settings, open_store
from paperfeed.clock import now
from paperfeed.jobs.schedule import JOBS, run_due, work_forever
from paperfeed.logs import setup_logging
from paperfeed.search.embedder import model_problem


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Web worker processes; they share nothing but the database (and PAPERFEED_SECRET_KEY).",
)
@click.option("--access-log/--no-access-log", default=True, show_default=True, help="Log every request.")
def serve(host: str, port: int, workers: int, access_log: bool) -> None:
    """Serve the site (migrating the database first)."""
    open_store(load_settings()).dispose()
    setup_logging()
    problem = model_problem()
    click.echo(f"semantic search: off, {problem}; keyword search only" if problem else "semantic search: on")
    click.echo(f"paperfeed at http://{host}:{port}")
    uvicorn.run(
        "paperfeed.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_config=None,
        access_log=access_log,
        proxy_headers=True,
    )


@click.command()
@click.option("--once", is_flag=True, help="Run the jobs that are due, then exit (for cron).")
@click.option("--job", "jobs", multiple=True, type=click.Choice(sorted(JOBS)), help="Only this job (repeatable).")
@click.option("--force", is_flag=True, help="With --once: run the jobs whether or not they are due.")
@click.option(
    "--poll",
    default=60.0,
    show_default=True,
    type=click.FloatRange(1, 3600),
    help="Seconds between looks for due jobs.",
)
def worker(once: bool, jobs: tuple[str, ...], force: bool, poll: float) -> None:
    """Run the schedule: ingest after arXiv's announcement, indexing, digests at their hour.

    Start as many workers as you like (on one machine or several, against one PostgreSQL):
    each job takes a lock, so it runs on one of them at a time.
    """
    settings = load_settings()
    engine = open_store(settings)
    setup_logging()
    if once:
        outcomes = run_due(engine, settings, now(), list(jobs) or None, force=force)
        for name, outcome in outcomes.items():
            click.echo(f"{name}: {outcome}")
        if "failed" in outcomes.values():
            raise SystemExit(1)
        return
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    click.echo(f"paperfeed worker: jobs {', '.join(JOBS)}; looking every {poll:.0f} s")
    work_forever(engine, settings, stop, poll)
