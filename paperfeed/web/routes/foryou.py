"""The "For you" tab: a signed-in reader's picks, why each was picked, "not interested", a cold start."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import Response

from paperfeed.clock import now
from paperfeed.deps import EngineDep
from paperfeed.recommend.personal import current_picks
from paperfeed.records import InvalidArxivId, is_category, parse_arxiv_id
from paperfeed.store.listings import top_categories
from paperfeed.store.papers import papers_by_ids
from paperfeed.store.picks import drop_pick
from paperfeed.store.signals import dismiss, positives, set_interests, undismiss, user_interests
from paperfeed.store.votes import voted_papers
from paperfeed.web.deps import CsrfDep, UserDep, VisitorDep, redirect, referer_path, render
from paperfeed.web.routes.papers import find_paper

router = APIRouter()
SHOWN = 30
Text = Annotated[str, Form(max_length=2000)]


@router.get("/for-you")
def for_you(request: Request, visitor: VisitorDep, user: UserDep, engine: EngineDep, undo: str = "") -> Response:
    chosen = current_picks(engine, user.id, now())[:SHOWN]
    with engine.connect() as conn:
        shown = {p.id: p for p in papers_by_ids(conn, [c.paper_id for c in chosen])}
        reasons = {p.id: p for p in papers_by_ids(conn, list({i for c in chosen for i in c.because}))}
        voted = voted_papers(conn, user.id, list(shown))
        following = user_interests(conn, user.id)
        kept = set(positives(conn, user.id))
        categories = [c for c, _ in top_categories(conn, limit=30)]
    picks = [
        (shown[c.paper_id], c, [reasons[i] for i in c.because if i in reasons]) for c in chosen if c.paper_id in shown
    ]
    return render(
        request,
        "foryou.html",
        {
            "picks": picks,
            "voted": voted,
            "following": following,
            "categories": categories,
            "undo": undo[:40],
            "cold": not kept,
            "kept": kept,
        },
    )


@router.post("/papers/{arxiv_id:path}/dismiss", dependencies=[CsrfDep])
def not_interested(request: Request, user: UserDep, engine: EngineDep, arxiv_id: str) -> Response:
    with engine.begin() as conn:
        paper = find_paper(conn, arxiv_id)
        dismiss(conn, user.id, paper.id, now())
        drop_pick(conn, user.id, paper.id)
    return redirect(f"/for-you?undo={paper.arxiv_id}")


@router.post("/papers/{arxiv_id:path}/undismiss", dependencies=[CsrfDep])
def undo_not_interested(request: Request, user: UserDep, engine: EngineDep, arxiv_id: str) -> Response:
    with engine.begin() as conn:
        paper = find_paper(conn, arxiv_id)
        undismiss(conn, user.id, paper.id)
    return redirect(referer_path(request, "/for-you").split("?")[0])


@router.post("/for-you/interests", dependencies=[CsrfDep])
def follow(
    request: Request,
    visitor: VisitorDep,
    user: UserDep,
    engine: EngineDep,
    categories: Annotated[list[str], Form(max_length=40)] = [],  # noqa: B006 (FastAPI copies defaults)
    authors: Text = "",
    papers: Text = "",
) -> Response:
    """A cold start: the categories, authors and papers a new reader follows."""
    chosen: list[tuple[str, str]] = []
    for name in [c for value in categories[:50] for c in value.replace(",", " ").split()]:
        if not is_category(name):
            raise HTTPException(400, f"{name[:40]!r} is not an arXiv category such as cs.CL.")
        chosen.append(("category", name))
    chosen += [("author", a.strip()) for a in authors.split(",") if a.strip()]
    for raw in papers.replace(",", " ").split():
        try:
            chosen.append(("paper", parse_arxiv_id(raw)[0]))
        except InvalidArxivId as exc:
            raise HTTPException(400, str(exc)) from exc
    try:
        with engine.begin() as conn:
            set_interests(conn, user.id, chosen, now())
    except ValueError as exc:
        raise HTTPException(400, str(exc)) from exc
    return redirect("/for-you")
