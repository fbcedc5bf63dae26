"""Pipelines from sources into the store: read records, upsert in batches, keep checkpoints.

This is the only module that joins a source to the store; sources stay
database-free and the store stays format-free.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from paperfeed.clock import now
from paperfeed.metrics import INGESTED
from paperfeed.progress import progress_bar
from paperfeed.records import BadRecord, PaperRecord, parse_arxiv_id
from paperfeed.sources import arxiv_api, hf_daily, oai, sample, snapshot
from paperfeed.sources.http import Polite
from paperfeed.store.bulk import bulk_writers
from paperfeed.store.checkpoints import Checkpoint, load_checkpoint, save_checkpoint
from paperfeed.store.papers import UpsertCounts, finish_bulk_upserts, upsert_papers
from paperfeed.store.schema import papers

BATCH = 2000
KEEP_PROBLEMS = 100  # problems listed in a summary; all are counted


@dataclass(slots=True)
class IngestSummary:
    read: int = 0
    skipped: int = 0
    counts: UpsertCounts = field(default_factory=UpsertCounts)
    problems: list[BadRecord] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def skip(self, bad: BadRecord) -> None:
        self.skipped += 1
        if len(self.problems) < KEEP_PROBLEMS:
            self.problems.append(bad)

    @property
    def changed(self) -> bool:
        return bool(self.counts.inserted or self.counts.updated)

    def __str__(self) -> str:
        c = self.counts
        lines = [
            f"read {self.read}, inserted {c.inserted}, updated {c.updated}, "
            f"unchanged {c.unchanged}, skipped {self.skipped}"
        ]
        lines += [f"skipped {p}" for p in self.problems]
        if self.skipped > len(self.problems):
            lines.append(f"… and {self.skipped - len(self.problems)} more skipped")
        lines += self.notes
        return "\n".join(lines)


def _upsert(engine: Engine, records: Sequence[PaperRecord], bulk: bool) -> UpsertCounts:
    with engine.begin() as conn:
        counts = upsert_papers(conn, records, now(), bulk=bulk)
    for outcome in ("inserted", "updated", "unchanged"):
        INGESTED.labels(outcome=outcome).inc(getattr(counts, outcome))
    return counts


class _Lanes:
    """Batches on their way to the store, written on `count` connections at once (each in a thread).

    A paper always goes down the same lane, so that its versions are stored in the order read; a lane
    holds one batch filling and one being stored, so memory stays flat. One lane stores in the caller's
    thread.
    """

    def __init__(self, engine: Engine, count: int, batch_size: int, bulk: bool) -> None:
        self.engine = engine
        self.batch_size = batch_size
        self.bulk = bulk
        self.counts = UpsertCounts()
        self.batches: list[list[PaperRecord]] = [[] for _ in range(count)]
        self.running: list[Future[UpsertCounts] | None] = [None] * count
        self.pool = ThreadPoolExecutor(count, thread_name_prefix="store") if count > 1 else None

    def add(self, record: PaperRecord) -> None:
        lane = hash(record.arxiv_id) % len(self.batches)
        self.batches[lane].append(record)
        if len(self.batches[lane]) >= self.batch_size:
            self._send(lane)

    def close(self) -> UpsertCounts:
        """Store what every lane holds and wait for it; return the counts of all that was stored."""
        try:
            for lane in range(len(self.batches)):
                self._send(lane)
            for lane in range(len(self.batches)):
                self._wait(lane)
        finally:
            if self.pool is not None:
                self.pool.shutdown()
        return self.counts

    def _send(self, lane: int) -> None:
        self._wait(lane)
        batch, self.batches[lane] = self.batches[lane], []
        if not batch:
            return
        if self.pool is None:
            self.counts.add(_upsert(self.engine, batch, self.bulk))
        else:
            self.running[lane] = self.pool.submit(_upsert, self.engine, batch, self.bulk)

    def _wait(self, lane: int) -> None:
        running, self.running[lane] = self.running[lane], None
        if running is not None:
            self.counts.add(running.result())


def ingest_records(
    engine: Engine,
    items: Iterable[PaperRecord | BadRecord],
    summary: IngestSummary | None = None,
    batch_size: int = BATCH,
    bulk: bool = False,
) -> IngestSummary:
    """Store every record, skipping and reporting the bad ones; each batch is one transaction.

    `bulk` defers the author and category lookups and PostgreSQL's GIN merges to
    one pass at the end (a run interrupted before it is completed by the next
    one), and writes on as many connections at once as the store asks for.
    """
    summary = summary or IngestSummary()
    lanes = _Lanes(engine, bulk_writers(engine) if bulk else 1, batch_size, bulk)
    try:
        for item in items:
            summary.read += 1
            if isinstance(item, BadRecord):
                summary.skip(item)
                continue
            lanes.add(item)
    except Exception:
        # A source that cannot go on (a corrupt file) loses nothing it already read.
        summary.counts.add(lanes.close())
        raise
    summary.counts.add(lanes.close())
    if bulk:
        with engine.begin() as conn:
            finish_bulk_upserts(conn)
    return summary


def ingest_arxiv_ids(engine: Engine, http: Polite, url: str, ids: Sequence[str]) -> IngestSummary:
    """Fetch papers by id from the arXiv API and store them; unknown ids are noted."""
    wanted = {parse_arxiv_id(i)[0] for i in ids}
    seen: set[str] = set()

    def note_seen():  # type: ignore[no-untyped-def]
        for item in arxiv_api.fetch_ids(http, url, sorted(wanted)):
            if isinstance(item, PaperRecord):
                seen.add(item.arxiv_id)
            yield item

    summary = ingest_records(engine, note_seen())
    missing = sorted(wanted - seen)
    if missing:
        summary.notes.append(f"not found on arXiv: {', '.join(missing)}")
    return summary


def mirror_daily_papers(
    engine: Engine,
    http: Polite,
    base_url: str,
    arxiv: Polite,
    arxiv_url: str,
    *,
    day: date | None = None,
    week: str | None = None,
    fetch_arxiv: bool = True,
) -> IngestSummary:
    """Store the papers a Hugging Face-compatible server lists for a day or week, with their upvotes and
    listing days, then fetch from arXiv what its list lacks (categories, versions) for papers new here."""
    summary = ingest_records(engine, hf_daily.read_daily_papers(http, base_url, day=day, week=week))
    if fetch_arxiv:
        with engine.connect() as conn:
            lacking = list(
                conn.execute(sa.select(papers.c.arxiv_id).where(papers.c.source == hf_daily.SOURCE)).scalars()
            )
        if lacking:
            found = ingest_arxiv_ids(engine, arxiv, arxiv_url, lacking)
            summary.notes.append(f"arXiv metadata for {found.counts.updated + found.counts.inserted} papers")
            summary.notes.extend(found.notes)
    return summary


def ingest_arxiv_query(
    engine: Engine,
    http: Polite,
    url: str,
    search_query: str,
    *,
    max_results: int = 100,
    sort_by: str = "submittedDate",
    sort_order: str = "descending",
) -> IngestSummary:
    """Run an arXiv API search and store what it finds."""
    with progress_bar(max_results, "arXiv API", "paper") as bar:

        def counted():  # type: ignore[no-untyped-def]
            for item in arxiv_api.query(
                http,
                url,
                search_query=search_query,
                max_results=max_results,
                sort_by=sort_by,
                sort_order=sort_order,
                page_size=min(max_results, 500),
            ):
                bar.update()
                yield item

        return ingest_records(engine, counted(), batch_size=500)


def checkpoint_name(metadata_prefix: str, set_spec: str | None) -> str:
    return f"oai:{metadata_prefix}:{set_spec or '*'}"


def harvest_oai(
    engine: Engine,
    http: Polite,
    url: str,
    *,
    set_spec: str | None,
    metadata_prefix: str = "arXiv",
    from_date: date | None = None,
    until: date | None = None,
    today: date | None = None,
) -> IngestSummary:
    """Harvest OAI-PMH into the store, page by page, resuming an interrupted harvest.

    Each page and the checkpoint after it are written in one transaction, so a
    harvest stopped anywhere resumes at the first page not stored. Without
    `from_date`, the harvest starts from the day the last complete one began.
    """
    name = checkpoint_name(metadata_prefix, set_spec)
    today = today or now().date()
    with engine.connect() as conn:
        saved = load_checkpoint(conn, name)
    summary = IngestSummary()
    token = None
    if saved.resumption_token and (from_date is None or from_date == saved.from_date):
        start_from = saved.from_date
        token = saved.resumption_token
        summary.notes.append(f"resumed the harvest from {start_from or 'the beginning'} at its saved page")
    else:
        start_from = from_date if from_date is not None else saved.last_success_date
    request = oai.OaiRequest(metadata_prefix, set_spec, start_from, until)
    with progress_bar(None, f"OAI {set_spec or 'all'}", "record") as bar:
        for page in oai.list_records(http, url, request, token):
            if page.complete_list_size and bar.total is None:
                bar.total = page.complete_list_size
            if page.restarted:
                summary.notes.append(f"arXiv refused the saved token: restarted from {start_from}")
            records = []
            for item in page.items:
                summary.read += 1
                if isinstance(item, BadRecord):
                    summary.skip(item)
                else:
                    records.append(item)
            with engine.begin() as conn:
                summary.counts.add(upsert_papers(conn, records, now()))
                save_checkpoint(
                    conn, Checkpoint(name, start_from, page.resumption_token, saved.last_success_date), now()
                )
            bar.update(len(page.items))
    done = Checkpoint(name, None, None, today if until is None else saved.last_success_date)
    with engine.begin() as conn:
        save_checkpoint(conn, done, now())
    return summary


def import_snapshot(engine: Engine, path: Path, batch_size: int = BATCH) -> IngestSummary:
    """Import a bulk metadata snapshot (JSON lines, plain or gzipped) with a progress bar."""
    with progress_bar(path.stat().st_size, path.name, "B", unit_scale=True) as bar:
        return ingest_records(
            engine, snapshot.read_snapshot(path, on_progress=bar.update), batch_size=batch_size, bulk=True
        )


def load_sample(engine: Engine, path: Path | None = None) -> IngestSummary:
    """Load the bundled sample corpus (or another file in the daily-papers format)."""
    return ingest_records(engine, sample.read_daily_items(path))


def load_sample_morning(engine: Engine, listed_on: date) -> IngestSummary:
    """Load the sample morning (one real arXiv announcement) listed on `listed_on`: the demo's front page."""
    return ingest_records(engine, sample.read_sample_morning(listed_on))
