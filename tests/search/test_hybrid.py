"""Semantic and hybrid search over the sample, on both backends, with the real model."""

import numpy as np
import pytest
import sqlalchemy as sa

from paperfeed.ingest import load_sample
from paperfeed.records import Author, PaperRecord
from paperfeed.search.embedding import embed_pending
from paperfeed.search.fulltext import index_pending
from paperfeed.search.hybrid import fuse, hybrid_search, related_papers, semantic_ids
from paperfeed.search.query import parse_query
from paperfeed.search.vectors import ExactIndex, count_pending, save_vectors
from paperfeed.store.papers import upsert_papers
from paperfeed.store.schema import papers

BYTE_LEVEL = {"2603.15953", "2410.09303", "2501.10322", "2601.21768"}  # tokenizer-free / byte-level papers


@pytest.fixture
def embedded(engine, sample_vectors):
    load_sample(engine)
    with engine.begin() as conn:
        index_pending(conn)
        rows = conn.execute(sa.select(papers.c.id, papers.c.arxiv_id, papers.c.content_hash)).all()
        save_vectors(conn, [(r.id, r.content_hash, sample_vectors[r.arxiv_id]) for r in rows])
        return ExactIndex.load(conn)


def test_vectors_are_unit_length_and_meaningful(minilm):
    v = minilm.embed(
        [
            "byte-level language models without a tokenizer",
            "models that read raw bytes",
            "the thermodynamics of black holes",
        ]
    )
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    assert v[0] @ v[1] > v[0] @ v[2] + 0.2


def test_a_text_embeds_the_same_alone_and_in_a_batch(minilm):
    texts = ["short", "a somewhat longer text about transformers " * 5, "mid length text here"]
    together = minilm.embed(texts)
    alone = np.stack([minilm.embed([t])[0] for t in texts])
    assert np.allclose(together, alone, atol=1e-5)


def test_a_paraphrase_finds_its_papers(engine, embedded, minilm):
    with engine.connect() as conn:
        found = semantic_ids(conn, embedded, minilm, parse_query("language models that read raw bytes"), 5)
        ids = conn.execute(sa.select(papers.c.id, papers.c.arxiv_id)).all()
    by_id = dict(ids)
    top = {by_id[i] for i, _ in found}
    assert len(top & BYTE_LEVEL) >= 2, top


def test_hybrid_beats_keyword_on_words_the_papers_do_not_use(engine, embedded, minilm):
    q = parse_query("models that read raw bytes instead of tokens")
    with engine.connect() as conn:
        hybrid = hybrid_search(conn, q, embedded, minilm, limit=5)
    assert {h.paper.arxiv_id for h in hybrid.hits} & BYTE_LEVEL


def test_a_known_paper_comes_first_for_its_own_title(engine, embedded, minilm):
    title = "A Family of LLMs Liberated from Static Vocabularies"
    with engine.connect() as conn:
        hits = hybrid_search(conn, parse_query(title), embedded, minilm, limit=5).hits
    assert hits[0].paper.arxiv_id == "2603.15953"


def test_related_papers_exclude_the_paper_itself(engine, embedded):
    with engine.connect() as conn:
        paper_id = conn.execute(sa.select(papers.c.id).where(papers.c.arxiv_id == "2603.15953")).scalar()
        related = related_papers(conn, embedded, paper_id, k=5)
    assert len(related) == 5 and paper_id not in {p.id for p in related}
    assert {p.arxiv_id for p in related} & BYTE_LEVEL


def test_filters_apply_to_semantic_results_too(engine, embedded, minilm):
    q = parse_query("language models that read raw bytes category:cs.CV")
    with engine.connect() as conn:
        hits = hybrid_search(conn, q, embedded, minilm, limit=10).hits
    assert hits and all("cs.CV" in h.paper.categories for h in hits)


def test_new_versions_are_embedded_again(engine, minilm):
    record = dict(
        arxiv_id="2609.00005",
        abstract="About walruses.",
        authors=[Author("A. B")],
        categories=["q-bio.PE"],
        source="test",
        published_at=__import__("datetime").datetime(2026, 11, 30),
    )
    now = __import__("datetime").datetime(2026, 1, 1)
    with engine.begin() as conn:
        upsert_papers(conn, [PaperRecord(title="Walrus ecology", latest_version=1, **record)], now)
    assert embed_pending(engine, minilm) == {"titles": 1, "full text": 1}
    assert embed_pending(engine, minilm) == {"titles": 0, "full text": 0}  # resumable, incremental: nothing left
    with engine.begin() as conn:
        upsert_papers(conn, [PaperRecord(title="Walrus ecology, revised", latest_version=2, **record)], now)
        assert count_pending(conn) == 1
    assert embed_pending(engine, minilm) == {"titles": 1, "full text": 1}
    with engine.connect() as conn:
        assert len(ExactIndex.load(conn)) == 1


def test_fusion_of_scaled_scores():
    fused = dict(fuse([(1, 10.0), (2, 5.0), (3, 0.0)], [(3, 0.9), (4, 0.5), (1, 0.1)]))
    assert fused[3] == pytest.approx(0.8)  # last for keyword (0), first for meaning (1)
    assert fused[1] == pytest.approx(0.2)  # first for keyword, last for meaning
    assert fused[4] == pytest.approx(0.8 * 0.5)
    assert [i for i, _ in fuse([(1, 2.0)], [])] == [1]


def test_without_vectors_search_is_keyword_only(engine):
    load_sample(engine)
    with engine.begin() as conn:
        index_pending(conn)
        results = hybrid_search(conn, parse_query("tokenization"), None, None)
    assert results.total > 0


def test_the_hnsw_file_matches_exact_search_and_grows_incrementally(engine, embedded, tmp_path, monkeypatch, minilm):
    from paperfeed.search import vectors

    monkeypatch.setattr(vectors, "HNSW_ABOVE", 10)
    monkeypatch.setattr(vectors, "has_pgvector", lambda conn: False)  # the file index, on either backend
    with engine.connect() as conn:
        assert vectors.update_hnsw(conn, str(tmp_path)) == 44
        approximate = vectors.load_index(conn, str(tmp_path))
    assert isinstance(approximate, vectors.HnswIndex) and len(approximate) == 44
    query = minilm.embed(["language models that read raw bytes"])[0]
    assert [i for i, _ in approximate.search(query, 5)] == [i for i, _ in embedded.search(query, 5)]
    record = dict(
        arxiv_id="2609.00006",
        abstract="Reading raw bytes without any tokenizer.",
        authors=[Author("A. B")],
        categories=["cs.CL"],
        source="test",
        published_at=__import__("datetime").datetime(2026, 11, 30),
    )
    with engine.begin() as conn:
        upsert_papers(conn, [PaperRecord(title="Byte models", **record)], __import__("datetime").datetime(2026, 1, 1))
    embed_pending(engine, minilm)
    with engine.connect() as conn:
        assert vectors.update_hnsw(conn, str(tmp_path)) == 1  # only what is new
        assert len(vectors.load_index(conn, str(tmp_path))) == 45


@pytest.mark.parametrize("nonsense", ["zzzzqqq", "protein folding in cells", "coral reef bleaching"])
def test_a_query_nothing_matches_finds_nothing(engine, embedded, minilm, nonsense):
    # The sample is 44 papers on language models: none of these is near any of them.
    with engine.connect() as conn:
        found = hybrid_search(conn, parse_query(nonsense), embedded, minilm, limit=20)
    assert found.hits == [] and found.total == 0, [h.paper.title for h in found.hits]


def test_the_count_is_of_papers_that_match_not_of_the_candidates(engine, embedded, minilm):
    with engine.connect() as conn:
        found = hybrid_search(conn, parse_query("byte-level language models"), embedded, minilm, limit=5)
        everything = conn.execute(sa.select(sa.func.count()).select_from(papers)).scalar()
    assert BYTE_LEVEL & {h.paper.arxiv_id for h in found.hits}
    assert 0 < found.total < everything  # the candidate pool holds every paper of the sample
