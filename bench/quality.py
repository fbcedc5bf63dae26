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
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scale import start_postgres

JUDGED: list[tuple[str, dict[str, int]]] = [
    ("language models that read raw bytes",
     {"2410.09303": 2, "2501.10322": 2, "2603.15953": 2, "2601.21768": 1, "2305.16349": 1}),
    ("splitting words into better pieces for Indian scripts", {"2504.10335": 2, "2510.21909": 1, "2508.14292": 1}),
    ("merging tokens to make models faster",
     {"2507.14423": 2, "2411.07132": 2, "2505.18227": 1, "2602.13315": 1}),
    ("mixture of experts routing", {"2510.24711": 2, "2601.21641": 2, "2505.21600": 1}),
    ("thinking in a continuous latent space instead of writing out words", {"2505.23648": 2, "2403.09629": 1}),
    ("one image tokenizer for both understanding and generating pictures",
     {"2412.03069": 2, "2510.06590": 2, "2602.14178": 2, "2502.13967": 1, "2503.16430": 1, "2502.20388": 1}),
    ("running prompt processing and text generation on different machines", {"2311.18677": 2}),
    ("recommender systems built on generative models", {"2506.06270": 2, "2601.17438": 2}),
    ("turning speech and sound into discrete units", {"2506.10274": 2, "2601.16547": 1}),
    ("which individual words cause reasoning mistakes",
     {"2411.19943": 2, "2601.14658": 1, "2603.00025": 1}),
    ("vocabulary entries that span several words", {"2503.13423": 2, "2505.09738": 2, "2411.18553": 1}),
    ("how each layer changes the hidden representation", {"2604.02459": 2, "2510.11602": 1, "2305.16380": 1}),
    ("combining several models into one by distillation", {"2505.13893": 2}),
    ("finding and clicking buttons on a screen", {"2509.04908": 2}),
    ("dark matter from hidden sectors", {"1102.0282": 2, "1102.0492": 1}),
    ("planets orbiting white dwarfs", {"1102.0501": 2, "1102.0507": 2, "1102.0504": 1, "1102.0510": 1}),
    ("exoplanets transiting stars seen by Kepler",
     {"1102.0291": 2, "1102.0543": 2, "1102.0555": 1, "1102.0342": 1, "1102.0525": 1}),
    ("superconductivity in iron arsenide compounds", {"1102.0357": 2, "0906.5132": 1}),
    ("a superfluid flowing around a ring-shaped trap of cold atoms", {"1101.0019": 2}),
    ("eigenvalues of large random matrices", {"1102.0057": 2, "1102.0300": 2, "1102.0402": 2}),
    ("computer simulation of lipid membranes", {"1010.0389": 2, "1010.4181": 1, "1011.0538": 1}),
    ("searching for the Higgs boson at particle colliders", {"1101.6079": 2, "1102.0468": 1}),
    ("quantum correlations between pairs of qubits",
     {"1012.0650": 2, "1012.3075": 1, "1102.0330": 1, "1007.5441": 1}),
    ("delivery routes for several vehicles", {"1102.0471": 2}),
    ("granular flow and fracture", {"1102.0324": 2, "1102.0354": 2}),
    ("how the universe heated up after inflation", {"1001.2600": 2}),
]


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
    from paperfeed.search.keyword import index_pending, keyword_search
    from paperfeed.search.query import parse_query
    from paperfeed.search.semantic import embed_pending, hybrid_search, semantic_ids
    from paperfeed.search.vectors import load_index
    from paperfeed.store.db import make_engine, migrate
    from paperfeed.store.listings import papers_by_ids

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
    print(f"\nhybrid - keyword nDCG@10: {means['hybrid'] - means['keyword']:+.3f}; "
          f"hybrid - semantic: {means['hybrid'] - means['semantic']:+.3f}")


if __name__ == "__main__":
    main()
