"""A user's collections: named lists of papers, public or private."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import Response

from paperfeed.clock import now
from paperfeed.deps import EngineDep, FormRowId, RowId
from paperfeed.store.collections import (
    collection_paper_ids,
    create_collection,
    delete_collection,
    get_collection,
    remove_from_collection,
    update_collection,
    user_collections,
)
from paperfeed.store.errors import CommunityError
from paperfeed.store.papers import papers_by_ids
from paperfeed.store.votes import voted_papers
from paperfeed.web.deps import CsrfDep, UserDep, VisitorDep, redirect, render

router = APIRouter()


@router.get("/collections")
def my_collections(request: Request, user: UserDep, engine: EngineDep) -> Response:
    with engine.connect() as conn:
        mine = user_collections(conn, user.id)
    return render(request, "collections.html", {"collections": mine, "error": None})


@router.post("/collections", dependencies=[CsrfDep])
def new_collection(
    request: Request,
    user: UserDep,
    engine: EngineDep,
    name: Annotated[str, Form()] = "",
    description: Annotated[str, Form()] = "",
    public: Annotated[str, Form()] = "",
) -> Response:
    try:
        with engine.begin() as conn:
            collection_id = create_collection(conn, user.id, name, description, bool(public), now())
    except CommunityError as exc:
        with engine.connect() as conn:
            mine = user_collections(conn, user.id)
        return render(request, "collections.html", {"collections": mine, "error": str(exc)}, status_code=400)
    return redirect(f"/collections/{collection_id}")


@router.get("/collections/{collection_id}")
def collection_page(request: Request, visitor: VisitorDep, engine: EngineDep, collection_id: RowId) -> Response:
    with engine.connect() as conn:
        found = get_collection(conn, collection_id)
        own = found is not None and visitor.user is not None and visitor.user.id == found.user_id
        if found is None or not (found.is_public or own):
            raise HTTPException(404, "There is no such collection, or it is private.")
        papers = papers_by_ids(conn, collection_paper_ids(conn, collection_id))
        voted = voted_papers(conn, visitor.user.id, [p.id for p in papers]) if visitor.user else set()
    return render(request, "collection.html", {"collection": found, "papers": papers, "own": own, "voted": voted})


@router.post("/collections/{collection_id}/edit", dependencies=[CsrfDep])
def edit(
    user: UserDep,
    engine: EngineDep,
    collection_id: RowId,
    name: Annotated[str, Form()] = "",
    description: Annotated[str, Form()] = "",
    public: Annotated[str, Form()] = "",
) -> Response:
    try:
        with engine.begin() as conn:
            update_collection(conn, collection_id, user.id, name=name, description=description, is_public=bool(public))
    except CommunityError as exc:
        raise HTTPException(403, str(exc)) from exc
    return redirect(f"/collections/{collection_id}")


@router.post("/collections/{collection_id}/delete", dependencies=[CsrfDep])
def delete(user: UserDep, engine: EngineDep, collection_id: RowId) -> Response:
    try:
        with engine.begin() as conn:
            delete_collection(conn, collection_id, user.id)
    except CommunityError as exc:
        raise HTTPException(403, str(exc)) from exc
    return redirect("/collections")


@router.post("/collections/{collection_id}/remove", dependencies=[CsrfDep])
def remove(user: UserDep, engine: EngineDep, collection_id: RowId, paper_id: FormRowId) -> Response:
    try:
        with engine.begin() as conn:
            remove_from_collection(conn, collection_id, user.id, paper_id)
    except CommunityError as exc:
        raise HTTPException(403, str(exc)) from exc
    return redirect(f"/collections/{collection_id}")
