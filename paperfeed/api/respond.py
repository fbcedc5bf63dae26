"""How the API's handlers answer: orjson bodies, the paper an id names (or the 400/404 saying why not),
and list items with their key phrases."""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import HTTPException
from fastapi.responses import Response
from sqlalchemy.engine import Connection

from paperfeed.api.shapes import item_json
from paperfeed.records import InvalidArxivId, parse_arxiv_id
from paperfeed.search.keyphrases import keyphrases_of
from paperfeed.store.models import Paper
from paperfeed.store.papers import get_paper


def json_response(value: Any, status_code: int = 200) -> Response:
    return Response(orjson.dumps(value), status_code=status_code, media_type="application/json")


def items_json(conn: Connection, found: list[Paper]) -> list[dict[str, Any]]:
    """Return list items (daily papers, search results) for papers, with their key phrases."""
    words = keyphrases_of(conn, [p.id for p in found])
    return [item_json(p, words.get(p.id, [])) for p in found]


def paper_by_id(conn: Connection, arxiv_id: str) -> Paper:
    """Return the visible paper an id names; 400 for a malformed id, 404 for one not here."""
    try:
        key, _ = parse_arxiv_id(arxiv_id)
    except InvalidArxivId as exc:
        raise HTTPException(400, f"{arxiv_id[:60]!r} is not an arXiv id such as 2503.13423 or hep-th/9901001.") from exc
    paper = get_paper(conn, key)
    if paper is None:
        raise HTTPException(404, f"There is no paper {key} here.")
    return paper
