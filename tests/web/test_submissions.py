"""What a submission does, wherever it comes from: stored, listed today as the submitter's, and searchable by
keywords, key phrases and meaning at once."""

from __future__ import annotations

import sqlalchemy as sa

from paperfeed.store.schema import embeddings, paper_keywords, papers
from tests.api.conftest import new_token
from tests.web.conftest import fetch_queued, sign_up, submit


def _indexed(engine, arxiv_id: str) -> tuple[bool, bool, bool]:
    """Return (submitted, has key phrases, has an embedding) for a paper."""
    with engine.connect() as conn:
        row = conn.execute(sa.select(papers.c.id, papers.c.submitted_by).where(papers.c.arxiv_id == arxiv_id)).one()
        phrases = conn.execute(sa.select(sa.func.count()).where(paper_keywords.c.paper_id == row.id)).scalar()
        vectors = conn.execute(sa.select(sa.func.count()).where(embeddings.c.paper_id == row.id)).scalar()
    return row.submitted_by is not None, bool(phrases), bool(vectors)


def test_a_paper_submitted_on_the_site_is_indexed_for_meaning(client, engine):
    sign_up(client, "submitter")
    assert submit(client, "2411.00042").status_code == 303
    assert _indexed(engine, "2411.00042") == (True, True, True)


def test_a_paper_submitted_through_the_api_is_indexed_the_same_way(client, engine):
    sign_up(client, "scripted")
    auth = {"Authorization": f"Bearer {new_token(client)}"}
    assert client.post("/api/papers", headers=auth, json={"arxivId": "2411.00043"}).status_code == 202
    fetch_queued(client)
    assert _indexed(engine, "2411.00043") == (True, True, True)
