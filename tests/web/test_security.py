"""Hostile input renders inert; forms need their CSRF token; nobody changes what is not theirs."""

import re
from datetime import datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from paperfeed import clock
from paperfeed.records import Author, PaperRecord
from paperfeed.store.papers import upsert_papers
from paperfeed.web.routes import accounts
from tests.web.conftest import PASSWORD, csrf, post, sign_up

SCRIPT = "<script>alert(1)</script>"


def _hostile_paper(engine):
    with engine.begin() as conn:
        upsert_papers(
            conn,
            [
                PaperRecord(
                    arxiv_id="2609.00001",
                    title=f"{SCRIPT} and $x<y$",
                    abstract='<img src=x onerror="alert(2)">',
                    authors=[Author("<b onmouseover=alert(3)>Mallory</b>")],
                    categories=["cs.CR"],
                    source="test",
                    published_at=datetime(2026, 11, 30),
                    organization="<i>Evil</i> Corp",
                    comments='code at javascript:alert(4) and https://github.com/x/y"onclick="alert(5)',
                )
            ],
            datetime(2026, 1, 1),
        )


def test_markup_in_titles_abstracts_and_names_is_inert(client, engine):
    _hostile_paper(engine)
    author = "/authors/%3Cb%20onmouseover%3Dalert(3)%3EMallory%3C%2Fb%3E"
    for url in ("/", "/papers/2609.00001", "/categories/cs.CR", author):
        page = client.get(url)
        assert page.status_code == 200, url
        text = page.text
        assert SCRIPT not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text
        assert "<img src=x" not in text and "<b onmouseover" not in text and "<i>Evil</i>" not in text
        assert 'onclick="alert(5)' not in text


def test_comments_render_inert(client, engine):
    sign_up(client, "mallory")
    body = f'{SCRIPT} [click](javascript:alert(1)) <a href="https://evil.test">x</a> **bold** `<b>`'
    assert post(client, "/papers/2604.02459/comments", {"body": body}).status_code == 303
    text = client.get("/papers/2604.02459").text
    assert SCRIPT not in text and 'href="javascript:' not in text and '<a href="https://evil.test">' not in text
    assert "<strong>bold</strong>" in text and "<code>&lt;b&gt;</code>" in text


def test_a_form_without_its_csrf_token_is_refused(client):
    sign_up(client, "victim")
    no_token = client.post("/papers/2604.02459/comments", data={"body": "hi"}, follow_redirects=False)
    assert no_token.status_code == 403 and "did not come from this site" in no_token.text
    wrong = client.post("/papers/2604.02459/vote", data={"csrf_token": "forged"}, follow_redirects=False)
    assert wrong.status_code == 403
    signup = client.post("/signup", data={"username": "x" + "y" * 5, "password": PASSWORD}, follow_redirects=False)
    assert signup.status_code == 403
    assert "0 comments" in client.get("/papers/2604.02459").text


def test_a_forged_csrf_cookie_is_refused(client):
    client.cookies.set("pf_csrf", "attacker-chosen")
    response = client.post(
        "/signup",
        data={"csrf_token": "attacker-chosen", "username": "eve", "password": PASSWORD},
        follow_redirects=False,
    )
    assert response.status_code == 403


def test_nobody_changes_another_users_comment_or_collection(client, other_client):
    sign_up(client, "alice")
    post(client, "/papers/2604.02459/comments", {"body": "Alice's comment"})
    comment_id = int(client.get("/papers/2604.02459").text.split('id="comment-')[1].split('"')[0])
    post(client, "/collections", {"name": "Alice's list", "public": "1"})
    sign_up(other_client, "bob")
    assert post(other_client, f"/comments/{comment_id}/edit", {"body": "Bob was here"}).status_code == 403
    assert post(other_client, f"/comments/{comment_id}/delete").status_code == 403
    collection_id = 1
    assert post(other_client, f"/collections/{collection_id}/edit", {"name": "Bob's now"}).status_code == 403
    assert post(other_client, f"/collections/{collection_id}/delete").status_code == 403
    assert post(other_client, "/papers/2604.02459/collect", {"collection_id": collection_id}).status_code == 303
    page = client.get("/papers/2604.02459").text
    assert "Alice&#39;s comment" in page and "Bob was here" not in page
    assert "No papers in this collection" in client.get(f"/collections/{collection_id}").text
    assert post(other_client, "/admin/papers/2604.02459/hide").status_code == 403


def _signin(client, username: str, password: str = "wrong password!"):
    return post(client, "/signin", {"username": username, "password": password})


def test_guesses_from_one_address_meet_its_limit_not_the_owners(site, client):
    sign_up(client, "target")
    post(client, "/signout")
    with TestClient(site, client=("203.0.113.9", 40000)) as guesser:
        answers = [_signin(guesser, name).status_code for name in ["target", "Target", " TARGET ", "target"] * 2]
        assert answers == [400] * 5 + [429] * 3  # spellings of one name count as one account
        blocked = _signin(guesser, "target", PASSWORD)
        assert blocked.status_code == 429 and "Too many failed sign-ins" in blocked.text
        assert 0 < int(blocked.headers["retry-after"]) <= 900
    assert _signin(client, "target", PASSWORD).status_code == 303  # the owner, elsewhere, is not locked out


def test_the_sign_in_limit_holds_per_address(site, client):
    with TestClient(site, client=("203.0.113.10", 40000)) as guesser:
        for n in range(30):
            assert _signin(guesser, f"nobody{n}").status_code == 400
        assert _signin(guesser, "nobody99").status_code == 429
    sign_up(client, "innocent")
    post(client, "/signout")
    assert _signin(client, "innocent", PASSWORD).status_code == 303


def test_guesses_at_one_account_from_many_addresses_slow_it_down_without_locking_it(site, client, monkeypatch):
    sign_up(client, "target")
    post(client, "/signout")
    moment = clock.now().replace(second=1, microsecond=0)  # one fixed instant: one ten-second window
    monkeypatch.setattr(accounts, "now", lambda: moment)
    for n in range(20):  # 100 wrong guesses, five from each of twenty addresses
        with TestClient(site, client=(f"198.51.100.{n}", 40000)) as guesser:
            assert [_signin(guesser, "target").status_code for _ in range(5)] == [400] * 5
    # Beyond that, one guess each ten seconds is taken for this account, whoever makes it.
    assert _signin(client, "target", PASSWORD).status_code == 303  # the owner still gets in
    post(client, "/signout")
    slowed = _signin(client, "target", PASSWORD)
    assert slowed.status_code == 429 and int(slowed.headers["retry-after"]) <= 10
    monkeypatch.setattr(accounts, "now", lambda: moment + timedelta(seconds=10))
    assert _signin(client, "target", PASSWORD).status_code == 303


def test_a_right_password_is_no_guess(client):
    sign_up(client, "ada")
    post(client, "/signout")
    for _ in range(4):
        assert _signin(client, "ada").status_code == 400
    for _ in range(3):  # signing in and out again and again never meets the limit
        assert _signin(client, "ada", PASSWORD).status_code == 303
        post(client, "/signout")
    assert _signin(client, "ada").status_code == 400  # the fifth failure
    assert _signin(client, "ada").status_code == 429


def test_sign_ups_from_one_address_are_limited(site):
    with TestClient(site, client=("203.0.113.20", 40000)) as flood:
        answers = [post(flood, "/signup", {"username": f"bot{n}", "password": PASSWORD}).status_code for n in range(7)]
    assert answers == [303] * 5 + [429] * 2  # each sign-up costs an argon2 hash: five an hour


def test_next_never_leaves_the_site(client):
    response = post(
        client, "/signup", {"username": "traveller", "password": PASSWORD, "next": "https://evil.test/phish"}
    )
    assert response.headers["location"] == "/"
    for target in ("//evil.test", "/\\evil.test", "javascript:alert(1)"):
        post(client, "/signout")
        r = post(client, "/signin", {"username": "traveller", "password": PASSWORD, "next": target})
        assert r.headers["location"] == "/", target


def test_session_cookie_flags(client):
    response = sign_up(client, "cookies")
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie.replace("Lax", "lax")
    assert csrf(client)


def test_oversized_and_odd_input_is_refused_cleanly(client):
    sign_up(client, "odd")
    too_long = post(client, "/papers/2604.02459/comments", {"body": "x" * 5001})
    assert too_long.status_code == 303
    assert "at most 5000 characters" in client.get(too_long.headers["location"]).text
    assert post(client, "/papers/2604.02459/comments", {"body": "hi", "parent_id": "abc"}).status_code == 400
    assert post(client, "/collections", {"name": "n" * 101}).status_code == 400
    assert post(client, "/signup", {"username": "a" * 200, "password": PASSWORD}).status_code == 400


def test_a_huge_body_is_refused_before_anyone_is_checked(client):
    big = b"x" * (2 * 1024 * 1024)
    declared = client.post("/api/collections", content=big, headers={"content-type": "application/json"})
    assert declared.status_code == 413 and "larger than 1024 KiB" in declared.json()["error"]
    assert client.post("/signin", content=big).status_code == 413

    def chunks():
        for _ in range(40):
            yield b"y" * 65536

    streamed = client.post("/api/collections", content=chunks(), headers={"content-type": "application/json"})
    assert streamed.status_code == 413
    assert client.post("/api/collections", json={"name": "ok"}).status_code == 401  # small bodies go on as before


def test_a_forged_host_never_reaches_links_in_pages_feeds_or_markdown(client):
    forged = {"host": "evil.example"}
    for url in ("/", "/feeds/daily", "/papers/2604.02459.md"):
        answer = client.get(url, headers=forged)
        assert answer.status_code == 200 and "evil.example" not in answer.text, url
    assert "http://127.0.0.1:8000/" in client.get("/", headers=forged).text


@pytest.mark.parametrize(
    "url",
    [
        "/collections/99999999999999999999",
        "/submissions/99999999999999999999",
        "/api/papers?cursor=99999999999999999999",
        "/api/submissions/99999999999999999999",
    ],
)
def test_ids_beyond_what_the_store_holds_are_a_clear_400(client, url):
    assert client.get(url).status_code == 400


def test_posted_ids_beyond_what_the_store_holds_are_a_clear_400(client):
    sign_up(client, "poster")
    big = "99999999999999999999"
    for url, data in (
        (f"/collections/{big}/delete", {}),
        ("/papers/2604.02459/collect", {"collection_id": big}),
        ("/papers/2604.02459/comments", {"body": "hi", "parent_id": big}),
    ):
        assert post(client, url, data).status_code == 400, url


def test_a_paper_page_shows_only_messages_the_site_itself_signed(client):
    forged = client.get("/papers/2604.02459?error=Your+account+is+locked.+Mail+your+password+to+x@evil.test")
    assert "Your account is locked" not in forged.text
    sign_up(client, "claimer")
    back = post(client, "/papers/2604.02459/claim", {"author": "Nobody At All"})
    assert "Pick one of the paper" in client.get(back.headers["location"]).text


def test_the_settings_page_is_never_stored_by_a_cache(client):
    sign_up(client, "private")
    assert client.get("/settings").headers["cache-control"] == "no-store"


def test_the_form_token_is_bound_to_the_session_and_renewed_at_sign_in(site, client):
    before = csrf(client)
    sign_up(client, "ada")
    after = csrf(client)
    assert after != before  # signing in made the token seen before worthless
    stale = client.post("/papers/2604.02459/vote", data={"csrf_token": before}, follow_redirects=False)
    assert stale.status_code == 403
    with TestClient(site) as stranger:  # another visitor's token, even with this cookie jar's own cookie
        theirs = csrf(stranger)
    assert (
        client.post("/papers/2604.02459/vote", data={"csrf_token": theirs}, follow_redirects=False).status_code == 403
    )
    assert post(client, "/papers/2604.02459/vote").status_code == 303
    post(client, "/signout")
    assert csrf(client) != after  # and signing out changes it again


def test_someone_elses_private_collection_answers_as_a_missing_one(client, other_client):
    sign_up(client, "alice")
    post(client, "/collections", {"name": "Secret list"})  # private
    sign_up(other_client, "bob")
    for action in ("edit", "delete"):
        theirs = post(other_client, f"/collections/1/{action}", {"name": "x"})
        missing = post(other_client, f"/collections/999/{action}", {"name": "x"})
        assert theirs.status_code == missing.status_code == 403
        assert re.sub(r"/collections/\d+", "", theirs.text) == re.sub(r"/collections/\d+", "", missing.text)
    theirs = post(other_client, "/papers/2604.02459/collect", {"collection_id": 1})
    missing = post(other_client, "/papers/2604.02459/collect", {"collection_id": 999})
    assert other_client.get(theirs.headers["location"]).text == other_client.get(missing.headers["location"]).text
