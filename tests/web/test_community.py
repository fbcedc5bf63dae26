"""Votes, comments, collections, authorship claims, submissions and links, through the site's forms."""

import re
import threading
from datetime import date

import sqlalchemy as sa
from click.testing import CliRunner

from paperfeed.cli import main
from paperfeed.clock import now
from paperfeed.ingest import load_sample
from paperfeed.store.papers import get_paper
from paperfeed.store.schema import papers
from paperfeed.store.users import create_user
from paperfeed.store.votes import toggle_vote
from tests.web.conftest import PASSWORD, UNKNOWN_ID, post, sign_up, submit

PAPER = "/papers/2604.02459"


def upvotes(client, url=PAPER):
    return int(re.search(r'class="count">(\d+)<', client.get(url).text).group(1))


def test_upvote_toggles_and_counts_on_top_of_the_base(client, engine):
    with engine.connect() as conn:
        base = get_paper(conn, "2411.19943").base_upvotes  # a sample paper with imported votes
    assert base > 0
    url = "/papers/2411.19943"
    sign_up(client, "voter")
    assert upvotes(client, url) == base
    answer = post(client, f"{url}/vote", headers={"Accept": "application/json"})
    assert answer.json() == {"voted": True, "upvotes": base + 1}
    assert 'aria-pressed="true"' in client.get(url).text
    assert post(client, f"{url}/vote").status_code == 303  # without script: back to the page
    assert upvotes(client, url) == base


def test_voting_without_an_account_asks_to_sign_in(client):
    plain = post(client, f"{PAPER}/vote", headers={"referer": "http://testserver/?date=2026-04-01"})
    assert plain.status_code == 303 and plain.headers["location"] == "/signin?next=/%3Fdate%3D2026-04-01"
    scripted = post(client, f"{PAPER}/vote", headers={"Accept": "application/json"})
    assert scripted.status_code == 401 and scripted.json()["signin"].startswith("/signin")


def test_counts_stay_exact_under_concurrent_votes(engine):
    load_sample(engine)
    with engine.begin() as conn:
        paper_id = conn.execute(sa.select(papers.c.id).where(papers.c.arxiv_id == "2604.02459")).scalar()
        user_ids = [create_user(conn, f"crowd{n}", "x", now()).id for n in range(24)]
    errors = []

    def vote(user_id, times):
        try:
            for _ in range(times):
                with engine.begin() as conn:
                    toggle_vote(conn, user_id, paper_id, now())
        except Exception as exc:
            errors.append(exc)

    # Each user votes an odd number of times: all 24 end up voting.
    threads = [threading.Thread(target=vote, args=(u, 3)) for u in user_ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with engine.connect() as conn:
        count = conn.execute(sa.select(papers.c.vote_count).where(papers.c.id == paper_id)).scalar()
        rows = conn.execute(sa.text("SELECT count(*) FROM votes WHERE paper_id = :p"), {"p": paper_id}).scalar()
    assert count == rows == 24


def test_comment_reply_edit_delete(client, other_client):
    sign_up(client, "ann")
    created = post(client, f"{PAPER}/comments", {"body": "Does this hold for *state-space* models?"})
    top_id = int(created.headers["location"].split("comment-")[1])
    sign_up(other_client, "ben")
    reply = post(other_client, f"{PAPER}/comments", {"body": "Yes, see `Table 2`.", "parent_id": top_id})
    reply_id = int(reply.headers["location"].split("comment-")[1])
    nested = post(client, f"{PAPER}/comments", {"body": "Thanks!", "parent_id": reply_id})
    assert nested.status_code == 303
    page = client.get(PAPER).text
    assert "3 comments" in page and "<em>state-space</em>" in page and "<code>Table 2</code>" in page
    assert page.count('class="replies"') == 1  # a reply to a reply joins the first thread
    stamps = re.findall(r'<time datetime="([^"]+)"', page)
    assert stamps and all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", s) for s in stamps)  # valid HTML
    edited = post(client, f"/comments/{top_id}/edit", {"body": "Edited question", "paper": "2604.02459"})
    assert edited.status_code == 303
    assert "Edited question" in client.get(PAPER).text and "(edited)" in client.get(PAPER).text
    assert post(client, f"/comments/{top_id}/delete", {"paper": "2604.02459"}).status_code == 303
    page = client.get(PAPER).text
    assert "[deleted]" in page and "Yes, see" in page and "2 comments" in page
    assert "2 comments" in client.get("/?date=2026-04-01").text


def test_an_empty_comment_is_refused_with_a_message(client):
    sign_up(client, "quiet")
    response = post(client, f"{PAPER}/comments", {"body": "   "})
    assert "cannot be empty" in client.get(response.headers["location"]).text


def _make_admin(database_url, name="root1"):
    result = CliRunner().invoke(
        main,
        ["users", "add", name, "--admin", "--password-stdin"],
        input=PASSWORD + "\n",
        env={
            "PAPERFEED_DATABASE_URL": database_url,
            "PAPERFEED_ARGON2_TIME_COST": "1",
            "PAPERFEED_ARGON2_MEMORY_KIB": "8192",
        },
    )
    assert result.exit_code == 0, result.output
    assert "(administrator)" in result.output


def test_admins_hide_papers_and_comments(client, other_client, database_url):
    sign_up(client, "writer")
    created = post(client, f"{PAPER}/comments", {"body": "Spam spam spam"})
    comment_id = int(created.headers["location"].split("comment-")[1])
    _make_admin(database_url)
    assert post(other_client, "/signin", {"username": "root1", "password": PASSWORD}).status_code == 303
    assert post(other_client, f"/admin/comments/{comment_id}/hide", {"hidden": "1"}).status_code == 303
    assert "Spam spam spam" not in client.get(PAPER).text
    assert "Spam spam spam" in other_client.get(PAPER).text  # admins still see it, marked hidden
    assert post(other_client, "/admin/papers/2604.02459/hide", {"hidden": "1"}).status_code == 303
    assert client.get(PAPER).status_code == 404
    assert "On the Geometric Structure" not in client.get("/?date=2026-04-01").text


def test_collections(client, other_client):
    sign_up(client, "curator")
    made = post(client, "/collections", {"name": "Reading group", "description": "Week 1", "public": "1"})
    cid = made.headers["location"].rsplit("/", 1)[1]
    assert post(client, f"{PAPER}/collect", {"collection_id": cid}).status_code == 303
    page = client.get(f"/collections/{cid}").text
    assert "Reading group" in page and "On the Geometric Structure" in page
    assert other_client.get(f"/collections/{cid}").status_code == 200  # public
    post(client, f"/collections/{cid}/edit", {"name": "Reading group", "description": ""})  # now private
    assert other_client.get(f"/collections/{cid}").status_code == 404
    assert client.get(f"/collections/{cid}").status_code == 200
    paper_id = re.search(r'name="paper_id" value="(\d+)"', client.get(f"/collections/{cid}").text).group(1)
    post(client, f"/collections/{cid}/remove", {"paper_id": paper_id})
    assert "No papers in this collection" in client.get(f"/collections/{cid}").text
    assert post(client, f"/collections/{cid}/delete").status_code == 303
    assert client.get(f"/collections/{cid}").status_code == 404


def test_authorship_claim_confirmed_by_an_admin(client, other_client, database_url):
    sign_up(client, "junsik")
    assert post(client, f"{PAPER}/claim", {"author": "Someone Else"}).status_code == 303  # refused, shown as error
    assert post(client, f"{PAPER}/claim", {"author": "Jun-Sik Yoo"}).status_code == 303
    assert "You claimed to be Jun-Sik Yoo: pending" in client.get(PAPER).text
    post(client, f"{PAPER}/comments", {"body": "Author here."})
    _make_admin(database_url, "root2")
    post(other_client, "/signin", {"username": "root2", "password": PASSWORD})
    admin_page = other_client.get("/admin").text
    claim_id = re.search(r'action="/admin/claims/(\d+)"', admin_page).group(1)
    assert post(other_client, f"/admin/claims/{claim_id}", {"decision": "confirm"}).status_code == 303
    assert 'class="badge"' in client.get(PAPER).text
    assert "On the Geometric Structure" in client.get("/users/junsik").text
    assert client.get("/admin").status_code == 403


def test_submit_lists_a_paper_today_with_its_submitter(client):
    sign_up(client, "submitter")
    done = submit(client, "https://arxiv.org/abs/2411.00042v2")
    assert done.status_code == 303 and done.headers["location"] == "/papers/2411.00042"
    page = client.get("/papers/2411.00042").text
    assert "submitted by" in page and "/users/submitter" in page
    today = client.get(f"/?date={date.today().isoformat()}").text
    assert "Paper 2411.00042" in today and 'submitted by <a href="/users/submitter">' in today
    assert "2411.00042" in client.get("/search?q=%22Paper+2411.00042%22").text  # searchable at once
    again = post(client, "/submit", {"arxiv_id": "2411.00042"})
    assert again.status_code == 400 and "already listed" in again.text
    sample = post(client, "/submit", {"arxiv_id": "2604.02459"})
    assert "already listed, on 2026-04-01" in sample.text
    bad = post(client, "/submit", {"arxiv_id": "not a paper"})
    assert bad.status_code == 400 and "is not an arXiv id" in bad.text
    unknown = submit(client, UNKNOWN_ID)
    assert unknown.status_code == 200 and f"arXiv has no paper {UNKNOWN_ID}" in unknown.text


def test_links_are_editable_by_the_submitter_only(client, other_client):
    sign_up(client, "owner")
    submit(client, "2411.00043")
    edit = post(client, "/papers/2411.00043/links", {"code_url": "https://github.com/owner/repo", "project_url": ""})
    assert edit.status_code == 303
    assert 'href="https://github.com/owner/repo"' in client.get("/papers/2411.00043").text
    bad = post(client, "/papers/2411.00043/links", {"code_url": "javascript:alert(1)"})
    assert "must be http(s)" in client.get(bad.headers["location"]).text
    sign_up(other_client, "stranger")
    assert post(other_client, "/papers/2411.00043/links", {"code_url": "https://evil.test"}).status_code == 403


def test_signup_signin_and_password_change(client, other_client):
    sign_up(client, "Changer")
    assert "changer" in client.get("/").text
    taken = post(other_client, "/signup", {"username": "changer", "password": PASSWORD})
    assert taken.status_code == 400 and "is taken" in taken.text
    short = post(other_client, "/signup", {"username": "shorty", "password": "short"})
    assert short.status_code == 400 and "at least 10 characters" in short.text
    assert post(other_client, "/signin", {"username": "changer", "password": PASSWORD}).status_code == 303
    assert "Sign out" in other_client.get("/").text
    wrong = post(client, "/settings/password", {"current": "not it at all", "new": "a brand new password"})
    assert wrong.status_code == 400
    assert post(client, "/settings/password", {"current": PASSWORD, "new": "a brand new password"}).status_code == 303
    assert "Sign out" in client.get("/").text  # this session stays
    assert "Sign out" not in other_client.get("/").text  # the other one ended
    post(client, "/signout")
    assert post(client, "/signin", {"username": "changer", "password": PASSWORD}).status_code == 400
    assert post(client, "/signin", {"username": "changer", "password": "a brand new password"}).status_code == 303
