"""Members' pages are the shared skeleton filled with what is theirs, and nobody's part reaches anyone else.

Two members and a visitor take turns against one page cache (one application, both backends): each
sees their own name, their own votes, their own comment actions and a form token that works for them
alone, while the shared part is rendered once.
"""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from paperfeed.web.personal import parse, slot
from tests.web.conftest import FORM_TOKEN, post, sign_up

DAY = "/month/2026-01"  # five papers of the sample


def pressed(page: str) -> set[str]:
    """The papers whose vote button is pressed on a page."""
    cards = re.findall(r'action="/papers/([^"]+)/vote".*?aria-pressed="(true|false)"', page, re.S)
    return {arxiv_id for arxiv_id, state in cards if state == "true"}


def tokens(page: str) -> set[str]:
    return set(FORM_TOKEN.findall(page))


@pytest.fixture
def members(site):
    with TestClient(site) as ada, TestClient(site) as bob, TestClient(site) as visitor:
        sign_up(ada, "ada")
        sign_up(bob, "bob")
        yield ada, bob, visitor


def first_papers(client: TestClient, n: int) -> list[str]:
    ids = re.findall(r'href="/papers/([0-9.]+)"', client.get(DAY).text)
    return list(dict.fromkeys(ids))[:n]


def test_two_members_and_a_visitor_interleaved_see_only_their_own(members):
    ada, bob, visitor = members
    x, y = first_papers(visitor, 2)
    assert post(ada, f"/papers/{x}/vote").status_code == 303
    assert post(bob, f"/papers/{y}/vote").status_code == 303
    assert post(ada, f"/papers/{x}/comments", {"body": "Ada was here"}).status_code == 303
    for _ in range(3):  # in turns, so that each one's page comes from the others' kept skeleton
        for who, client, mine in (("ada", ada, {x}), ("bob", bob, {y})):
            page = client.get(DAY)
            assert pressed(page.text) == mine, who
            assert f"<summary>{who}</summary>" in page.text and "Sign out" in page.text
            other = "bob" if who == "ada" else "ada"
            assert f"<summary>{other}</summary>" not in page.text
            paper = client.get(f"/papers/{x}").text
            assert ("/edit" in paper) == (who == "ada"), who  # only the author of a comment may edit it
            assert "Keep and claim" in paper and "Ada was here" in paper
        anonymous = visitor.get(DAY).text
        assert pressed(anonymous) == set() and "Sign out" not in anonymous and "Sign in" in anonymous
        assert not tokens(anonymous) and "Keep and claim" not in visitor.get(f"/papers/{x}").text
    assert ada.get(DAY).headers.get("x-cache") == "filled"  # the shared part was reused, not rendered
    assert not tokens(ada.get(DAY).text) & tokens(bob.get(DAY).text)


def test_a_members_form_token_works_for_them_and_no_one_else(members):
    ada, bob, _ = members
    (x,) = first_papers(ada, 1)
    ada.get(DAY)
    page = ada.get(DAY)
    assert page.headers.get("x-cache") == "filled"
    (token,) = tokens(page.text)
    assert ada.post(f"/papers/{x}/vote", data={"csrf_token": token}, follow_redirects=False).status_code == 303
    assert bob.post(f"/papers/{x}/vote", data={"csrf_token": token}, follow_redirects=False).status_code == 403
    assert x in pressed(ada.get(DAY).text) and x not in pressed(bob.get(DAY).text)


def test_a_members_vote_shows_at_once_without_scripts(members):
    ada, _, _ = members
    (x,) = first_papers(ada, 1)
    before = ada.get(DAY).text
    count = re.search(rf'action="/papers/{re.escape(x)}/vote".*?class="count">(\d+)<', before, re.S).group(1)
    assert post(ada, f"/papers/{x}/vote").status_code == 303  # a plain form post, as without JavaScript
    after = ada.get(DAY).text
    assert x in pressed(after)
    assert re.search(rf'action="/papers/{re.escape(x)}/vote".*?class="count">{int(count) + 1}<', after, re.S)


def test_a_paper_page_fills_the_members_collections_and_claim(members):
    ada, bob, _ = members
    (x,) = first_papers(ada, 1)
    assert post(ada, "/collections", {"name": "Ada's <reading> list"}).status_code == 303
    page = ada.get(f"/papers/{x}").text
    assert "Ada&#39;s &lt;reading&gt; list" in page and "<reading>" not in page
    claim = re.search(r'<select id="author" name="author"><option>([^<]+)</option>', page).group(1)
    assert post(ada, f"/papers/{x}/claim", {"author": claim}).status_code == 303
    assert f"You claimed to be {claim}: pending." in ada.get(f"/papers/{x}").text
    other = bob.get(f"/papers/{x}").text
    assert "reading" not in other and "You claimed" not in other and "Are you one of the authors?" in other


def test_a_dead_session_sees_the_public_page(site, members):
    ada, _, _ = members
    cookies = dict(ada.cookies)
    post(ada, "/signout")
    with TestClient(site, cookies=cookies) as stale:  # the same cookie, replayed after signing out
        page = stale.get(DAY).text
    assert "Sign in" in page and "Sign out" not in page and not pressed(page)


def test_an_admin_gets_the_whole_page(site, members, engine):
    from paperfeed.store.users import set_admin, user_by_name

    ada, bob, _ = members
    with engine.begin() as conn:
        set_admin(conn, user_by_name(conn, "ada").id, True)
    (x,) = first_papers(ada, 1)
    bob.get(f"/papers/{x}")  # a kept skeleton, which an admin's page must not come from
    page = ada.get(f"/papers/{x}")
    assert "Hide this paper" in page.text and page.headers.get("x-cache") != "filled"
    assert "Hide this paper" not in bob.get(f"/papers/{x}").text


def test_a_forged_slot_is_only_text():
    # A slot's mark carries a nonce drawn at start: text that looks like one without it is kept as text.
    forged = b"<p>\x00name\x1f\x00</p>"
    skeleton = parse(b"<h1>" + slot("name").encode() + b"</h1>" + forged, {})
    assert [(name, arg) for _, name, arg in skeleton.slots] == [("name", "")]
    assert skeleton.parts[-1].endswith(forged)
