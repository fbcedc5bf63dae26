"""The JSON API's endpoints.

Read endpoints speak the Hugging Face papers API (`/api/daily_papers`,
`/api/papers/search`, `/api/papers/{id}`, `/papers/{id}.md`); the rest is
paperfeed's own: comments, a cursor walk over every paper, and writing with a
personal token. Responses are built as plain dicts and serialised by orjson;
the pydantic models in api/models.py describe them in the OpenAPI document.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any, Literal

import orjson
from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.responses import PlainTextResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.engine import Connection

from paperfeed.api import models
from paperfeed.api.shapes import (
    comment_json,
    highlights,
    item_json,
    paper_info_json,
    paper_json,
    paper_markdown,
    stamp,
)
from paperfeed.ingest import SubmitError, submit_arxiv_paper
from paperfeed.records import InvalidArxivId, is_category, parse_arxiv_id
from paperfeed.search.keyword import index_pending
from paperfeed.search.keywords import index_keywords, keywords_of
from paperfeed.search.query import parse_query
from paperfeed.search.semantic import hybrid_search
from paperfeed.store.api_tokens import token_user
from paperfeed.store.community import (
    CommunityError,
    add_comment,
    add_to_collection,
    collection_paper_ids,
    create_collection,
    paper_comments,
    remove_from_collection,
    toggle_vote,
    user_collections,
    voted_papers,
)
from paperfeed.store.listings import Paper, get_paper, papers_after, papers_by_ids, papers_page, trending_papers
from paperfeed.store.users import User, user_by_name
from paperfeed.web.deps import EngineDep, now, public_base
from paperfeed.web.routes.daily import next_month, parse_day, parse_month, parse_week

ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": models.ErrorOut, "description": "Malformed input, with the reason"},
    404: {"model": models.ErrorOut, "description": "No such paper"},
    429: {"model": models.ErrorOut, "description": "Too many requests; see Retry-After"},
}
router = APIRouter(tags=["papers"], responses=ERRORS)
write = APIRouter(tags=["writing (personal token)"], responses={
    **ERRORS, 401: {"model": models.ErrorOut, "description": "No valid personal token"}})
MAX_LIMIT = 100  # larger limits are capped, not refused
MAX_PAGE = 10_000
MAX_WALK = 500
Limit = Annotated[int, Query(ge=1, description=f"How many (at most {MAX_LIMIT}; more is capped).")]


def _json(value: Any, status_code: int = 200) -> Response:
    return Response(orjson.dumps(value), status_code=status_code, media_type="application/json")


def _items(conn: Connection, found: list[Paper]) -> list[dict[str, Any]]:
    words = keywords_of(conn, [p.id for p in found])
    return [item_json(p, words.get(p.id, [])) for p in found]


def _paper(conn: Connection, arxiv_id: str) -> Paper:
    try:
        key, _ = parse_arxiv_id(arxiv_id)
    except InvalidArxivId as exc:
        raise HTTPException(400, f"{arxiv_id[:60]!r} is not an arXiv id such as 2503.13423 or hep-th/9901001.") from exc
    paper = get_paper(conn, key)
    if paper is None:
        raise HTTPException(404, f"There is no paper {key} here.")
    return paper


@router.get("/api/daily_papers", response_model=list[models.DailyItem],
            summary="Papers listed on a day, week or month (Hugging Face compatible)")
def daily_papers(engine: EngineDep, date: str | None = None, week: str | None = None, month: str | None = None,
                 submitter: Annotated[str | None, Query(max_length=40)] = None,
                 sort: Literal["publishedAt", "trending"] = "publishedAt",
                 p: Annotated[int, Query(ge=0, le=MAX_PAGE, description="Page, from 0.")] = 0,
                 limit: Limit = 50) -> Response:
    """The papers of a day (`date`, YYYY-MM-DD), an ISO week (`week`, YYYY-Www) or a month (`month`, YYYY-MM);
    all papers when none is given. Newest first (`publishedAt`) or by upvotes (`trending`)."""
    limit = min(limit, MAX_LIMIT)
    first = last = None
    if date:
        first = last = parse_day(date)
    elif week:
        first = parse_week(week)
        last = first + timedelta(days=6)
    elif month:
        first = parse_month(month)
        last = next_month(first) - timedelta(days=1)
    with engine.connect() as conn:
        submitted_by = None
        if submitter:
            user = user_by_name(conn, submitter)
            if user is None:
                return _json([])
            submitted_by = user.id
        if sort == "trending" and first is None and submitted_by is None:
            wanted = limit * (p + 1)
            ranked = [paper for paper, _ in trending_papers(conn, now(), wanted)]
            if len(ranked) < wanted:  # a quiet fortnight: the most upvoted of all time follow
                seen = {paper.id for paper in ranked}
                ranked += [x for x in papers_page(conn, sort="votes", limit=wanted) if x.id not in seen]
            found = ranked[p * limit:(p + 1) * limit]
        else:
            found = papers_page(conn, first=first, last=last, submitted_by=submitted_by,
                                sort="votes" if sort == "trending" else "new", limit=limit, offset=p * limit)
        return _json(_items(conn, found))


@router.get("/api/papers/search", response_model=list[models.SearchItem],
            summary="Keyword and semantic search, fused (Hugging Face compatible)")
def search_papers(request: Request, engine: EngineDep, q: Annotated[str, Query(max_length=5000)] = "",
                  limit: Limit = 20) -> Response:
    limit = min(limit, MAX_LIMIT)
    query = parse_query(q)
    if not query.has_text and not query.has_filters:
        return _json([])
    model, vectors = request.app.state.vectors.get()
    with engine.connect() as conn:
        results = hybrid_search(conn, query, vectors, model, limit)
        found = [h.paper for h in results.hits]
        items = _items(conn, found)
    for item, hit in zip(items, results.hits, strict=True):
        item["highlightedTitle"] = highlights(hit.title_html)
        item["highlightedSummary"] = highlights(hit.snippet_html)
    return _json(items)


@router.get("/api/papers", response_model=models.PaperPage, summary="Every paper, in a stable order, by cursor")
def all_papers(engine: EngineDep, cursor: Annotated[str | None, Query(max_length=20, pattern=r"^\d+$")] = None,
               category: Annotated[str | None, Query(max_length=40)] = None,
               after: Annotated[date | None, Query(description="Listed on or after this day.")] = None,
               before: Annotated[date | None, Query(description="Listed on or before this day.")] = None,
               limit: Annotated[int, Query(ge=1, description=f"At most {MAX_WALK}; more is capped.")] = 100,
               ) -> Response:
    """Walk over all papers (with their full metadata) to mirror a site: pass `nextCursor` back as `cursor`
    until it is null. Papers added meanwhile come at the end of the walk."""
    if category and not is_category(category):
        raise HTTPException(400, f"{category[:40]!r} is not an arXiv category such as cs.CL.")
    limit = min(limit, MAX_WALK)
    with engine.connect() as conn:
        found = papers_after(conn, int(cursor or 0), limit, category=category, first=after, last=before)
        words = keywords_of(conn, [p.id for p in found])
    out = []
    for paper in found:
        body = paper_json(paper, words.get(paper.id, []), None)
        body.update(updatedAt=stamp(paper.updated_at), versions=paper.versions, comments=paper.comments,
                    journalRef=paper.journal_ref, doi=paper.doi, license=paper.license,
                    listedOn=paper.listed_on.isoformat(), numComments=paper.comment_count,
                    affiliations=paper.affiliations, primaryCategory=paper.primary_category)
        out.append(body)
    next_cursor = str(found[-1].id) if len(found) == limit else None
    return _json({"papers": out, "nextCursor": next_cursor})


@router.get("/api/papers/{arxiv_id:path}/comments", response_model=list[models.CommentOut],
            summary="A paper's comments, oldest first")
def comments_of(engine: EngineDep, arxiv_id: Annotated[str, Path(max_length=80)]) -> Response:
    with engine.connect() as conn:
        paper = _paper(conn, arxiv_id)
        return _json([comment_json(c) for c in paper_comments(conn, paper.id)])


@router.get("/api/papers/{arxiv_id:path}", response_model=models.PaperInfo,
            summary="One paper (Hugging Face compatible)")
def paper_info(engine: EngineDep, arxiv_id: Annotated[str, Path(max_length=80)]) -> Response:
    with engine.connect() as conn:
        paper = _paper(conn, arxiv_id)
        return _json(paper_info_json(paper, keywords_of(conn, [paper.id]).get(paper.id, [])))


_ERROR_JSON = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}


@router.get("/papers/{arxiv_id:path}.md", response_class=PlainTextResponse,
            summary="One paper as markdown (Hugging Face compatible)", responses={
                200: {"content": {"text/markdown": {"schema": {"type": "string"}}}, "description": "Markdown"},
                **{code: {"content": _ERROR_JSON, "description": ERRORS[code]["description"]} for code in ERRORS}})
def paper_markdown_page(request: Request, engine: EngineDep, arxiv_id: Annotated[str, Path(max_length=80)]
                        ) -> PlainTextResponse:
    with engine.connect() as conn:
        paper = _paper(conn, arxiv_id)
    return PlainTextResponse(paper_markdown(paper, public_base(request)), media_type="text/markdown; charset=utf-8")


# Writing, with a personal API token (Authorization: Bearer pf_…)


def token_holder(request: Request, engine: EngineDep) -> User:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise HTTPException(401, "This needs a personal API token (make one in your settings) as "
                                 "'Authorization: Bearer pf_...'.", headers={"WWW-Authenticate": "Bearer"})
    with engine.begin() as conn:
        user = token_user(conn, token.strip(), now())
    if user is None:
        raise HTTPException(401, "This API token is not valid or has been revoked.",
                            headers={"WWW-Authenticate": "Bearer"})
    return user


TokenUser = Annotated[User, Depends(token_holder)]


class CommentIn(BaseModel):
    text: str = Field(min_length=1, max_length=5000)
    parentId: int | None = None


class SubmitIn(BaseModel):
    arxivId: str = Field(min_length=1, max_length=300)


class CollectionIn(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    description: str = Field("", max_length=1000)
    public: bool = True


class ItemIn(BaseModel):
    arxivId: str = Field(min_length=1, max_length=300)


@write.post("/api/papers/{arxiv_id:path}/upvote", response_model=models.VoteOut, summary="Upvote a paper")
def upvote(engine: EngineDep, user: TokenUser, arxiv_id: Annotated[str, Path(max_length=80)]) -> Response:
    return _vote(engine, user, arxiv_id, want=True)


@write.delete("/api/papers/{arxiv_id:path}/upvote", response_model=models.VoteOut, summary="Take an upvote back")
def unvote(engine: EngineDep, user: TokenUser, arxiv_id: Annotated[str, Path(max_length=80)]) -> Response:
    return _vote(engine, user, arxiv_id, want=False)


def _vote(engine, user: User, arxiv_id: str, want: bool) -> Response:  # type: ignore[no-untyped-def]
    with engine.begin() as conn:
        paper = _paper(conn, arxiv_id)
        voted = bool(voted_papers(conn, user.id, [paper.id]))
        total = paper.upvotes
        if voted != want:
            voted, counted = toggle_vote(conn, user.id, paper.id, now())
            total = paper.base_upvotes + counted
    return _json({"id": paper.arxiv_id, "upvoted": voted, "upvotes": total})


@write.post("/api/papers/{arxiv_id:path}/comments", response_model=models.CommentOut, status_code=201,
            summary="Comment on a paper")
def comment(engine: EngineDep, user: TokenUser, body: CommentIn,
            arxiv_id: Annotated[str, Path(max_length=80)]) -> Response:
    with engine.begin() as conn:
        paper = _paper(conn, arxiv_id)
        try:
            comment_id = add_comment(conn, paper.id, user.id, body.text, now(), body.parentId)
        except CommunityError as exc:
            raise HTTPException(400, str(exc)) from exc
        made = next(c for c in paper_comments(conn, paper.id) if c.id == comment_id)
    return _json(comment_json(made), status_code=201)


@write.post("/api/papers", response_model=models.PaperInfo, status_code=201, summary="Submit a paper by its arXiv id")
def submit(request: Request, engine: EngineDep, user: TokenUser, body: SubmitIn) -> Response:
    settings = request.app.state.settings
    try:
        key = submit_arxiv_paper(engine, request.app.state.arxiv, settings.arxiv_api_url, body.arxivId, user.id, now())
    except SubmitError as exc:
        raise HTTPException(400, str(exc)) from exc
    with engine.begin() as conn:
        index_pending(conn)
        index_keywords(conn)
        paper = _paper(conn, key)
        return _json(paper_info_json(paper, keywords_of(conn, [paper.id]).get(paper.id, [])), status_code=201)


@write.get("/api/collections", response_model=list[models.CollectionOut], summary="Your collections")
def my_collections(engine: EngineDep, user: TokenUser) -> Response:
    with engine.connect() as conn:
        return _json([_collection_json(conn, c) for c in user_collections(conn, user.id)])


@write.post("/api/collections", response_model=models.CollectionOut, status_code=201, summary="Make a collection")
def new_collection(engine: EngineDep, user: TokenUser, body: CollectionIn) -> Response:
    with engine.begin() as conn:
        try:
            collection_id = create_collection(conn, user.id, body.name, body.description, body.public, now())
        except CommunityError as exc:
            raise HTTPException(400, str(exc)) from exc
        made = next(c for c in user_collections(conn, user.id) if c.id == collection_id)
        return _json(_collection_json(conn, made), status_code=201)


@write.post("/api/collections/{collection_id}/items", response_model=models.CollectionOut,
            summary="Add a paper to one of your collections")
def collect(engine: EngineDep, user: TokenUser, collection_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
            body: ItemIn) -> Response:
    return _change_collection(engine, user, collection_id, body.arxivId, add=True)


@write.delete("/api/collections/{collection_id}/items/{arxiv_id:path}", response_model=models.CollectionOut,
              summary="Take a paper out of one of your collections")
def uncollect(engine: EngineDep, user: TokenUser, collection_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
              arxiv_id: Annotated[str, Path(max_length=80)]) -> Response:
    return _change_collection(engine, user, collection_id, arxiv_id, add=False)


def _change_collection(engine, user: User, collection_id: int, arxiv_id: str,  # type: ignore[no-untyped-def]
                       add: bool) -> Response:
    with engine.begin() as conn:
        paper = _paper(conn, arxiv_id)
        try:
            if add:
                add_to_collection(conn, collection_id, user.id, paper.id, now())
            else:
                remove_from_collection(conn, collection_id, user.id, paper.id)
        except CommunityError as exc:
            raise HTTPException(404, str(exc)) from exc
        found = next(c for c in user_collections(conn, user.id) if c.id == collection_id)
        return _json(_collection_json(conn, found))


def _collection_json(conn: Connection, c) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    return {"id": c.id, "name": c.name, "description": c.description, "public": c.is_public,
            "papers": [p.arxiv_id for p in papers_by_ids(conn, collection_paper_ids(conn, c.id))]}
