"""What "now" is: the one clock every part reads (naive UTC, as the store keeps every time)."""

from __future__ import annotations

from datetime import UTC, datetime

from paperfeed.records import utc_naive


def now() -> datetime:
    """Return the current time as naive UTC."""
    return utc_naive(datetime.now(UTC))
