"""Sources are tested through the real HTTP client with a transport serving fixtures, on a fake clock."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from paperfeed.settings import Settings
from paperfeed.sources.http import Polite, make_client


class FakeClock:
    """A monotonic clock that only moves when slept on: waits are recorded, never spent."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []
        self.calls: list[float] = []  # the time of each request

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


Handler = Callable[[httpx.Request], httpx.Response]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def polite(clock: FakeClock) -> Callable[[Handler], Polite]:
    """Return a factory: give it a request handler, get the arXiv client every source uses."""

    def make(handler: Handler) -> Polite:
        def timed(request: httpx.Request) -> httpx.Response:
            clock.calls.append(clock.now)
            return handler(request)

        client = make_client(Settings(), transport=httpx.MockTransport(timed))
        return Polite.for_arxiv(client, Settings(), clock=clock, sleep=clock.sleep)

    return make
