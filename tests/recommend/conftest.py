"""A store of three clear topics, with synthetic but clustered embeddings, and readers."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pytest
import sqlalchemy as sa

from paperfeed.records import Author, PaperRecord
from paperfeed.search.embedder import DIM
from paperfeed.search.keyphrases import index_keyphrases
from paperfeed.search.vectors import save_vectors
from paperfeed.store.papers import upsert_papers
from paperfeed.store.schema import papers
from paperfeed.store.users import create_user

NOW = datetime(2026, 4, 6, 8, 0)
TOPICS = [
    ("cs.CL", "tokenizer-free byte-level language models"),
    ("quant-ph", "quantum error correction with surface codes"),
    ("astro-ph.GA", "dark matter halos of dwarf galaxies"),
]
PER_TOPIC = 30


def topic_of(arxiv_id: str) -> int:
    return int(arxiv_id.split(".")[1][0])


@pytest.fixture
def corpus(engine):
    rng = np.random.default_rng(5)
    centres = rng.normal(size=(len(TOPICS), DIM))
    records = []
    for t, (category, words) in enumerate(TOPICS):
        for i in range(PER_TOPIC):
            records.append(
                PaperRecord(
                    arxiv_id=f"2604.{t}{i:04d}",
                    title=f"{words.capitalize()}, study {i}",
                    abstract=f"We study {words}. Finding number {i} about {words.split()[-1]}.",
                    authors=[Author(f"Author {t}{i % 5}")],
                    categories=[category],
                    primary_category=category,
                    source="test",
                    listed_on=(NOW - timedelta(days=i % 5)).date(),
                    published_at=NOW - timedelta(days=i % 5),
                )
            )
    with engine.begin() as conn:
        upsert_papers(conn, records, NOW)
        index_keyphrases(conn)
        rows = conn.execute(sa.select(papers.c.id, papers.c.arxiv_id, papers.c.content_hash)).all()
        vectors = []
        for row in rows:
            v = centres[topic_of(row.arxiv_id)] + 0.9 * rng.normal(size=DIM)
            vectors.append((row.id, row.content_hash, (v / np.linalg.norm(v)).astype(np.float32)))
        save_vectors(conn, vectors, NOW)
    return {r.arxiv_id: r.id for r in rows}


@pytest.fixture
def reader(engine):
    with engine.begin() as conn:
        return create_user(conn, "reader", "x", NOW)
