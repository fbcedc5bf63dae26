"""The API beyond the Hugging Face client: errors, bad input, comments, the cursor walk, tokens, limits, docs."""

from __future__ import annotations

import dataclasses

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from paperfeed.app import create_app
from paperfeed.store.papers import get_paper
from paperfeed.store.schema import papers, votes
from tests.api.conftest import new_token
from tests.web.conftest import arxiv_handler, fetch_queued, post, sign_up


def json_error(response, status: int, text: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert text in response.json()["error"]
    assert text in response.headers["x-error-message"]


@pytest.mark.parametrize(
    "url, status, text",
    [
        ("/api/daily_papers?date=2026-02-30", 400, "is not a date"),
        ("/api/daily_papers?week=2026-W60", 400, "is not a week"),
        ("/api/daily_papers?month=2026-13", 400, "is not a month"),
        ("/api/daily_papers?p=-1", 400, "malformed"),
        ("/api/daily_papers?p=abc", 400, "malformed"),
        ("/api/daily_papers?limit=0", 400, "malformed"),
        ("/api/daily_papers?sort=hot", 400, "malformed"),
        ("/api/papers/not-an-id", 400, "is not an arXiv id"),
        ("/api/papers/2401.99999", 404, "no paper 2401.99999"),
        ("/api/papers/2401.99999/comments", 404, "no paper"),
        ("/api/papers?cursor=-5", 400, "malformed"),
        ("/api/papers?category=<x>", 400, "is not an arXiv category"),
        ("/api/nothing", 404, "no such API endpoint"),
        ("/papers/2401.99999.md", 404, "no paper"),
    ],
)
def test_bad_requests_are_clear_json_errors(used_site, client, url, status, text):
    json_error(client.get(url), status, text)


def test_huge_limits_are_capped(used_site, client):
    assert len(client.get("/api/daily_papers?limit=100000").json()) == 45  # every paper, capped at 100
    assert client.get("/api/papers?limit=100000").status_code == 200
    assert len(client.get("/api/papers/search?q=language&limit=100000").json()) <= 100


def test_weird_search_strings_never_fail(used_site, client):
    for q in ['"', "*", "NEAR(", "AND(", "((", "a" * 5000, "🦜 ∑", ""]:
        assert client.get("/api/papers/search", params={"q": q}).status_code == 200


def test_comments_are_readable(used_site, client):
    with_comment = client.get("/api/daily_papers?limit=100").json()
    paper = next(i for i in with_comment if i["numComments"])
    comments = client.get(f"/api/papers/{paper['paper']['id']}/comments").json()
    assert [c["text"] for c in comments] == ["A *careful* study."]
    assert comments[0]["author"]["user"] == "ada" and comments[0]["createdAt"].endswith("Z")


def test_the_cursor_walk_sees_every_paper_once(used_site, client, engine):
    seen, cursor = [], None
    while True:
        page = client.get("/api/papers", params={"limit": 7, **({"cursor": cursor} if cursor else {})}).json()
        seen += [p["id"] for p in page["papers"]]
        cursor = page["nextCursor"]
        if cursor is None:
            break
    with engine.connect() as conn:
        assert seen == list(conn.execute(sa.select(papers.c.arxiv_id).order_by(papers.c.id)).scalars())
    cs = client.get("/api/papers", params={"category": "cs.CL", "limit": 500}).json()["papers"]
    assert cs and all("cs.CL" in p["categories"] for p in cs)
    first = client.get("/api/papers?limit=1").json()["papers"][0]
    assert {"versions", "doi", "listedOn", "abstract" if False else "summary"} <= set(first)


def test_writing_with_a_personal_token(used_site, client, other_client, engine):
    token = new_token(client)
    auth = {"Authorization": f"Bearer {token}"}
    assert token not in client.get("/settings").text  # shown once only
    arxiv_id = client.get("/api/daily_papers?limit=100").json()[-1]["paper"]["id"]
    before = client.get(f"/api/papers/{arxiv_id}").json()["upvotes"]
    voted = other_client.post(f"/api/papers/{arxiv_id}/upvote", headers=auth).json()
    assert voted == {"id": arxiv_id, "upvoted": True, "upvotes": before + 1}
    assert other_client.post(f"/api/papers/{arxiv_id}/upvote", headers=auth).json()["upvotes"] == before + 1
    assert other_client.delete(f"/api/papers/{arxiv_id}/upvote", headers=auth).json()["upvoted"] is False
    made = other_client.post(f"/api/papers/{arxiv_id}/comments", headers=auth, json={"text": "Nice <b>work</b>"})
    assert made.status_code == 201 and made.json()["author"]["user"] == "ada"
    reply = other_client.post(
        f"/api/papers/{arxiv_id}/comments", headers=auth, json={"text": "and a reply", "parentId": made.json()["id"]}
    )
    assert reply.json()["parentId"] == made.json()["id"]
    submitted = other_client.post("/api/papers", headers=auth, json={"arxivId": "arXiv:2502.00002v2"})
    assert submitted.status_code == 202 and submitted.json()["id"] == "2502.00002"
    assert submitted.json()["state"] == "queued" and submitted.json()["paper"] is None
    unknown = other_client.post("/api/papers", headers=auth, json={"arxivId": "2401.99999"})
    assert unknown.status_code == 202
    fetch_queued(other_client)
    listed = other_client.get(f"/api/submissions/{submitted.json()['submission']}").json()
    assert listed["state"] == "listed" and listed["paper"]["id"] == "2502.00002"
    failed = other_client.get(f"/api/submissions/{unknown.json()['submission']}").json()
    assert failed["state"] == "failed" and "arXiv has no paper 2401.99999" in failed["reason"]
    json_error(other_client.post("/api/papers", headers=auth, json={"arxivId": "2502.00002"}), 409, "already listed")
    collection = other_client.post("/api/collections", headers=auth, json={"name": "To read"}).json()
    filled = other_client.post(
        f"/api/collections/{collection['id']}/items", headers=auth, json={"arxivId": arxiv_id}
    ).json()
    assert filled["papers"] == [arxiv_id]
    assert other_client.get("/api/collections", headers=auth).json()[0]["papers"] == [arxiv_id]
    emptied = other_client.delete(f"/api/collections/{collection['id']}/items/{arxiv_id}", headers=auth).json()
    assert emptied["papers"] == []


def test_writing_without_a_valid_token_is_refused(used_site, client, other_client, engine):
    arxiv_id = client.get("/api/daily_papers?limit=1").json()[0]["paper"]["id"]
    json_error(other_client.post(f"/api/papers/{arxiv_id}/upvote"), 401, "personal API token")
    json_error(
        other_client.post(f"/api/papers/{arxiv_id}/upvote", headers={"Authorization": "Bearer pf_forged"}),
        401,
        "not valid",
    )
    token = new_token(client)
    page = client.get("/settings").text
    token_id = page.split('action="/settings/tokens/')[1].split("/")[0]
    assert post(client, f"/settings/tokens/{token_id}/revoke").status_code == 303
    json_error(
        other_client.post(f"/api/papers/{arxiv_id}/upvote", headers={"Authorization": f"Bearer {token}"}),
        401,
        "revoked",
    )
    json_error(
        other_client.post(
            f"/api/papers/{arxiv_id}/comments", headers={"Authorization": f"Bearer {token}"}, json={"text": ""}
        ),
        401,
        "",
    )
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(votes)).scalar() == 2  # the fixture's two


@pytest.mark.parametrize("body", [{"text": ""}, {"text": "x" * 5001}, {"text": 5}, {}, None])
def test_bad_comment_bodies_are_400(used_site, client, other_client, body):
    auth = {"Authorization": f"Bearer {new_token(client)}"}
    arxiv_id = client.get("/api/daily_papers?limit=1").json()[0]["paper"]["id"]
    response = other_client.post(f"/api/papers/{arxiv_id}/comments", headers=auth, json=body)
    assert response.status_code == 400 and "error" in response.json()


def test_rate_limits_answer_429_with_retry_after(engine, app_settings, polite):
    tight = dataclasses.replace(app_settings, api_requests_per_minute=5, api_token_requests_per_minute=8)
    with TestClient(create_app(tight, arxiv=polite(arxiv_handler))) as c:
        answers = [c.get("/api/daily_papers?limit=1") for _ in range(7)]
        assert [a.status_code for a in answers] == [200] * 5 + [429] * 2
        assert answers[0].headers["ratelimit-limit"] == "5" and answers[4].headers["ratelimit-remaining"] == "0"
        limited = answers[-1]
        assert int(limited.headers["retry-after"]) >= 1 and "Too many requests" in limited.json()["error"]
        assert c.get("/").status_code == 200  # the pages are not limited by the API's counters
        made_up = c.get("/api/daily_papers?limit=1", headers={"Authorization": "Bearer pf_someone"})
        assert made_up.status_code == 429  # not a live token: it counts as none, against the address


def test_openapi_and_docs(used_site, client):
    spec = client.get("/openapi.json").json()
    assert {
        "/api/daily_papers",
        "/api/papers/search",
        "/api/papers/{arxiv_id}",
        "/papers/{arxiv_id}.md",
        "/api/papers/{arxiv_id}/comments",
        "/api/papers",
    } <= set(spec["paths"])
    assert not any(p.startswith(("/signin", "/settings", "/feeds")) for p in spec["paths"])
    docs = client.get("/docs")
    assert docs.status_code == 200 and "/vendor/swagger-ui/swagger-ui-bundle.js" in docs.text
    assert client.get("/vendor/swagger-ui/swagger-ui-bundle.js").status_code == 200


def test_anonymous_reads_are_cached_briefly_and_token_reads_never(used_site, client, other_client):
    first = other_client.get("/api/daily_papers?limit=3")
    assert "set-cookie" not in first.headers  # API clients get no cookies
    assert other_client.get("/api/daily_papers?limit=3").headers.get("x-cache") == "hit"
    auth = {"Authorization": f"Bearer {new_token(client)}"}
    assert other_client.get("/api/collections", headers=auth).headers.get("x-cache") is None
    assert other_client.get("/api/collections", headers=auth).headers.get("x-cache") is None
    assert other_client.get("/api/daily_papers?limit=3", headers=auth).headers.get("x-cache") is None


def test_the_api_upvote_answers_the_count_the_paper_then_shows(client, other_client, engine):
    sign_up(other_client, "counter")
    auth = {"Authorization": f"Bearer {new_token(other_client)}"}
    before = client.get("/api/papers/2604.02459").json()["upvotes"]
    for _ in range(2):  # idempotent: the second call changes nothing
        answer = other_client.post("/api/papers/2604.02459/upvote", headers=auth).json()
        assert answer == {"id": "2604.02459", "upvoted": True, "upvotes": before + 1}
    with engine.connect() as conn:
        assert get_paper(conn, "2604.02459").upvotes == before + 1
    for _ in range(2):
        answer = other_client.delete("/api/papers/2604.02459/upvote", headers=auth).json()
        assert answer == {"id": "2604.02459", "upvoted": False, "upvotes": before}
