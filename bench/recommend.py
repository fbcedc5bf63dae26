"""Recommendation quality and speed: python bench/recommend.py [--shared PATH] [--workdir DIR]

Quality, offline, over real papers: the shipped sample (44 papers) and the
bulk-snapshot sample in ../shared/data (509 papers across physics, mathematics
and computer science), embedded with the real model. Simulated readers each
follow one topic (papers whose title or abstract match a pattern, across
categories); a reader upvotes 40% of that topic's papers (at least 4) and the
rest are held out. Every paper the reader did not upvote is a candidate.
Reported, as the mean over readers, precision@10 and nDCG@10 of the held-out
papers for:

  personal     the reader's own model (recommend/personal.compute_picks)
  categories   the newest papers in the categories of the reader's upvotes
  trending     the most upvoted papers

Speed, at scale: training one reader's model on 200 positives, 20 dismissals
and 300 background papers, then scoring 10,000 candidates (synthetic unit
vectors of the real dimension). Goal: under 200 ms.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import re
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

TOPICS = {
    "tokenizers": r"tokeni[sz]",
    "mixture of experts": r"mixture[- ]of[- ]experts|\bMoE\b",
    "galaxies": r"galax",
    "exoplanets": r"exoplanet|planet",
    "black holes": r"black hole",
    "superconductivity": r"superconduct",
    "quantum information": r"entangle|qubit",
    "graphs": r"\bgraphs?\b",
    "neural networks": r"neural network",
    "dark matter": r"dark matter",
    "magnetism": r"magnet",
    "cosmology": r"cosmolog|inflation",
}
READERS_PER_TOPIC = 3
MIN_TOPIC = 10


def ndcg_at(ranked: list[int], relevant: set[int], k: int = 10) -> float:
    dcg = sum(1 / math.log2(i + 2) for i, a in enumerate(ranked[:k]) if a in relevant)
    idcg = sum(1 / math.log2(i + 2) for i in range(min(k, len(relevant))))
    return dcg / idcg if idcg else 0.0


def precision_at(ranked: list[int], relevant: set[int], k: int = 10) -> float:
    return len(set(ranked[:k]) & relevant) / k


def speed(runs: int = 30) -> tuple[float, float]:
    from paperfeed.recommend.model import score, train
    from paperfeed.search.embedder import DIM

    rng = np.random.default_rng(1)

    def unit(n: int) -> np.ndarray:
        x = rng.normal(size=(n, DIM)).astype(np.float32)
        return x / np.linalg.norm(x, axis=1, keepdims=True)

    times = []
    for _ in range(runs):
        pos, neg, back, cand = unit(200), unit(20), unit(300), unit(10_000)
        t0 = time.perf_counter()
        w = train(pos, neg, back)
        np.argsort(-score(w, cand))[:50]
        times.append(time.perf_counter() - t0)
    times.sort()
    return statistics.median(times) * 1000, times[int(0.99 * (len(times) - 1))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", default=str(Path(__file__).resolve().parents[2] / "shared" / "data"))
    parser.add_argument("--workdir", default="")
    args = parser.parse_args()
    os.environ["CI"] = "1"

    import sqlalchemy as sa

    from paperfeed.ingest import import_snapshot, load_sample
    from paperfeed.recommend.personal import compute_picks
    from paperfeed.search.embedder import default_model
    from paperfeed.search.embedding import embed_pending
    from paperfeed.search.keyphrases import index_keyphrases
    from paperfeed.store.db import make_engine, migrate
    from paperfeed.store.schema import papers, votes
    from paperfeed.store.users import create_user
    from paperfeed.store.votes import toggle_vote

    snapshot = Path(args.shared) / "arxiv-snapshot-sample.jsonl"
    if not snapshot.exists():
        raise SystemExit(f"{snapshot} is needed: most of the readers' papers come from it")
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="paperfeed-recommend-"))
    workdir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(f"sqlite:///{workdir / 'recommend.db'}")
    migrate(engine)
    load_sample(engine)
    import_snapshot(engine, snapshot)
    with engine.begin() as conn:
        index_keyphrases(conn)
        conn.execute(votes.delete())
    t0 = time.perf_counter()
    if embedded := embed_pending(engine, default_model()):
        print(f"embedded {embedded} papers in {time.perf_counter() - t0:.0f} s")

    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(
                papers.c.id,
                papers.c.title,
                papers.c.abstract,
                papers.c.categories,
                papers.c.listed_on,
                papers.c.base_upvotes,
            )
        ).all()
    topics = {
        name: {r.id for r in rows if re.search(pattern, f"{r.title} {r.abstract}", re.I)}
        for name, pattern in TOPICS.items()
    }
    topics = {name: ids for name, ids in topics.items() if len(ids) >= MIN_TOPIC}
    newest_first = [r.id for r in sorted(rows, key=lambda r: (r.listed_on, r.id), reverse=True)]
    most_upvoted = [r.id for r in sorted(rows, key=lambda r: (r.base_upvotes, r.listed_on, r.id), reverse=True)]
    categories_of = {r.id: set(r.categories) for r in rows}

    rng = random.Random(7)
    scores: dict[str, list[tuple[float, float]]] = {"personal": [], "categories": [], "trending": []}
    timings = []
    now = datetime.now(UTC).replace(tzinfo=None)
    for name, ids in sorted(topics.items()):
        for n in range(READERS_PER_TOPIC):
            upvoted = set(rng.sample(sorted(ids), max(4, int(0.4 * len(ids)))))
            held_out = ids - upvoted
            with engine.begin() as conn:
                user = create_user(conn, f"r{abs(hash(name)) % 10000}x{n}", "x", now)
                for paper_id in upvoted:
                    toggle_vote(conn, user.id, paper_id, now)
            with engine.connect() as conn:
                t0 = time.perf_counter()
                chosen, _ = compute_picks(conn, user.id, days=None, k=10)
                timings.append(time.perf_counter() - t0)
            theirs = set().union(*(categories_of[i] for i in upvoted))
            runs = {
                "personal": [c.paper_id for c in chosen],
                "categories": [i for i in newest_first if i not in upvoted and categories_of[i] & theirs],
                "trending": [i for i in most_upvoted if i not in upvoted],
            }
            for method, ranked in runs.items():
                scores[method].append((precision_at(ranked, held_out), ndcg_at(ranked, held_out)))
    readers = len(scores["personal"])
    print(f"\n{readers} simulated readers over {len(topics)} topics ({', '.join(sorted(topics))}), {len(rows)} papers")
    print(f"{'method':12} {'P@10':>7} {'nDCG@10':>8}")
    means = {}
    for method, values in scores.items():
        p = sum(v[0] for v in values) / readers
        nd = sum(v[1] for v in values) / readers
        means[method] = (p, nd)
        print(f"{method:12} {p:7.3f} {nd:8.3f}")
    best = max(means["categories"][1], means["trending"][1])
    print(f"\npersonal - best baseline nDCG@10: {means['personal'][1] - best:+.3f}")
    print(
        f"compute_picks on this store (signals, vectors from the store, train, score, reasons): "
        f"p50 {statistics.median(timings) * 1000:.1f} ms"
    )
    p50, p99 = speed()
    print(f"train on 200+20+300 and score 10,000 candidates: p50 {p50:.1f} ms, p99 {p99:.1f} ms (goal: < 200 ms)")


if __name__ == "__main__":
    main()
