"""How trending is scored: the one place that decides it (the /about page explains it to readers).

    score = votes / (age_in_hours + 12) ** 1.8

over papers listed in the last 14 days. Votes count the imported base count
plus the votes cast here. Age runs from when the paper was listed: the start
of its listing day (UTC), or the moment it was submitted.

Why these numbers: papers arrive once a day, not by the minute as on a news
site, so the offset is half a day rather than the usual 2 hours. With +2, a
paper submitted a minute ago with one vote would outrank one with 20 votes
listed this morning; with +12 it needs a real share of the morning's votes.
The power 1.8 makes a paper need about 2.5 times the votes to stay level with
one listed a day later: yesterday's favourites give way within days, not weeks.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

GRAVITY = 1.8
OFFSET_HOURS = 12.0
WINDOW_DAYS = 14


def trending_score(votes: int, age_hours: float) -> float:
    """Return a paper's trending score."""
    return votes / (max(age_hours, 0.0) + OFFSET_HOURS) ** GRAVITY


def listed_at(listed_on, submitted_at: datetime | None) -> datetime:  # type: ignore[no-untyped-def]
    """Return when a paper was listed: its submission time, or the start of its listing day."""
    return submitted_at or datetime.combine(listed_on, time())


def window_start(reference: datetime) -> datetime:
    return reference - timedelta(days=WINDOW_DAYS)
