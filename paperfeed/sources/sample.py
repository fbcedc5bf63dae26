"""The bundled sample corpus: papers featured on a Daily Papers page, with their listing days and upvotes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from importlib import resources
from pathlib import Path

import orjson

from paperfeed.clock import now
from paperfeed.records import Author, BadRecord, PaperRecord

SOURCE = "sample"


def sample_path() -> Path:
    """Return the path of the sample corpus shipped inside the package."""
    return Path(str(resources.files("paperfeed") / "data" / "sample.jsonl"))


def parse_daily_item(obj: dict, fetched_at: datetime | None = None) -> PaperRecord:
    """Return the record for one line of the daily-papers format (arxiv_id, listed_date, upvotes…)."""
    primary = obj.get("primary_category")
    return PaperRecord(
        arxiv_id=obj["arxiv_id"],
        title=obj["title"],
        abstract=obj.get("abstract") or "",
        authors=[Author(name=n) for n in obj.get("authors") or [] if n],
        categories=[primary] if primary else [],
        listed_on=date.fromisoformat(obj["listed_date"]),
        organization=obj.get("organization") or None,
        base_upvotes=max(0, int(obj.get("upvotes") or 0)),
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
            except (orjson.JSONDecodeError, KeyError, ValueError, TypeError) as exc:
                yield BadRecord(f"{path.name}:{lineno}", f"{type(exc).__name__}: {exc}")
