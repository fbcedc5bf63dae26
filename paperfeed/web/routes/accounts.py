"""Signing up, in and out, changing a password, and a user's public profile."""

from __future__ import annotations

from datetime import timedelta
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
from paperfeed.store.users import (
    AccountError,
    create_session,
    create_user,
    end_session,
    forget_old_login_failures,
    password_hash_of,
    recent_login_failures,
    record_login_failure,
    user_by_name,
)
from paperfeed.web.deps import CsrfDep, VisitorDep, local_path, redirect, render, security_of
from paperfeed.web.security import (
    LOGIN_FAILURES_PER_ACCOUNT,
    LOGIN_FAILURES_PER_ADDRESS,
    LOGIN_WINDOW_MINUTES,
    SESSION_COOKIE,
)

router = APIRouter()


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _start_session(request: Request, engine, user_id: int, response: Response) -> Response:  # type: ignore[no-untyped-def]
    security = security_of(request)
    token, cookie = security.new_session_cookie()
    days = settings_of(request).session_days
    with engine.begin() as conn:
        create_session(conn, user_id, token, now(), timedelta(days=days))
    response.set_cookie(
        SESSION_COOKIE,
        cookie,
        max_age=days * 86400,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
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
    since = moment - timedelta(minutes=LOGIN_WINDOW_MINUTES)
    with engine.begin() as conn:
        forget_old_login_failures(conn, moment - timedelta(days=1))
        by_account, by_address = recent_login_failures(conn, username, address, since)
    if by_account >= LOGIN_FAILURES_PER_ACCOUNT or by_address >= LOGIN_FAILURES_PER_ADDRESS:
        return render(
            request,
            "signin.html",
            {
                "next": local_path(next),
                "username": username,
                "error": f"Too many failed sign-ins. Wait {LOGIN_WINDOW_MINUTES} minutes and try again.",
            },
            status_code=429,
            headers={"Retry-After": str(LOGIN_WINDOW_MINUTES * 60)},
        )
    with engine.connect() as conn:
        user = user_by_name(conn, username)
        stored = password_hash_of(conn, user.id) if user else None
    security = security_of(request)
    if user is None or stored is None or not security.verify_password(stored, password):
        if user is None:
            security.hash_password(password or "x")  # same time whether or not the account exists
        with engine.begin() as conn:
            record_login_failure(conn, username, address, moment)
        return render(
            request,
            "signin.html",
            {"next": local_path(next), "username": username, "error": "That username and password do not match."},
            status_code=400,
        )
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
