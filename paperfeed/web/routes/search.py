"""The search page."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from paperfeed.dates import parse_day
from paperfeed.deps import EngineDep, vectors_of
from paperfeed.search.fulltext import Results
from paperfeed.search.hybrid import SORTS, hybrid_search
from paperfeed.search.query import parse_query
from paperfeed.web.deps import SharedVisitorDep, render, shown_votes

router = APIRouter()
PER_PAGE = 20


@router.get("/search")
def search_page(
    request: Request,
    visitor: SharedVisitorDep,
    engine: EngineDep,
    q: Annotated[str, Query(max_length=5000)] = "",
    category: str = "",
    after: str = "",
    before: str = "",
    page: Annotated[int, Query(ge=1, le=500)] = 1,
    sort: Annotated[str, Query(pattern=f"^({'|'.join(SORTS)})$")] = "relevance",
) -> Response:
    query = parse_query(q)
    if category.strip():
        query.categories.append(category.strip()[:32])
    if after:
        query.after = parse_day(after)
    if before:
        query.before = parse_day(before)
    asked = bool(q or category or after or before)
    model, vectors = vectors_of(request).get() if asked else (None, None)
    with engine.connect() as conn:
        results = (
            hybrid_search(conn, query, vectors, model, PER_PAGE, (page - 1) * PER_PAGE, sort)
            if asked
            else Results([], 0)
        )
        ids = [h.paper.id for h in results.hits]
        voted = shown_votes(conn, visitor, ids)
    params = {"q": q, "category": category, "after": after, "before": before}
    base = "/search?" + urlencode({k: v for k, v in {**params, "sort": sort}.items() if v and v != "relevance"})
    feed = "/feeds/search?" + urlencode({k: v for k, v in params.items() if v})
    return render(
        request,
        "search.html",
        {
            "q": q,
            "category": category,
            "after": after,
            "before": before,
            "results": results,
            "voted": voted,
            "page": page,
            "pages": max(1, -(-results.total // PER_PAGE)),
            "base_url": base,
            "sort": sort,
            "sorts": [
                (label, "/search?" + urlencode({k: v for k, v in {**params, "sort": key}.items() if v}), key == sort)
                for key, label in (("relevance", "Best match"), ("new", "Newest first"))
            ],
            "feed_url": feed,
        },
    )
