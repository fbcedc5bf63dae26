"""What `paperfeed worker` runs and when.

  ingest  once a day, after arXiv's evening announcement (20:00 US Eastern, 00:00-01:00 UTC):
          an OAI-PMH harvest of PAPERFEED_HARVEST_SETS since the last one, then the indexes
  index   every hour: whatever is not yet indexed or embedded (a bulk backlog goes down steadily)
  digest  every 15 minutes: the digests now due, each at its subscriber's hour in their time zone

Each job runs under its lock (jobs/locks.py), so any number of workers may be
started: a job runs on one of them at a time.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from functools import partial

from sqlalchemy.engine import Engine

from paperfeed.clock import now
from paperfeed.ingest import harvest_oai
from paperfeed.jobs.runner import run_job
from paperfeed.mail.compose import Composer
from paperfeed.mail.deliver import send_outbox
from paperfeed.mail.digest import queue_digests
from paperfeed.search.upkeep import update_indexes
from paperfeed.settings import Settings
from paperfeed.sources.http import Polite, make_client
from paperfeed.store.jobs import JOB_NAMES, last_success
from paperfeed.submissions import fetch_submissions

log = logging.getLogger(__name__)
INGEST_AT = time(1, 30)  # UTC: after arXiv's announcement in both summer and winter time
INDEX_EVERY = timedelta(hours=1)
DIGEST_EVERY = timedelta(minutes=15)
SUBMISSIONS_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class Job:
    name: str
    due: Callable[[datetime | None, datetime], bool]  # (last successful start, now) -> due?
    work: Callable[[Engine, Settings], str]


def daily_after(at: time) -> Callable[[datetime | None, datetime], bool]:
    def due(last: datetime | None, now: datetime) -> bool:
        slot = datetime.combine(now.date(), at)
        if now < slot:
            slot -= timedelta(days=1)
        return last is None or last < slot

    return due


def every(period: timedelta) -> Callable[[datetime | None, datetime], bool]:
    return lambda last, now: last is None or now - last >= period


def ingest(engine: Engine, settings: Settings) -> str:
    http = Polite.for_arxiv(make_client(settings), settings)
    lines = []
    for set_spec in [s.strip() for s in settings.harvest_sets.split(",") if s.strip()]:
        summary = harvest_oai(engine, http, settings.oai_url, set_spec=set_spec, metadata_prefix="arXivRaw")
        lines.append(f"{set_spec}: {summary}")
    lines += update_indexes(engine, settings.data_dir, embed_limit=settings.embed_after_ingest)
    return "; ".join(lines) or "no sets to harvest (PAPERFEED_HARVEST_SETS is empty)"


def submissions(engine: Engine, settings: Settings) -> str:
    return str(fetch_submissions(engine, Polite.for_arxiv(make_client(settings), settings), settings))


def index(engine: Engine, settings: Settings) -> str:
    return "; ".join(update_indexes(engine, settings.data_dir, embed_limit=settings.embed_after_ingest))


def digest(engine: Engine, settings: Settings) -> str:
    moment = now()
    plan = queue_digests(engine, Composer.from_settings(settings), moment)
    line = f"queued {plan.queued} ({plan.later} not yet at their hour)"
    if not settings.smtp_host:
        return line + "; not sent: PAPERFEED_SMTP_HOST is not set"
    report = send_outbox(engine, settings)
    if report.error:
        raise RuntimeError(f"{line}; sent {report.sent}; {report.error}")
    return f"{line}; sent {report.sent}, will retry {report.deferred}, failed {report.failed}"


JOBS = {
    job.name: job
    for job in (
        Job("ingest", daily_after(INGEST_AT), ingest),
        Job("index", every(INDEX_EVERY), index),
        Job("digest", every(DIGEST_EVERY), digest),
        Job("submissions", every(SUBMISSIONS_EVERY), submissions),
    )
}
assert sorted(JOBS) == sorted(JOB_NAMES), "store/jobs.JOB_NAMES names every scheduled job"


def run_due(
    engine: Engine, settings: Settings, now: datetime, only: list[str] | None = None, force: bool = False
) -> dict[str, str]:
    """Run every job that is due (or the ones named, `force`d); return each one's outcome."""
    outcomes = {}
    for name, job in JOBS.items():
        if only and name not in only:
            continue
        with engine.connect() as conn:
            last = last_success(conn, name)
        if force or job.due(last.started_at if last else None, now):
            outcomes[name] = run_job(engine, settings.data_dir, name, partial(job.work, engine, settings))
    return outcomes


def work_forever(engine: Engine, settings: Settings, stop: threading.Event, poll: float = 60.0) -> None:
    """The worker's loop: look for due jobs every `poll` seconds until `stop` is set."""
    while not stop.is_set():
        try:
            run_due(engine, settings, now())
        except Exception:  # the store is down, say: try again at the next poll
            log.exception("the worker could not check its jobs")
        stop.wait(poll)
