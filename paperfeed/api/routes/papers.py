"""One paper: its JSON (Hugging Face compatible) and markdown page; submitting and upvoting with a token."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Request
from fastapi.responses import PlainTextResponse, Response
from sqlalchemy.engine import Connection, Engine

from paperfeed.api import models
from paperfeed.api.errors import ERRORS, READ_TAGS, WRITE_ERRORS, WRITE_TAGS
from paperfeed.api.inputs import SubmitIn
from paperfeed.api.respond import json_response, paper_by_id
from paperfeed.api.shapes import paper_info_json, paper_markdown
from paperfeed.api.tokens import TokenUser
from paperfeed.clock import now
from paperfeed.deps import EngineDep, RowId, public_base
from paperfeed.search.keyphrases import keyphrases_of
from paperfeed.store.papers import get_paper
from paperfeed.store.submissions import Submission, get_submission
from paperfeed.store.users import User
from paperfeed.store.votes import set_vote
from paperfeed.submissions import SubmitError, request_submission

router = APIRouter(tags=READ_TAGS, responses=ERRORS)
write = APIRouter(tags=WRITE_TAGS, responses=WRITE_ERRORS)
_ERROR_JSON = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}


@router.get(
    "/api/papers/{arxiv_id:path}", response_model=models.PaperInfo, summary="One paper (Hugging Face compatible)"
)
def paper_info(engine: EngineDep, arxiv_id: Annotated[str, Path(max_length=80)]) -> Response:
    with engine.connect() as conn:
        paper = paper_by_id(conn, arxiv_id)
        return json_response(paper_info_json(paper, keyphrases_of(conn, [paper.id]).get(paper.id, [])))


@router.get(
    "/papers/{arxiv_id:path}.md",
    response_class=PlainTextResponse,
    summary="One paper as markdown (Hugging Face compatible)",
    responses={
        200: {"content": {"text/markdown": {"schema": {"type": "string"}}}, "description": "Markdown"},
        **{code: {"content": _ERROR_JSON, "description": ERRORS[code]["description"]} for code in ERRORS},
    },
)
def paper_markdown_page(
    request: Request, engine: EngineDep, arxiv_id: Annotated[str, Path(max_length=80)]
) -> PlainTextResponse:
    with engine.connect() as conn:
        paper = paper_by_id(conn, arxiv_id)
    return PlainTextResponse(paper_markdown(paper, public_base(request)), media_type="text/markdown; charset=utf-8")


@write.post(
    "/api/papers",
    response_model=models.SubmissionOut,
    status_code=202,
    summary="Submit a paper by its arXiv id: queued at once, fetched from arXiv in the background",
)
def submit(engine: EngineDep, user: TokenUser, body: SubmitIn) -> Response:
    try:
        submission = request_submission(engine, body.arxivId, user.id, now())
    except SubmitError as exc:
        raise HTTPException(409 if exc.listed else 400, str(exc)) from exc
    with engine.connect() as conn:
        return json_response(_submission_json(conn, submission), status_code=202)


@router.get(
    "/api/submissions/{submission_id}",
    response_model=models.SubmissionOut,
    summary="Where a submission stands: queued, fetching, listed or failed",
)
def submission_status(engine: EngineDep, submission_id: RowId) -> Response:
    with engine.connect() as conn:
        submission = get_submission(conn, submission_id)
        if submission is None:
            raise HTTPException(404, "There is no such submission.")
        return json_response(_submission_json(conn, submission))


def _submission_json(conn: Connection, submission: Submission) -> dict[str, Any]:
    paper = get_paper(conn, submission.arxiv_id) if submission.state == "listed" else None
    return {
        "submission": submission.id,
        "id": submission.arxiv_id,
        "state": submission.state,
        "reason": submission.reason,
        "paper": paper_info_json(paper, keyphrases_of(conn, [paper.id]).get(paper.id, [])) if paper else None,
    }


@write.post("/api/papers/{arxiv_id:path}/upvote", response_model=models.VoteOut, summary="Upvote a paper")
def upvote(engine: EngineDep, user: TokenUser, arxiv_id: Annotated[str, Path(max_length=80)]) -> Response:
    return _vote(engine, user, arxiv_id, want=True)


@write.delete("/api/papers/{arxiv_id:path}/upvote", response_model=models.VoteOut, summary="Take an upvote back")
def unvote(engine: EngineDep, user: TokenUser, arxiv_id: Annotated[str, Path(max_length=80)]) -> Response:
    return _vote(engine, user, arxiv_id, want=False)


def _vote(engine: Engine, user: User, arxiv_id: str, want: bool) -> Response:
    with engine.begin() as conn:
        paper = paper_by_id(conn, arxiv_id)
        voted, total = set_vote(conn, user.id, paper.id, want, now())
    return json_response({"id": paper.arxiv_id, "upvoted": voted, "upvotes": total})
