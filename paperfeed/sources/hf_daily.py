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

from paperfeed.clock import now, utc_naive
from paperfeed.records import Author, BadRecord, PaperRecord
from paperfeed.sources.http import Polite

SOURCE = "hf-daily"
PAGE = 100
MAX_PAGES = 50  # a day or a week is a few hundred papers; more means a server that never stops


class DailyPapersError(RuntimeError):
    """The server answered with an error (a malformed date, say) or with something that is not the list."""


def _stamp(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    return utc_naive(datetime.fromisoformat(value.replace("Z", "+00:00")))


MAX_UPVOTES = 10_000_000  # more than any paper has had anywhere: a larger count is a corrupt field


def _upvotes(value: Any) -> int:
    """Return an imported upvote count; a count that is not a whole number in range is a bad record."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError(f"upvotes {str(value)[:20]!r} is not a number")
    count = int(value)
    if not 0 <= count <= MAX_UPVOTES:
        raise ValueError(f"upvotes {str(value)[:20]} is out of range")
    return count


def parse_item(obj: dict[str, Any], fetched_at: datetime) -> PaperRecord:
    """Return the record of one item of /api/daily_papers."""
    paper = obj.get("paper") or {}
    organization = obj.get("organization") or paper.get("organization")
    if isinstance(organization, dict):
        organization = organization.get("fullname") or organization.get("name")
    featured = _stamp(obj.get("publishedAt")) or _stamp(paper.get("submittedOnDailyAt"))
    return PaperRecord(
        arxiv_id=str(paper.get("id") or obj["id"]),
        title=str(obj.get("title") or paper["title"]),
        abstract=str(paper.get("summary") or obj.get("summary") or ""),
        authors=[Author(name=str(a["name"])) for a in paper.get("authors") or [] if a.get("name")],
        categories=[],
        published_at=_stamp(paper.get("publishedAt")),
        listed_on=featured.date() if featured else None,
        organization=organization or None,
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
            raise DailyPapersError(f"{url} answered {response.status_code}: {reason}")
        try:
            items = response.json()
        except ValueError as exc:
            raise DailyPapersError(f"{url} did not answer with JSON") from exc
        if not isinstance(items, list):
            raise DailyPapersError(f"{url} did not answer with a list of papers")
        for n, obj in enumerate(items):
            try:
                yield parse_item(obj, fetched)
            except (KeyError, ValueError, TypeError, AttributeError) as exc:
                yield BadRecord(f"{url} page {page} item {n}", f"{type(exc).__name__}: {exc}")
        if len(items) < PAGE:
            return


def _error_text(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:200]
    return str(body.get("error", body))[:200] if isinstance(body, dict) else str(body)[:200]
