"""Search quality: python bench/quality.py [--shared PATH] [--workdir DIR] [--postgres]

A judged query set over the shipped sample (44 papers, language models) and
the bulk-snapshot sample in ../shared/data (509 papers across physics,
mathematics and computer science). Relevance is graded: 2 = what the query
asks for, 1 = related. Many queries use other words than the papers do.
Reports nDCG@10 and recall@10 for keyword, semantic and hybrid search, on
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

# Graded by hand: 2 = what the query asks for, 1 = related. The keyword tests use the same file.
JUDGED_FILE = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "judged-queries.json"
JUDGED: list[tuple[str, dict[str, int]]] = [(r["query"], r["judged"]) for r in json.loads(JUDGED_FILE.read_text())]


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


def measure(url: str, snapshot: Path, workdir: Path) -> None:
    from paperfeed.ingest import import_snapshot, load_sample
    from paperfeed.search.embedder import default_model
    from paperfeed.search.embedding import embed_pending
    from paperfeed.search.fulltext import index_pending, keyword_search
    from paperfeed.search.hybrid import hybrid_search, semantic_ids
    from paperfeed.search.query import parse_query
    from paperfeed.search.vectors import load_index
    from paperfeed.store.db import make_engine, migrate
    from paperfeed.store.papers import papers_by_ids

    engine = make_engine(url)
    migrate(engine)
    load_sample(engine)
    import_snapshot(engine, snapshot)
    model = default_model()
    with engine.begin() as conn:
        index_pending(conn)
    t0 = time.perf_counter()
    embedded = embed_pending(engine, model)
    if embedded:
        print(f"embedded {embedded} papers in {time.perf_counter() - t0:.0f} s (kept for the next run)")

    methods = {"keyword": [], "semantic": [], "hybrid": []}
    with engine.connect() as conn:
        index = load_index(conn, str(workdir / "data"))

        def arxiv_ids(ids: list[int]) -> list[str]:
            return [p.arxiv_id for p in papers_by_ids(conn, ids)]

        for text, judged in JUDGED:
            q = parse_query(text)
            runs = {
                "keyword": [h.paper.arxiv_id for h in keyword_search(conn, q, 10).hits],
                "semantic": arxiv_ids([i for i, _ in semantic_ids(conn, index, model, q, 10)]),
                "hybrid": [h.paper.arxiv_id for h in hybrid_search(conn, q, index, model, 10).hits],
            }
            for name, ranked in runs.items():
                methods[name].append((ndcg_at(ranked, judged), recall_at(ranked, judged)))
    print(f"\n{len(JUDGED)} judged queries over {len(index)} papers, {engine.dialect.name}, {type(index).__name__}")
    print(f"{'method':10} {'nDCG@10':>8} {'recall@10':>10}")
    means = {}
    for name, scores in methods.items():
        ndcg = sum(s[0] for s in scores) / len(scores)
        recall = sum(s[1] for s in scores) / len(scores)
        means[name] = ndcg
        print(f"{name:10} {ndcg:8.3f} {recall:10.3f}")
    print(
        f"\nhybrid - keyword nDCG@10: {means['hybrid'] - means['keyword']:+.3f}; "
        f"hybrid - semantic: {means['hybrid'] - means['semantic']:+.3f}"
    )


if __name__ == "__main__":
    main()
