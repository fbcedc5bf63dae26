"""The request-limit window: fixed windows per key, kept in this worker's memory.

The site (subscribe requests) and the API share it. Used where a limit only has to stop floods,
not to be exact: with N workers a client can get up to N times the limit,
and a restart forgets the counts, both of which are safe. Limits that guard
accounts (failed sign-ins) are kept in the store instead (store/users.py).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Verdict:
    allowed: bool
    limit: int
    remaining: int
    reset: float  # seconds until the window starts again

    @property
    def retry_after(self) -> int:
        return max(1, math.ceil(self.reset))


OVERFLOW = "*overflow*"  # the shared window of keys that arrive while the table is full


class RateLimiter:
    """At most `limit` hits per key in each window of `seconds`."""

    def __init__(
        self, limit: int, seconds: float, clock: Callable[[], float] = time.monotonic, max_keys: int = 100_000
    ) -> None:
        self.limit = limit
        self.seconds = seconds
        self.clock = clock
        self.max_keys = max_keys
        self.windows: dict[str, tuple[float, int]] = {}

    def hit(self, key: str) -> Verdict:
        now = self.clock()
        if key not in self.windows and len(self.windows) >= self.max_keys:
            self._forget_old(now)
            if len(self.windows) >= self.max_keys:
                # A flood of distinct keys: newcomers share one window, and nobody's live count is forgotten.
                key = OVERFLOW
        start, count = self.windows.get(key, (now, 0))
        if now - start >= self.seconds:
            start, count = now, 0
        if count >= self.limit:
            return Verdict(False, self.limit, 0, self.seconds - (now - start))
        self.windows[key] = (start, count + 1)
        return Verdict(True, self.limit, self.limit - count - 1, self.seconds - (now - start))

    def _forget_old(self, now: float) -> None:
        """Forget windows that have ended (they would start afresh anyway)."""
        self.windows = {k: v for k, v in self.windows.items() if now - v[0] < self.seconds}
