"""Papers by author, organization and category, and the stats page."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response

from paperfeed.clock import now
from paperfeed.deps import EngineDep
from paperfeed.store.listings import (
    latest_day,
    papers_by_author,
    papers_by_category,
    papers_by_organization,
    papers_per_day,
    top_categories,
)
from paperfeed.web.charts import category_bars, daily_bars
from paperfeed.web.deps import SharedVisitorDep, render, shown_votes

router = APIRouter()
PER_PAGE = 25
MAX_NAME = 300
STATS_DAYS = 120

Page = Annotated[int, Query(ge=1, le=10_000)]


def _list_page(
    request: Request,
    visitor,
    engine,
    finder,
    key: str,
    kind: str,
    base: str,  # type: ignore[no-untyped-def]
    page: int,
) -> Response:
    if not key.strip() or len(key) > MAX_NAME:
        raise HTTPException(404, f"There is no such {kind}.")
    with engine.connect() as conn:
        papers, total = finder(conn, key, PER_PAGE, (page - 1) * PER_PAGE)
        voted = shown_votes(conn, visitor, [p.id for p in papers])
    if total == 0:
        raise HTTPException(404, f"No papers by the {kind} {key[:80]!r} here.")
    return render(
        request,
        "listing.html",
        {
            "heading": key,
            "kind": kind,
            "papers": papers,
            "total": total,
            "voted": voted,
            "page": page,
            "pages": max(1, -(-total // PER_PAGE)),
            "base_url": base,
        },
    )


@router.get("/authors/{name:path}")
def author(request: Request, visitor: SharedVisitorDep, engine: EngineDep, name: str, page: Page = 1) -> Response:
    return _list_page(
        request, visitor, engine, papers_by_author, name, "author", f"/authors/{quote(name, safe='')}", page
    )


@router.get("/organizations/{name:path}")
def organization(request: Request, visitor: SharedVisitorDep, engine: EngineDep, name: str, page: Page = 1) -> Response:
    return _list_page(
        request,
        visitor,
        engine,
        papers_by_organization,
        name,
        "organization",
        f"/organizations/{quote(name, safe='')}",
        page,
    )


@router.get("/categories/{category}")
def category(request: Request, visitor: SharedVisitorDep, engine: EngineDep, category: str, page: Page = 1) -> Response:
    return _list_page(
        request,
        visitor,
        engine,
        papers_by_category,
        category,
        "category",
        f"/categories/{quote(category, safe='')}",
        page,
    )


@router.get("/stats")
def stats(request: Request, visitor: SharedVisitorDep, engine: EngineDep) -> Response:
    with engine.connect() as conn:
        end = latest_day(conn) or now().date()
        since = end - timedelta(days=STATS_DAYS)
        days = papers_per_day(conn, since)
        cats = top_categories(conn, limit=15)
    return render(
        request,
        "stats.html",
        {
            # Each chart twice: the narrow one keeps its labels readable on a phone instead of shrinking them.
            "days_chart": daily_bars(days),
            "days_chart_narrow": daily_bars(days, width=360, height=160),
            "cats_chart": category_bars(cats),
            "cats_chart_narrow": category_bars(cats, width=360),
            "days": days,
            "cats": cats,
            "since": since,
            "end": end,
            "total": sum(n for _, n in days),
        },
    )
