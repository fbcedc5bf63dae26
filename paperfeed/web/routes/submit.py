"""Submitting a paper by its arXiv id or URL, and following its state (what a submission does is
paperfeed/submissions.py's)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import Response

from paperfeed.clock import now
from paperfeed.deps import EngineDep, RowId
from paperfeed.store.quotas import OverQuota
from paperfeed.store.submissions import get_submission
from paperfeed.submissions import SubmitError, request_submission
from paperfeed.web.deps import CsrfDep, UserDep, redirect, render

router = APIRouter()


@router.get("/submit")
def submit_form(request: Request, user: UserDep) -> Response:
    return render(request, "submit.html", {"error": None, "value": ""})


@router.post("/submit", dependencies=[CsrfDep])
def submit(
    request: Request, user: UserDep, engine: EngineDep, arxiv_id: Annotated[str, Form(max_length=300)] = ""
) -> Response:
    try:
        submission = request_submission(engine, arxiv_id, user.id, now())
    except OverQuota as exc:
        context = {"error": str(exc), "value": arxiv_id, "listed": None}
        return render(request, "submit.html", context, status_code=429, headers={"Retry-After": str(exc.retry_after)})
    except SubmitError as exc:
        context = {"error": str(exc), "value": arxiv_id, "listed": exc.listed}
        return render(request, "submit.html", context, status_code=400)
    return redirect(f"/submissions/{submission.id}")


@router.get("/submissions/{submission_id}")
def submission_page(request: Request, engine: EngineDep, submission_id: RowId) -> Response:
    """Where a submission stands: queued, fetching, listed (then the paper), or failed and why."""
    with engine.connect() as conn:
        submission = get_submission(conn, submission_id)
    if submission is None:
        raise HTTPException(404, "There is no such submission.")
    if submission.state == "listed":
        return redirect(f"/papers/{submission.arxiv_id}")
    return render(request, "submission.html", {"submission": submission}, headers={"Cache-Control": "no-store"})
