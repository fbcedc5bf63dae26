"""Rate limits on writes and sign-in guesses, counted in the store so that they hold across workers.

Every limited action has its windows here, in one table of rules; the store
function that makes the write takes its quota, so the site, the API and any
later entry point meet the same limit. A use is counted and checked in one
statement (an upsert that only increments below the limit), so concurrent
requests cannot slip past it, and a refused use counts nothing.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Connection

from paperfeed.store.db import upsert
from paperfeed.store.schema import quota_counts

MINUTE, HOUR, DAY = 60, 3600, 86400
MAX_KEY = 120


@dataclass(frozen=True, slots=True)
class Quota:
    limit: int
    seconds: int  # a fixed window: uses are counted per [start, start + seconds)


# What each action allows, and for what. Keys: "user:<id>", "address:<ip>", "account:<name>".
QUOTAS: dict[str, tuple[Quota, ...]] = {
    "signup": (Quota(5, HOUR), Quota(20, DAY)),  # per address: each costs an argon2 hash
    "signin": (Quota(5, 15 * MINUTE),),  # per account and address: a guesser meets this first
    "signin-address": (Quota(30, 15 * MINUTE),),  # per address, over all accounts
    "signin-account": (Quota(100, HOUR),),  # per account, from anywhere; beyond it, "signin-slow"
    "signin-slow": (Quota(1, 10),),  # one guess per account each 10 s: slowed down, never locked out
    "subscribe": (Quota(10, HOUR),),  # per address: each may send a confirmation mail
    "submission": (Quota(10, HOUR), Quota(50, DAY)),  # each is an arXiv request for the worker
    "comment": (Quota(6, MINUTE), Quota(200, DAY)),
    "comment-edit": (Quota(30, HOUR),),
    "collection": (Quota(10, HOUR), Quota(50, DAY)),
    "collect": (Quota(200, HOUR), Quota(2000, DAY)),
    "vote": (Quota(300, HOUR), Quota(2000, DAY)),
    "claim": (Quota(20, DAY),),
    "account": (Quota(10, HOUR),),  # password, token and feed changes
}
NOUNS = {
    "signup": "sign-ups from your address",
    "signin": "failed sign-ins",
    "signin-address": "failed sign-ins from your address",
    "signin-account": "failed sign-ins to this account",
    "signin-slow": "failed sign-ins to this account",
    "subscribe": "subscribe requests from your address",
    "submission": "papers submitted",
    "comment": "comments",
    "comment-edit": "comment edits",
    "collection": "collections made",
    "collect": "papers collected",
    "vote": "votes",
    "claim": "authorship claims",
    "account": "account changes",
}


class OverQuota(Exception):
    """A use beyond an action's limit: answered 429 with Retry-After; the message is for the user."""

    def __init__(self, action: str, retry_after: int) -> None:
        self.action = action
        self.retry_after = max(1, retry_after)
        super().__init__(f"Too many {NOUNS[action]} lately. Try again in {_wait(self.retry_after)}.")


def _wait(seconds: int) -> str:
    if seconds < 90:
        return f"{seconds} seconds"
    if seconds < 90 * 60:
        return f"{round(seconds / 60)} minutes"
    return f"{round(seconds / 3600)} hours"


def _epoch(now: datetime) -> int:
    return calendar.timegm(now.utctimetuple())  # the store's times are naive UTC


def take(conn: Connection, action: str, key: str, now: datetime) -> None:
    """Count one use of `action` by `key`; raise OverQuota, counting nothing, when any window is full."""
    moment = _epoch(now)
    key = key[:MAX_KEY]
    with conn.begin_nested():  # every window of the action, or none
        for quota in QUOTAS[action]:
            start = moment - moment % quota.seconds
            stmt = (
                upsert(conn, quota_counts)
                .values(action=action, key=key, window_start=start, count=1)
                .on_conflict_do_update(
                    index_elements=["action", "key", "window_start"],
                    set_={"count": quota_counts.c.count + 1},
                    where=quota_counts.c.count < quota.limit,
                )
                .returning(quota_counts.c.count)
            )
            count = conn.execute(stmt).scalar()
            if count is None:
                raise OverQuota(action, start + quota.seconds - moment)
            if count == 1:  # a new window: drop this action's windows that ended a day ago
                conn.execute(
                    quota_counts.delete().where(
                        quota_counts.c.action == action, quota_counts.c.window_start < moment - DAY - quota.seconds
                    )
                )


def give_back(conn: Connection, action: str, key: str, now: datetime) -> None:
    """Uncount one use in the current windows (a sign-in that turned out right is no guess)."""
    moment = _epoch(now)
    for quota in QUOTAS[action]:
        conn.execute(
            quota_counts.update()
            .where(
                quota_counts.c.action == action,
                quota_counts.c.key == key[:MAX_KEY],
                quota_counts.c.window_start == moment - moment % quota.seconds,
                quota_counts.c.count > 0,
            )
            .values(count=quota_counts.c.count - 1)
        )
