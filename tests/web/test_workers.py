"""Two web server processes on one PostgreSQL: nothing one worker knows is missing from the other."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time

import httpx
import pytest
import sqlalchemy as sa

from paperfeed.ingest import load_sample
from paperfeed.store.schema import papers
from tests.conftest import free_port
from tests.web.conftest import PASSWORD, csrf

pytestmark = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)


def start(database_url: str, data_dir: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {
        **os.environ,
        "PAPERFEED_DATABASE_URL": database_url,
        "PAPERFEED_DATA_DIR": data_dir,
        "CI": "1",
        "PAPERFEED_SECRET_KEY": "two-workers-" + "s" * 40,
        "PAPERFEED_ARGON2_TIME_COST": "1",
        "PAPERFEED_ARGON2_MEMORY_KIB": "8192",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "paperfeed", "serve", "--port", str(port), "--no-access-log"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            httpx.get(url + "/healthz", timeout=1)
            return proc, url
        except httpx.TransportError:
            assert proc.poll() is None and time.monotonic() < deadline, "the server did not start"
            time.sleep(0.1)


def form(client: httpx.Client, url: str, data: dict) -> httpx.Response:
    return client.post(url, data={"csrf_token": csrf(client), **data})  # type: ignore[arg-type]


@pytest.fixture
def two_servers(engine, database_url, tmp_path):
    load_sample(engine)
    procs = [start(database_url, str(tmp_path / name)) for name in ("a", "b")]
    yield [url for _, url in procs]
    for proc, _ in procs:
        proc.terminate()
        proc.wait(10)


def test_a_vote_on_one_worker_is_seen_on_the_other(two_servers, engine):
    a, b = two_servers
    with engine.connect() as conn:
        arxiv_id = conn.execute(sa.select(papers.c.arxiv_id).order_by(papers.c.id)).scalars().first()
    with httpx.Client(base_url=a) as on_a:
        assert form(on_a, "/signup", {"username": "ada", "password": PASSWORD}).status_code == 303
        assert form(on_a, f"/papers/{arxiv_id}/vote", {}).status_code == 303
        session = dict(on_a.cookies)
    with httpx.Client(base_url=b, cookies=session) as on_b:  # the same browser, sent to the other worker
        page = on_b.get(f"/papers/{arxiv_id}").text
    assert re.search(r'aria-pressed="true"', page) and "Sign out" in page


def test_the_sign_in_limit_holds_across_workers(two_servers):
    a, b = two_servers
    with httpx.Client(base_url=a) as on_a:
        form(on_a, "/signup", {"username": "grace", "password": PASSWORD})
    with httpx.Client(base_url=a) as on_a, httpx.Client(base_url=b) as on_b:
        for client in (on_a, on_b, on_a, on_b, on_a):  # five failures, split between the workers
            assert form(client, "/signin", {"username": "grace", "password": "wrong password!"}).status_code == 400
        refused = form(on_b, "/signin", {"username": "grace", "password": PASSWORD})
    assert refused.status_code == 429 and "Too many failed sign-ins" in refused.text


def test_members_and_a_visitor_interleaved_across_workers_see_only_their_own(two_servers, engine):
    with engine.connect() as conn:
        x, y = conn.execute(sa.select(papers.c.arxiv_id).order_by(papers.c.id).limit(2)).scalars().all()
    clients = {name: httpx.Client(base_url=two_servers[i % 2]) for i, name in enumerate(("ada", "bob"))}
    for (name, client), paper in zip(clients.items(), (x, y), strict=True):
        assert form(client, "/signup", {"username": name, "password": PASSWORD}).status_code == 303
        assert form(client, f"/papers/{paper}/vote", {}).status_code == 303
    sessions = {name: dict(c.cookies) for name, c in clients.items()}
    for round_ in range(4):  # each worker keeps one skeleton per page; every member's page is filled from it
        for name, mine in (("ada", x), ("bob", y)):
            server = two_servers[round_ % 2]
            with httpx.Client(base_url=server, cookies=sessions[name]) as client:
                page = client.get(f"/papers/{mine}").text
                other = client.get(f"/papers/{y if mine == x else x}").text
            assert f"<summary>{name}</summary>" in page and 'aria-pressed="true"' in page
            assert f"<summary>{name}</summary>" in other and 'aria-pressed="false"' in other
        with httpx.Client(base_url=two_servers[round_ % 2]) as visitor:
            public = visitor.get(f"/papers/{x}").text
        assert "Sign out" not in public and 'name="csrf_token"' not in public
    for client in clients.values():
        client.close()
