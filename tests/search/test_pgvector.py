"""On PostgreSQL with pgvector, vectors are searched in the database: the same answers as the exact index."""

from __future__ import annotations

import os

import numpy as np
import pytest
import sqlalchemy as sa

from paperfeed.search.hybrid import hybrid_search, related_papers
from paperfeed.search.query import parse_query
from paperfeed.search.vectors import ExactIndex, PgVectorIndex, has_pgvector, load_index, save_vectors
from paperfeed.store.schema import papers

pytestmark = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)


@pytest.fixture
def stored(engine, sample_vectors):
    from paperfeed.ingest import load_sample
    from paperfeed.search.fulltext import index_pending

    load_sample(engine)
    with engine.begin() as conn:
        if not has_pgvector(conn):
            message = "the PostgreSQL under test has no pgvector (scripts/install-pgvector installs it)"
            if os.environ.get("PAPERFEED_REQUIRE_POSTGRES"):
                pytest.fail(message)
            pytest.skip(message)
        index_pending(conn)
        rows = conn.execute(sa.select(papers.c.id, papers.c.arxiv_id, papers.c.content_hash)).all()
        save_vectors(conn, [(r.id, r.content_hash, sample_vectors[r.arxiv_id]) for r in rows])
    return engine


def test_the_database_index_finds_what_exact_search_finds(stored, minilm, tmp_path):
    with stored.connect() as conn:
        in_db = load_index(conn, str(tmp_path))
        exact = ExactIndex.load(conn)
    assert isinstance(in_db, PgVectorIndex) and len(in_db) == len(exact) == 44
    for text in ["language models that read raw bytes", "mixture of experts", "speech tokens", "image generation"]:
        q = minilm.embed([text])[0]
        got, want = in_db.search(q, 10), exact.search(q, 10)
        assert [i for i, _ in got] == [i for i, _ in want]
        assert np.allclose([s for _, s in got], [s for _, s in want], atol=1e-4)


def test_hybrid_search_and_related_papers_are_the_same_either_way(stored, minilm, tmp_path):
    with stored.connect() as conn:
        in_db = load_index(conn, str(tmp_path))
        exact = ExactIndex.load(conn)
        q = parse_query("tokenizer-free models that work on bytes")
        a = [h.paper.arxiv_id for h in hybrid_search(conn, q, in_db, minilm, 10).hits]
        b = [h.paper.arxiv_id for h in hybrid_search(conn, q, exact, minilm, 10).hits]
        some = conn.execute(sa.select(papers.c.id)).scalars().first()
        assert a == b and a
        near_db = [p.id for p in related_papers(conn, in_db, some, 5)]
        assert near_db == [p.id for p in related_papers(conn, exact, some, 5)] and near_db


def test_a_store_migrated_before_pgvector_was_installed_gets_it_later(stored):
    from paperfeed.search.vectors import fill_pgvector
    from paperfeed.store.db import ensure_pgvector

    with stored.begin() as conn:
        conn.exec_driver_sql("DROP INDEX ix_embeddings_embedding")
        conn.exec_driver_sql("ALTER TABLE embeddings DROP COLUMN embedding")
        assert not has_pgvector(conn)
    assert ensure_pgvector(stored)
    with stored.begin() as conn:
        assert has_pgvector(conn) and fill_pgvector(conn) == 44  # `paperfeed index` does this
