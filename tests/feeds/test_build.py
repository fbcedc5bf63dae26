from datetime import date, datetime

import feedparser

from paperfeed.feeds.build import Feed, render_feed
from paperfeed.store.models import Paper


def paper(n: int, **kw) -> Paper:
    values = dict(
        id=n,
        arxiv_id=f"2604.0000{n}",
        title=f"Paper  {n} on <tags> & $x^2$",
        abstract=f"Abstract {n}.\n  Second line.",
        authors=["Ada Lovelace", "Alan Turing"],
        affiliations=None,
        categories=["cs.CL", "cs.LG"],
        primary_category="cs.CL",
        published_at=datetime(2026, 4, n),
        updated_at=datetime(2026, 4, n + 1),
        latest_version=2,
        versions=None,
        comments=None,
        journal_ref=None,
        doi=None,
        report_no=None,
        license=None,
        abs_url=None,
        pdf_url=None,
        organization=None,
        listed_on=date(2026, 4, n),
        base_upvotes=n,
        source="test",
        fetched_at=None,
        code_url_found=None,
        project_url_found=None,
        code_url=None,
        project_url=None,
        vote_count=0,
        comment_count=0,
        hidden=False,
        submitted_by=None,
        submitted_at=None,
    )
    values.update(kw)
    return Paper(**values)


FEED = Feed(
    "Daily papers",
    "The day's papers",
    "https://p.example.org/feeds/daily",
    "https://p.example.org/",
    [paper(2), paper(1)],
)


def test_atom_and_rss_carry_every_field_a_reader_shows():
    for fmt, version in (("atom", "atom10"), ("rss", "rss20")):
        parsed = feedparser.parse(render_feed(FEED, "https://p.example.org", fmt))
        assert not parsed.bozo, parsed.get("bozo_exception")
        assert parsed.version == version
        assert parsed.feed.title == "Daily papers"
        assert [e.link for e in parsed.entries] == [
            "https://p.example.org/papers/2604.00002",
            "https://p.example.org/papers/2604.00001",
        ]
        first = parsed.entries[0]
        assert first.title == "Paper 2 on <tags> & $x^2$"
        assert first.summary == "Abstract 2. Second line."
        assert [a.name for a in first.authors] == ["Ada Lovelace", "Alan Turing"] or first.author == "Ada Lovelace"
        assert [t.term for t in first.tags] == ["cs.CL", "cs.LG"]
        assert first.published_parsed[:3] == (2026, 4, 2)
        if fmt == "atom":
            assert first.updated_parsed[:3] == (2026, 4, 3)
            assert first.id == "https://p.example.org/papers/2604.00002"


def test_the_same_papers_give_the_same_bytes():
    assert render_feed(FEED, "https://p.example.org", "atom") == render_feed(FEED, "https://p.example.org", "atom")


def test_an_empty_feed_is_still_valid():
    empty = Feed("Nothing", "none", "https://p.example.org/feeds/x", "https://p.example.org/", [])
    for fmt in ("atom", "rss"):
        parsed = feedparser.parse(render_feed(empty, "https://p.example.org", fmt))
        assert not parsed.bozo and parsed.entries == []
