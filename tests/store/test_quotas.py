"""Quotas: counted and checked in one statement, across connections, refusing without counting."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from paperfeed.store.collections import create_collection
from paperfeed.store.comments import add_comment
from paperfeed.store.quotas import QUOTAS, OverQuota, give_back, take
from paperfeed.store.schema import quota_counts
from tests.store.community import NOW, paper_and_members

MOMENT = datetime(2026, 4, 6, 12, 0, 5)


def _count(engine, action: str) -> int:
    with engine.connect() as conn:
        return int(
            conn.execute(sa.select(sa.func.sum(quota_counts.c.count)).where(quota_counts.c.action == action)).scalar()
            or 0
        )


def test_a_quota_allows_its_limit_then_says_when_to_come_back(engine):
    with engine.begin() as conn:
        for _ in range(5):
            take(conn, "signin", "pair:ada|203.0.113.9", MOMENT)
        with pytest.raises(OverQuota) as refused:
            take(conn, "signin", "pair:ada|203.0.113.9", MOMENT)
        take(conn, "signin", "pair:ada|203.0.113.10", MOMENT)  # another key has its own count
    assert refused.value.retry_after == 15 * 60 - 5 and "15 minutes" in str(refused.value)
    with engine.begin() as conn:
        take(conn, "signin", "pair:ada|203.0.113.9", MOMENT + timedelta(minutes=15))  # a new window


def test_a_refusal_counts_nothing_in_any_window(engine):
    with engine.begin() as conn:
        for second in range(6):  # six a minute...
            take(conn, "comment", "user:1", MOMENT + timedelta(seconds=second))
        with pytest.raises(OverQuota):
            take(conn, "comment", "user:1", MOMENT + timedelta(seconds=7))
    # ...counted once each in the minute's window and the day's, the refused one in neither
    assert _count(engine, "comment") == 12


def test_concurrent_uses_never_pass_the_limit(engine):
    def one(_: int) -> bool:
        try:
            with engine.begin() as conn:
                take(conn, "signin", "pair:target|198.51.100.1", MOMENT)
            return True
        except OverQuota:
            return False

    with ThreadPoolExecutor(8) as pool:
        taken = list(pool.map(one, range(40)))
    assert taken.count(True) == QUOTAS["signin"][0].limit == 5


def test_giving_back_uncounts_one_use(engine):
    with engine.begin() as conn:
        for _ in range(5):
            take(conn, "signin", "pair:ada|x", MOMENT)
        give_back(conn, "signin", "pair:ada|x", MOMENT)
        take(conn, "signin", "pair:ada|x", MOMENT)
        with pytest.raises(OverQuota):
            take(conn, "signin", "pair:ada|x", MOMENT)


def test_old_windows_are_forgotten(engine):
    with engine.begin() as conn:
        take(conn, "claim", "user:1", MOMENT)
        take(conn, "claim", "user:2", MOMENT + timedelta(days=3))
        keys = conn.execute(sa.select(quota_counts.c.key).where(quota_counts.c.action == "claim")).scalars().all()
    assert keys == ["user:2"]


def test_the_store_limits_comments_and_collections_whoever_writes_them(engine):
    paper, ada, _ = paper_and_members(engine)
    with engine.begin() as conn:
        for n in range(6):
            add_comment(conn, paper, ada, f"comment {n}", NOW)
    with pytest.raises(OverQuota), engine.begin() as conn:
        add_comment(conn, paper, ada, "one too many", NOW)
    with engine.begin() as conn:
        for n in range(10):
            create_collection(conn, ada, f"list {n}", "", True, NOW)
    with pytest.raises(OverQuota), engine.begin() as conn:
        create_collection(conn, ada, "one too many", "", True, NOW)
