"""Bringing every index up to date with the store: keyword index, keywords, embeddings, the HNSW file."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from paperfeed.search.embedder import ModelMissing, default_model
from paperfeed.search.embedding import PASSES, embed_pending
from paperfeed.search.fulltext import index_pending, rebuild
from paperfeed.search.keyphrases import index_keyphrases
from paperfeed.search.vectors import HNSW_ABOVE, count_pending, fill_pgvector, index_paths, update_hnsw
from paperfeed.store.db import has_pgvector
from paperfeed.store.schema import embeddings

KEYWORD_LOCK = 0x70660001  # PostgreSQL advisory lock key: one process updates the keyword index at a time


def update_indexes(engine: Engine, data_dir: str, *, embed_limit: int | None, from_scratch: bool = False) -> list[str]:
    """Index what changed (or everything, `from_scratch`); return a line per index saying what was done."""
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":  # processes sharing the embedding work take turns here
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": KEYWORD_LOCK})
        count = rebuild(conn) if from_scratch else index_pending(conn)
        keyworded = index_keyphrases(conn)
    lines = [f"keyword index: {count} papers indexed; keywords picked for {keyworded}"]
    if embed_limit == 0:
        return lines
    try:
        model = default_model()
    except ModelMissing as exc:
        return [*lines, f"embeddings: skipped, semantic search is off: {exc}"]
    done = embed_pending(engine, model, limit=embed_limit)
    with engine.connect() as conn:
        left = {step.name: count_pending(conn, step.stage) for step in PASSES}
    waiting = ", ".join(f"{n} by {name}" for name, n in left.items() if n)
    lines.append(
        "embeddings: "
        + ", ".join(f"{n} papers embedded by {name}" for name, n in done.items())
        + (f"; still to embed: {waiting} (run `paperfeed index` to go on)" if waiting else "")
    )
    with engine.begin() as conn:
        if has_pgvector(conn):  # PostgreSQL keeps the vector index itself (pgvector's HNSW)
            copied = fill_pgvector(conn)
            return [*lines, f"vector index: in PostgreSQL (pgvector){f'; {copied} copied into it' if copied else ''}"]
    with engine.connect() as conn:
        total = conn.execute(sa.select(sa.func.count()).select_from(embeddings)).scalar() or 0
        if total >= HNSW_ABOVE or index_paths(data_dir)[0].exists():
            added = update_hnsw(conn, data_dir, rebuild=from_scratch)
            lines.append(f"vector index: {added} vectors added to {index_paths(data_dir)[0]}")
    return lines
