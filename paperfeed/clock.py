"""What "now" is: the one clock every part reads, and the one way times are kept (naive UTC, on both backends)."""

from __future__ import annotations

from datetime import UTC, datetime


def utc_naive(value: datetime) -> datetime:
    """Return a naive datetime in UTC: the store keeps every time that way on both backends."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value


def now() -> datetime:
    """Return the current time as naive UTC."""
    return utc_naive(datetime.now(UTC))
