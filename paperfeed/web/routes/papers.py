"""A paper's page and what people do there: vote, comment, collect, claim authorship, fix its links."""

from __future__ import annotations

import hashlib
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import JSONResponse, Response

from paperfeed.clock import now
from paperfeed.deps import MAX_ROW_ID, EngineDep, FormRowId, RowId, vectors_of
from paperfeed.records import InvalidArxivId, parse_arxiv_id
from paperfeed.search.hybrid import related_papers
from paperfeed.search.keyphrases import keyphrases_of
from paperfeed.sources.sample import sample_notes
from paperfeed.store.claims import claim_authorship, is_confirmed_author, user_claims
from paperfeed.store.collections import add_to_collection, user_collections
from paperfeed.store.comments import add_comment, delete_comment, edit_comment, paper_comments
from paperfeed.store.errors import CommunityError
from paperfeed.store.members import may_edit_links
from paperfeed.store.models import Paper
from paperfeed.store.papers import get_paper, set_paper_links
from paperfeed.store.votes import toggle_vote
from paperfeed.web.covers import cover_of, cover_png, cover_svg
from paperfeed.web.deps import (
    CsrfDep,
    SharedVisitorDep,
    UserDep,
    VisitorDep,
    local_path,
    redirect,
    referer_path,
    render,
    security_of,
    shown_votes,
    sign_in_url,
    wants_json,
)

router = APIRouter()
MAX_URL = 500
RELATED = 6


def find_paper(conn, arxiv_id: str, include_hidden: bool = False) -> Paper:  # type: ignore[no-untyped-def]
    """Return the paper an id names, or answer 404 (malformed ids included)."""
    try:
        key, _ = parse_arxiv_id(arxiv_id)
    except InvalidArxivId as exc:
        raise HTTPException(404, str(exc)) from exc
    paper = get_paper(conn, key, include_hidden=include_hidden)
    if paper is None:
        raise HTTPException(404, f"There is no paper {key} here.")
    return paper


def paper_url(paper: Paper) -> str:
    return f"/papers/{paper.arxiv_id}"


def threads(comments: list) -> list[tuple[object, list]]:  # type: ignore[type-arg]
    """Group comments into (top-level comment, its replies), oldest first."""
    replies: dict[int, list] = {}  # type: ignore[type-arg]
    for c in comments:
        if c.parent_id is not None:
            replies.setdefault(c.parent_id, []).append(c)
    return [(c, replies.get(c.id, [])) for c in comments if c.parent_id is None]


def can_edit_links(conn, paper: Paper, visitor) -> bool:  # type: ignore[no-untyped-def]
    user = visitor.user
    confirmed = user is not None and is_confirmed_author(conn, user.id, paper.id)
    return may_edit_links(user, paper.submitted_by, confirmed)


@router.get("/papers/{arxiv_id:path}/cover.{kind}")
def cover(request: Request, engine: EngineDep, arxiv_id: str, kind: str) -> Response:
    """The paper's drawn cover: SVG for cards, PNG for share previews. Cached by browsers for a day."""
    if kind not in ("svg", "png"):
        raise HTTPException(404, "Covers come as .svg or .png.")
    with engine.connect() as conn:
        paper = find_paper(conn, arxiv_id)
    drawn = cover_of(paper)
    body = cover_svg(drawn) if kind == "svg" else cover_png(drawn)
    etag = '"' + hashlib.sha256(body).hexdigest()[:24] + '"'
    headers = {"ETag": etag, "Cache-Control": "public, max-age=86400"}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="image/svg+xml" if kind == "svg" else "image/png", headers=headers)


@router.get("/papers/{arxiv_id:path}")
def paper_page(
    request: Request, visitor: SharedVisitorDep, engine: EngineDep, arxiv_id: str, error: str = ""
) -> Response:
    with engine.connect() as conn:
        try:
            key, _ = parse_arxiv_id(arxiv_id)
        except InvalidArxivId as exc:
            raise HTTPException(404, str(exc)) from exc
        paper = get_paper(conn, key, include_hidden=True)
        if paper is None:
            # A well-formed id this site lacks: offer to fetch it, as a first visit does on Hugging Face.
            return render(request, "paper_missing.html", {"arxiv_id": key}, status_code=404)
        if paper.hidden and not visitor.is_admin:
            raise HTTPException(404, f"There is no paper {key} here.")
        comments = paper_comments(conn, paper.id, include_hidden=visitor.is_admin)
        _, vectors = vectors_of(request).get()
        user = None if visitor.skeleton else visitor.user  # a skeleton's collections and claim are slots
        context = {
            "paper": paper,
            "sample_notes": sample_notes({paper.source}),
            "threads": threads(comments),
            "voted": shown_votes(conn, visitor, [paper.id]),
            "collections": user_collections(conn, user.id) if user else [],
            "claim": next((c for c in user_claims(conn, user.id) if c.paper_id == paper.id), None) if user else None,
            "can_edit_links": user is not None and can_edit_links(conn, paper, visitor),
            "error": security_of(request).read_notice(error),
            "related": related_papers(conn, vectors, paper.id, RELATED),
            "keywords": keyphrases_of(conn, [paper.id]).get(paper.id, []),
        }
    return render(request, "paper.html", context)


@router.post("/papers/{arxiv_id:path}/vote", dependencies=[CsrfDep])
def vote(
    request: Request, visitor: VisitorDep, engine: EngineDep, arxiv_id: str, next: Annotated[str, Form()] = ""
) -> Response:
    back = local_path(next) if next else referer_path(request)
    if visitor.user is None:
        if wants_json(request):
            return JSONResponse({"signin": sign_in_url(back)}, status_code=401)
        return redirect(sign_in_url(back))
    with engine.begin() as conn:
        paper = find_paper(conn, arxiv_id)
        voted, total = toggle_vote(conn, visitor.user.id, paper.id, now())
    if wants_json(request):
        return JSONResponse({"voted": voted, "upvotes": total})
    return redirect(back)


def _back_with_error(request: Request, paper: Paper, message: str) -> Response:
    """Go back to the paper with a message; it is signed, so a link someone crafts cannot put words there."""
    return redirect(f"{paper_url(paper)}?error={quote(security_of(request).sign_notice(message))}#comments")


@router.post("/papers/{arxiv_id:path}/comments", dependencies=[CsrfDep])
def comment(
    request: Request,
    user: UserDep,
    engine: EngineDep,
    arxiv_id: str,
    body: Annotated[str, Form()] = "",
    parent_id: Annotated[int | None, Form(ge=1, le=MAX_ROW_ID)] = None,
) -> Response:
    with engine.begin() as conn:
        paper = find_paper(conn, arxiv_id)
        try:
            comment_id = add_comment(conn, paper.id, user.id, body, now(), parent_id)
        except CommunityError as exc:
            return _back_with_error(request, paper, str(exc))
    return redirect(f"{paper_url(paper)}#comment-{comment_id}")


@router.post("/comments/{comment_id}/edit", dependencies=[CsrfDep])
def comment_edit(
    user: UserDep,
    engine: EngineDep,
    comment_id: RowId,
    body: Annotated[str, Form()] = "",
    paper: Annotated[str, Form()] = "",
) -> Response:
    with engine.begin() as conn:
        try:
            edit_comment(conn, comment_id, user.id, body, now())
        except CommunityError as exc:
            raise HTTPException(403, str(exc)) from exc
    return redirect(local_path(f"/papers/{paper}#comment-{comment_id}" if paper else "/"))


@router.post("/comments/{comment_id}/delete", dependencies=[CsrfDep])
def comment_delete(user: UserDep, engine: EngineDep, comment_id: RowId, paper: Annotated[str, Form()] = "") -> Response:
    with engine.begin() as conn:
        try:
            delete_comment(conn, comment_id, user.id)
        except CommunityError as exc:
            raise HTTPException(403, str(exc)) from exc
    return redirect(local_path(f"/papers/{paper}#comments" if paper else "/"))


def _clean_url(value: str) -> str | None:
    value = value.strip()
    if not value:
        return None
    if len(value) > MAX_URL or not value.startswith(("https://", "http://")) or any(c.isspace() for c in value):
        raise CommunityError("Links must be http(s) addresses without spaces, up to 500 characters.")
    return value


@router.post("/papers/{arxiv_id:path}/links", dependencies=[CsrfDep])
def links(
    request: Request,
    visitor: VisitorDep,
    user: UserDep,
    engine: EngineDep,
    arxiv_id: str,
    code_url: Annotated[str, Form()] = "",
    project_url: Annotated[str, Form()] = "",
) -> Response:
    with engine.begin() as conn:
        paper = find_paper(conn, arxiv_id)
        if not can_edit_links(conn, paper, visitor):
            raise HTTPException(403, "Only the submitter, a confirmed author or an admin can change the links.")
        try:
            set_paper_links(conn, paper.id, _clean_url(code_url), _clean_url(project_url))
        except CommunityError as exc:
            return _back_with_error(request, paper, str(exc))
    return redirect(paper_url(paper))


@router.post("/papers/{arxiv_id:path}/claim", dependencies=[CsrfDep])
def claim(
    request: Request, user: UserDep, engine: EngineDep, arxiv_id: str, author: Annotated[str, Form()] = ""
) -> Response:
    with engine.begin() as conn:
        paper = find_paper(conn, arxiv_id)
        try:
            claim_authorship(conn, user.id, paper.id, author, now())
        except CommunityError as exc:
            return _back_with_error(request, paper, str(exc))
    return redirect(paper_url(paper))


@router.post("/papers/{arxiv_id:path}/collect", dependencies=[CsrfDep])
def collect(request: Request, user: UserDep, engine: EngineDep, arxiv_id: str, collection_id: FormRowId) -> Response:
    with engine.begin() as conn:
        paper = find_paper(conn, arxiv_id)
        try:
            add_to_collection(conn, collection_id, user.id, paper.id, now())
        except CommunityError as exc:
            return _back_with_error(request, paper, str(exc))
    return redirect(f"/collections/{collection_id}")
