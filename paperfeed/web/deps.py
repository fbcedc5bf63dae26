"""What the site's handlers depend on beyond paperfeed.deps: the visitor (who, and their CSRF token),
sign-in and admin requirements, safe redirects, and rendering a page."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy.engine import Connection

from paperfeed.clock import now
from paperfeed.deps import engine_of, settings_of
from paperfeed.store.users import User, session_user
from paperfeed.store.votes import voted_papers
from paperfeed.web.personal import VOTE_SLOTS, VoteSlots, slot
from paperfeed.web.security import CSRF_COOKIE, CSRF_HEADER, SESSION_COOKIE, Security


@dataclass(frozen=True, slots=True)
class Site:
    """What the site keeps beside the shared services: its templates, signers and subscribe limits."""

    templates: Jinja2Templates
    security: Security


def site_of(request: Request) -> Site:
    return request.app.state.site


@dataclass(frozen=True, slots=True)
class Visitor:
    user: User | None
    csrf: str  # the value forms carry back
    session_token: str | None
    skeleton: bool = False  # the member every member's page is filled from (web/personal.py)

    @property
    def is_admin(self) -> bool:
        return bool(self.user and self.user.is_admin)


def security_of(request: Request) -> Security:
    return site_of(request).security


def get_visitor(request: Request) -> Visitor:
    """Return who is asking: their account when the session cookie is valid and alive."""
    cached = getattr(request.state, "visitor", None)
    if cached is not None:
        return cached
    security = security_of(request)
    token = security.session_token(request.cookies.get(SESSION_COOKIE))
    user = None
    if token:
        with engine_of(request).connect() as conn:
            user = session_user(conn, token, now())
    session = token if user else None
    visitor = Visitor(user, security.form_token(request.state.csrf or "", session), session)
    request.state.visitor = visitor
    request.state.form_token = visitor.csrf  # the page cache keeps no page that carries it
    return visitor


VisitorDep = Annotated[Visitor, Depends(get_visitor)]

SKELETON = Visitor(User(0, slot("username"), slot("name"), False), slot("csrf"), None, skeleton=True)
SHARED_HEADER = "x-paperfeed-skeleton"  # set on a skeleton page for the page cache, which removes it


def shared_visitor(request: Request) -> Visitor:
    """The visitor of a page that differs between members only in slots: when the page cache asks for
    the members' skeleton, the skeleton visitor; otherwise who is asking, as get_visitor."""
    if getattr(request.state, "skeleton", False):
        request.state.visitor = SKELETON
        return SKELETON
    return get_visitor(request)


SharedVisitorDep = Annotated[Visitor, Depends(shared_visitor)]


def shown_votes(conn: Connection, visitor: Visitor, paper_ids: list[int]) -> set[int] | VoteSlots:
    """Which of these papers the visitor upvoted, as the page's vote buttons show it."""
    if visitor.skeleton:
        return VOTE_SLOTS
    return voted_papers(conn, visitor.user.id, paper_ids) if visitor.user else set()


def require_csrf(request: Request, csrf_token: Annotated[str, Form()] = "") -> None:
    """Refuse a form (or script) post that does not carry this visitor's CSRF token."""
    cookie = request.cookies.get(CSRF_COOKIE)
    submitted = csrf_token or request.headers.get(CSRF_HEADER, "")
    valid = security_of(request).valid_csrf_cookie(cookie)
    if not (valid and hmac.compare_digest(submitted.encode(), get_visitor(request).csrf.encode())):
        raise HTTPException(403, "This form has expired or did not come from this site. Reload the page and try again.")


CsrfDep = Depends(require_csrf)


class SignInRequired(Exception):
    """Raised by handlers that need an account; answered with a redirect to the sign-in page."""

    def __init__(self, next_url: str) -> None:
        self.next_url = next_url


def signed_in(request: Request, visitor: VisitorDep) -> User:
    if visitor.user is None:
        raise SignInRequired(request.url.path if request.method == "GET" else referer_path(request))
    return visitor.user


def admin(visitor: VisitorDep) -> User:
    if not visitor.is_admin or visitor.user is None:
        raise HTTPException(403, "Only an administrator can do that.")
    return visitor.user


UserDep = Annotated[User, Depends(signed_in)]
AdminDep = Annotated[User, Depends(admin)]


def local_path(candidate: str | None, fallback: str = "/") -> str:
    """Return a same-site path to go back to: never another host (no open redirects)."""
    if (
        not candidate
        or not candidate.startswith("/")
        or candidate.startswith("//")
        or "\\" in candidate
        or len(candidate) > 2000
    ):
        return fallback
    return candidate


def referer_path(request: Request, fallback: str = "/") -> str:
    """Return the path of the page a request came from, when that page is on this site."""
    referer = request.headers.get("referer", "")
    host = request.headers.get("host", "")
    for scheme in ("http://", "https://"):
        prefix = f"{scheme}{host}"
        if host and referer.startswith(prefix + "/"):
            return local_path(referer[len(prefix) :], fallback)
    return fallback


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def sign_in_url(next_url: str) -> str:
    return "/signin?next=" + quote(next_url, safe="/")


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    """Render a template with what every page needs (the visitor, the site)."""
    templates = site_of(request).templates
    visitor = get_visitor(request)
    ctx = {"visitor": visitor, "settings": settings_of(request), **(context or {})}
    if visitor.skeleton:
        headers = {**(headers or {}), SHARED_HEADER: "1"}
    return templates.TemplateResponse(request, template, ctx, status_code=status_code, headers=headers)


def wants_json(request: Request) -> bool:
    return "application/json" in request.headers.get("accept", "")
