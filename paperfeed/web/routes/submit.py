"""Submitting a paper by its arXiv id or URL (what a submission does is paperfeed/submissions.py's)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from paperfeed.clock import now
from paperfeed.deps import ArxivDep, EngineDep, SettingsDep
from paperfeed.submissions import SubmitError, submit_paper
from paperfeed.web.deps import CsrfDep, UserDep, redirect, render

router = APIRouter()


@router.get("/submit")
def submit_form(request: Request, user: UserDep) -> Response:
    return render(request, "submit.html", {"error": None, "value": ""})


@router.post("/submit", dependencies=[CsrfDep])
def submit(
    request: Request,
    user: UserDep,
    engine: EngineDep,
    settings: SettingsDep,
    arxiv: ArxivDep,
    arxiv_id: Annotated[str, Form(max_length=300)] = "",
) -> Response:
    try:
        key = submit_paper(engine, arxiv, settings, arxiv_id, user.id, now())
    except SubmitError as exc:
        return render(request, "submit.html", {"error": str(exc), "value": arxiv_id}, status_code=400)
    return redirect(f"/papers/{key}")
