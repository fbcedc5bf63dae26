"""Every page answers, says the right things, and refuses bad parameters clearly."""

import re
from datetime import datetime

import pytest
from fastapi.testclient import TestClient

from paperfeed.clock import now
from paperfeed.store.papers import get_paper
from paperfeed.store.schema import papers
from paperfeed.store.users import create_user
from paperfeed.store.votes import toggle_vote
from tests.web.conftest import post, sign_up

FIRST = "On the Geometric Structure of Layer Updates in Deep Language Models"  # listed 2026-04-01


def test_front_page_shows_the_latest_day(client):
    page = client.get("/")
    assert page.status_code == 200
    assert FIRST in page.text
    assert "Papers of Apr 1, 2026" in page.text
    assert '<meta property="og:title"' in page.text
    assert "<title>Papers of Apr 1, 2026 · paperfeed</title>" in page.text


def test_previous_and_next_skip_empty_days(client):
    page = client.get("/?date=2026-03-16").text
    prev = re.search(r'rel="prev" href="([^"]+)"', page).group(1)
    nxt = re.search(r'rel="next" href="([^"]+)"', page).group(1)
    assert prev == "/?date=2026-02-15" and nxt == "/?date=2026-04-01"


def test_an_empty_day_says_so(client):
    page = client.get("/?date=2026-03-17")
    assert page.status_code == 200 and "No papers were listed then." in page.text


def test_week_and_month_views(client):
    week = client.get("/week/2026-W14")
    assert week.status_code == 200 and FIRST in week.text and "Week 2026-W14" in week.text
    assert "<title>Papers of Mar 30 – Apr 5, 2026 · paperfeed</title>" in week.text
    assert 'href="/week/2026-W13"' in week.text and "← Mar 23–29, 2026" in week.text
    assert '<a href="/">Latest day</a>' not in week.text  # it holds the latest day, Apr 1
    assert '<a href="/">Latest day</a>' in client.get("/week/2026-W13").text  # the way back from earlier weeks
    month = client.get("/month/2025-10")
    assert month.status_code == 200 and "Papers of October 2025" in month.text
    assert month.text.count('class="card"') == 4  # the sample lists four papers in October 2025


def test_by_votes_or_newest(client):
    page = client.get("/month/2025-05").text
    upvotes = [int(n) for n in re.findall(r'class="count">(\d+)<', page)]
    assert len(upvotes) == 5 and upvotes == sorted(upvotes, reverse=True) and upvotes[0] == 3
    newest = client.get("/month/2025-05?sort=new").text
    days = [datetime.strptime(d, "%b %d, %Y") for d in re.findall(r"listed (\w+ \d+, \d+)", newest)]
    assert len(days) == 5 and days == sorted(days, reverse=True)


@pytest.mark.parametrize(
    "url",
    [
        "/?date=2026-13-01",
        "/?date=tomorrow",
        "/?sort=random",
        "/week/2026-W60",
        "/week/14",
        "/month/2026-13",
        "/?page=0",
        "/?page=abc",
        "/categories/cs.CL?page=-1",
    ],
)
def test_bad_parameters_are_a_clear_400(client, url):
    page = client.get(url)
    assert page.status_code == 400
    assert 'class="notice error"' in page.text


def test_trending_ranks_by_decayed_votes(client, engine):
    with engine.begin() as conn:
        user = create_user(conn, "voter", "x", now())
        recent = get_paper(conn, "2604.02459")  # listed 2026-04-01
        older = get_paper(conn, "2603.13328") or get_paper(conn, "2603.07683")
        toggle_vote(conn, user.id, recent.id, now())
    page = client.get("/trending").text
    assert FIRST in page and "score" in page and "(hours since listed + 12)" in page
    assert older is None or older.title not in page or page.index(FIRST) < page.index(older.title)


def test_a_quiet_fortnight_shows_the_most_upvoted_instead(client):
    """The sample's votes are months old: trending is empty, and its most upvoted papers stand in, best first."""
    page = client.get("/trending").text
    assert "Nothing has votes in the last 14 days yet." in page and "Most upvoted of all time" in page
    upvotes = [int(n) for n in re.findall(r'class="count"[^>]*>(\d+)<', page)]
    assert upvotes and all(n > 0 for n in upvotes) and upvotes == sorted(upvotes, reverse=True), upvotes


def test_about_explains_the_formula_and_the_day(client):
    page = client.get("/about").text
    assert "votes ÷ (hours since listed + 12)<sup>1.8</sup>" in page
    assert "first version" in page


def test_paper_page_has_everything(client):
    page = client.get("/papers/2604.02459")
    assert page.status_code == 200
    text = page.text
    assert FIRST in text and 'href="/authors/Jun-Sik%20Yoo"' in text
    assert 'href="https://arxiv.org/pdf/2604.02459"' in text and "Related papers" in text
    assert 'property="og:type" content="article"' in text
    assert client.get("/papers/arXiv:2604.02459v3").status_code == 200


def test_katex_is_served_by_the_site(client):
    page = client.get("/papers/2604.02459").text
    if "/vendor/katex/katex.min.js" not in page:
        pytest.skip("KaTeX is not installed (npm ci); pages fall back to TeX source")
    assert client.get("/vendor/katex/katex.min.js").status_code == 200
    assert client.get("/vendor/katex/contrib/auto-render.min.js").status_code == 200
    assert "cdn" not in page.lower()


def test_author_organization_and_category_pages(client):
    author = client.get("/authors/Jun-Sik%20Yoo")
    assert author.status_code == 200 and FIRST in author.text
    category = client.get("/categories/cs.CL")
    assert category.status_code == 200 and "18 papers" in category.text
    organization = client.get("/organizations/ByteDance")
    assert organization.status_code == 200 and "1 paper," in organization.text
    assert client.get("/authors/Nobody%20Atall").status_code == 404
    assert client.get("/organizations/No%20Such%20Lab").status_code == 404


def test_category_pages_paginate(client):
    first = client.get("/categories/cs.CL").text
    assert first.count('class="card"') == 18 and "Page 1 of" not in first  # 18 fit on one page of 25


def test_stats_draws_charts(client):
    page = client.get("/stats")
    assert page.status_code == 200
    # each chart twice, wide and narrow (a phone sees the narrow one, labels still readable); no link
    # inside a chart (role=img): the tables beside them hold the links
    assert page.text.count("<svg") == 4 and "cs.CL" in page.text
    assert not re.search(r"<svg[^>]*>(?:(?!</svg>).)*<a ", page.text, re.S)


def test_styled_404_and_security_headers(client):
    page = client.get("/no/such/page")
    assert page.status_code == 404 and "There is no page at this address" in page.text
    assert page.headers["x-content-type-options"] == "nosniff"
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert client.get("/papers/9999.99999").status_code == 404
    assert "strict-transport-security" not in page.headers  # over http it means nothing (RFC 6797)


def test_https_pages_ask_browsers_to_stay_on_https(site):
    with TestClient(site, base_url="https://papers.example.org") as secure:
        page = secure.get("/about")
        assert page.headers["strict-transport-security"] == "max-age=31536000"
        assert "Secure" in page.headers["set-cookie"]


def test_submit_needs_an_account(client):
    page = client.get("/submit", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/signin?next=")


def test_pages_for_a_signed_in_user(client):
    sign_up(client, "reader")
    for url in ("/", "/submit", "/collections", "/settings", "/users/reader", "/papers/2604.02459"):
        page = client.get(url)
        assert page.status_code == 200, url
        assert "Sign out" in page.text
    assert post(client, "/signout").status_code == 303
    assert "Sign in" in client.get("/").text


def test_a_server_error_is_a_styled_500(site, monkeypatch):
    from fastapi.testclient import TestClient

    from paperfeed.web.routes import daily

    def broken(*args, **kwargs):
        raise RuntimeError("the disk is on fire")

    monkeypatch.setattr(daily, "trending_list", broken)
    with TestClient(site, raise_server_exceptions=False) as c:
        page = c.get("/trending")
    assert page.status_code == 500
    assert "Something broke" in page.text and "the disk is on fire" not in page.text


def test_keywords_are_chips_that_search(client):
    page = client.get("/papers/2504.10335").text
    assert "<dt>Keywords</dt>" in page
    chip = re.search(r'class="chip keyword" href="(/search\?q=%22[^"]+)"', page)
    assert chip
    found = client.get(chip.group(1).replace("&amp;", "&"))
    assert found.status_code == 200 and "2504.10335" in found.text
    assert 'class="chip keyword"' in client.get("/?date=2026-04-01").text


@pytest.mark.parametrize(
    "url",
    [
        "/week/9999-W52",
        "/week/0001-W01",
        "/month/9999-12",
        "/month/0001-01",
        "/?date=9999-12-31",
        "/api/daily_papers?week=9999-W52",
        "/api/daily_papers?month=0001-01",
        "/api/daily_papers?date=0001-01-01",
    ],
)
def test_dates_at_the_ends_of_the_calendar_are_a_clear_400(client, url):
    answer = client.get(url)
    assert answer.status_code == 400 and "years 1900" in answer.text


def test_tex_reads_as_text_everywhere_a_title_or_abstract_is_shown(client):
    """2505.18227's abstract says tokens\\textemdash discrete units; MorphTok's 1.68\\% reduction."""
    raw = r"tokens\textemdash discrete"
    paper = client.get("/papers/2505.18227").text
    assert "tokens—discrete units" in paper and "\\textemdash" not in paper
    assert re.search(r'<meta name="description" content="[^"]*tokens—discrete', paper)
    day = client.get("/?date=2025-05-23").text
    assert "tokens—discrete" in day and "\\textemdash" not in day
    found = client.get("/search", params={"q": "tokens discrete units token reduction"}).text
    assert "\\textemdash" not in found
    assert "\\%" not in client.get("/papers/2504.10335").text
    markdown = client.get("/papers/2505.18227.md").text
    assert "tokens—discrete" in markdown and "\\textemdash" not in markdown
    feed = (
        client.get("/feeds/categories/cs.LG").text + client.get("/feeds/search", params={"q": "token reduction"}).text
    )
    assert "\\textemdash" not in feed and "tokens—discrete" in feed
    assert raw in client.get("/api/papers/2505.18227").json()["summary"]  # the API keeps the text as given
    hits = client.get("/api/papers/search", params={"q": "discrete units derived from raw data"}).json()
    assert any(raw in "".join(part["text"] for part in hit["highlightedSummary"]) for hit in hits)


def test_the_sample_morning_is_a_full_front_page_that_says_it_is_sample_data(client, engine):
    from paperfeed.ingest import load_sample_morning
    from paperfeed.text import nice_date

    today = now().date()
    loaded = load_sample_morning(engine, today)
    assert loaded.counts.inserted == 246 and loaded.skipped == 0
    front = client.get("/").text
    assert f"Papers of {nice_date(today)}" in front and "246 papers, most upvoted first" in front
    assert "Sample data: the new submissions of arXiv&#39;s announcement of Wednesday, Feb 2, 2011" in front
    paper = client.get("/papers/1102.0278").text
    assert "First version</dt><dd>Feb 1, 2011" in paper and "Sample data" in paper
    featured = client.get("/?date=2026-04-01").text
    assert "featured on Hugging Face&#39;s Daily Papers" in featured and "arXiv&#39;s announcement" not in featured


def test_favicon(client):
    assert '<link rel="icon" href="/static/favicon.svg"' in client.get("/").text
    icon = client.get("/favicon.ico", follow_redirects=True)
    assert icon.status_code == 200 and icon.headers["content-type"].startswith("image/svg+xml")


def test_a_paper_this_site_lacks_offers_to_fetch_it(client):
    visitor = client.get("/papers/2411.00042")
    assert visitor.status_code == 404 and "arXiv:2411.00042 is not here yet" in visitor.text
    assert 'href="/signin?next=/papers/2411.00042"' in visitor.text
    sign_up(client, "fetcher")
    member = client.get("/papers/2411.00042").text
    assert '<input type="hidden" name="arxiv_id" value="2411.00042">' in member
    queued = post(client, "/submit", {"arxiv_id": "2411.00042"})  # what its button posts
    assert queued.status_code == 303 and queued.headers["location"].startswith("/submissions/")
    assert client.get("/papers/not-an-id").status_code == 404


def test_every_paper_has_a_drawn_cover_for_cards_and_share_previews(client, engine):
    with engine.begin() as conn:
        conn.execute(
            papers.update()
            .where(papers.c.arxiv_id == "2604.02459")
            .values(title="<script>alert(1)</script> & \\emph{TeX} $\\alpha$", code_url="https://github.com/owner/repo")
        )
    svg = client.get("/papers/2604.02459/cover.svg")
    assert svg.status_code == 200 and svg.headers["content-type"].startswith("image/svg+xml")
    assert b"<script>" not in svg.content  # the title is escaped, its TeX read as text
    assert 'aria-label="&lt;script&gt;alert(1)&lt;/script&gt; &amp; TeX α"'.encode() in svg.content
    png = client.get("/papers/2604.02459/cover.png")
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG") and "max-age" in png.headers["cache-control"]
    assert client.get("/papers/2604.02459/cover.png", headers={"If-None-Match": png.headers["etag"]}).status_code == 304
    page = client.get("/papers/2604.02459").text
    assert '<meta property="og:image" content="http://127.0.0.1:8000/papers/2604.02459/cover.png">' in page
    assert '<meta name="twitter:card" content="summary_large_image">' in page
    day = client.get("/?date=2026-04-01").text
    assert 'src="/papers/2604.02459/cover.svg"' in day and "Code: owner/repo" in day
    assert client.get("/papers/2604.02459/cover.gif").status_code == 404
    assert client.get("/papers/9999.99999/cover.svg").status_code == 404


def test_trending_says_when_its_votes_are_the_samples(client):
    page = client.get("/trending").text
    assert "Most upvoted of all time" in page and "with the upvotes they had there" in page
