"""A newcomer's first five minutes on the demo store, in Chromium: the front page, a paper, search, sign up,
upvote, comment, submit while arXiv is down, subscribe and confirm through the mail the site shows, For you."""

from __future__ import annotations

import re
import time
from dataclasses import replace

import httpx
import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from paperfeed.app import create_app
from paperfeed.clock import now
from paperfeed.ingest import load_sample, load_sample_morning
from paperfeed.search.fulltext import index_pending
from paperfeed.search.keyphrases import index_keyphrases
from paperfeed.search.vectors import save_vectors
from paperfeed.store.schema import papers
from paperfeed.text import nice_date
from tests.web.conftest import PASSWORD, LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)]
RAW_TEX = ("\\emph", "\\textemdash", "\\%", "~and", "\\cite")


def arxiv_down(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("network is unreachable", request=request)


@pytest.fixture
def demo_site(engine, app_settings, polite, sample_vectors):
    """What `./scripts/demo` serves: the sample and the sample morning, indexed; arXiv unreachable."""
    load_sample(engine)
    load_sample_morning(engine, now().date())
    with engine.begin() as conn:
        index_pending(conn)
        index_keyphrases(conn)
        rows = conn.execute(sa.select(papers.c.id, papers.c.arxiv_id, papers.c.content_hash)).all()
        save_vectors(
            conn, [(r.id, r.content_hash, sample_vectors[r.arxiv_id]) for r in rows if r.arxiv_id in sample_vectors]
        )
    app = create_app(replace(app_settings, fetch_submissions=1), arxiv=polite(arxiv_down))
    with LiveServer(app) as server:
        yield server


def visible_text(page: Page) -> str:
    return page.locator("main").inner_text()


def test_the_first_five_minutes(page: Page, demo_site, capsys):
    base = demo_site.url
    # The front page: a full day, said to be sample data, TeX read as text.
    page.goto(base + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Papers of {nice_date(now().date())}")
    expect(page.get_by_text("246 papers, most upvoted first.")).to_be_visible()
    expect(page.get_by_text("Sample data: the new submissions of arXiv's announcement")).to_be_visible()
    assert not [t for t in RAW_TEX if t in visible_text(page)]
    assert page.locator("ol.papers > li.card").count() == 50  # a page of a full day

    # A paper.
    first = page.locator("ol.papers > li.card h2 a").first
    title = first.inner_text()
    first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.get_by_text("First version")).to_be_visible()

    # Search: honest counts, and a real "no papers match".
    page.get_by_role("search").first.get_by_role("searchbox").fill("tokenizer vocabulary")
    page.keyboard.press("Enter")
    expect(page.get_by_text(re.compile(r"^\d+ papers? match"))).to_be_visible()
    expect(page.locator("ol.papers > li.card").first).to_be_visible()
    page.goto(base + "/search?q=zzzzqqq")
    expect(page.get_by_text("No papers match “zzzzqqq”.")).to_be_visible()

    # Sign up, upvote without a reload, comment.
    page.goto(base + "/signup")
    page.get_by_label("Username").fill("newcomer")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    expect(page.locator("details.usermenu summary")).to_have_text("newcomer")
    page.goto(base + "/")
    button = page.locator("form.vote-form button").first
    expect(button.locator(".count")).to_have_text("0")
    button.click()
    expect(button.locator(".count")).to_have_text("1")
    page.locator("ol.papers > li.card h2 a").first.click()
    page.get_by_label("Add a comment").fill("Does this hold at **low** temperature?")
    page.get_by_role("button", name="Comment", exact=True).click()
    expect(page.locator(".comment strong")).to_have_text("low")

    # Submit while arXiv cannot be reached: answered at once, with the state to follow.
    page.goto(base + "/submit")
    page.get_by_label("arXiv id or URL").fill("2411.00042")
    started = time.monotonic()
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_role("heading", name="Submitting 2411.00042")).to_be_visible()
    assert time.monotonic() - started < 5
    expect(page.get_by_role("status").first).to_contain_text(re.compile("arXiv"))

    # Subscribe from the footer, and confirm through the mail the site printed (no mail server here).
    page.goto(base + "/")
    page.get_by_label("Get trending papers in your inbox").fill("newcomer@example.org")
    page.get_by_role("contentinfo").get_by_role("button", name="Subscribe").click()
    page.locator("#main").get_by_role("button", name="Subscribe").click()
    expect(page.get_by_role("heading", name="Check your inbox")).to_be_visible()
    expect(page.get_by_text("no mail server set up yet")).to_be_visible()
    deadline = time.monotonic() + 5
    printed = ""
    while "/subscribe/confirm?token=" not in printed and time.monotonic() < deadline:
        printed += capsys.readouterr().out
        time.sleep(0.1)
    link = re.search(r"https?://\S+(/subscribe/confirm\?token=\S+)", printed).group(1)
    page.goto(base + link)
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_text("You are subscribed")).to_be_visible()

    # For you: a new reader picks what they follow and gets papers with reasons.
    page.goto(base + "/for-you")
    if page.locator("details.follow").count():  # they upvoted already: the form is one click away
        page.locator("details.follow summary").click()
    page.get_by_label("cs.CL").check()
    page.get_by_role("button", name="Show me papers").click()
    expect(page.locator("ol.papers > li.card").first).to_be_visible()
    assert page.locator("ol.papers > li.card").count() >= 10
    expect(page.get_by_text("among what you follow").first).to_be_visible()
