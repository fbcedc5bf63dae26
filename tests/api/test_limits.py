"""The API's rate limits cannot be dodged with made-up tokens."""

from __future__ import annotations

import secrets
from dataclasses import replace

from fastapi.testclient import TestClient

from paperfeed.app import create_app
from paperfeed.ingest import load_sample
from tests.api.conftest import new_token
from tests.web.conftest import arxiv_handler, sign_up


def test_a_burst_of_random_tokens_meets_the_limit(engine, app_settings, polite):
    load_sample(engine)
    settings = replace(app_settings, api_requests_per_minute=20, api_token_requests_per_minute=30)
    with TestClient(create_app(settings, arxiv=polite(arxiv_handler))) as client:
        codes = [
            client.get(
                "/api/daily_papers", headers={"Authorization": f"Bearer pf_{secrets.token_urlsafe(32)}"}
            ).status_code
            for _ in range(50)
        ]
        assert codes.count(200) == 20 and codes.count(429) == 30, codes  # the address's limit, as with no token
        assert client.get("/api/daily_papers").status_code == 429  # the same count: a made-up token is no token


def test_a_live_token_earns_its_own_limit(engine, app_settings, polite):
    load_sample(engine)
    settings = replace(app_settings, api_requests_per_minute=5, api_token_requests_per_minute=30)
    with TestClient(create_app(settings, arxiv=polite(arxiv_handler))) as client:
        sign_up(client, "ada")
        auth = {"Authorization": f"Bearer {new_token(client)}"}
        codes = [client.get("/api/daily_papers", headers=auth).status_code for _ in range(35)]
        assert codes.count(200) == 30 and codes.count(429) == 5, codes
