"""Rate limits on the API, per personal token and per client address, with the RateLimit headers.

Plain ASGI in front of /api/: a flood is turned away before any routing or
database work. Counters live in each worker's memory (paperfeed/limits.py): with N
workers a client may get up to N times the limit, which is safe to lose.
"""

from __future__ import annotations

import hashlib

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from paperfeed.deps import is_api_path
from paperfeed.limits import RateLimiter, Verdict


def _keys(scope: Scope) -> tuple[str | None, str]:
    """Return who is asking: their token (hashed: never kept in the clear), if any, and their address."""
    client = scope.get("client")
    address = "a:" + (client[0] if client else "unknown")
    for name, value in scope["headers"]:
        if name == b"authorization" and value[:7].lower() == b"bearer ":
            return "t:" + hashlib.sha256(value[7:].strip()).hexdigest()[:32], address
    return None, address


def _headers(verdict: Verdict) -> list[tuple[bytes, bytes]]:
    return [
        (b"ratelimit-limit", str(verdict.limit).encode()),
        (b"ratelimit-remaining", str(verdict.remaining).encode()),
        (b"ratelimit-reset", str(verdict.retry_after).encode()),
    ]


class ApiLimits:
    def __init__(self, app: ASGIApp, per_address: int, per_token: int, seconds: float = 60.0) -> None:
        self.app = app
        self.addresses = RateLimiter(per_address, seconds)
        self.tokens = RateLimiter(per_token, seconds)
        # Requests with a token count against their address too, at the token's limit: made-up tokens,
        # one per request, cannot buy more than one token's worth from an address.
        self.token_addresses = RateLimiter(per_token, seconds)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not is_api_path(scope["path"]):
            await self.app(scope, receive, send)
            return
        token, address = _keys(scope)
        if token is None:
            verdict = self.addresses.hit(address)
        else:
            verdict = min(
                self.tokens.hit(token), self.token_addresses.hit(address), key=lambda v: (v.allowed, v.remaining)
            )
        if not verdict.allowed:
            message = "Too many requests: wait a little (see Retry-After) and try again."
            await send(
                {
                    "type": "http.response.start",
                    "status": 429,
                    "headers": [
                        (b"content-type", b"application/json"),
                        (b"retry-after", str(verdict.retry_after).encode()),
                        (b"x-error-message", message.encode()),
                        *_headers(verdict),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": orjson.dumps({"error": message})})
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *_headers(verdict)]
            await send(message)

        await self.app(scope, receive, with_headers)
