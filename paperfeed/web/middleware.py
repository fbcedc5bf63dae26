"""The site's middleware: a signed CSRF cookie for every visitor and the security headers on every answer."""

from __future__ import annotations

from http.cookies import SimpleCookie

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from paperfeed.deps import is_api_path
from paperfeed.web.security import CSRF_COOKIE, Security

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


class VisitorCookies:
    """Gives every visitor a signed CSRF cookie and every response the security headers.

    Plain ASGI rather than a BaseHTTPMiddleware: it sits on every request.
    """

    def __init__(self, app: ASGIApp, security: Security) -> None:
        self.app = app
        self.security = security

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        token = None
        for name, value in scope["headers"]:
            if name == b"cookie":
                jar: SimpleCookie = SimpleCookie()
                try:
                    jar.load(value.decode("latin-1"))
                except Exception:
                    continue
                if CSRF_COOKIE in jar:
                    token = jar[CSRF_COOKIE].value
        # API clients get no cookie: they post with a token, never a form.
        fresh = not self.security.valid_csrf_cookie(token) and not is_api_path(scope["path"])
        if fresh:
            token = self.security.new_csrf_cookie()
        scope.setdefault("state", {})["csrf"] = token
        secure = scope.get("scheme") == "https"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.extend(SECURITY_HEADERS)
                if fresh:
                    cookie = f"{CSRF_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age=31536000"
                    headers.append((b"set-cookie", (cookie + ("; Secure" if secure else "")).encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
