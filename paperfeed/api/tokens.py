"""Who a personal API token belongs to: the dependency every write of the API takes (`TokenUser`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request

from paperfeed.clock import now
from paperfeed.deps import EngineDep
from paperfeed.store.api_tokens import token_user
from paperfeed.store.users import User


def token_holder(request: Request, engine: EngineDep) -> User:
    """Return the user whose live token the request carries as `Authorization: Bearer pf_…`; 401 otherwise."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise HTTPException(
            401,
            "This needs a personal API token (make one in your settings) as 'Authorization: Bearer pf_...'.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    with engine.begin() as conn:
        user = token_user(conn, token.strip(), now())
    if user is None:
        raise HTTPException(
            401, "This API token is not valid or has been revoked.", headers={"WWW-Authenticate": "Bearer"}
        )
    return user


TokenUser = Annotated[User, Depends(token_holder)]
