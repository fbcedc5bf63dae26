"""A paper's comments: read by anyone, written with a personal token."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path
from fastapi.responses import Response

from paperfeed.api import models
from paperfeed.api.errors import ERRORS, READ_TAGS, WRITE_ERRORS, WRITE_TAGS
from paperfeed.api.inputs import CommentIn
from paperfeed.api.respond import json_response, paper_by_id
from paperfeed.api.shapes import comment_json
from paperfeed.api.tokens import TokenUser
from paperfeed.clock import now
from paperfeed.deps import EngineDep
from paperfeed.store.comments import add_comment, paper_comments
from paperfeed.store.errors import CommunityError

router = APIRouter(tags=READ_TAGS, responses=ERRORS)
write = APIRouter(tags=WRITE_TAGS, responses=WRITE_ERRORS)


@router.get(
    "/api/papers/{arxiv_id:path}/comments",
    response_model=list[models.CommentOut],
    summary="A paper's comments, oldest first",
)
def comments_of(engine: EngineDep, arxiv_id: Annotated[str, Path(max_length=80)]) -> Response:
    with engine.connect() as conn:
        paper = paper_by_id(conn, arxiv_id)
        return json_response([comment_json(c) for c in paper_comments(conn, paper.id)])


@write.post(
    "/api/papers/{arxiv_id:path}/comments",
    response_model=models.CommentOut,
    status_code=201,
    summary="Comment on a paper",
)
def comment(
    engine: EngineDep, user: TokenUser, body: CommentIn, arxiv_id: Annotated[str, Path(max_length=80)]
) -> Response:
    with engine.begin() as conn:
        paper = paper_by_id(conn, arxiv_id)
        try:
            comment_id = add_comment(conn, paper.id, user.id, body.text, now(), body.parentId)
        except CommunityError as exc:
            raise HTTPException(400, str(exc)) from exc
        made = next(c for c in paper_comments(conn, paper.id) if c.id == comment_id)
    return json_response(comment_json(made), status_code=201)
