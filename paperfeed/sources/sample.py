"""The bundled sample corpus: papers featured on a Daily Papers page, with their listing days and upvotes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import orjson

from paperfeed.clock import now
from paperfeed.records import MAX_AUTHORS, MAX_UPVOTES, Author, BadRecord, PaperRecord
from paperfeed.sources.fields import required_text, text, whole_number

SOURCE = "sample"


def sample_path() -> Path:
    """Return the path of the sample corpus shipped inside the package."""
    return Path(str(resources.files("paperfeed") / "data" / "sample.jsonl"))


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
