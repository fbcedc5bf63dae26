"""One rule for what trending shows, the same on the page, in the API, in the feed and in the digest."""

from __future__ import annotations

import re
from datetime import datetime

import feedparser
import sqlalchemy as sa

from paperfeed.clock import now
from paperfeed.mail.digest import candidates
from paperfeed.store.schema import papers
from paperfeed.store.subscriptions import Preferences
from paperfeed.store.trending import trending_list
from paperfeed.store.users import create_user
from paperfeed.store.votes import toggle_vote


def _page_ids(html: str) -> list[str]:
    return list(dict.fromkeys(re.findall(r'href="/papers/(\d{4}\.\d{4,5})"', html)))


def _views(client, engine) -> dict[str, list[str]]:
    page = _page_ids(client.get("/trending").text)
    api = [item["paper"]["id"] for item in client.get("/api/daily_papers?sort=trending&limit=50").json()]
    feed = [
        re.search(r"/papers/([^/?#]+)$", e.link).group(1)
        for e in feedparser.parse(client.get("/feeds/trending").text).entries
    ]
    with engine.connect() as conn:
        digest = [p.arxiv_id for p in candidates(conn, Preferences(topic="trending"), now())]
    return {"page": page, "api": api, "feed": feed, "digest": digest}


def test_a_quiet_site_shows_the_same_upvoted_papers_everywhere(client, engine):
    """The sample's votes are months old: nothing trends, and every view shows the most upvoted, with votes."""
    views = _views(client, engine)
    with engine.connect() as conn:
        shown = trending_list(conn, now(), 50)
        upvoted = conn.execute(sa.select(sa.func.count()).where(papers.c.base_upvotes + papers.c.vote_count > 0))
        with_votes = int(upvoted.scalar() or 0)
    assert shown.ranked == [] and [p.arxiv_id for p in shown.papers] and all(p.upvotes > 0 for p in shown.papers)
    expected = [p.arxiv_id for p in shown.papers]
    assert len(expected) == min(50, with_votes)
    for name, ids in views.items():
        assert ids[: len(expected)] == expected[: len(ids)], name
        assert ids, name


def test_a_fresh_vote_trends_first_and_the_upvoted_follow(client, engine):
    """A paper upvoted now, in the window, leads every view; the all-time upvoted fill the rest."""
    with engine.begin() as conn:
        user = create_user(conn, "voter", "x", datetime(2026, 1, 1))
        newest = conn.execute(
            sa.select(papers.c.id, papers.c.arxiv_id).order_by(papers.c.listed_on.desc()).limit(1)
        ).one()
        toggle_vote(conn, user.id, newest.id, now())
    for name, ids in _views(client, engine).items():
        assert ids[0] == newest.arxiv_id, name
        assert len(ids) > 1, name
