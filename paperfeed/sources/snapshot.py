"""The bulk metadata snapshot: JSON lines, plain or gzipped, streamed one line at a time."""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Callable, Iterator
from datetime import datetime
from io import BufferedReader
from pathlib import Path
from typing import Any

import orjson

from paperfeed.clock import now
from paperfeed.records import MAX_AUTHORS, MAX_VERSION, Author, BadRecord, InvalidArxivId, PaperRecord, Version
from paperfeed.sources.arxiv_fields import parse_author_string, parse_rfc2822, version_number

SOURCE = "snapshot"
MAX_LINE = 4 * 1024 * 1024  # longer lines are reported, not parsed


class CorruptSnapshot(RuntimeError):
    """The file itself cannot be read on (a broken gzip stream): says how far the import got."""


def _text(obj: dict[str, Any], key: str) -> str | None:
    """Return a text field, None when absent; any other type is a bad record."""
    value = obj.get(key)
    if value is None or isinstance(value, str):
        return value
    raise ValueError(f"{key!r} is a {type(value).__name__}, not text")


def _parsed_authors(parsed: Any) -> list[Author]:
    """Authors from `authors_parsed` ([keyname, forenames, suffix, affiliation…]), inlined for speed:
    a full snapshot holds tens of millions of them."""
    if not isinstance(parsed, list) or len(parsed) > MAX_AUTHORS:
        raise ValueError("'authors_parsed' is not a list of names")
    out = []
    for p in parsed:
        if not isinstance(p, list) or not all(isinstance(x, str) or x is None for x in p):
            raise ValueError("'authors_parsed' holds something that is not a name")
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


def _versions(raw: Any) -> list[Version]:
    if raw is None:
        return []
    if not isinstance(raw, list) or len(raw) > MAX_VERSION:
        raise ValueError("'versions' is not a list of versions")
    versions = []
    for v in raw:
        if not isinstance(v, dict):
            raise ValueError("'versions' holds something that is not a version")
        label = v.get("version")
        created = v.get("created")
        number = version_number(str(label)) if isinstance(label, str | int) and label is not True else None
        if number is not None and isinstance(created, str) and created:
            versions.append(Version(number, parse_rfc2822(created)))
    versions.sort(key=lambda v: v.number)
    return versions


def parse_line(obj: Any, fetched_at: datetime | None = None) -> PaperRecord:
    """Return the record for one decoded snapshot object; raises ValueError when any field is unusable."""
    if not isinstance(obj, dict):
        raise ValueError("line is not a JSON object")
    paper_id = obj.get("id")
    if not paper_id or not isinstance(paper_id, str | int | float):
        raise ValueError("no id")
    versions = _versions(obj.get("versions"))
    parsed = obj.get("authors_parsed")
    authors = _parsed_authors(parsed) if parsed else parse_author_string(_text(obj, "authors"))
    published = versions[0].created if versions else None
    updated = versions[-1].created if versions else None
    update_date = _text(obj, "update_date")
    if published is None and update_date:
        published = updated = datetime.fromisoformat(update_date)
    return PaperRecord(
        arxiv_id=str(paper_id),
        title=_text(obj, "title") or "",
        abstract=_text(obj, "abstract") or "",
        authors=authors,
        categories=(_text(obj, "categories") or "").split(),
        published_at=published,
        updated_at=updated,
        versions=versions or None,
        comments=_text(obj, "comments"),
        journal_ref=_text(obj, "journal-ref"),
        doi=_text(obj, "doi"),
        report_no=_text(obj, "report-no"),
        license=_text(obj, "license"),
        source=SOURCE,
        fetched_at=fetched_at,
    )


def open_snapshot(path: Path) -> tuple[gzip.GzipFile | BufferedReader, BufferedReader]:
    """Return (line stream, raw file): gzip is detected by its magic bytes, not the name."""
    raw = open(path, "rb")  # noqa: SIM115 - closed by read_snapshot
    magic = raw.read(2)
    raw.seek(0)
    if magic == b"\x1f\x8b":
        return gzip.GzipFile(fileobj=raw), raw
    return raw, raw


def read_snapshot(
    path: Path, on_progress: Callable[[int], None] | None = None, fetched_at: datetime | None = None
) -> Iterator[PaperRecord | BadRecord]:
    """Yield a record or a BadRecord (with its line number) for every line of a snapshot.

    `on_progress` receives the number of bytes read from the file on disk, so a
    progress bar works for gzipped files too. Memory stays flat: one line at a time.
    """
    stream, raw = open_snapshot(path)
    name = Path(path).name
    fetched_at = fetched_at or now()
    last_pos = 0
    lineno = 0
    try:
        while True:
            try:
                line = stream.readline(MAX_LINE + 1)
                if len(line) > MAX_LINE:
                    while line and not line.endswith(b"\n"):  # skip the rest of the over-long line
                        line = stream.readline(MAX_LINE)
                    line = b"\0"  # reported below
            except (EOFError, OSError, zlib.error) as exc:  # gzip.BadGzipFile is an OSError
                raise CorruptSnapshot(
                    f"{name} is corrupt after line {lineno} ({raw.tell():,} bytes read): {exc}. "
                    "The papers before it are stored; repair or fetch the file again and import it once more."
                ) from exc
            if not line:
                return
            lineno += 1
            if on_progress is not None and lineno % 1024 == 0:
                pos = raw.tell()
                on_progress(pos - last_pos)
                last_pos = pos
            if line == b"\0":
                yield BadRecord(f"{name}:{lineno}", f"line longer than {MAX_LINE} bytes")
                continue
            if not line.strip():
                continue
            try:
                yield parse_line(orjson.loads(line), fetched_at)
            except orjson.JSONDecodeError as exc:
                yield BadRecord(f"{name}:{lineno}", f"not valid JSON ({exc})")
            except (ValueError, TypeError, KeyError, AttributeError, OverflowError, InvalidArxivId) as exc:
                yield BadRecord(f"{name}:{lineno}", str(exc)[:300])
    finally:
        if on_progress is not None:
            on_progress(raw.tell() - last_pos)
        stream.close()
        raw.close()
