"""Every kind of page, checked by the tools a careful reviewer would run: axe-core in Chromium (light and
dark) for accessibility, and the Nu Html Checker for valid HTML. Both come from npm (package.json); the
checker runs on Debian's Java."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.web.conftest import PASSWORD
from tests.web.test_community import _make_admin

pytestmark = [pytest.mark.browser, pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)]
ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"

VISITOR_PAGES = [
    "/",
    "/?date=2026-03-17",  # a day without papers
    "/week/2026-W14",
    "/month/2025-05?sort=new",
    "/trending",
    "/papers/2604.02459",
    "/papers/2411.00042",  # not here yet: offered for fetching
    "/search",
    "/search?q=byte+level+tokenizer",
    "/search?q=zzzzqqq",  # nothing matches
    "/categories/cs.CL",
    "/authors/Jun-Sik%20Yoo",
    "/stats",
    "/about",
    "/feeds",
    "/feeds/daily",  # a feed opened in a browser
    "/signin",
    "/signup",
    "/subscribe",
    "/docs",
    "/no/such/page",
]
MEMBER_PAGES = ["/", "/papers/2604.02459", "/for-you", "/settings", "/collections", "/submit", "/users/root1"]
ADMIN_PAGES = ["/admin", "/admin/jobs", "/admin/mail"]


def _required(what: str) -> None:
    message = f"{what} (npm ci; apt-get install default-jre-headless for Java)"
    if os.environ.get("PAPERFEED_REQUIRE_BROWSER"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "bypass_csp": True}  # axe is injected as a script of our own


def _axe(page: Page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
            .filter(v => v.impact === 'serious' || v.impact === 'critical')
            .map(v => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ')}`)"""
    )
    return list(found)


def _sign_in_as_admin(page: Page, base: str, database_url: str) -> None:
    _make_admin(database_url)
    page.goto(base + "/signin")
    page.get_by_label("Username").fill("root1")
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("#main").get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"^(?!.*signin).*$"))


def test_every_page_kind_has_no_serious_accessibility_problem_and_is_valid_html(
    page: Page, live_site, database_url, tmp_path
):
    if not AXE.exists():
        _required(f"axe-core is not installed at {AXE}")
    base = live_site.url
    pages = [(path, False) for path in VISITOR_PAGES]
    problems: list[str] = []
    saved: dict[str, str] = {}

    def check(path: str, who: str) -> None:
        for scheme in ("light", "dark"):
            page.emulate_media(color_scheme=scheme)
            page.goto(base + path)
            page.wait_for_load_state("networkidle")
            problems.extend(f"{who} {path} [{scheme}] {v}" for v in _axe(page))
        raw = page.request.get(base + path, headers={"Accept": "text/html"})
        saved[f"{who}{len(saved):02d}.html"] = raw.text()

    for path, _ in pages:
        check(path, "visitor")
    _sign_in_as_admin(page, base, database_url)
    for path in MEMBER_PAGES + ADMIN_PAGES:
        check(path, "admin")
    assert problems == [], "\n".join(problems)

    if not VNU.exists() or shutil.which("java") is None:
        _required("the Nu Html Checker needs node_modules/vnu-jar and a Java runtime")
    for name, html in saved.items():
        (tmp_path / name).write_text(html)
    done = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "json", *sorted(map(str, tmp_path.glob("*.html")))],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(done.stderr or done.stdout or '{"messages": []}')["messages"]
    errors = [f"{Path(m.get('url', '')).name}:{m.get('lastLine')}: {m.get('message')}" for m in messages]
    assert errors == [], "\n".join(errors)
