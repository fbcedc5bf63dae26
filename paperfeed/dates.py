"""Days, ISO weeks and months as readers write them in addresses: parsed and named in one place.

The site's pages, the API, the digest and the CLI all read `2026-04-06`,
`2026-W14` and `2026-04` through these functions, so a week is named the
same way everywhere.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

_WEEK_RE = re.compile(r"^(\d{4})-W(\d{2})$")
_MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


# Years an address may name: wide enough for every paper, narrow enough that the day, week or month before and
# after it still exist (/week/9999-W52 would otherwise overflow the calendar when its neighbours are linked).
FIRST_YEAR, LAST_YEAR = 1900, 2999


class DateError(ValueError):
    """A day, week or month that cannot be read; the message says what was expected."""


def _in_range(day: date) -> date:
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValueError("year out of range")
    return day


def parse_day(value: str) -> date:
    """Return the day of an ISO date such as 2026-04-06."""
    try:
        return _in_range(date.fromisoformat(value))
    except (ValueError, TypeError) as exc:
        raise DateError(f"{str(value)[:40]!r} is not a date like 2026-04-06 (years {FIRST_YEAR}–{LAST_YEAR}).") from exc


def parse_week(value: str) -> date:
    """Return the Monday of an ISO week such as 2026-W14."""
    m = _WEEK_RE.match(value)
    try:
        if not m:
            raise ValueError
        return _in_range(date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1))
    except ValueError as exc:
        raise DateError(f"{value[:40]!r} is not a week like 2026-W14 (years {FIRST_YEAR}–{LAST_YEAR}).") from exc


def parse_month(value: str) -> date:
    """Return the first day of a month such as 2026-04."""
    m = _MONTH_RE.match(value)
    try:
        if not m:
            raise ValueError
        return _in_range(date(int(m.group(1)), int(m.group(2)), 1))
    except ValueError as exc:
        raise DateError(f"{value[:40]!r} is not a month like 2026-04 (years {FIRST_YEAR}–{LAST_YEAR}).") from exc


def week_label(day: date) -> str:
    """Return the ISO week a day falls in, as 2026-W14."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def next_month(first: date) -> date:
    """Return the first day of the month after the one `first` opens."""
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)


def month_last(first: date) -> date:
    """Return the last day of the month `first` opens."""
    return next_month(first) - timedelta(days=1)
