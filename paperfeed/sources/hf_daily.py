"""Daily-papers JSON from a Hugging Face-compatible server (huggingface.co, or another paperfeed).

It gives each paper's id, title, abstract, authors, the day it was featured,
its upvotes and organization, but no categories or version history: those
come from arXiv afterwards (ingest.mirror_daily_papers).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

import httpx

from paperfeed.clock import now
from paperfeed.records import MAX_AUTHORS, MAX_UPVOTES, Author, BadRecord, InvalidArxivId, PaperRecord, strip_control
from paperfeed.sources.arxiv_fields import parse_iso_time
from paperfeed.sources.fields import required_text, text, whole_number
from paperfeed.sources.http import Polite

SOURCE = "hf-daily"
PAGE = 100
MAX_PAGES = 50  # a day or a week is a few hundred papers; more means a server that never stops


class DailyPapersError(RuntimeError):
    """The server answered with an error (a malformed date, say) or with something that is not the list."""


def _stamp(value: Any, what: str) -> datetime | None:
    """Return a time the server gives; absent or empty is None, anything else unreadable a ValueError."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValueError(f"{what!r} is a {type(value).__name__}, not a time")
    return parse_iso_time(value)


def _upvotes(value: Any) -> int:
    """Return an imported upvote count; a count that is not a whole number in range is a bad record."""
    return whole_number(value, "upvotes", 0, MAX_UPVOTES)


def _organization(obj: dict[str, Any], paper: dict[str, Any]) -> str | None:
    organization = obj.get("organization") or paper.get("organization")
    if isinstance(organization, dict):
        organization = organization.get("fullname") or organization.get("name")
    if organization is not None and not isinstance(organization, str):
        raise ValueError("'organization' is not text")
    return organization or None


def _authors(raw: Any) -> list[Author]:
    if raw is None:
        return []
    if not isinstance(raw, list) or len(raw) > MAX_AUTHORS:
        raise ValueError(f"'authors' is not a list of at most {MAX_AUTHORS:,}")
    authors = []
    for a in raw:
        if not isinstance(a, dict):
            raise ValueError("'authors' holds something that is not an author")
        name = text(a, "name")
        if name and name.strip():
            authors.append(Author(name=name.strip()))
    return authors


def parse_item(obj: Any, fetched_at: datetime) -> PaperRecord:
    """Return the record of one item of /api/daily_papers; raises ValueError when any field is unusable."""
    if not isinstance(obj, dict):
        raise ValueError("item is not a JSON object")
    paper = obj.get("paper") or {}
    if not isinstance(paper, dict):
        raise ValueError("'paper' is not a JSON object")
    featured = _stamp(obj.get("publishedAt"), "publishedAt") or _stamp(
        paper.get("submittedOnDailyAt"), "submittedOnDailyAt"
    )
    paper_id = text(paper, "id") or required_text(obj, "id")
    return PaperRecord(
        arxiv_id=paper_id,
        title=text(obj, "title") or required_text(paper, "title"),
        abstract=text(paper, "summary") or text(obj, "summary") or "",
        authors=_authors(paper.get("authors")),
        categories=[],
        published_at=_stamp(paper.get("publishedAt"), "paper.publishedAt"),
        listed_on=featured.date() if featured else None,
        organization=_organization(obj, paper),
        base_upvotes=_upvotes(obj.get("upvotes") or paper.get("upvotes") or 0),
        source=SOURCE,
        fetched_at=fetched_at,
    )


def read_daily_papers(
    http: Polite, base_url: str, *, day: date | None = None, week: str | None = None
) -> Iterator[PaperRecord | BadRecord]:
    """Yield the papers a server lists for a day or an ISO week, page by page."""
    url = f"{base_url.rstrip('/')}/api/daily_papers"
    params: dict[str, str | int] = {"date": day.isoformat()} if day else {"week": week or ""}
    fetched = now()
    for page in range(MAX_PAGES):
        response = http.get(url, {**params, "p": page, "limit": PAGE})
        if response.status_code >= 400:
            reason = response.headers.get("x-error-message") or _error_text(response)
            reason = " ".join(strip_control(reason).split())[:200]
            raise DailyPapersError(f"{url} answered {response.status_code}: {reason}")
        try:
            items = response.json()
        except (ValueError, RecursionError) as exc:  # RecursionError: JSON nested beyond the parser's stack
            raise DailyPapersError(f"{url} did not answer with JSON (page {page}): {str(exc)[:100]}") from None
        if not isinstance(items, list):
            raise DailyPapersError(f"{url} did not answer with a list of papers (page {page})")
        for n, obj in enumerate(items):
            try:
                yield parse_item(obj, fetched)
            except (KeyError, ValueError, TypeError, AttributeError, OverflowError, InvalidArxivId) as exc:
                yield BadRecord(f"{url} page {page} item {n}", f"{type(exc).__name__}: {exc}")
        if len(items) < PAGE:
            return


def _error_text(response: httpx.Response) -> str:
    try:
        body = response.json()
    except (ValueError, RecursionError):
        return response.text[:200]
    return str(body.get("error", body))[:200] if isinstance(body, dict) else str(body)[:200]
