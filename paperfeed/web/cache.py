"""A short-lived cache of the pages anonymous visitors see.

Most readers of a daily papers site are not signed in, and they all see the
same page; most API reads (scripts, feed bots) carry no token either. Such
answers carry nothing of the visitor (no CSRF token, no votes of theirs), so
this worker keeps each one for a few seconds and answers repeats before any
routing or database work. Signed-in visitors (a session cookie), API calls
with a token, and anything but a GET of an HTML page (or of JSON under /api/)
bypass it. Any write through this worker clears it; other workers' copies
expire by age, so an anonymous reader may see a vote count that is a few
seconds old. Safe to lose: it is only a copy of what the store says.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from paperfeed.feeds.build import shown_as_page
from paperfeed.web.security import SESSION_COOKIE

_SESSION = SESSION_COOKIE.encode() + b"="


Entry = tuple[float, int, list[tuple[bytes, bytes]], bytes]  # (stored at, status, headers, body)


def _variant(scope: Scope) -> bytes:
    """Answers vary with Accept in one way only: a feed opened in a browser is shown as a page."""
    accept = next((v for k, v in scope["headers"] if k == b"accept"), b"")
    return b"#page" if shown_as_page(accept.decode("latin-1")) else b""


class PageCache:
    """ASGI middleware: reuse anonymous GET pages for `seconds`.

    A page past its age is still served to everyone but the one request that
    renders it again (stale-while-revalidate), and a page nobody has yet is
    rendered once while concurrent requests for it wait (single flight): a
    burst of readers never renders the same page 32 times.
    """

    def __init__(
        self, app: ASGIApp, seconds: float, max_pages: int = 1024, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.app = app
        self.seconds = seconds
        self.max_pages = max_pages
        self.clock = clock
        self.pages: OrderedDict[bytes, Entry] = OrderedDict()
        self.rendering: dict[bytes, asyncio.Event] = {}

    def _cacheable(self, scope: Scope) -> bool:
        if scope["method"] not in ("GET", "HEAD") or self.seconds <= 0:
            return False
        # A session cookie or an API token makes the answer the asker's own.
        return not any(
            (name == b"cookie" and _SESSION in value) or name == b"authorization" for name, value in scope["headers"]
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if not self._cacheable(scope):
            if scope["method"] not in ("GET", "HEAD"):
                self.pages.clear()  # a write: what this worker shows must not lag behind it
            await self.app(scope, receive, send)
            return
        key = scope["path"].encode() + b"?" + scope.get("query_string", b"") + _variant(scope)
        entry = self.pages.get(key)
        if entry is None and key in self.rendering:
            await self.rendering[key].wait()  # someone is rendering it: use theirs
            entry = self.pages.get(key)
        if entry is not None:
            age = self.clock() - entry[0]
            if age < self.seconds or (key in self.rendering and age < 6 * self.seconds):
                await self._replay(scope, send, entry)
                return
        await self._render(scope, receive, send, key)

    async def _replay(self, scope: Scope, send: Send, entry: Entry) -> None:
        _, status, headers, body = entry
        await send({"type": "http.response.start", "status": status, "headers": [*headers, (b"x-cache", b"hit")]})
        await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body})

    async def _render(self, scope: Scope, receive: Receive, send: Send, key: bytes) -> None:
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
            if self.rendering.get(key) is event:
                del self.rendering[key]
            event.set()

    def _keep(self, scope: Scope, key: bytes, started: dict, body: bytes) -> None:
        headers = list(started.get("headers", []))
        kinds = (b"text/html", b"application/json") if scope["path"].startswith("/api/") else (b"text/html",)
        html = any(n == b"content-type" and v.startswith(kinds) for n, v in headers)
        # A page that carries this visitor's form token (a form) or sets a cookie is theirs alone.
        token = scope.get("state", {}).get("form_token", "")
        personal = any(n == b"set-cookie" for n, _ in headers) or bool(token and token.encode() in body)
        if started.get("status") == 200 and html and not personal and scope["method"] == "GET":
            self.pages[key] = (self.clock(), 200, headers, body)
            self.pages.move_to_end(key)
            while len(self.pages) > self.max_pages:
                self.pages.popitem(last=False)
