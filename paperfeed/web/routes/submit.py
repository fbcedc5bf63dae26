"""Submitting a paper by its arXiv id or URL."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from paperfeed.ingest import SubmitError, submit_arxiv_paper
from paperfeed.search.keyword import index_pending
from paperfeed.search.keywords import index_keywords
from paperfeed.web.deps import CsrfDep, EngineDep, UserDep, now, redirect, render

router = APIRouter()


@router.get("/submit")
def submit_form(request: Request, user: UserDep) -> Response:
    return render(request, "submit.html", {"error": None, "value": ""})


@router.post("/submit", dependencies=[CsrfDep])
def submit(request: Request, user: UserDep, engine: EngineDep,
           arxiv_id: Annotated[str, Form(max_length=300)] = "") -> Response:
    settings = request.app.state.settings
    try:
        key = submit_arxiv_paper(engine, request.app.state.arxiv, settings.arxiv_api_url, arxiv_id, user.id, now())
    except SubmitError as exc:
        return render(request, "submit.html", {"error": str(exc), "value": arxiv_id}, status_code=400)
    # Indexes follow the store: the new paper is searchable at once (its embedding comes with the next
    # `paperfeed index`).
    with engine.begin() as conn:
        index_pending(conn)
        index_keywords(conn)
    return redirect(f"/papers/{key}")
