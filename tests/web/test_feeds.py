"""The feeds as a feed reader fetches them: parsed with feedparser, conditional GETs answered with 304."""

from __future__ import annotations

import re

import feedparser
import pytest
import sqlalchemy as sa
from lxml import etree

from paperfeed.store.listings import latest_day
from paperfeed.store.schema import papers
from tests.web.conftest import post, sign_up


def parsed(response):
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


@pytest.mark.parametrize(
    "fmt, version, media", [("atom", "atom10", "application/atom+xml"), ("rss", "rss20", "application/rss+xml")]
)
def test_the_daily_feed_lists_the_latest_day(client, engine, fmt, version, media):
    response = client.get(f"/feeds/daily?format={fmt}")
    assert response.status_code == 200 and response.headers["content-type"].startswith(media)
    feed = parsed(response)
    assert feed.version == version
    with engine.connect() as conn:
        day = latest_day(conn)
        expected = set(conn.execute(sa.select(papers.c.arxiv_id).where(papers.c.listed_on == day)).scalars())
    assert {e.link.rsplit("/papers/", 1)[1] for e in feed.entries} == expected
    for entry in feed.entries:
        assert entry.title and entry.summary and entry.published_parsed and entry.tags


def test_trending_category_and_search_feeds(client, engine):
    with engine.connect() as conn:
        category = conn.execute(
            sa.text("SELECT primary_category FROM papers GROUP BY primary_category ORDER BY count(*) DESC LIMIT 1")
        ).scalar()
    assert parsed(client.get("/feeds/trending")).feed.title.startswith("Trending papers")
    feed = parsed(client.get(f"/feeds/categories/{category}"))
    assert feed.entries and all(category in [t.term for t in e.tags] for e in feed.entries)
    feed = parsed(client.get("/feeds/search", params={"q": "tokenizer-free byte-level language model"}))
    assert feed.entries and "Search: tokenizer-free" in feed.feed.title
    assert any("ocab" in e.title or "yte" in e.title or "oken" in e.title for e in feed.entries[:3])


def test_an_unchanged_feed_is_answered_with_304(client):
    first = client.get("/feeds/daily")
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    again = client.get("/feeds/daily", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    assert client.get("/feeds/daily", headers={"If-Modified-Since": modified}).status_code == 304
    assert client.get("/feeds/daily", headers={"If-None-Match": '"other"'}).status_code == 200
    assert client.get("/feeds/daily", headers={"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"}).status_code == 200
    assert client.get("/feeds/daily", headers={"If-Modified-Since": "garbage"}).status_code == 200


def test_a_vote_changes_the_feed(client, engine):
    first = client.get("/feeds/daily")
    entry = parsed(first).entries[-1]
    sign_up(client, "ada")
    post(client, f"/papers/{entry.link.rsplit('/papers/', 1)[1]}/vote")
    again = client.get(
        "/feeds/daily",
        headers={"If-None-Match": first.headers["etag"], "If-Modified-Since": first.headers["last-modified"]},
    )
    assert again.status_code == 200


@pytest.mark.parametrize(
    "url, status",
    [
        ("/feeds/categories/<script>", 400),
        ("/feeds/categories/" + "a" * 200, 422),
        ("/feeds/search", 400),
        ("/feeds/search?q=" + "x" * 2000, 400),
        ("/feeds/daily?format=json", 400),
        ("/feeds/private/not-a-token", 404),
    ],
)
def test_bad_feed_requests_are_refused_clearly(client, url, status):
    response = client.get(url)
    assert response.status_code in (status, 400) and response.status_code < 500


def test_pages_point_feed_readers_to_their_feeds(client, engine):
    home = client.get("/").text
    assert re.search(r'<link rel="alternate" type="application/atom\+xml"[^>]+href="/feeds/daily"', home)
    with engine.connect() as conn:
        category = (
            conn.execute(sa.select(papers.c.primary_category).where(papers.c.primary_category.is_not(None)))
            .scalars()
            .first()
        )
    assert f'href="/feeds/categories/{category}"' in client.get(f"/categories/{category}").text
    assert 'href="/feeds/search?q=attention%20heads"' in client.get("/search?q=attention heads").text


def test_the_private_feed_follows_what_the_reader_upvotes(client, engine):
    sign_up(client, "ada")
    with engine.connect() as conn:
        arxiv_id, category = conn.execute(
            sa.select(papers.c.arxiv_id, papers.c.primary_category).where(papers.c.primary_category.is_not(None))
        ).first()
    post(client, f"/papers/{arxiv_id}/vote")
    url = re.search(r"/feeds/private/[\w-]+", client.get("/settings").text).group(0)
    feed = parsed(client.get(url))
    assert feed.entries and all(category in [t.term for t in e.tags] for e in feed.entries)
    assert client.get(url).headers["cache-control"].startswith("private")


@pytest.mark.parametrize("q", ["a\x01b", "a\x00b", "a\x0bb", "a\x1fb"])
def test_control_characters_in_a_search_are_refused_before_its_feed(client, q):
    answer = client.get("/feeds/search", params={"q": q})
    assert answer.status_code == 400 and "Control characters" in answer.text


@pytest.mark.parametrize("q", ["a\ufffeb", "tokens\x7f"])
def test_what_xml_cannot_carry_never_breaks_a_search_feed(client, q):
    answer = client.get("/feeds/search", params={"q": q})
    assert answer.status_code == 200
    etree.fromstring(answer.content)  # well-formed XML


def test_a_title_with_a_control_character_leaves_its_category_feed_readable(client, engine):
    with engine.begin() as conn:
        arxiv_id, category = conn.execute(sa.select(papers.c.arxiv_id, papers.c.primary_category).limit(1)).one()
        conn.execute(papers.update().where(papers.c.arxiv_id == arxiv_id).values(title="Bell\x01 \x1b[31m states"))
    answer = client.get(f"/feeds/categories/{category}")
    assert answer.status_code == 200
    titles = [t.text for t in etree.fromstring(answer.content).iter("{http://www.w3.org/2005/Atom}title")]
    assert "Bell [31m states" in titles


BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"  # what Chromium sends
READER = "application/atom+xml, application/rss+xml;q=0.9, application/xml;q=0.8, */*;q=0.5"


def test_a_feed_opened_in_a_browser_is_a_page_that_says_how_to_subscribe(client):
    page = client.get("/feeds/daily", headers={"Accept": BROWSER})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "This is a feed." in page.text and 'value="http://127.0.0.1:8000/feeds/daily?format=atom"' in page.text
    assert page.headers["vary"] == "Accept"
    # the same address, asked by a reader or with any Accept, right after (the page cache keeps both apart)
    for accept in (READER, "*/*", ""):
        feed = client.get("/feeds/daily", headers={"Accept": accept})
        assert feed.headers["content-type"].startswith("application/atom+xml"), accept
        assert parsed(feed).entries
    explicit = client.get("/feeds/daily?format=atom", headers={"Accept": BROWSER})
    assert explicit.headers["content-type"].startswith("application/atom+xml")  # the address the page gives
    assert client.get("/feeds/daily", headers={"Accept": BROWSER}).headers["content-type"].startswith("text/html")


def test_category_and_search_pages_show_their_feed(client):
    assert 'class="feed-link" href="/feeds/categories/cs.CL"' in client.get("/categories/cs.CL").text
    assert 'class="feed-link" href="/feeds/search?q=tokenizer"' in client.get("/search?q=tokenizer").text
