"""Search (Hugging Face compatible): keyword and semantic search fused, with highlighted titles and summaries."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from paperfeed.api import models
from paperfeed.api.errors import ERRORS, READ_TAGS
from paperfeed.api.respond import items_json, json_response
from paperfeed.api.shapes import highlights
from paperfeed.deps import EngineDep, VectorsDep
from paperfeed.search.fulltext import marked
from paperfeed.search.hybrid import hybrid_search
from paperfeed.search.query import parse_query

router = APIRouter(tags=READ_TAGS, responses=ERRORS)
MAX_LIMIT = 100


@router.get(
    "/api/papers/search",
    response_model=list[models.SearchItem],
    summary="Keyword and semantic search, fused (Hugging Face compatible)",
)
def search_papers(
    engine: EngineDep,
    vectors: VectorsDep,
    q: Annotated[str, Query(max_length=5000)] = "",
    limit: Annotated[int, Query(ge=1, description=f"At most {MAX_LIMIT}; more is capped.")] = 20,
) -> Response:
    limit = min(limit, MAX_LIMIT)
    query = parse_query(q)
    if not query.has_text and not query.has_filters:
        return json_response([])
    model, index = vectors.get()
    with engine.connect() as conn:
        results = hybrid_search(conn, query, index, model, limit)
        items = items_json(conn, [h.paper for h in results.hits])
    for item, hit in zip(items, results.hits, strict=True):
        item["highlightedTitle"] = highlights(marked(hit.title))  # as given, as Hugging Face's API does
        item["highlightedSummary"] = highlights(marked(hit.snippet))
    return json_response(items)
