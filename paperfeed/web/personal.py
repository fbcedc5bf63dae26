"""A member's page as the page all members share plus slots filled with what is theirs.

What a member sees on a list or a paper's page is mostly what every member sees: the papers, their
counts, the comments. Only a few things are theirs: their name and form token, which papers they
upvoted, on a paper's page their collections and claim and the actions on their own comments.
Rendering the whole page for every member cost 30 times an anonymous cached page (bench/pages.py);
so a page whose handler takes `SharedVisitorDep` is rendered once for a *skeleton* visitor whose
personal values are slots, kept by the page cache like an anonymous page, and every member's request
fills the slots from one small read of the store (store/members.py). The page is whole when it
leaves the server: nothing waits on scripts.

The markup of each personal part lives once, in the templates: a slot becomes a plain value (a
token, a name, "true" or "false") or a macro of personal.html, the same macro a full render calls.
Slots are marked with a nonce drawn at start, so no text a page shows can forge one.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from jinja2 import Environment, pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape
from sqlalchemy.engine import Engine
from starlette.types import Scope

from paperfeed.clock import now
from paperfeed.store.members import MemberView, may_edit_links, member_view
from paperfeed.web.security import SESSION_COOKIE, Security

_NONCE = secrets.token_hex(8)
_MARK = "\x00" + _NONCE
_MARK_BYTES = _MARK.encode()


def slot(name: str, arg: object = "") -> str:
    """The mark a skeleton carries where `name` (for `arg`) is filled in."""
    return f"{_MARK}{name}\x1f{arg}\x00"


class VoteSlots:
    """What a skeleton page has for "the papers this visitor upvoted": a slot on every button."""


VOTE_SLOTS = VoteSlots()


def pressed(voted: set[int] | VoteSlots, paper_id: int) -> str:
    """A vote button's aria-pressed: this visitor's own, or its slot on a skeleton page."""
    if isinstance(voted, VoteSlots):
        return slot("pressed", paper_id)
    return "true" if paper_id in voted else "false"


@pass_context
def slot_with(context: Context, name: str, arg: object, **bits: Any) -> Markup:
    """A slot whose filling needs the page's data (`bits`): kept beside the skeleton, not in it."""
    context["request"].state.slot_bits[f"{name}:{arg}"] = bits
    return Markup(slot(name, arg))


def install(env: Environment) -> None:
    env.globals["slot"] = slot_with
    env.filters["pressed"] = pressed


@dataclass(slots=True)
class Skeleton:
    """A page split at its slots: its text with a placeholder at each slot, where each slot is, and what
    the slots need to be filled."""

    parts: list[bytes]  # the page's text, with b"" where a slot is
    slots: list[tuple[int, str, str]]  # (index in parts, name, arg)
    bits: dict[str, dict[str, Any]]
    paper_ids: list[int] = field(default_factory=list)  # papers with a vote button
    detailed: list[int] = field(default_factory=list)  # papers shown whole


def parse(body: bytes, bits: dict[str, dict[str, Any]]) -> Skeleton:
    """Split a skeleton page once, when it is kept, so that filling it is a join."""
    pieces = body.split(_MARK_BYTES)
    skeleton = Skeleton([pieces[0]], [], bits)
    for piece in pieces[1:]:
        spec, _, rest = piece.partition(b"\x00")
        name, _, arg = spec.decode().partition("\x1f")
        skeleton.slots.append((len(skeleton.parts), name, arg))
        skeleton.parts += (b"", rest)
        if name == "pressed":
            skeleton.paper_ids.append(int(arg))
        elif name == "yours":
            skeleton.detailed.append(int(arg))
    return skeleton


@dataclass(frozen=True, slots=True)
class Member:
    """One member's part of a page: what the store says is theirs, and the token their forms carry."""

    view: MemberView
    csrf: str


Filler = Callable[[Member, str, dict[str, Any], Any], str]
_PRESSED = {True: b"true", False: b"false"}


def _keep_and_claim(member: Member, arg: str, bits: dict[str, Any], macros: Any) -> str:
    paper = bits["paper"]
    view = member.view
    editable = may_edit_links(view.user, paper.submitted_by, paper.id in view.confirmed)
    return str(macros.keep_and_claim(paper, view.collections, view.claims.get(paper.id), editable, member.csrf, False))


def _own_comment(member: Member, arg: str, bits: dict[str, Any], macros: Any) -> str:
    comment = bits["comment"]
    if comment.user_id != member.view.user.id:
        return ""
    return str(macros.own_comment_actions(comment, bits["arxiv_id"], member.csrf))


FILLERS: dict[str, Filler] = {"yours": _keep_and_claim, "mine": _own_comment}  # beside the plain values


def fill(skeleton: Skeleton, member: Member, macros: Any) -> bytes:
    """The member's page: the skeleton with each slot replaced by its filling.

    The plain values (token, name, a button's state) are written straight in: a daily page has a
    hundred slots, and this runs on every member's request.
    """
    view = member.view
    values = {
        "csrf": member.csrf.encode(),
        "name": str(escape(view.user.display_name)).encode(),
        "username": str(escape(view.user.username)).encode(),
    }
    voted = view.voted
    out = skeleton.parts.copy()
    for index, name, arg in skeleton.slots:
        if name == "pressed":
            out[index] = _PRESSED[int(arg) in voted]
        elif name in values:
            out[index] = values[name]
        else:
            out[index] = FILLERS[name](member, arg, skeleton.bits.get(f"{name}:{arg}", {}), macros).encode()
    return b"".join(out)


class Outcome(Enum):
    ANONYMOUS = "anonymous"  # no live session: the visitor sees the anonymous page
    WHOLE = "whole"  # an admin: their page differs in more than slots, so it is rendered whole


_SESSION_VALUE = re.compile(
    rb"(?:^|;)\s*" + re.escape(SESSION_COOKIE.encode()) + rb"=([A-Za-z0-9_.\-]{1,200})(?:;|\s|$)"
)


def session_cookie(scope: Scope) -> str | None:
    """The session cookie's value, or None. Read with one pattern, not SimpleCookie (a seventh of the
    fill's time): the value the site sets is a signed token of URL-safe characters and dots."""
    for name, value in scope["headers"]:
        if name == b"cookie":
            found = _SESSION_VALUE.search(value)
            if found:
                return found.group(1).decode()
    return None


MAX_REMEMBERED = 10_000


@dataclass(slots=True)
class MemberPages:
    """Fills skeletons for the members of this site: the page cache calls it on every member's request.

    What a signed cookie says and what a form token is are pure functions of the cookies, so they are
    remembered (checking a signature cost more than the whole fill); whether the session is alive is
    asked of the store every time.
    """

    engine: Engine
    security: Security
    env: Environment
    tokens: dict[str, str | None] = field(default_factory=dict)  # session cookie -> session token
    macros: Any = None  # personal.html's macros, looked up once (get_template checks the file each time)
    forms: dict[tuple[str, str], str] = field(default_factory=dict)  # (CSRF cookie, session) -> form token

    def _session_token(self, cookie: str | None) -> str | None:
        if cookie is None:
            return None
        if cookie not in self.tokens:
            if len(self.tokens) >= MAX_REMEMBERED:
                self.tokens.clear()
            self.tokens[cookie] = self.security.session_token(cookie)
        return self.tokens[cookie]

    def _form_token(self, csrf_cookie: str, token: str) -> str:
        key = (csrf_cookie, token)
        found = self.forms.get(key)
        if found is None:
            if len(self.forms) >= MAX_REMEMBERED:
                self.forms.clear()
            found = self.forms[key] = self.security.form_token(csrf_cookie, token)
        return found

    def __call__(self, scope: Scope, skeleton: Skeleton) -> bytes | Outcome:
        token = self._session_token(session_cookie(scope))
        if token is None:
            return Outcome.ANONYMOUS
        # In the event loop, not a thread: two indexed reads cost less than the hand-off to a thread would.
        with self.engine.connect() as conn:
            view = member_view(conn, token, now(), skeleton.paper_ids, skeleton.detailed)
        if view is None:
            return Outcome.ANONYMOUS
        if view.user.is_admin:
            return Outcome.WHOLE
        csrf = self._form_token(scope.get("state", {}).get("csrf") or "", token)
        if self.macros is None:
            self.macros = self.env.get_template("personal.html").module
        return fill(skeleton, Member(view, csrf), self.macros)
