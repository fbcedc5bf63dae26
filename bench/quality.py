"""Search quality: python bench/quality.py [--shared PATH] [--workdir DIR] [--postgres]

A judged query set over the shipped sample (44 papers, language models) and
the bulk-snapshot sample in ../shared/data (509 papers across physics,
mathematics and computer science). Relevance is graded: 2 = what the query
asks for, 1 = related. Many queries use other words than the papers do.
Reports nDCG@10 and recall@10 for keyword, semantic and hybrid search (and, as a
reference, reciprocal-rank fusion of the first two), on
SQLite, or with --postgres on a throwaway PostgreSQL (with pgvector when it is
installed), which must rank as well.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scale import start_postgres

# Graded by hand, before any ranking was looked at: 2 = what the query asks for, 1 = related.
# The grown set (bench/judged-queries.json: 173 queries over all 658 real papers, two thirds in other
# words than the papers use, ten on topics the corpus lacks) is the one weights are chosen on; the
# first small set (tests/fixtures, which the keyword tests use too) is reported beside it.
ROOT = Path(__file__).resolve().parents[1]
SETS = {"grown": ROOT / "bench" / "judged-queries.json", "first": ROOT / "tests" / "fixtures" / "judged-queries.json"}


def rrf(*rankings: list[str], k: int = 60) -> list[str]:
    """Reciprocal-rank fusion (k = 60), the reference a fused ranking must beat."""
    score: dict[str, float] = {}
    for ranking in rankings:
        for rank, arxiv_id in enumerate(ranking):
            score[arxiv_id] = score.get(arxiv_id, 0.0) + 1 / (k + rank + 1)
    return sorted(score, key=lambda a: -score[a])


def judged_set(path: Path) -> list[tuple[str, dict[str, int]]]:
    return [(r["query"], r["judged"]) for r in json.loads(path.read_text())]


def ndcg_at(ranked: list[str], judged: dict[str, int], k: int = 10) -> float:
    dcg = sum((2 ** judged.get(a, 0) - 1) / math.log2(i + 2) for i, a in enumerate(ranked[:k]))
    ideal = sorted(judged.values(), reverse=True)[:k]
    idcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def recall_at(ranked: list[str], judged: dict[str, int], k: int = 10) -> float:
    relevant = {a for a, g in judged.items() if g > 0}
    return len(relevant & set(ranked[:k])) / len(relevant)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", default=str(Path(__file__).resolve().parents[2] / "shared" / "data"))
    parser.add_argument("--workdir", default="")
    parser.add_argument("--postgres", action="store_true", help="measure on a PostgreSQL started here")
    args = parser.parse_args()
    os.environ["CI"] = "1"  # no progress bars in the figures
    snapshot = Path(args.shared) / "arxiv-snapshot-sample.jsonl"
    if not snapshot.exists():
        raise SystemExit(f"{snapshot} is needed for half of the queries")
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="paperfeed-quality-"))
    workdir.mkdir(parents=True, exist_ok=True)
    db = workdir / "quality.db"
    stop: list[str] = []
    url = f"sqlite:///{db}"
    if args.postgres:
        url, stop = start_postgres(workdir / "pg")
    try:
        measure(url, snapshot, workdir)
    finally:
        if stop:
            subprocess.run(stop, capture_output=True)


def load_recordings(engine, folder: Path) -> None:  # type: ignore[no-untyped-def]
    """Store the papers of the recorded arXiv API answers (the third part of the 658)."""
    from paperfeed.ingest import ingest_records
    from paperfeed.sources.arxiv_api import ArxivAPIError, parse_feed
    from paperfeed.sources.http import SourceError

    items = []
    for path in sorted(folder.glob("*.xml")):
        try:
            items += parse_feed(path.read_bytes()).items
        except (ArxivAPIError, SourceError):
            continue  # the recording of arXiv's error answer
    ingest_records(engine, items)


def fill_store(url: str, snapshot: Path):  # type: ignore[no-untyped-def]
    """Return an engine on a store holding the 658 real papers, keyword-indexed, not embedded."""
    from paperfeed.ingest import import_snapshot, load_sample
    from paperfeed.search.fulltext import index_pending
    from paperfeed.store.db import make_engine, migrate

    engine = make_engine(url)
    migrate(engine)
    load_sample(engine)
    import_snapshot(engine, snapshot)
    load_recordings(engine, snapshot.parent / "arxiv-api-recordings")
    with engine.begin() as conn:
        index_pending(conn)
    return engine


def measure(url: str, snapshot: Path, workdir: Path) -> None:
    from paperfeed.search.embedder import default_model
    from paperfeed.search.embedding import embed_pending
    from paperfeed.search.fulltext import keyword_search
    from paperfeed.search.hybrid import hybrid_search, semantic_ids
    from paperfeed.search.query import parse_query
    from paperfeed.search.vectors import load_index
    from paperfeed.store.papers import papers_by_ids

    engine = fill_store(url, snapshot)
    model = default_model()
    t0 = time.perf_counter()
    embedded = sum(embed_pending(engine, model).values())
    if embedded:
        print(f"embedded {embedded} papers in {time.perf_counter() - t0:.0f} s (kept for the next run)")

    with engine.connect() as conn:
        index = load_index(conn, str(workdir / "data"))

        def arxiv_ids(ids: list[int]) -> list[str]:
            return [p.arxiv_id for p in papers_by_ids(conn, ids)]

        def runs(text: str) -> dict[str, list[str]]:
            q = parse_query(text)
            keyword = [h.paper.arxiv_id for h in keyword_search(conn, q, 100).hits]
            semantic = arxiv_ids([i for i, _ in semantic_ids(conn, index, model, q, 100)])
            return {
                "keyword": keyword[:10],
                "semantic": semantic[:10],
                "rrf": rrf(keyword, semantic)[:10],
                "hybrid": [h.paper.arxiv_id for h in hybrid_search(conn, q, index, model, 10).hits],
            }

        print(f"\n{len(index)} papers, {engine.dialect.name}, {type(index).__name__}")
        for set_name, path in SETS.items():
            judged_queries = judged_set(path)
            scores: dict[str, list[tuple[float, float]]] = {"keyword": [], "semantic": [], "rrf": [], "hybrid": []}
            silent: dict[str, int] = dict.fromkeys(scores, 0)
            nothing = 0
            for text, judged in judged_queries:
                ranked = runs(text)
                if not judged:  # the corpus has nothing on it: the right answer is no papers
                    nothing += 1
                    for name, found in ranked.items():
                        silent[name] += not found
                    continue
                for name, found in ranked.items():
                    scores[name].append((ndcg_at(found, judged), recall_at(found, judged)))
            print(f"\n{set_name} set: {len(judged_queries)} judged queries ({path.relative_to(ROOT)})")
            off = f"no papers for the {nothing} off-corpus"
            print(f"{'method':10} {'nDCG@10':>8} {'recall@10':>10} {off:>28}")
            means = {}
            for name, got in scores.items():
                ndcg = sum(g[0] for g in got) / len(got)
                recall = sum(g[1] for g in got) / len(got)
                means[name] = ndcg
                print(f"{name:10} {ndcg:8.3f} {recall:10.3f} {silent[name] if nothing else '-':>28}")
            print(
                f"hybrid - keyword nDCG@10: {means['hybrid'] - means['keyword']:+.3f}; "
                f"hybrid - semantic: {means['hybrid'] - means['semantic']:+.3f}; "
                f"hybrid - rrf: {means['hybrid'] - means['rrf']:+.3f}"
            )


if __name__ == "__main__":
    main()
