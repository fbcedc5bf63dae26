"""Fusion: semantic search, keyword and semantic rankings fused into one, and related papers.

How the two rankings fuse: each method's top 100 scores are scaled to 0..1
(min-max within its own list) and a paper scores 0.3 x keyword + 0.7 x
semantic; a paper one method did not find gets 0 from it. On the judged
queries of bench/quality.py this beat reciprocal rank fusion (nDCG@10 0.816
against 0.742 for RRF with k=60) and both methods alone (keyword 0.693,
semantic 0.788): RRF lets the long tail of keyword matches on common words
push good semantic hits down, while scores keep a weak match weak.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from paperfeed.search.embedder import MiniLM
from paperfeed.search.fulltext import Results, hits_for, keyword_ranked, keyword_search, query_filters
from paperfeed.search.query import Query, words_of
from paperfeed.search.vectors import VectorIndex
from paperfeed.store.models import Paper
from paperfeed.store.papers import papers_by_ids
from paperfeed.store.schema import papers

SEMANTIC_WEIGHT = 0.7  # and 0.3 for keyword: chosen on bench/quality.py (0.5 gave 0.748, 0.8 gave 0.823)
CANDIDATES = 100  # from each method, before fusion


_EMBEDDER = ThreadPoolExecutor(max_workers=2, thread_name_prefix="embed-query")


def _allowed(conn: Connection, q: Query, ids: list[int]) -> set[int]:
    """Which of these papers pass the query's filters (and are not hidden)."""
    if not ids:
        return set()
    where = [*query_filters(q), papers.c.id.in_(ids)]
    allowed = set(conn.execute(sa.select(papers.c.id).where(*where)).scalars())
    for author in q.authors:
        wanted = words_of(author)
        kept = set()
        for paper in papers_by_ids(conn, list(allowed)):
            names = " ".join(paper.authors).lower()
            if all(w in names for w in wanted):
                kept.add(paper.id)
        allowed = kept
    return allowed


def query_text(q: Query) -> str:
    """The words a query's meaning is taken from: its words and phrases, not its filters."""
    return " ".join(q.words + [" ".join(p) for p in q.phrases])


def semantic_ids(
    conn: Connection, index: VectorIndex, model: MiniLM, q: Query, k: int, vector: np.ndarray | None = None
) -> list[tuple[int, float]]:
    """Return the k papers nearest the query's meaning that pass its filters (`vector`: already embedded)."""
    text = query_text(q)
    if not text or not len(index):
        return []
    if vector is None:
        vector = model.embed([text])[0]
    found = index.search(vector, k * 3 if q.has_filters else k)
    allowed = _allowed(conn, q, [i for i, _ in found])
    return [(i, s) for i, s in found if i in allowed][:k]


def _scaled(scored: list[tuple[int, float]]) -> dict[int, float]:
    if not scored:
        return {}
    high = max(s for _, s in scored)
    low = min(s for _, s in scored)
    return {i: (s - low) / (high - low) if high > low else 1.0 for i, s in scored}


def fuse(
    keyword: list[tuple[int, float]], semantic: list[tuple[int, float]], semantic_weight: float = SEMANTIC_WEIGHT
) -> list[tuple[int, float]]:
    """Fuse two scored lists of paper ids into one: (id, fused score), best first."""
    fused: dict[int, float] = {}
    for paper_id, s in _scaled(keyword).items():
        fused[paper_id] = (1 - semantic_weight) * s
    for paper_id, s in _scaled(semantic).items():
        fused[paper_id] = fused.get(paper_id, 0.0) + semantic_weight * s
    return sorted(fused.items(), key=lambda kv: (-kv[1], -kv[0]))


def hybrid_search(
    conn: Connection, q: Query, index: VectorIndex | None, model: MiniLM | None, limit: int = 20, offset: int = 0
) -> Results:
    """Return keyword and semantic results fused; keyword alone when there is no model or index."""
    if index is None or model is None or not len(index) or not q.has_text:
        return keyword_search(conn, q, limit, offset)
    # The query is embedded on another thread while the keyword index ranks here: both release the
    # GIL (numpy, SQLite), so the slower of the two sets the time, not their sum.
    embedding = _EMBEDDER.submit(model.embed, [query_text(q)])
    keyword, _ = keyword_ranked(conn, q, CANDIDATES, count=False)
    fused = fuse(keyword, semantic_ids(conn, index, model, q, CANDIDATES, vector=embedding.result()[0]))
    return Results(hits_for(conn, q, fused[offset : offset + limit]), len(fused), list(q.notes))


def related_papers(conn: Connection, index: VectorIndex | None, paper_id: int, k: int = 5) -> list[Paper]:
    """Return the papers nearest in meaning to one paper, itself excluded."""
    if index is None:
        return []
    vector = index.vector_of(paper_id)
    if vector is None:
        return []
    found = index.search(np.asarray(vector), k, exclude=paper_id)
    return papers_by_ids(conn, [i for i, _ in found])
