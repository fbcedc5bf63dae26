"""A member's collections, with a personal token: list, make, add a paper, take one out."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path
from fastapi.responses import Response
from sqlalchemy.engine import Connection, Engine

from paperfeed.api import models
from paperfeed.api.errors import WRITE_ERRORS, WRITE_TAGS
from paperfeed.api.inputs import CollectionIn, ItemIn
from paperfeed.api.respond import json_response, paper_by_id
from paperfeed.api.tokens import TokenUser
from paperfeed.clock import now
from paperfeed.deps import EngineDep, RowId
from paperfeed.store.collections import (
    Collection,
    add_to_collection,
    collection_paper_ids,
    create_collection,
    remove_from_collection,
    user_collections,
)
from paperfeed.store.errors import CommunityError
from paperfeed.store.papers import papers_by_ids
from paperfeed.store.users import User

write = APIRouter(tags=WRITE_TAGS, responses=WRITE_ERRORS)


@write.get("/api/collections", response_model=list[models.CollectionOut], summary="Your collections")
def my_collections(engine: EngineDep, user: TokenUser) -> Response:
    with engine.connect() as conn:
        return json_response([_collection_json(conn, c) for c in user_collections(conn, user.id)])


@write.post("/api/collections", response_model=models.CollectionOut, status_code=201, summary="Make a collection")
def new_collection(engine: EngineDep, user: TokenUser, body: CollectionIn) -> Response:
    with engine.begin() as conn:
        try:
            collection_id = create_collection(conn, user.id, body.name, body.description, body.public, now())
        except CommunityError as exc:
            raise HTTPException(400, str(exc)) from exc
        made = next(c for c in user_collections(conn, user.id) if c.id == collection_id)
        return json_response(_collection_json(conn, made), status_code=201)


@write.post(
    "/api/collections/{collection_id}/items",
    response_model=models.CollectionOut,
    summary="Add a paper to one of your collections",
)
def collect(engine: EngineDep, user: TokenUser, collection_id: RowId, body: ItemIn) -> Response:
    return _change_collection(engine, user, collection_id, body.arxivId, add=True)


@write.delete(
    "/api/collections/{collection_id}/items/{arxiv_id:path}",
    response_model=models.CollectionOut,
    summary="Take a paper out of one of your collections",
)
def uncollect(
    engine: EngineDep, user: TokenUser, collection_id: RowId, arxiv_id: Annotated[str, Path(max_length=80)]
) -> Response:
    return _change_collection(engine, user, collection_id, arxiv_id, add=False)


def _change_collection(engine: Engine, user: User, collection_id: int, arxiv_id: str, add: bool) -> Response:
    with engine.begin() as conn:
        paper = paper_by_id(conn, arxiv_id)
        try:
            if add:
                add_to_collection(conn, collection_id, user.id, paper.id, now())
            else:
                remove_from_collection(conn, collection_id, user.id, paper.id)
        except CommunityError as exc:
            raise HTTPException(404, str(exc)) from exc
        found = next(c for c in user_collections(conn, user.id) if c.id == collection_id)
        return json_response(_collection_json(conn, found))


def _collection_json(conn: Connection, c: Collection) -> dict[str, Any]:
    return {
        "id": c.id,
        "name": c.name,
        "description": c.description,
        "public": c.is_public,
        "papers": [p.arxiv_id for p in papers_by_ids(conn, collection_paper_ids(conn, c.id))],
    }
