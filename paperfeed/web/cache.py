"""A short-lived cache of the pages visitors see: anonymous pages whole, members' pages as skeletons.

Most readers of a daily papers site are not signed in, and they all see the
same page; most API reads (scripts, feed bots) carry no token either. Such
answers carry nothing of the visitor (no CSRF token, no votes of theirs), so
this worker keeps each one for a few seconds and answers repeats before any
routing or database work. A member's page is the members' skeleton of it
(web/personal.py), kept the same way, with their slots filled for each
request. API calls with a token, and anything but a GET of an HTML page (or
of JSON under /api/) bypass it. Any write through this worker clears it;
other workers' copies expire by age, so a reader may see a vote count that
is a few seconds old (a member's own votes are always read fresh). Safe to
lose: it is only a copy of what the store says.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from paperfeed.deps import is_api_path
from paperfeed.feeds.build import shown_as_page
from paperfeed.web.deps import SHARED_HEADER
from paperfeed.web.personal import Outcome, Skeleton, parse
from paperfeed.web.security import SESSION_COOKIE

_SESSION = SESSION_COOKIE.encode() + b"="
_SHARED = SHARED_HEADER.encode()

# (stored at, status, headers, the body, or for members the skeleton)
Entry = tuple[float, int, list[tuple[bytes, bytes]], bytes | Skeleton]
Fill = Callable[[Scope, Skeleton], bytes | Outcome]


def _variant(scope: Scope) -> bytes:
    """Answers vary with Accept in one way only: a feed opened in a browser is shown as a page."""
    accept = next((v for k, v in scope["headers"] if k == b"accept"), b"")
    return b"#page" if shown_as_page(accept.decode("latin-1")) else b""


class PageCache:
    """ASGI middleware: reuse anonymous GET pages, and members' skeletons, for `seconds`.

    A page past its age is still served to everyone but the one request that
    renders it again (stale-while-revalidate), and a page nobody has yet is
    rendered once while concurrent requests for it wait (single flight): a
    burst of readers never renders the same page 32 times. `fill` makes a
    member's page of a skeleton (web/personal.MemberPages).
    """

    def __init__(
        self,
        app: ASGIApp,
        seconds: float,
        fill: Fill | None = None,
        on_write: Callable[[], None] = lambda: None,
        max_pages: int = 1024,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.app = app
        self.seconds = seconds
        self.fill = fill
        self.on_write = on_write  # what else this worker forgets on a write (kept search answers)
        self.max_pages = max_pages
        self.clock = clock
        self.pages: OrderedDict[bytes, Entry] = OrderedDict()
        self.rendering: dict[bytes, asyncio.Event] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["method"] not in ("GET", "HEAD") or self.seconds <= 0:
            if scope["method"] not in ("GET", "HEAD"):
                self.pages.clear()  # a write: what this worker shows must not lag behind it
                self.on_write()
            await self.app(scope, receive, send)
            return
        headers = scope["headers"]
        if any(name == b"authorization" for name, _ in headers):
            await self.app(scope, receive, send)  # an API token makes the answer the asker's own
            return
        key = scope["path"].encode() + b"?" + scope.get("query_string", b"") + _variant(scope)
        member = any(name == b"cookie" and _SESSION in value for name, value in headers)
        if member and self.fill is not None and not is_api_path(scope["path"]):
            await self._member(scope, receive, send, key)
        elif member:
            await self.app(scope, receive, send)
        else:
            await self._anonymous(scope, receive, send, key)

    async def _fresh(self, key: bytes) -> Entry | None:
        """The kept entry for `key` if it may be served (waiting for one being rendered), else None."""
        entry = self.pages.get(key)
        if entry is None and key in self.rendering:
            await self.rendering[key].wait()  # someone is rendering it: use theirs
            entry = self.pages.get(key)
        if entry is not None:
            age = self.clock() - entry[0]
            if age < self.seconds or (key in self.rendering and age < 6 * self.seconds):
                return entry
        return None

    async def _anonymous(self, scope: Scope, receive: Receive, send: Send, key: bytes) -> None:
        entry = await self._fresh(key)
        if entry is not None and isinstance(entry[3], bytes):
            await self._send(scope, send, entry[1], [*entry[2], (b"x-cache", b"hit")], entry[3])
            return
        event = self.rendering.setdefault(key, asyncio.Event())
        started: dict = {}
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                started.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, capture)
            self._keep(scope, key, started, b"".join(chunks))
        finally:
            self._done(key, event)

    async def _member(self, scope: Scope, receive: Receive, send: Send, key: bytes) -> None:
        """A member's page: the kept skeleton (or a new one) filled with their part of it."""
        key += b"#member"
        entry = await self._fresh(key)
        kept = entry is not None and isinstance(entry[3], Skeleton)
        if entry is None or not kept:
            entry = await self._render_skeleton(scope, receive, send, key)
            if entry is None:
                return  # the page is not one members share: it was sent as it was rendered
        skeleton = entry[3]
        assert self.fill is not None and isinstance(skeleton, Skeleton)
        filled = self.fill(scope, skeleton)
        if filled is Outcome.ANONYMOUS:  # a stale or forged session cookie: the visitor's page is the public one
            await self._anonymous(scope, receive, send, key[: -len(b"#member")])
        elif filled is Outcome.WHOLE:
            await self.app(scope, receive, send)
        else:
            assert isinstance(filled, bytes)
            headers = [(n, v) for n, v in entry[2] if n != b"content-length"]
            headers.append((b"content-length", str(len(filled)).encode()))
            if kept:
                headers.append((b"x-cache", b"filled"))  # the shared part was not rendered for this request
            await self._send(scope, send, entry[1], headers, filled)

    async def _render_skeleton(self, scope: Scope, receive: Receive, send: Send, key: bytes) -> Entry | None:
        """Render the members' skeleton of a page; when the handler does not make one, pass its answer on."""
        event = self.rendering.setdefault(key, asyncio.Event())
        state = {**scope.get("state", {}), "skeleton": True, "slot_bits": {}}
        started: dict = {}
        chunks: list[bytes] = []
        passing = False

        async def capture(message: Message) -> None:
            nonlocal passing
            if message["type"] == "http.response.start":
                passing = not any(n == _SHARED for n, _ in message.get("headers", []))
                if passing:
                    await send(message)
                else:
                    started.update(message)
            elif passing:
                await send(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        try:
            await self.app({**scope, "state": state}, receive, capture)
            if passing or not started:
                return None
            headers = [(n, v) for n, v in started.get("headers", []) if n != _SHARED]
            entry: Entry = (self.clock(), started["status"], headers, parse(b"".join(chunks), state["slot_bits"]))
            if started["status"] == 200 and not any(n == b"set-cookie" for n, _ in headers):
                self._store(key, entry)
            return entry
        finally:
            self._done(key, event)

    async def _send(
        self, scope: Scope, send: Send, status: int, headers: list[tuple[bytes, bytes]], body: bytes
    ) -> None:
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body})

    def _done(self, key: bytes, event: asyncio.Event) -> None:
        if self.rendering.get(key) is event:
            del self.rendering[key]
        event.set()

    def _store(self, key: bytes, entry: Entry) -> None:
        self.pages[key] = entry
        self.pages.move_to_end(key)
        while len(self.pages) > self.max_pages:
            self.pages.popitem(last=False)

    def _keep(self, scope: Scope, key: bytes, started: dict, body: bytes) -> None:
        headers = list(started.get("headers", []))
        kinds = (b"text/html", b"application/json") if scope["path"].startswith("/api/") else (b"text/html",)
        html = any(n == b"content-type" and v.startswith(kinds) for n, v in headers)
        # A page that carries this visitor's form token (a form) or sets a cookie is theirs alone.
        token = scope.get("state", {}).get("form_token", "")
        personal = any(n == b"set-cookie" for n, _ in headers) or bool(token and token.encode() in body)
        if started.get("status") == 200 and html and not personal and scope["method"] == "GET":
            self._store(key, (self.clock(), 200, headers, body))
