"""The one HTTP client, and the politeness every arXiv request goes through.

All network traffic is made with `make_client`, so tests swap in an
`httpx.MockTransport` serving recorded responses. All arXiv traffic (API and
OAI-PMH alike) goes through one `RateLimiter` and `polite_get`, which retries
dropped connections and 5xx with backoff and honours Retry-After.
"""

from __future__ import annotations

import email.utils
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

import httpx

from paperfeed.settings import Settings

Clock = Callable[[], float]
Sleep = Callable[[float], None]

# Retry-After values above this are treated as a refusal rather than waited out.
MAX_RETRY_AFTER = 600.0


class SourceError(RuntimeError):
    """Raised when an upstream source cannot give what was asked, after retries."""


@dataclass
class RateLimiter:
    """Spaces calls at least `interval` seconds apart, across threads."""

    interval: float
    clock: Clock = time.monotonic
    sleep: Sleep = time.sleep
    _next: float = field(default=float("-inf"), init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False)

    def wait(self) -> None:
        """Claim the next free turn, then sleep until it comes.

        The turn is taken under the lock and the sleep happens outside it, so
        a caller never holds the lock while it waits: others queue behind it
        by taking later turns, not by blocking on the lock.
        """
        with self._lock:
            now = self.clock()
            turn = max(now, self._next)
            self._next = turn + self.interval
        if turn > now:
            self.sleep(turn - now)

    def defer(self, seconds: float) -> None:
        """Push the next allowed call at least `seconds` into the future (Retry-After)."""
        with self._lock:
            self._next = max(self._next, self.clock() + seconds)


def make_client(settings: Settings, transport: httpx.BaseTransport | None = None) -> httpx.Client:
    """Return the HTTP client all sources share; tests pass a transport serving fixtures."""
    return httpx.Client(
        transport=transport,
        timeout=settings.http_timeout,
        headers={"User-Agent": settings.user_agent},
        follow_redirects=True,
    )


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Return the delay a Retry-After header asks for (seconds or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    now = now or datetime.now(UTC)
    return max(0.0, (when - now).total_seconds())


@dataclass
class Polite:
    """An HTTP client bound to the arXiv rate limit and retry policy."""

    client: httpx.Client
    limiter: RateLimiter
    retries: int = 4
    backoff: float = 5.0  # first retry waits this long, then doubles

    @classmethod
    def for_arxiv(
        cls, client: httpx.Client, settings: Settings, clock: Clock = time.monotonic, sleep: Sleep = time.sleep
    ) -> Polite:
        return cls(client, RateLimiter(settings.arxiv_interval, clock, sleep), settings.http_retries)

    def get(self, url: str, params: Mapping[str, str | int] | None = None) -> httpx.Response:
        """Return the response to a GET, after waiting our turn and retrying transient failures.

        Responses below 500 other than 429 are returned as they are (a 400 from
        arXiv carries its error message in the body, which the caller reads).
        """
        last_problem = ""
        for attempt in range(self.retries + 1):
            self.limiter.wait()
            try:
                response = self.client.get(url, params=params)
            except httpx.TransportError as exc:
                last_problem = f"{type(exc).__name__}: {exc}"
                self.limiter.defer(self.backoff * 2**attempt)
                continue
            if response.status_code in (429, 503):
                delay = retry_after_seconds(response.headers.get("Retry-After"))
                last_problem = f"HTTP {response.status_code}"
                if delay is not None and delay > MAX_RETRY_AFTER:
                    raise SourceError(f"{url}: {last_problem}, asked to come back in {delay:.0f} s")
                # The limiter makes the wait: the next request, whoever makes it, honours it.
                self.limiter.defer(delay if delay is not None else self.backoff * 2**attempt)
                continue
            if response.status_code >= 500:
                last_problem = f"HTTP {response.status_code}"
                self.limiter.defer(self.backoff * 2**attempt)
                continue
            return response
        raise SourceError(f"{url}: giving up after {self.retries + 1} attempts ({last_problem})")
