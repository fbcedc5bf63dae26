"""A real paperfeed application over the real store, with the sample corpus and a fixture arXiv."""

from __future__ import annotations

import httpx
import pytest
from fastapi.testclient import TestClient

from paperfeed.ingest import load_sample
from paperfeed.settings import Settings
from paperfeed.web.app import create_app
from tests.atom import atom_feed

PASSWORD = "correct horse battery staple"
UNKNOWN_ID = "2401.99999"
# argon2id at its smallest cost: the defaults take ~160 ms a hash, too slow for many sign-ups.
FAST = {"argon2_time_cost": 1, "argon2_memory_kib": 8192, "secret_key": "test-secret-" + "x" * 40}


def arxiv_handler(request: httpx.Request) -> httpx.Response:
    """Answers id-list queries like the arXiv API: every id exists but UNKNOWN_ID."""
    ids = [i for i in request.url.params.get("id_list", "").split(",") if i and i != UNKNOWN_ID]
    return httpx.Response(200, content=atom_feed(ids, len(ids), 0))


@pytest.fixture
def app_settings(database_url, tmp_path) -> Settings:
    return Settings(database_url=database_url, data_dir=str(tmp_path), **FAST)


@pytest.fixture
def site(engine, app_settings, polite):
    load_sample(engine)
    return create_app(app_settings, arxiv=polite(arxiv_handler))


@pytest.fixture
def client(site):
    with TestClient(site) as c:
        yield c


@pytest.fixture
def other_client(site):
    with TestClient(site) as c:
        yield c


def csrf(client: TestClient) -> str:
    """Return the client's CSRF token (visiting a page first if it has none)."""
    if "pf_csrf" not in client.cookies:
        client.get("/about")
    return client.cookies["pf_csrf"]


def post(client: TestClient, url: str, data: dict | None = None, **kw) -> httpx.Response:
    """Post a form as a browser would: with the CSRF token, not following the redirect."""
    return client.post(url, data={"csrf_token": csrf(client), **(data or {})}, follow_redirects=False, **kw)


def sign_up(client: TestClient, username: str, password: str = PASSWORD) -> httpx.Response:
    response = post(client, "/signup", {"username": username, "password": password})
    assert response.status_code == 303, response.text[:500]
    return response
