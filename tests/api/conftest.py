"""A paperfeed site in use (sample corpus, a submitter, votes, comments) for the API tests."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from paperfeed.store.schema import papers
from tests.web import conftest as web
from tests.web.conftest import LiveServer, post, sign_up, submit

# The site fixtures of the web tests, shared.
app_settings, site, client, other_client = web.app_settings, web.site, web.client, web.other_client


@pytest.fixture
def used_site(site, client, engine):
    """The sample site after a user 'ada' submitted a paper, upvoted two and commented on one."""
    sign_up(client, "ada")
    assert submit(client, "2501.00001").status_code == 303
    with engine.connect() as conn:
        first, second = conn.execute(sa.select(papers.c.arxiv_id).order_by(papers.c.id).limit(2)).scalars()
    post(client, f"/papers/{first}/vote")
    post(client, f"/papers/{second}/vote")
    post(client, f"/papers/{first}/comments", {"body": "A *careful* study."})
    return site


@pytest.fixture
def live(used_site):
    with LiveServer(used_site) as server:
        yield server


def new_token(client, name: str = "script") -> str:
    page = post(client, "/settings/tokens", {"name": name})
    return re.search(r'value="(pf_[\w-]+)"', page.text).group(1)
