"""A researcher's morning in a real browser: sign up, upvote, submit, comment, collect, move between days."""

import re
from datetime import datetime

import pytest
from playwright.sync_api import Page, expect

from paperfeed.records import Author, PaperRecord
from paperfeed.store.papers import upsert_papers
from tests.web.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)]


def sign_up(page: Page, base: str, username: str) -> None:
    page.goto(base + "/")
    page.get_by_role("link", name="Sign up").click()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    menu = page.locator("details.usermenu")
    expect(menu.locator("summary")).to_have_text(username)
    menu.locator("summary").click()  # the member menu opens without scripts (details/summary)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    menu.locator("summary").click()


def test_a_new_user_upvotes_without_a_reload(page: Page, live_site):
    base = live_site.url
    sign_up(page, base, "morning")
    page.goto(base + "/")
    page.evaluate("window.__stillHere = true")
    button = page.locator("form.vote-form button").first
    expect(button.locator(".count")).to_have_text("0")
    button.click()
    expect(button.locator(".count")).to_have_text("1")
    expect(button).to_have_attribute("aria-pressed", "true")
    assert page.evaluate("window.__stillHere") is True  # no reload happened
    page.reload()
    expect(page.locator("form.vote-form button .count").first).to_have_text("1")
    page.locator("form.vote-form button").first.click()
    expect(page.locator("form.vote-form button .count").first).to_have_text("0")


def test_submit_comment_collect_and_move_between_days(page: Page, live_site):
    base = live_site.url
    sign_up(page, base, "busy")

    page.get_by_role("link", name="Submit", exact=True).click()
    page.get_by_label("arXiv id or URL").fill("https://arxiv.org/abs/2411.00042v1")
    page.get_by_role("button", name="Submit").click()
    # Queued at once, fetched in the background: the status page follows it to the paper.
    expect(page).to_have_url(re.compile(r"/papers/2411\.00042$"), timeout=15_000)
    expect(page.get_by_text("submitted by")).to_be_visible()

    page.get_by_label("Add a comment").fill("A **clear** result; code in `repo/`.")
    page.get_by_role("button", name="Comment").click()
    comment = page.locator(".comment-body").first
    expect(comment.locator("strong")).to_have_text("clear")
    expect(page.get_by_role("heading", name="1 comment")).to_be_visible()

    page.goto(base + "/collections")
    page.get_by_label("Name", exact=True).fill("To read")
    page.get_by_role("button", name="Create collection").click()
    expect(page.get_by_role("heading", name="To read")).to_be_visible()
    page.goto(base + "/papers/2411.00042")
    page.get_by_label("Add to a collection").select_option(label="To read")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.get_by_role("heading", name="To read")).to_be_visible()
    expect(page.get_by_role("link", name="Paper 2411.00042")).to_be_visible()

    page.goto(base + "/?date=2026-03-16")
    expect(page.get_by_role("heading", level=1)).to_have_text("Papers of Mar 16, 2026")
    page.get_by_role("link", name="Apr 1, 2026 →").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Papers of Apr 1, 2026")
    page.get_by_role("link", name="← Mar 16, 2026").click()
    page.get_by_role("link", name="← Feb 15, 2026").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Papers of Feb 15, 2026")


def test_tex_is_rendered_and_forms_are_labelled(page: Page, live_site, engine):
    with engine.begin() as conn:
        upsert_papers(
            conn,
            [
                PaperRecord(
                    arxiv_id="2609.00002",
                    title="Energy $E = mc^2$ revisited",
                    abstract="We show $\\alpha < 1$ and $$\\sum_i x_i = 0.$$",
                    authors=[Author("A. Physicist")],
                    categories=["physics.gen-ph"],
                    source="test",
                    published_at=datetime(2026, 11, 30),
                )
            ],
            datetime(2026, 1, 1),
        )
    page.goto(live_site.url + "/papers/2609.00002")
    if page.evaluate("typeof window.katex") == "undefined":
        pytest.skip("KaTeX is not installed (npm ci); TeX shows as source")
    expect(page.locator("h1 .katex").first).to_be_visible()
    expect(page.locator(".abstract .katex-display")).to_have_count(1)
    # Every visible form control has a label; landmarks are there; the skip link works from the keyboard.
    page.goto(live_site.url + "/signup")
    unlabelled = page.evaluate("""() => [...document.querySelectorAll('input:not([type=hidden]), textarea, select')]
        .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')).map(el => el.name)""")
    assert unlabelled == []
    for landmark in ("banner", "main", "contentinfo"):
        expect(page.get_by_role(landmark)).to_have_count(1)
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()


PAGES = ["/", "/papers/2604.02459", "/search?q=tokenizer", "/trending", "/stats", "/docs", "/submit", "/week/2026-W14"]


def header_height(page: Page) -> float:
    return page.evaluate("document.querySelector('header.site').getBoundingClientRect().height")


def test_readable_on_a_phone(page: Page, live_site):
    """No page scrolls sideways at 375 px, the header stays two short rows, and content clears it."""
    page.set_viewport_size({"width": 375, "height": 740})
    for signed_in in (False, True):
        if signed_in:
            sign_up(page, live_site.url, "phone-reader-with-a-long-name")
        for path in PAGES:
            page.goto(live_site.url + path)
            assert page.evaluate("document.documentElement.scrollWidth") <= 375, path
            assert header_height(page) <= 100, (path, signed_in, header_height(page))
            gap = page.evaluate(
                "document.querySelector('main').firstElementChild.getBoundingClientRect().top"
                " - document.querySelector('header.site').getBoundingClientRect().bottom"
            )
            assert gap >= 8, (path, gap)  # the first thing on a page never touches the header
    page.goto(live_site.url + "/search?q=tokenizer")
    first = page.evaluate("document.querySelector('ol.papers .card').getBoundingClientRect().top")
    assert first < 400, first  # the first result is on the first screen


def test_one_header_row_at_desktop_width_signed_in(page: Page, live_site):
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_up(page, live_site.url, "a-reader-with-a-long-name")
    page.goto(live_site.url + "/")
    assert header_height(page) <= 64, header_height(page)


def test_the_api_reference_draws_under_the_content_security_policy(page: Page, live_site):
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(live_site.url + "/docs")
    expect(page.locator(".opblock").first).to_be_visible(timeout=15000)
    assert page.locator(".opblock").count() >= 10
    expect(page.get_by_text("/api/daily_papers").first).to_be_visible()
    assert not [e for e in errors if "Content Security Policy" in e or "Refused" in e], errors


def test_subscribing_from_the_footer(page: Page, live_site):
    page.goto(live_site.url + "/")
    page.get_by_label("Get trending papers in your inbox").fill("reader@example.org")
    page.get_by_role("contentinfo").get_by_role("button", name="Subscribe").click()
    expect(page.get_by_label("Email address")).to_have_value("reader@example.org")
    page.get_by_label("Weekly").check()
    page.locator("#main").get_by_role("button", name="Subscribe").click()
    expect(page.get_by_role("heading", name="Check your inbox")).to_be_visible()
