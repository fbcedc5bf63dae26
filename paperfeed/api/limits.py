"""Rate limits on the API, per personal token and per client address, with the RateLimit headers.

Plain ASGI in front of /api/: a flood is turned away before any routing. Counters
live in each worker's memory (paperfeed/limits.py): with N workers a client may get
up to N times the limit, which is safe to lose. Only a live token earns the token's
limit; any other Bearer value counts as no token at all, against the address.
"""

from __future__ import annotations

import hashlib
import time
from collections import OrderedDict

import anyio.to_thread
import orjson
from sqlalchemy.engine import Engine
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from paperfeed.deps import is_api_path
from paperfeed.limits import RateLimiter, Verdict
from paperfeed.store.api_tokens import is_live_token


class LiveTokens:
    """Which Bearer values are live tokens, each remembered for a minute (a revoked token's limit lapses then)."""

    def __init__(self, engine: Engine, seconds: float = 60.0, size: int = 10_000) -> None:
        self.engine = engine
        self.seconds = seconds
        self.size = size
        self.seen: OrderedDict[str, tuple[float, bool]] = OrderedDict()

    def _look_up(self, token: str) -> bool:
        with self.engine.connect() as conn:
            return is_live_token(conn, token)

    async def __call__(self, token: str, key: str) -> bool:
        now = time.monotonic()
        found = self.seen.get(key)
        if found is not None and now - found[0] < self.seconds:
            return found[1]
        live = await anyio.to_thread.run_sync(self._look_up, token)
        self.seen[key] = (now, live)
        self.seen.move_to_end(key)
        while len(self.seen) > self.size:
            self.seen.popitem(last=False)
        return live


def _keys(scope: Scope) -> tuple[str | None, str | None, str]:
    """Return who is asking: their Bearer value and its hash (never kept in the clear), if any, and their address."""
    client = scope.get("client")
    address = "a:" + (client[0] if client else "unknown")
    for name, value in scope["headers"]:
        if name == b"authorization" and value[:7].lower() == b"bearer ":
            raw = value[7:].strip()
            return raw.decode("latin-1"), "t:" + hashlib.sha256(raw).hexdigest()[:32], address
    return None, None, address


def _headers(verdict: Verdict) -> list[tuple[bytes, bytes]]:
    return [
        (b"ratelimit-limit", str(verdict.limit).encode()),
        (b"ratelimit-remaining", str(verdict.remaining).encode()),
        (b"ratelimit-reset", str(verdict.retry_after).encode()),
    ]


class ApiLimits:
    def __init__(self, app: ASGIApp, engine: Engine, per_address: int, per_token: int, seconds: float = 60.0) -> None:
        self.app = app
        self.live = LiveTokens(engine)
        self.addresses = RateLimiter(per_address, seconds)
        self.tokens = RateLimiter(per_token, seconds)
        # Requests with a token count against their address too, at the token's limit: made-up tokens,
        # one per request, cannot buy more than one token's worth from an address.
        self.token_addresses = RateLimiter(per_token, seconds)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not is_api_path(scope["path"]):
            await self.app(scope, receive, send)
            return
        raw, token, address = _keys(scope)
        if raw is None or token is None or not await self.live(raw, token):
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
