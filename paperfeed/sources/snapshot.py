"""The bulk metadata snapshot: JSON lines, plain or gzipped, streamed one line at a time."""

from __future__ import annotations

import gzip
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

import orjson

from paperfeed.records import Author, BadRecord, InvalidArxivId, PaperRecord, Version, utc_naive
from paperfeed.sources.arxiv_fields import parse_author_string, parse_rfc2822

SOURCE = "snapshot"
MAX_LINE = 4 * 1024 * 1024  # longer lines are reported, not parsed


def _parsed_authors(parsed: list[list[str]]) -> list[Author]:
    """Authors from `authors_parsed` ([keyname, forenames, suffix, affiliation…]), inlined for speed:
    a full snapshot holds tens of millions of them."""
    out = []
    for p in parsed:
        n = len(p)
        if not n:
            continue
        key = p[0] or ""
        fore = (p[1] or "") if n > 1 else ""
        suffix = (p[2] or "") if n > 2 else ""
        name = (f"{fore} {key} {suffix}" if suffix else f"{fore} {key}").strip()
        if name:
            out.append(Author(name, tuple(a.strip() for a in p[3:] if a and a.strip())) if n > 3 else Author(name))
    return out


def parse_line(obj: Any, fetched_at: datetime | None = None) -> PaperRecord:
    """Return the record for one decoded snapshot object; raises ValueError when unusable."""
    if not isinstance(obj, dict):
        raise ValueError("line is not a JSON object")
    if not obj.get("id"):
        raise ValueError("no id")
    versions = []
    for v in obj.get("versions") or []:
        label = str(v.get("version", "")).lstrip("v")
        if label.isdigit() and v.get("created"):
            versions.append(Version(int(label), parse_rfc2822(v["created"])))
    versions.sort(key=lambda v: v.number)
    parsed = obj.get("authors_parsed")
    authors = _parsed_authors(parsed) if parsed else parse_author_string(obj.get("authors"))
    published = versions[0].created if versions else None
    updated = versions[-1].created if versions else None
    if published is None and obj.get("update_date"):
        published = updated = datetime.fromisoformat(obj["update_date"])
    return PaperRecord(
        arxiv_id=str(obj["id"]),
        title=obj.get("title") if obj.get("title") is not None else "",
        abstract=obj.get("abstract") or "",
        authors=authors,
        categories=(obj.get("categories") or "").split(),
        published_at=published,
        updated_at=updated,
        versions=versions or None,
        comments=obj.get("comments"),
        journal_ref=obj.get("journal-ref"),
        doi=obj.get("doi"),
        report_no=obj.get("report-no"),
        license=obj.get("license"),
        source=SOURCE,
        fetched_at=fetched_at,
    )


def open_snapshot(path: Path) -> tuple[BinaryIO, BinaryIO]:
    """Return (line stream, raw file): gzip is detected by its magic bytes, not the name."""
    raw = open(path, "rb")  # noqa: SIM115 - closed by read_snapshot
    magic = raw.read(2)
    raw.seek(0)
    if magic == b"\x1f\x8b":
        return gzip.GzipFile(fileobj=raw), raw
    return raw, raw


def read_snapshot(path: Path, on_progress: Callable[[int], None] | None = None,
                  fetched_at: datetime | None = None) -> Iterator[PaperRecord | BadRecord]:
    """Yield a record or a BadRecord (with its line number) for every line of a snapshot.

    `on_progress` receives the number of bytes read from the file on disk, so a
    progress bar works for gzipped files too. Memory stays flat: one line at a time.
    """
    stream, raw = open_snapshot(path)
    name = Path(path).name
    fetched_at = fetched_at or utc_naive(datetime.now(UTC))
    last_pos = 0
    try:
        lineno = 0
        while True:
            try:
                line = stream.readline(MAX_LINE + 1)
            except (EOFError, OSError, gzip.BadGzipFile) as exc:
                yield BadRecord(f"{name}:{lineno + 1}", f"file ends early or is corrupt ({exc})")
                return
            if not line:
                return
            lineno += 1
            if on_progress is not None and lineno % 1024 == 0:
                pos = raw.tell()
                on_progress(pos - last_pos)
                last_pos = pos
            if len(line) > MAX_LINE:
                yield BadRecord(f"{name}:{lineno}", f"line longer than {MAX_LINE} bytes")
                # Skip the rest of the over-long line.
                while line and not line.endswith(b"\n"):
                    line = stream.readline(MAX_LINE)
                continue
            if not line.strip():
                continue
            try:
                yield parse_line(orjson.loads(line), fetched_at)
            except orjson.JSONDecodeError as exc:
                yield BadRecord(f"{name}:{lineno}", f"not valid JSON ({exc})")
            except (ValueError, TypeError, KeyError, AttributeError, InvalidArxivId) as exc:
                yield BadRecord(f"{name}:{lineno}", str(exc))
    finally:
        if on_progress is not None:
            on_progress(raw.tell() - last_pos)
        stream.close()
        raw.close()
