"""Keyword search on both backends: ranking that a broken ranker would fail, filters, hostile strings, freshness."""

import json
import math
from datetime import date, datetime

import pytest
import sqlalchemy as sa

from paperfeed.ingest import import_snapshot, load_sample
from paperfeed.records import Author, PaperRecord
from paperfeed.search.fulltext import index_pending, keyword_search, rebuild
from paperfeed.search.query import parse_query
from paperfeed.store.papers import upsert_papers
from paperfeed.store.schema import papers
from tests.conftest import FIXTURES


@pytest.fixture
def indexed(engine):
    load_sample(engine)
    import_snapshot(engine, FIXTURES / "snapshot" / "mixed.jsonl")
    with engine.begin() as conn:
        index_pending(conn)
    return engine


def search(engine, text, **kw):
    with engine.connect() as conn:
        return keyword_search(conn, parse_query(text), **kw)


def test_a_paper_comes_first_for_its_own_title(indexed):
    for arxiv_id, title in [
        ("2604.02459", "On the Geometric Structure of Layer Updates in Deep Language Models"),
        ("2503.13423", "SuperBPE: Space Travel for Language Models"),
        ("0704.0001", "Calculation of prompt diphoton production cross sections at Tevatron and LHC energies"),
    ]:
        hits = search(indexed, title).hits
        assert hits and hits[0].paper.arxiv_id == arxiv_id, (title, [h.paper.arxiv_id for h in hits[:3]])


def ndcg_at_10(ranked: list[str], judged: dict[str, int]) -> float:
    dcg = sum((2 ** judged.get(a, 0) - 1) / math.log2(i + 2) for i, a in enumerate(ranked[:10]))
    ideal = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(sorted(judged.values(), reverse=True)[:10]))
    return dcg / ideal


def test_both_backends_rank_judged_questions_well(indexed):
    """The questions of bench/quality.py (in other words than the papers use) over the shipped sample.
    Mean nDCG@10 measured: SQLite's bm25 0.68, PostgreSQL's ts_rank 0.78 (its ts_rank_cd: 0.61, failing)."""
    with indexed.connect() as conn:
        stored = set(conn.execute(sa.select(papers.c.arxiv_id)).scalars())
    rows = [r for r in json.loads((FIXTURES / "judged-queries.json").read_text()) if set(r["judged"]) <= stored]
    scores = [
        ndcg_at_10([h.paper.arxiv_id for h in search(indexed, r["query"], limit=10).hits], r["judged"]) for r in rows
    ]
    assert sum(scores) / len(scores) >= 0.65, [round(s, 2) for s in scores]


def test_title_matches_rank_above_abstract_matches(indexed):
    hits = search(indexed, "tokenization").hits
    assert "tokeniz" in hits[0].paper.title.lower()
    assert "<mark>" in str(hits[0].title_html)


def test_phrases_must_appear(indexed):
    loose = search(indexed, "prompt diphoton").total
    phrase = search(indexed, '"diphoton production"')
    assert phrase.total >= 1 and phrase.total <= loose
    assert all(
        "diphoton production" in (h.paper.title + h.paper.abstract).lower().replace("\n  ", " ") for h in phrase.hits
    )


def test_author_category_and_date_filters(indexed):
    by_author = search(indexed, "author:Maldacena")
    assert [h.paper.arxiv_id for h in by_author.hits] == ["hep-th/9901001"]
    assert search(indexed, "gravity category:hep-th").total == 1
    assert search(indexed, "gravity category:cs.CL").total == 0
    assert search(indexed, "category:hep-ph").hits[0].paper.arxiv_id == "0704.0001"  # filters alone list
    in_2026 = search(indexed, "language models after:2026-01-01")
    assert in_2026.total > 0 and all(h.paper.listed_on >= date(2026, 1, 1) for h in in_2026.hits)


@pytest.mark.parametrize(
    "text",
    [
        '"',
        "*",
        "NEAR(",
        "AND(",
        "((a",
        "a) OR (b",
        "x" * 5000,
        "😀",
        "",
        "   ",
        'title:"x',
        "^",
        "-",
        "author:",
        "category:",
        "'; DROP TABLE papers; --",
        "NOT model",
        "model NOT",
        '"NEAR(a b)" AND(',
        "\\",
        "%",
        "_",
        "a & b | !c <-> d",
    ],
)
def test_hostile_strings_never_fail(indexed, text):
    results = search(indexed, text)
    assert results.total >= 0
    if not text.strip():
        assert results.notes


def test_escaping_of_highlights(engine):
    with engine.begin() as conn:
        upsert_papers(
            conn,
            [
                PaperRecord(
                    arxiv_id="2609.00003",
                    title="<b>Bold</b> claims about tokens",
                    abstract="tokens <script>x</script>",
                    authors=[Author("Eve")],
                    categories=["cs.CL"],
                    source="test",
                    published_at=datetime(2026, 11, 30),
                )
            ],
            datetime(2026, 1, 1),
        )
        index_pending(conn)
    hit = search(engine, "tokens").hits[0]
    assert "<b>" not in str(hit.title_html) and "&lt;b&gt;" in str(hit.title_html)
    assert "<script>" not in str(hit.snippet_html) and "<mark>tokens</mark>" in str(hit.snippet_html)


def test_the_index_follows_new_versions_and_reingest(engine):
    record = dict(
        arxiv_id="2609.00004",
        abstract="",
        authors=[Author("A. Author")],
        categories=["cs.LG"],
        source="test",
        published_at=datetime(2026, 11, 30),
    )
    with engine.begin() as conn:
        upsert_papers(
            conn, [PaperRecord(title="Quantum walrus optimisation", latest_version=1, **record)], datetime(2026, 1, 1)
        )
        assert index_pending(conn) == (1 if conn.dialect.name == "sqlite" else 0)  # PostgreSQL indexes itself
    assert search(engine, "walrus").total == 1
    with engine.begin() as conn:
        upsert_papers(
            conn,
            [PaperRecord(title="Classical penguin optimisation", latest_version=2, **record)],
            datetime(2026, 1, 2),
        )
        index_pending(conn)
    assert search(engine, "walrus").total == 0 and search(engine, "penguin").total == 1
    with engine.begin() as conn:
        upsert_papers(
            conn,
            [PaperRecord(title="Classical penguin optimisation", latest_version=2, **record)],
            datetime(2026, 1, 3),
        )
        assert index_pending(conn) <= 1  # nothing changed: at most the boundary row again
        rebuild(conn)
    assert search(engine, "penguin").total == 1


def test_hidden_papers_are_not_found(indexed):
    from paperfeed.store.papers import get_paper, set_paper_hidden

    with indexed.begin() as conn:
        set_paper_hidden(conn, get_paper(conn, "2503.13423").id, True)
    assert all(h.paper.arxiv_id != "2503.13423" for h in search(indexed, "SuperBPE Space Travel").hits)


def test_highlights_keep_the_spaces_around_them():
    from paperfeed.search.fulltext import START, STOP, marked

    assert str(marked(f"large language {START}models{STOP} (LLMs),\n  enabling {START}raw{STOP} <text>")) == (
        "large language <mark>models</mark> (LLMs), enabling <mark>raw</mark> &lt;text&gt;"
    )
