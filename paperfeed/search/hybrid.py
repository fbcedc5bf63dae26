"""Fusion: semantic search, keyword and semantic rankings fused into one, and related papers.

How a query is answered (bench/quality.py; 173 judged queries over the 658 real papers, SQLite):
- keyword: BM25 (fulltext.keyword_ranked), the best 100; semantic: the 100 papers nearest the
  query's embedding.
- fusion: each list's scores scaled to 0..1 (min-max within the list), a paper scoring
  0.2 x keyword + 0.8 x semantic (0 from a list that lacks it). Against reciprocal rank fusion
  (k = 10, 30, 60, semantic counted once or twice: 0.871 to 0.889 before feedback) and other weights
  (0.5: 0.893, 0.6: 0.898, 0.7: 0.895, 0.8: 0.891 before feedback).
- feedback: the query's vector is moved halfway towards the mean of the first fusion's top three
  papers and the semantic side asked again, then fused again (2 or 5 papers, or a weight of 0.3 or
  1.0, did no better). The words a reader typed seldom say everything the papers do. With it, and
  the floors below, 0.7 against 0.8: 0.903 / 0.900 on SQLite, 0.883 / 0.889 on PostgreSQL (whose
  keyword ranking is weaker); on the first 26 queries 0.798 / 0.817 and 0.781 / 0.813. 0.8 is the
  one that beats semantic search alone (0.888; 0.774 on the 26) on both sets and both backends.
- honesty: a result must match. It is within FLOOR of the query's meaning, or holds every word
  of the query, or is a keyword hit within KEYWORD_FLOOR. The rest of the candidate pool is not
  shown, and the count is of what is shown. Calibrated on the same set: the best relevant paper of a
  judged query is at cosine 0.30 (the least), 0.375 (5th percentile), 0.62 (median); the nearest paper
  to a query on a topic the corpus lacks at 0.17 to 0.40. With 0.35 / 0.25, 4 of the 10 off-corpus
  queries answer nothing and the rest a few papers (at 0.40 / 0.30: 6 of 10, for 0.006 less nDCG@10).
"""

from __future__ import annotations

import time
import weakref
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from paperfeed.search.embedder import MiniLM
from paperfeed.search.fulltext import (
    Results,
    hits_for,
    keyword_ranked,
    keyword_search,
    query_filters,
    with_all_words,
)
from paperfeed.search.query import Query, words_of
from paperfeed.search.vectors import VectorIndex
from paperfeed.store.models import Paper
from paperfeed.store.papers import newest_first, papers_by_ids
from paperfeed.store.schema import papers

SEMANTIC_WEIGHT = 0.8  # and 0.2 for keyword
# PostgreSQL's keyword ranking (ts_rank weighed by idf) ranks below SQLite's BM25 (bench/quality.py, 173
# queries: 0.759 against 0.826), so it weighs less there. On PostgreSQL, nDCG@10 of hybrid against semantic
# alone (0.888): 0.886 at 0.8, 0.888 at 0.85, 0.892 at 0.9 (first set: 0.810, 0.812, 0.796 against 0.773).
# SQLite keeps 0.8, its best (0.900; 0.892 at 0.85, 0.890 at 0.9).
SEMANTIC_WEIGHTS = {"sqlite": SEMANTIC_WEIGHT, "postgresql": 0.9}
CANDIDATES = 100  # from each method, before fusion
NEIGHBOURS = 200  # nearest papers whose cosines decide what matches (the best CANDIDATES are fused)
FEEDBACK_PAPERS, FEEDBACK_WEIGHT = 3, 0.5
FLOOR = 0.35  # cosine with the query: near enough in meaning to be a match
KEYWORD_FLOOR = 0.25  # a paper holding some of the query's words must still be this near


_EMBEDDER = ThreadPoolExecutor(max_workers=2, thread_name_prefix="embed-query")

# The matches of a query, by what decides them: the search page, its feed and the API (Hugging Face's and
# ours) ask the same question in different shapes, and each page of results asks it again. A fused
# query costs tens of milliseconds; slicing a kept answer, none. Answers are kept with the vector index
# they came from (a new index, another model or more papers embedded, starts afresh), for ANSWER_SECONDS,
# and forgotten at once when this process writes (forget_answers): a paper indexed or hidden elsewhere
# shows in answers at most that late.
ANSWER_SECONDS = 10.0
MAX_ANSWERS = 2048
Answer = tuple[float, list[tuple[int, float]]]
_answers: dict[int, tuple[weakref.ref[object], dict[tuple[str, str, int], Answer]]] = {}  # by id(index)


def _answers_of(index: VectorIndex) -> dict[tuple[str, str, int], Answer]:
    """The kept answers of one index (an id outliving its index, and reused, starts afresh)."""
    found = _answers.get(id(index))
    if found is None or found[0]() is not index:
        if len(_answers) > 64:
            _answers.clear()
        found = _answers[id(index)] = (weakref.ref(index), {})
    return found[1]


def forget_answers() -> None:
    """Drop every kept answer (the site calls it on each write)."""
    _answers.clear()


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


SORTS = ("relevance", "new")  # best match first, or the matches newest first


def hybrid_search(
    conn: Connection,
    q: Query,
    index: VectorIndex | None,
    model: MiniLM | None,
    limit: int = 20,
    offset: int = 0,
    sort: str = "relevance",
) -> Results:
    """Return the papers that match, keyword and semantic rankings fused; keyword alone without a model."""
    if index is None or model is None or not len(index) or not q.has_text:
        return keyword_search(conn, q, limit, offset, sort)
    answers = _answers_of(index)
    key = (repr(q), sort, len(index))
    kept = answers.get(key)
    if kept is not None and time.monotonic() - kept[0] < ANSWER_SECONDS:
        matches = kept[1]
    else:
        matches = _hybrid_matches(conn, q, index, model, sort)
        if len(answers) >= MAX_ANSWERS:
            answers.clear()  # rather than an LRU's bookkeeping under the request threads
        answers[key] = (time.monotonic(), matches)
    return Results(hits_for(conn, q, matches[offset : offset + limit]), len(matches), list(q.notes))


def _hybrid_matches(
    conn: Connection, q: Query, index: VectorIndex, model: MiniLM, sort: str
) -> list[tuple[int, float]]:
    """Every paper that matches the query, best first (or newest first): the answer hybrid_search keeps."""
    # The query is embedded on another thread while the keyword index ranks here: both release the
    # GIL (numpy, SQLite), so the slower of the two sets the time, not their sum.
    embedding = _EMBEDDER.submit(model.embed, [query_text(q)])
    keyword, _ = keyword_ranked(conn, q, CANDIDATES, count=False)
    vector = embedding.result()[0]
    semantic = semantic_ids(conn, index, model, q, NEIGHBOURS, vector=vector)
    weight = SEMANTIC_WEIGHTS.get(conn.dialect.name, SEMANTIC_WEIGHT)
    fused = fuse(keyword, semantic[:CANDIDATES], weight)
    moved = _feedback(index, vector, [i for i, _ in fused[:FEEDBACK_PAPERS]])
    if moved is not None:
        fused = fuse(keyword, semantic_ids(conn, index, model, q, CANDIDATES, vector=moved), weight)
    matches = _matching(conn, q, fused, dict(semantic), {i for i, _ in keyword})
    return newest_first(conn, matches) if sort == "new" else matches


def _feedback(index: VectorIndex, vector: np.ndarray, top: list[int]) -> np.ndarray | None:
    """Return the query's vector moved towards the mean of the best papers found for it."""
    found = [v for v in (index.vector_of(i) for i in top) if v is not None]
    if not found:
        return None
    moved = vector + FEEDBACK_WEIGHT * np.mean(np.asarray(found, dtype=np.float32), axis=0)
    return moved / np.linalg.norm(moved)


def _matching(
    conn: Connection, q: Query, fused: list[tuple[int, float]], cosine: dict[int, float], keyword: set[int]
) -> list[tuple[int, float]]:
    """Keep the fused papers that match the query (see the module's docstring), in order."""
    every_word = with_all_words(conn, q, [i for i, _ in fused if i in keyword])
    kept = []
    for paper_id, score in fused:
        near = cosine.get(paper_id, 0.0)  # not among the nearest NEIGHBOURS: farther than all of them
        if near >= FLOOR or paper_id in every_word or (paper_id in keyword and near >= KEYWORD_FLOOR):
            kept.append((paper_id, score))
    return kept


def related_papers(conn: Connection, index: VectorIndex | None, paper_id: int, k: int = 5) -> list[Paper]:
    """Return the papers nearest in meaning to one paper, itself excluded."""
    if index is None:
        return []
    vector = index.vector_of(paper_id)
    if vector is None:
        return []
    found = index.search(np.asarray(vector), k, exclude=paper_id)
    return papers_by_ids(conn, [i for i, _ in found])
