"""Middleware: a signed CSRF cookie for every visitor, the security headers on every answer, the body limit,
and no control characters anywhere in a request."""

from __future__ import annotations

import re
from urllib.parse import unquote_to_bytes

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from paperfeed.deps import is_api_path
from paperfeed.web.security import CSRF_COOKIE, CSRF_MAX_AGE, Security

SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    # KaTeX sets inline styles on what it draws; scripts come only from this site.
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; font-src 'self' data:; "
        b"script-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
    ),
]


# The CSRF cookie's value: the site sets a signed token of URL-safe characters and dots (read with one
# pattern rather than SimpleCookie, which cost more than the rest of this middleware).
_CSRF_VALUE = re.compile(rb"(?:^|;)\s*" + re.escape(CSRF_COOKIE.encode()) + rb"=([A-Za-z0-9_.\-]{1,200})(?:;|\s|$)")


class VisitorCookies:
    """Gives every visitor a signed CSRF cookie and every response the security headers.

    Plain ASGI rather than a BaseHTTPMiddleware: it sits on every request.
    """

    def __init__(self, app: ASGIApp, security: Security) -> None:
        self.app = app
        self.security = security
        self.valid: dict[str, bool] = {}  # cookie -> signature checks: a pure function, and a tenth of a hit

    def _valid(self, token: str | None) -> bool:
        if token is None:
            return False
        known = self.valid.get(token)
        if known is None:
            if len(self.valid) >= 10_000:
                self.valid.clear()
            known = self.valid[token] = self.security.valid_csrf_cookie(token)
        return known

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        token = None
        for name, value in scope["headers"]:
            if name == b"cookie":
                found = _CSRF_VALUE.search(value)
                if found:
                    token = found.group(1).decode()
        # API clients get no cookie: they post with a token, never a form.
        fresh = not self._valid(token) and not is_api_path(scope["path"])
        if fresh:
            token = self.security.new_csrf_cookie()
        scope.setdefault("state", {})["csrf"] = token
        secure = scope.get("scheme") == "https"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.extend(SECURITY_HEADERS)
                if secure:  # browsers remember to come back over https only (never sent over http: RFC 6797)
                    headers.append((b"strict-transport-security", b"max-age=31536000"))
                if fresh:
                    cookie = f"{CSRF_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={CSRF_MAX_AGE}"
                    headers.append((b"set-cookie", (cookie + ("; Secure" if secure else "")).encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


MAX_BODY = 1024 * 1024  # bytes: a form or an API write is a few KB; nothing paperfeed accepts comes near this


class BodyLimit:
    """Refuses request bodies over `limit` bytes with 413, before anything parses them or checks who sent them.

    A declared Content-Length over the limit is refused at once; a body without
    one (chunked) is counted as it arrives and cut off when it passes the limit.
    """

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope["headers"]:
            if name == b"content-length" and (not value.isdigit() or int(value) > self.limit):
                await self._refuse(scope, send)
                return
        seen = 0
        too_big = False

        async def counted() -> Message:
            nonlocal seen, too_big
            if too_big:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    too_big = True  # the application hears the client leave; the answer becomes a 413
                    return {"type": "http.disconnect"}
            return message

        refused = False

        async def answer(message: Message) -> None:
            nonlocal refused
            if not too_big:
                await send(message)
            elif not refused:
                refused = True
                await self._refuse(scope, send)

        await self.app(scope, counted, answer)
        if too_big and not refused:
            await self._refuse(scope, send)

    async def _refuse(self, scope: Scope, send: Send) -> None:
        await refuse(scope, send, 413, f"The request body is larger than {self.limit // 1024} KiB.")


async def refuse(scope: Scope, send: Send, status: int, text: str) -> None:
    """Answer with a short error before the application sees the request: JSON for the API, else text."""
    api = is_api_path(scope["path"])
    body = orjson.dumps({"error": text}) if api else text.encode()
    kind = b"application/json" if api else b"text/plain; charset=utf-8"
    headers = [(b"content-type", kind), (b"content-length", str(len(body)).encode()), (b"connection", b"close")]
    if api:
        headers.append((b"x-error-message", text.encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


# C0 control characters other than tab, line feed and carriage return: no text paperfeed keeps has them,
# PostgreSQL cannot store NUL, and XML (feeds) cannot carry any of them.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# The same as JSON escapes (an even run of backslashes before it is text, not an escape).
_JSON_CONTROL = re.compile(rb"(?<!\\)(?:\\\\)*\\u00(?:0[0-8bcef]|1[0-9a-f])", re.IGNORECASE)
CONTROL_MESSAGE = "Control characters (such as NUL) are not accepted in addresses, forms or API requests."


class ControlChars:
    """Refuses control characters in the path, the query and form or JSON bodies with 400, at the edge.

    One check for every route: a NUL reaching PostgreSQL would otherwise be a 500 in whichever
    query met it first. Bodies are read whole (BodyLimit, outside this, keeps them small) and
    handed on unchanged.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        query = unquote_to_bytes(scope.get("query_string", b""))
        if _CONTROL.search(scope["path"]) or _CONTROL_BYTES.search(query):
            await refuse(scope, send, 400, CONTROL_MESSAGE)
            return
        kind = next((v for k, v in scope["headers"] if k == b"content-type"), b"").split(b";")[0].strip().lower()
        if kind not in (b"application/x-www-form-urlencoded", b"application/json"):
            await self.app(scope, receive, send)
            return
        messages = []
        body = b""
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                break
            body += message.get("body", b"")
            if not message.get("more_body", False):
                break
        if kind == b"application/json":
            bad = _CONTROL_BYTES.search(body) or _JSON_CONTROL.search(body)
        else:
            bad = _CONTROL_BYTES.search(unquote_to_bytes(body.replace(b"+", b" ")))
        if bad:
            await refuse(scope, send, 400, CONTROL_MESSAGE)
            return

        async def replay() -> Message:
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)
