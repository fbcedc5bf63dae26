"""Signing up, in and out, changing a password, and a user's public profile."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import Response

from paperfeed.clock import now
from paperfeed.deps import EngineDep, settings_of
from paperfeed.passwords import check_password
from paperfeed.store.claims import user_claims
from paperfeed.store.collections import user_collections
from paperfeed.store.listings import papers_submitted_by
from paperfeed.store.papers import papers_by_ids
from paperfeed.store.quotas import OverQuota, give_back, take
from paperfeed.store.users import (
    AccountError,
    create_session,
    create_user,
    end_session,
    password_hash_of,
    user_by_name,
)
from paperfeed.web.deps import CsrfDep, VisitorDep, local_path, redirect, render, security_of
from paperfeed.web.security import CSRF_COOKIE, CSRF_MAX_AGE, SESSION_COOKIE

router = APIRouter()


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _start_session(request: Request, engine, user_id: int, response: Response) -> Response:  # type: ignore[no-untyped-def]
    security = security_of(request)
    token, cookie = security.new_session_cookie()
    days = settings_of(request).session_days
    with engine.begin() as conn:
        create_session(conn, user_id, token, now(), timedelta(days=days))
    secure = request.url.scheme == "https"
    response.set_cookie(
        SESSION_COOKIE, cookie, max_age=days * 86400, httponly=True, samesite="lax", secure=secure, path="/"
    )
    # A new CSRF cookie too: nothing a page showed before signing in is of use after it.
    response.set_cookie(
        CSRF_COOKIE, security.new_csrf_cookie(), max_age=CSRF_MAX_AGE, httponly=True, samesite="lax", secure=secure
    )
    return response


@router.get("/signup")
def signup_form(request: Request, next: str = "/") -> Response:
    return render(request, "signup.html", {"next": local_path(next), "error": None, "username": ""})


@router.post("/signup", dependencies=[CsrfDep])
def signup(
    request: Request,
    engine: EngineDep,
    username: Annotated[str, Form(max_length=100)] = "",
    password: Annotated[str, Form(max_length=2000)] = "",
    display_name: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    error = check_password(password, username)
    user = None
    if error is None:
        with engine.begin() as conn:  # before the hash: each costs a fraction of a second of a core
            take(conn, "signup", f"address:{_address(request)}", now())
        password_hash = security_of(request).hash_password(password)
        try:
            with engine.begin() as conn:
                user = create_user(conn, username, password_hash, now(), display_name=display_name)
        except AccountError as exc:
            error = str(exc)
    if user is None:
        return render(
            request, "signup.html", {"next": local_path(next), "error": error, "username": username}, status_code=400
        )
    return _start_session(request, engine, user.id, redirect(local_path(next)))


@router.get("/signin")
def signin_form(request: Request, next: str = "/") -> Response:
    return render(request, "signin.html", {"next": local_path(next), "error": None, "username": ""})


def _guesses(engine, name: str, address: str, moment: datetime) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """Count one sign-in guess against its limits, or raise OverQuota; return the quotas it used.

    A guesser meets the limit of their own address (and of the account from that address)
    long before the owner does; guesses at one account from many addresses slow it to one
    every ten seconds instead of locking its owner out. Counted before the password is
    checked, in one statement each: concurrent guesses cannot outrun the limit.
    """
    used = [("signin-address", f"address:{address}"), ("signin", f"pair:{name}|{address}")]
    with engine.begin() as conn:
        for action, key in used:
            take(conn, action, key, moment)
        try:
            take(conn, "signin-account", f"account:{name}", moment)
            used.append(("signin-account", f"account:{name}"))
        except OverQuota:
            take(conn, "signin-slow", f"account:{name}", moment)
    return used


@router.post("/signin", dependencies=[CsrfDep])
def signin(
    request: Request,
    engine: EngineDep,
    username: Annotated[str, Form(max_length=100)] = "",
    password: Annotated[str, Form(max_length=2000)] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    address = _address(request)
    moment = now()
    context = {"next": local_path(next), "username": username}
    try:
        used = _guesses(engine, username.strip().lower()[:40], address, moment)
    except OverQuota as exc:
        headers = {"Retry-After": str(exc.retry_after)}
        return render(request, "signin.html", {**context, "error": str(exc)}, status_code=429, headers=headers)
    with engine.connect() as conn:
        user = user_by_name(conn, username)
        stored = password_hash_of(conn, user.id) if user else None
    security = security_of(request)
    if user is None or stored is None or not security.verify_password(stored, password):
        if user is None:
            security.hash_password(password or "x")  # same time whether or not the account exists
        error = "That username and password do not match."
        return render(request, "signin.html", {**context, "error": error}, status_code=400)
    with engine.begin() as conn:  # the right password was no guess
        for action, key in used:
            give_back(conn, action, key, moment)
    return _start_session(request, engine, user.id, redirect(local_path(next)))


@router.post("/signout", dependencies=[CsrfDep])
def signout(visitor: VisitorDep, engine: EngineDep) -> Response:
    if visitor.session_token:
        with engine.begin() as conn:
            end_session(conn, visitor.session_token)
    response = redirect("/")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/users/{username}")
def profile(request: Request, visitor: VisitorDep, engine: EngineDep, username: str) -> Response:
    with engine.connect() as conn:
        user = user_by_name(conn, username)
        if user is None:
            raise HTTPException(404, "There is no such user.")
        claims = user_claims(conn, user.id, status="confirmed")
        authored = papers_by_ids(conn, [c.paper_id for c in claims])
        submitted = papers_submitted_by(conn, user.id)
        own = visitor.user is not None and visitor.user.id == user.id
        collections = user_collections(conn, user.id, public_only=not own)
    return render(
        request,
        "profile.html",
        {"profile": user, "authored": authored, "submitted": submitted, "collections": collections},
    )
