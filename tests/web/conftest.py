"""A real paperfeed application over the real store, with the sample corpus and a fixture arXiv."""

from __future__ import annotations

import os
import re
import threading
import time
from dataclasses import replace

import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient

from paperfeed.app import create_app
from paperfeed.ingest import load_sample
from paperfeed.search.fulltext import index_pending
from paperfeed.search.keyphrases import index_keyphrases
from paperfeed.settings import Settings
from paperfeed.store.schema import quota_counts
from paperfeed.submissions import fetch_submissions
from tests.atom import atom_feed
from tests.conftest import free_port

PASSWORD = "correct horse battery staple"
UNKNOWN_ID = "2401.99999"
# argon2id at its smallest cost: the defaults take ~160 ms a hash, too slow for many sign-ups.
FAST = {
    "argon2_time_cost": 1,
    "argon2_memory_kib": 8192,
    "secret_key": "test-secret-" + "x" * 40,
    "fetch_submissions": 0,
}


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
    with engine.begin() as conn:
        index_pending(conn)
        index_keyphrases(conn)
    return create_app(app_settings, arxiv=polite(arxiv_handler))


@pytest.fixture
def client(site):
    with TestClient(site) as c:
        yield c


@pytest.fixture
def other_client(site):
    with TestClient(site) as c:
        yield c


FORM_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf(client: TestClient) -> str:
    """Return the token this visitor's forms carry now, read from a form as a browser would."""
    return FORM_TOKEN.search(client.get("/subscribe").text).group(1)  # type: ignore[union-attr]


def post(client: TestClient, url: str, data: dict | None = None, **kw) -> httpx.Response:
    """Post a form as a browser would: with the CSRF token, not following the redirect."""
    return client.post(url, data={"csrf_token": csrf(client), **(data or {})}, follow_redirects=False, **kw)


def fetch_queued(client: TestClient) -> str:
    """Fetch every queued submission as the worker would (the app's own arXiv client); return the report."""
    services = client.app.state.services  # type: ignore[attr-defined]
    return str(fetch_submissions(services.engine, services.arxiv, services.settings))


def submit(client: TestClient, arxiv_id: str) -> httpx.Response:
    """Submit a paper on the site, let the worker fetch it, and return where the submission page leads."""
    queued = post(client, "/submit", {"arxiv_id": arxiv_id})
    assert queued.status_code == 303 and queued.headers["location"].startswith("/submissions/"), queued.text[:300]
    fetch_queued(client)
    return client.get(queued.headers["location"], follow_redirects=False)


def sign_up(client: TestClient, username: str, password: str = PASSWORD, engine=None) -> httpx.Response:
    """Sign up on the site's form. Tests make more members from one address than its limit allows:
    the count of sign-ups is cleared first (tests/web/test_security.py holds the limit itself)."""
    with (engine or client.app.state.services.engine).begin() as conn:  # type: ignore[attr-defined]
        conn.execute(quota_counts.delete().where(quota_counts.c.action == "signup"))
    response = post(client, "/signup", {"username": username, "password": password})
    assert response.status_code == 303, response.text[:500]
    return response


# The browser: Debian's Chromium driven by Playwright (never a downloaded browser).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    path = os.environ.get("PAPERFEED_CHROMIUM_PATH", "/usr/bin/chromium")
    if not os.path.exists(path):
        message = f"Chromium not found at {path}: apt-get install chromium (or set PAPERFEED_CHROMIUM_PATH)"
        if os.environ.get("PAPERFEED_REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    return {**browser_type_launch_args, "executable_path": path, "args": CHROMIUM_ARGS}


class LiveServer:
    """The application served by uvicorn on 127.0.0.1 in a thread, for the browser."""

    def __init__(self, app) -> None:
        self.port = free_port()
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the live server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)


@pytest.fixture
def live_site(engine, app_settings, polite):
    """The sample site served for the browser, fetching submissions in the background as `paperfeed serve` does."""
    load_sample(engine)
    with engine.begin() as conn:
        index_pending(conn)
        index_keyphrases(conn)
    app = create_app(replace(app_settings, fetch_submissions=1), arxiv=polite(arxiv_handler))
    with LiveServer(app) as server:
        yield server
