"""The bundled sample corpus: papers featured on a Daily Papers page, with their listing days and upvotes,
and a sample morning: the new submissions of one real arXiv announcement, for the demo's front page."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import date, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import orjson

from paperfeed.clock import now
from paperfeed.records import MAX_AUTHORS, MAX_UPVOTES, Author, BadRecord, PaperRecord
from paperfeed.sources import snapshot
from paperfeed.sources.fields import required_text, text, whole_number

SOURCE = "sample"
MORNING_SOURCE = "sample-morning"
# The 246 new submissions (of the snapshot sample) that arXiv announced on the evening of Wednesday,
# Feb 2, 2011: first versions from Tue 14:00 to Wed 14:00 US Eastern (19:00 to 19:00 UTC).
MORNING_ANNOUNCED = date(2011, 2, 2)


# What a page that shows sample papers says about them: the only dates and votes that are not upstream's.
NOTES = {
    SOURCE: "Sample data: papers featured on Hugging Face's Daily Papers, on the days they were featured there, "
    "with the upvotes they had there.",
    MORNING_SOURCE: "Sample data: the new submissions of arXiv's announcement of Wednesday, Feb 2, 2011 (real "
    "papers, real arXiv dates), listed on the day this site was set up so that it opens on a full day. "
    "Harvest real days with paperfeed ingest.",
}


def sample_notes(sources: set[str]) -> list[str]:
    """Return what a page must say when it shows papers of the bundled sample (nothing for real ones)."""
    return [NOTES[s] for s in (SOURCE, MORNING_SOURCE) if s in sources]


def sample_path() -> Path:
    """Return the path of the sample corpus shipped inside the package."""
    return Path(str(resources.files("paperfeed") / "data" / "sample.jsonl"))


def read_sample_morning(listed_on: date) -> Iterator[PaperRecord | BadRecord]:
    """Yield the sample morning's real arXiv records (snapshot format), listed on `listed_on`.

    The demo lists them on the day it is set up, so that its front page opens on a full day, as a
    site that harvested this morning would; every page that shows them says they are sample data,
    and their arXiv dates stay as arXiv gives them.
    """
    path = Path(str(resources.files("paperfeed") / "data" / "sample-morning.jsonl"))
    for item in snapshot.read_snapshot(path):
        yield (
            item
            if isinstance(item, BadRecord)
            else dataclasses.replace(item, listed_on=listed_on, source=MORNING_SOURCE)
        )


def parse_daily_item(obj: Any, fetched_at: datetime | None = None) -> PaperRecord:
    """Return the record for one line of the daily-papers format (arxiv_id, listed_date, upvotes…);
    raises ValueError when any field is unusable."""
    if not isinstance(obj, dict):
        raise ValueError("line is not a JSON object")
    primary = text(obj, "primary_category")
    names = obj.get("authors") or []
    if not isinstance(names, list) or len(names) > MAX_AUTHORS or not all(isinstance(n, str | None) for n in names):
        raise ValueError("'authors' is not a list of names")
    return PaperRecord(
        arxiv_id=required_text(obj, "arxiv_id"),
        title=required_text(obj, "title"),
        abstract=text(obj, "abstract") or "",
        authors=[Author(name=n.strip()) for n in names if n and n.strip()],
        categories=[primary] if primary else [],
        listed_on=date.fromisoformat(required_text(obj, "listed_date")),
        organization=text(obj, "organization") or None,
        base_upvotes=whole_number(obj.get("upvotes") or 0, "upvotes", 0, MAX_UPVOTES),
        source=SOURCE,
        fetched_at=fetched_at,
    )


def read_daily_items(path: Path | None = None) -> Iterator[PaperRecord | BadRecord]:
    """Yield the records of a daily-papers JSON-lines file (the bundled sample by default)."""
    path = path or sample_path()
    fetched = now()
    with open(path, "rb") as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                yield parse_daily_item(orjson.loads(line), fetched)
            except (orjson.JSONDecodeError, KeyError, ValueError, TypeError, AttributeError, OverflowError) as exc:
                yield BadRecord(f"{path.name}:{lineno}", f"{type(exc).__name__}: {exc}")
