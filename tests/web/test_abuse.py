"""Hostile and unlucky use: with arXiv down, submissions from many members at once never hold up the site."""

from __future__ import annotations

import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx

from paperfeed.app import create_app
from paperfeed.settings import Settings
from paperfeed.sources.http import Polite, RateLimiter, make_client
from paperfeed.store.submissions import get_submission
from paperfeed.submissions import fetch_submissions
from tests.web.conftest import LiveServer, post, sign_up


def _arxiv_down(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("arXiv is unreachable", request=request)


def test_submissions_with_arxiv_down_leave_the_site_answering(engine, app_settings):
    # Spaced and retried as for real (one request a second here, backing off), only shorter than arXiv's 3 s.
    arxiv = Polite(make_client(Settings(), transport=httpx.MockTransport(_arxiv_down)), RateLimiter(1.0), 2, 0.5)
    app = create_app(app_settings, arxiv=arxiv)
    with LiveServer(app) as server:
        clients = [httpx.Client(base_url=server.url, timeout=30) for _ in range(8)]
        for n, client in enumerate(clients):
            sign_up(client, f"member{n}", engine=engine)  # type: ignore[arg-type]

        def submit(pair: tuple[int, httpx.Client]) -> tuple[float, httpx.Response]:
            n, client = pair
            started = time.monotonic()
            answer = post(client, "/submit", {"arxiv_id": f"2501.{n + 10:05d}"})  # type: ignore[arg-type]
            return time.monotonic() - started, answer

        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(submit, enumerate(clients)))
        assert all(a.status_code == 303 and a.headers["location"].startswith("/submissions/") for _, a in answers)
        assert max(t for t, _ in answers) < 1.0, [round(t, 3) for t, _ in answers]

        # The worker tries arXiv meanwhile (and fails, backing off): the site keeps answering at once.
        fetching = threading.Thread(target=fetch_submissions, args=(engine, arxiv, app_settings), kwargs={"limit": 2})
        fetching.start()
        health = []
        with httpx.Client(base_url=server.url, timeout=30) as probe:
            while fetching.is_alive() and len(health) < 200:
                started = time.monotonic()
                assert probe.get("/healthz").status_code == 200
                assert probe.get("/").status_code == 200
                health.append(time.monotonic() - started)
                time.sleep(0.05)
        fetching.join(30)
        assert health and max(health) < 1.0 and statistics.median(health) < 0.2, (len(health), max(health))
        ids = [int(a.headers["location"].rsplit("/", 1)[1]) for _, a in answers]
        with engine.connect() as conn:
            tried = [s for s in (get_submission(conn, i) for i in ids) if s is not None and s.attempts]
        assert len(tried) == 2 and all(
            s.state == "queued" and "could not be reached" in (s.reason or "") for s in tried
        )
        page = httpx.get(f"{server.url}/submissions/{tried[0].id}")
        assert page.status_code == 200 and "could not be reached" in page.text
        for client in clients:
            client.close()


def test_forty_concurrent_guesses_get_five_evaluated(engine, app_settings):
    app = create_app(app_settings)
    with LiveServer(app) as server:
        owner = httpx.Client(base_url=server.url, timeout=30)
        sign_up(owner, "target", engine=engine)  # type: ignore[arg-type]
        post(owner, "/signout")  # type: ignore[arg-type]
        guessers = [httpx.Client(base_url=server.url, timeout=60) for _ in range(40)]

        def guess(client: httpx.Client) -> int:
            form = {"username": "target", "password": "wrong password!"}
            return post(client, "/signin", form).status_code  # type: ignore[arg-type]

        with ThreadPoolExecutor(40) as pool:
            answers = list(pool.map(guess, guessers))
        assert answers.count(400) == 5 and answers.count(429) == 35, answers
        for client in [owner, *guessers]:
            client.close()
