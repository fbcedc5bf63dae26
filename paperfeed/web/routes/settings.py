"""A user's settings: password, email digests, the private feed."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from paperfeed.clock import now
from paperfeed.deps import EngineDep, RowId, composer_of, public_base
from paperfeed.passwords import check_password
from paperfeed.store.api_tokens import create_token, revoke_token, user_tokens
from paperfeed.store.quotas import take
from paperfeed.store.subscriptions import Preferences, subscriptions_of_user
from paperfeed.store.users import end_other_sessions, feed_token, password_hash_of, set_password_hash
from paperfeed.web.deps import CsrfDep, UserDep, VisitorDep, redirect, render, security_of

router = APIRouter()


def _page(
    request: Request,
    engine,
    user,
    *,
    error: str | None = None,
    done: str = "",  # type: ignore[no-untyped-def]
    new_token: str | None = None,
    status_code: int = 200,
) -> Response:
    composer = composer_of(request)
    with engine.begin() as conn:
        subs = subscriptions_of_user(conn, user.id)
        token = feed_token(conn, user.id, now())
        tokens = user_tokens(conn, user.id)
    return render(
        request,
        "settings.html",
        {
            "error": error,
            "done": done,
            "subscriptions": [(s, composer.links(s, base="").manage) for s in subs],
            "feed_url": f"{public_base(request)}/feeds/private/{token}",
            "prefs": Preferences(),
            "tokens": tokens,
            "new_token": new_token,
        },
        status_code=status_code,
        # It shows a new API token and the private feed's address: no cache, shared or the browser's, keeps it.
        headers={"Cache-Control": "no-store"},
    )


@router.get("/settings")
def settings_page(request: Request, user: UserDep, engine: EngineDep, done: str = "") -> Response:
    return _page(request, engine, user, done=done if done in ("password", "feed", "revoked") else "")


@router.post("/settings/password", dependencies=[CsrfDep])
def change_password(
    request: Request,
    visitor: VisitorDep,
    user: UserDep,
    engine: EngineDep,
    current: Annotated[str, Form(max_length=2000)] = "",
    new: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    security = security_of(request)
    with engine.begin() as conn:
        take(conn, "account", f"user:{user.id}", now())  # a stolen session cannot guess the password at will
        stored = password_hash_of(conn, user.id)
    error = None
    if not stored or not security.verify_password(stored, current):
        error = "Your current password is not right."
    else:
        error = check_password(new, user.username)
    if error:
        return _page(request, engine, user, error=error, status_code=400)
    with engine.begin() as conn:
        set_password_hash(conn, user.id, security.hash_password(new))
        end_other_sessions(conn, user.id, visitor.session_token)
    return redirect("/settings?done=password")


@router.post("/settings/feed", dependencies=[CsrfDep])
def renew_feed(user: UserDep, engine: EngineDep) -> Response:
    """Give the private feed a new address; the old one stops working at once."""
    with engine.begin() as conn:
        take(conn, "account", f"user:{user.id}", now())
        feed_token(conn, user.id, now(), renew=True)
    return redirect("/settings?done=feed")


@router.post("/settings/tokens", dependencies=[CsrfDep])
def new_token(
    request: Request, user: UserDep, engine: EngineDep, name: Annotated[str, Form(max_length=100)] = ""
) -> Response:
    """Make a personal API token and show it, once: only its hash is kept."""
    try:
        with engine.begin() as conn:
            take(conn, "account", f"user:{user.id}", now())
            token = create_token(conn, user.id, name, now())
    except ValueError as exc:
        return _page(request, engine, user, error=str(exc), status_code=400)
    return _page(request, engine, user, new_token=token)


@router.post("/settings/tokens/{token_id}/revoke", dependencies=[CsrfDep])
def revoke(user: UserDep, engine: EngineDep, token_id: RowId) -> Response:
    with engine.begin() as conn:
        revoke_token(conn, user.id, token_id, now())
    return redirect("/settings?done=revoked")
