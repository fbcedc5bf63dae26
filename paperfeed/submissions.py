"""What a submission does, wherever it comes from (the site's form, the API): one place for both.

No request waits on arXiv. `request_submission` checks the id, the member's
limit and whether the paper is already here, and queues it: the answer is
immediate. `fetch_submissions` (the worker's `submissions` job, and a thread
of `paperfeed serve`) fetches each queued paper through the shared, polite
arXiv client, stores it, lists it today as the submitter's, and indexes it for
keywords, key phrases and meaning. The submitter follows its state (queued,
fetching, listed, failed with a plain reason) on a page and through the API.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Engine

from paperfeed.clock import now as clock_now
from paperfeed.records import InvalidArxivId, PaperRecord, parse_arxiv_id
from paperfeed.search.upkeep import update_indexes
from paperfeed.settings import Settings
from paperfeed.sources import arxiv_api
from paperfeed.sources.http import Polite, SourceError
from paperfeed.store.papers import get_paper, mark_submitted, upsert_papers
from paperfeed.store.quotas import take
from paperfeed.store.submissions import (
    Submission,
    claim_next,
    finish_submission,
    open_submission,
    queue_submission,
    release_submission,
)

log = logging.getLogger(__name__)
# Set when a request is queued, so this process's fetcher starts at once instead of at its next look.
QUEUED = threading.Event()


class SubmitError(ValueError):
    """A submission that cannot be queued; the message is for the person submitting."""

    def __init__(self, message: str, listed: str | None = None) -> None:
        super().__init__(message)
        self.listed = listed  # the id of the paper already here, to link to


def request_submission(engine: Engine, raw_id: str, user_id: int, now: datetime) -> Submission:
    """Queue a member's request for a paper; return it (an open request for the same paper is returned as is)."""
    try:
        arxiv_id = parse_arxiv_id(raw_id)[0]
    except InvalidArxivId as exc:
        raise SubmitError(str(exc)) from exc
    with engine.begin() as conn:
        existing = get_paper(conn, arxiv_id, include_hidden=True)
        if existing is not None:
            raise SubmitError(f"{arxiv_id} is already listed, on {existing.listed_on.isoformat()}.", listed=arxiv_id)
        waiting = open_submission(conn, arxiv_id)
        if waiting is not None:
            return waiting
        take(conn, "submission", f"user:{user_id}", now)  # raises OverQuota
        queued = queue_submission(conn, arxiv_id, user_id, now)
    QUEUED.set()
    return queued


@dataclass(slots=True)
class FetchReport:
    listed: int = 0
    failed: int = 0
    retried: int = 0

    def __str__(self) -> str:
        return f"listed {self.listed}, failed {self.failed}, to retry {self.retried}"


def fetch_submissions(engine: Engine, arxiv: Polite, settings: Settings, limit: int = 100) -> FetchReport:
    """Fetch, store, list and index queued submissions (at most `limit`); return what happened."""
    report = FetchReport()
    started = clock_now()
    for _ in range(limit):
        with engine.begin() as conn:
            submission = claim_next(conn, clock_now(), before=started)
        if submission is None:
            break
        state, reason = _fetch_one(engine, arxiv, settings.arxiv_api_url, submission)
        with engine.begin() as conn:
            if state == "retry":
                state = release_submission(conn, submission, clock_now(), reason or "")
            else:
                finish_submission(conn, submission.id, state, clock_now(), reason)
        report.listed += state == "listed"
        report.failed += state == "failed"
        report.retried += state == "queued"
    if report.listed:
        # Newest listing first: the papers just listed are the ones embedded.
        update_indexes(engine, settings.data_dir, embed_limit=report.listed)
    return report


def _fetch_one(engine: Engine, arxiv: Polite, url: str, submission: Submission) -> tuple[str, str | None]:
    """Return ("listed" | "failed" | "retry", reason) for one claimed submission."""
    arxiv_id = submission.arxiv_id
    try:
        found = [r for r in arxiv_api.fetch_ids(arxiv, url, [arxiv_id]) if isinstance(r, PaperRecord)]
    except SourceError as exc:
        log.warning("submission %s: arXiv could not be asked: %s", arxiv_id, exc)
        return "retry", "arXiv could not be reached; paperfeed will try again in a few minutes."
    if not found:
        return "failed", f"arXiv has no paper {arxiv_id}."
    record = found[0]
    moment = clock_now()
    record.listed_on = moment.date()
    with engine.begin() as conn:
        if upsert_papers(conn, [record], moment).inserted != 1:
            existing = get_paper(conn, arxiv_id, include_hidden=True)
            when = existing.listed_on.isoformat() if existing else "another day"
            return "failed", f"{arxiv_id} was listed meanwhile, on {when}."
        paper = get_paper(conn, arxiv_id, include_hidden=True)
        assert paper is not None
        mark_submitted(conn, paper.id, submission.user_id, moment)
    return "listed", None


class SubmissionFetcher:
    """A background thread of the web server that fetches queued submissions every few seconds.

    It runs beside the request threads and never inside a request, so a slow or
    failing arXiv delays only the queue. Several servers may run one each: claims
    are atomic. Turn it off (PAPERFEED_FETCH_SUBMISSIONS=0) when `paperfeed worker` does the job.
    """

    def __init__(self, engine: Engine, arxiv: Polite, settings: Settings, every: float = 5.0) -> None:
        self.engine, self.arxiv, self.settings, self.every = engine, arxiv, settings, every
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, name="submission-fetcher", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.stopping.set()
        QUEUED.set()
        self.thread.join(timeout=5)

    def _run(self) -> None:
        while not self.stopping.is_set():
            QUEUED.wait(self.every)
            QUEUED.clear()
            if self.stopping.is_set():
                return
            try:
                fetch_submissions(self.engine, self.arxiv, self.settings)
            except Exception:  # the thread must outlive any one failure; the log says what happened
                log.exception("fetching submissions failed")
