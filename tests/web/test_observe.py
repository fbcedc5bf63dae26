"""What an operator watches: health, readiness, metrics, the jobs page."""

from __future__ import annotations

import re
from dataclasses import replace

from fastapi.testclient import TestClient

from paperfeed.jobs.runner import run_job
from paperfeed.store.db import make_engine
from tests.web.conftest import PASSWORD, post, sign_up
from tests.web.test_community import _make_admin


def test_health_and_readiness(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["database"] == "ok"
    assert ready.json()["model"] == "ok"


def test_readiness_fails_when_the_store_is_gone(site, client):
    services = site.state.services
    site.state.services = replace(services, engine=make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none"))
    answer = client.get("/readyz")
    assert answer.status_code == 503 and answer.json()["database"].startswith("unreachable")


def test_metrics_count_requests_by_route(site, client):
    client.get("/")
    client.get("/papers/2410.09303")
    text = TestClient(site, client=("127.0.0.1", 4000)).get("/metrics").text
    assert re.search(
        r'paperfeed_http_requests_total\{method="GET",route="/papers/\{arxiv_id:path\}",status="200"\}'
        r" [1-9]",
        text,
    )
    assert "paperfeed_http_request_seconds_bucket" in text
    outside = TestClient(site, client=("8.8.8.8", 4000))
    assert outside.get("/metrics").status_code == 403


def test_the_jobs_page_shows_runs_to_admins(client, other_client, engine, app_settings, database_url):
    run_job(engine, app_settings.data_dir, "index", lambda: "indexed 3 papers")
    sign_up(client, "plain")
    assert client.get("/admin/jobs").status_code == 403
    _make_admin(database_url, "boss")
    post(other_client, "/signin", {"username": "boss", "password": PASSWORD})
    page = other_client.get("/admin/jobs").text
    assert "indexed 3 papers" in page and "<td>ok</td>" in page


def test_metrics_refuse_link_local_addresses(site):
    assert TestClient(site, client=("169.254.10.1", 4000)).get("/metrics").status_code == 403
    assert TestClient(site, client=("10.0.0.5", 4000)).get("/metrics").status_code == 200
