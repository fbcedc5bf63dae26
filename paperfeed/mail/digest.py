"""What each subscriber's digest carries, and queuing every due digest in the outbox.

An edition names one digest of one frequency: the day (2026-04-06) for daily
ones, the ISO week (2026-W14) for weekly ones. A subscription gets at most
one message per edition (the outbox key is digest:<subscription>:<edition>),
and never a paper an earlier digest carried to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Connection, Engine

from paperfeed.dates import week_label
from paperfeed.mail.compose import Composer
from paperfeed.progress import progress_bar
from paperfeed.recommend.personal import current_picks
from paperfeed.store.listings import latest_day, papers_in_categories
from paperfeed.store.models import Paper
from paperfeed.store.outbox import enqueue_many, queued_keys
from paperfeed.store.papers import papers_by_ids
from paperfeed.store.picks import load_picks
from paperfeed.store.subscriptions import (
    MAX_COUNT,
    Preferences,
    Subscription,
    active_subscriptions,
    remember_sent,
    sent_papers,
)
from paperfeed.store.trending import trending_list
from paperfeed.text import nice_date

CANDIDATES = 4 * MAX_COUNT  # enough that papers already sent to someone still leave a full digest
BATCH = 200  # digests per transaction


def edition_of(frequency: str, day: date) -> str:
    return week_label(day) if frequency == "weekly" else day.isoformat()


def digest_key(subscription_id: int, edition: str) -> str:
    return f"digest:{subscription_id}:{edition}"


def candidates(conn: Connection, prefs: Preferences, now: datetime) -> list[Paper]:
    """Return the papers a digest with these preferences picks from, best first."""
    newest = latest_day(conn)
    if newest is None:
        return []
    if prefs.topic == "categories":
        first = newest - timedelta(days=0 if prefs.frequency == "daily" else 6)
        return papers_in_categories(conn, prefs.categories, first, CANDIDATES)
    return trending_list(conn, now, CANDIDATES).papers


def headline(site: str, prefs: Preferences, papers: list[Paper], day: date) -> tuple[str, str]:
    """Return a digest's subject and its opening line."""
    n = len(papers)
    span = f"for {nice_date(day)}" if prefs.frequency == "daily" else f"for the week of {nice_date(day)}"
    if prefs.topic == "foryou":
        return (
            f"{site}: {n} {'paper' if n == 1 else 'papers'} picked for you, {span}",
            f"Picked for you from the latest papers, by what you upvote and collect, {span}.",
        )
    if prefs.topic == "categories":
        shown = ", ".join(prefs.categories[:3]) + (" and more" if len(prefs.categories) > 3 else "")
        return (f"{site}: {n} new in {shown}, {span}", f"The most upvoted new papers in {shown}, {span}.")
    return f"{site}: {n} trending {'paper' if n == 1 else 'papers'} {span}", f"What readers upvoted most, {span}."


@dataclass
class Plan:
    queued: int = 0
    already: int = 0  # this edition was queued earlier
    empty: int = 0  # nothing new for them
    later: int = 0  # not yet their hour, in their time zone


def pick(pool: list[Paper], already_sent: set[int], count: int) -> list[Paper]:
    return [p for p in pool if p.id not in already_sent][:count]


def local_day(s: Subscription, now: datetime) -> date | None:
    """The subscriber's own date, once their hour has come there; None before it."""
    local = now.replace(tzinfo=UTC).astimezone(ZoneInfo(s.prefs.timezone))
    return local.date() if local.hour >= s.prefs.hour else None


def _shape(s: Subscription) -> object:
    """What decides a digest's candidates: the preferences but the count; for picks, the reader."""
    if s.prefs.topic == "foryou":
        return ("foryou", s.user_id)
    return Preferences(s.prefs.frequency, s.prefs.topic, s.prefs.categories, 0)


def queue_digests(engine: Engine, composer: Composer, now: datetime, frequency: str | None = None) -> Plan:
    """Build and queue every due digest; safe to run again (what is queued stays queued once)."""
    plan = Plan()
    with engine.connect() as conn:
        days: dict[int, date] = {}
        subs = []
        for s in active_subscriptions(conn, frequency):
            day = local_day(s, now)
            if day is None:
                plan.later += 1
            else:
                days[s.id] = day
                subs.append(s)
        keys = {s.id: digest_key(s.id, edition_of(s.prefs.frequency, days[s.id])) for s in subs}
        done = queued_keys(conn, list(keys.values()))
        todo = [s for s in subs if keys[s.id] not in done]
        plan.already = len(subs) - len(todo)
        sent = sent_papers(conn, [s.id for s in todo])
        pools: dict[object, list[Paper]] = {}
        for s in todo:
            if s.prefs.topic != "foryou" and _shape(s) not in pools:
                pools[_shape(s)] = candidates(conn, s.prefs, now)
    for s in todo:  # each reader's own picks (recommend/), computed only if stale
        if s.prefs.topic == "foryou" and _shape(s) not in pools:
            mine = current_picks(engine, s.user_id, now) if s.user_id else []
            with engine.connect() as conn:
                pools[_shape(s)] = papers_by_ids(conn, [c.paper_id for c in mine])
    bar = progress_bar(total=len(todo), desc="digests", unit="digest")
    for start in range(0, len(todo), BATCH):
        messages: list[tuple[str, str, bytes, int | None]] = []
        picked: list[tuple[int, list[int], str]] = []
        for s in todo[start : start + BATCH]:
            chosen = pick(pools[_shape(s)], sent[s.id], s.prefs.count)
            if not chosen:
                plan.empty += 1
                continue
            day = days[s.id]
            edition = edition_of(s.prefs.frequency, day)
            messages.append((keys[s.id], s.email, build_digest(composer, s, chosen, edition, day), s.id))
            picked.append((s.id, [p.id for p in chosen], edition))
        # The messages and the record of what they carry commit together: all of a batch, or none of it.
        with engine.begin() as conn:
            enqueue_many(conn, messages, now)
            remember_sent(conn, picked)
        plan.queued += len(messages)
        bar.update(min(BATCH, len(todo) - start))
    bar.close()
    return plan


def build_digest(composer: Composer, sub: Subscription, chosen: list[Paper], edition: str, day: date) -> bytes:
    subject, lead = headline(composer.settings.site_name, sub.prefs, chosen, day)
    return composer.digest(sub, chosen, edition, subject, lead, digest_key(sub.id, edition))


def preview(conn: Connection, composer: Composer, sub: Subscription, now: datetime) -> bytes | None:
    """Return the digest this subscription would get now (nothing is queued or remembered)."""
    if sub.prefs.topic == "foryou":
        pool = papers_by_ids(conn, [c.paper_id for c in load_picks(conn, sub.user_id)]) if sub.user_id else []
    else:
        pool = candidates(conn, sub.prefs, now)
    chosen = pick(pool, sent_papers(conn, [sub.id])[sub.id], sub.prefs.count)
    if not chosen:
        return None
    return build_digest(composer, sub, chosen, edition_of(sub.prefs.frequency, now.date()), now.date())
