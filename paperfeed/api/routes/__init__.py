"""The JSON API, one module per resource: lists, papers, search, comments, collections.

Read endpoints speak the Hugging Face papers API (`/api/daily_papers`,
`/api/papers/search`, `/api/papers/{id}`, `/papers/{id}.md`); the rest is
paperfeed's own: comments, a cursor walk over every paper, and writing with a
personal token. Responses are plain dicts serialised by orjson; the pydantic
models in api/models.py describe them in the OpenAPI document.
"""

from __future__ import annotations

from fastapi import APIRouter

from paperfeed.api.routes import collections, comments, lists, papers, search

# In this order: /api/papers/search and /api/papers/{id}/comments must be matched before /api/papers/{id}.
ROUTERS: list[APIRouter] = [
    search.router,
    comments.router,
    lists.router,
    papers.router,
    comments.write,
    papers.write,
    collections.write,
]
