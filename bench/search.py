"""Search speed at scale: python bench/search.py [--records N] [--queries Q]

Builds a store of N synthetic papers (bench/ingest.py's corpus) with its
keyword index. Embedding N synthetic texts with the real model would take
hours here (about 9 papers a second), and their meaning would be noise anyway,
so the vectors are synthetic but clustered (unit vectors around 2,000 topic
centres); query vectors are embedded for real by the model and then moved
near a topic, so the measured time includes a real query embedding.

Prints, in one run: p50/p99 of keyword, semantic (embedding included) and
hybrid queries (hybrid as the site runs it: the query embedded on a second
thread while the keyword index ranks); exact numpy search against the HNSW
index (latency, recall@10 of HNSW against exact, build time); this process's
memory, and the memory of a real web worker serving searches from the HNSW
file.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import httpx
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pages import build_store, start_paperfeed, stop_all  # the same synthetic store as the page benchmark

CENTRES = 2000


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered) * 1000, ordered[int(len(ordered) * 0.99) - 1] * 1000


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def synthetic_vectors(engine, dim: int, seed: int = 3) -> np.ndarray:  # type: ignore[no-untyped-def]
    """Give every paper a clustered unit vector (stored like real embeddings); return the centres."""
    import sqlalchemy as sa

    from paperfeed.search.vectors import save_vectors
    from paperfeed.store.schema import embeddings, papers

    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(CENTRES, dim)).astype(np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    with engine.connect() as conn:
        if conn.execute(sa.select(sa.func.count()).select_from(embeddings)).scalar():
            return centres
        rows = conn.execute(sa.select(papers.c.id, papers.c.content_hash)).all()
    now = datetime.now(UTC).replace(tzinfo=None)
    for start in range(0, len(rows), 20_000):
        chunk = rows[start : start + 20_000]
        v = centres[rng.integers(0, CENTRES, len(chunk))] + 0.35 * rng.normal(size=(len(chunk), dim)) / np.sqrt(dim)
        v = (v / np.linalg.norm(v, axis=1, keepdims=True)).astype(np.float32)
        with engine.begin() as conn:
            save_vectors(conn, [(r.id, r.content_hash, vec) for r, vec in zip(chunk, v, strict=True)], now)
    return centres


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--workdir", default="")
    parser.add_argument("--reuse-index", action="store_true", help="Keep the HNSW file of an earlier run.")
    args = parser.parse_args()
    os.environ["CI"] = "1"
    from paperfeed.search.embedder import DIM, default_model
    from paperfeed.search.fulltext import hits_for, index_pending, keyword_ranked
    from paperfeed.search.hybrid import fuse
    from paperfeed.search.query import parse_query
    from paperfeed.search.vectors import ExactIndex, load_index, update_hnsw
    from paperfeed.store.db import make_engine, migrate

    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="paperfeed-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    url = build_store(workdir, args.records)
    engine = make_engine(url)
    migrate(engine)  # a store kept from an earlier run may predate the search tables
    t0 = time.perf_counter()
    with engine.begin() as conn:
        indexed = index_pending(conn)
    if indexed:
        print(f"keyword index: {indexed:,} papers in {time.perf_counter() - t0:.0f} s")
    t0 = time.perf_counter()
    centres = synthetic_vectors(engine, DIM)
    print(f"{args.records:,} papers with synthetic clustered vectors ready ({time.perf_counter() - t0:.0f} s)")
    model = default_model()
    rng = np.random.default_rng(11)
    with engine.connect() as conn:
        vocab = [w for (t,) in conn.exec_driver_sql("SELECT title FROM papers LIMIT 2000") for w in t.split()]
        texts = [" ".join(rng.choice(vocab, size=rng.integers(2, 5))) for _ in range(args.queries)]

        t0 = time.perf_counter()
        exact = ExactIndex.load(conn)
        load_exact = time.perf_counter() - t0
        rss_exact = rss_mib()
        data_dir = str(workdir / f"data-{args.records}")
        t0 = time.perf_counter()
        update_hnsw(conn, data_dir, rebuild=not args.reuse_index)
        build = time.perf_counter() - t0
        t0 = time.perf_counter()
        ann = load_index(conn, data_dir)
        load_ann = time.perf_counter() - t0

        def query_vector(text: str) -> np.ndarray:
            real = model.embed([text])[0]  # the real cost of embedding a query
            near = centres[hash(text) % CENTRES] + 0.3 * real / np.sqrt(DIM)
            return near / np.linalg.norm(near)

        pool = ThreadPoolExecutor(max_workers=1)
        timings: dict[str, list[float]] = {k: [] for k in ("keyword", "embed", "exact", "ann", "semantic", "hybrid")}
        recalls = []
        for text in texts:
            q = parse_query(text)
            t0 = time.perf_counter()
            kw, _ = keyword_ranked(conn, q, 100, count=False)
            timings["keyword"].append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            vector = query_vector(text)
            timings["embed"].append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            truth = exact.search(vector, 10)
            timings["exact"].append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            found = ann.search(vector, 100)
            timings["ann"].append(time.perf_counter() - t0)
            recalls.append(len({i for i, _ in truth} & {i for i, _ in found[:10]}) / 10)
            timings["semantic"].append(timings["embed"][-1] + timings["ann"][-1])
            # Hybrid as search.semantic.hybrid_search runs it: the query embedded on another thread
            # while the keyword index ranks, then the ANN search, the fusion and the page of 20.
            t0 = time.perf_counter()
            embedding = pool.submit(query_vector, text)
            kw, _ = keyword_ranked(conn, q, 100, count=False)
            found = ann.search(embedding.result(), 100)
            hits_for(conn, q, fuse(kw, found)[:20])
            timings["hybrid"].append(time.perf_counter() - t0)
    print(f"\n{args.records:,} papers, {args.queries} queries of 2-4 words, one process on 2 cores")
    print(f"{'':34} {'p50 ms':>8} {'p99 ms':>8}")
    names = {
        "keyword": "keyword (top 100)",
        "embed": "query embedding",
        "exact": "exact numpy search",
        "ann": "HNSW search (top 100)",
        "semantic": "semantic (embedding + HNSW)",
        "hybrid": "hybrid (both at once + fusion + page)",
    }
    for key, label in names.items():
        p50, p99 = percentiles(timings[key])
        print(f"{label:34} {p50:8.2f} {p99:8.2f}")
    speedup = statistics.median(timings["exact"]) / statistics.median(timings["ann"])
    print(f"\nHNSW recall@10 against exact: {statistics.mean(recalls):.3f}; HNSW {speedup:.1f}x faster than exact")
    print(
        f"HNSW {'update' if args.reuse_index else 'build'} {build:.0f} s, load {load_ann:.1f} s; "
        f"exact matrix load {load_exact:.1f} s"
    )
    print(f"memory: {rss_exact:,.0f} MiB peak with the exact matrix; {rss_mib():,.0f} MiB peak with both loaded")
    peak, now_rss = serving_memory(url, data_dir, texts[:20])
    print(
        f"a serving worker (`paperfeed serve`, HNSW file and model loaded, 20 searches): "
        f"{peak:,.0f} MiB peak, {now_rss:,.0f} MiB resident"
    )


def serving_memory(url: str, data_dir: str, texts: list[str]) -> tuple[float, float]:
    """Start a web worker on the store, search through it, and return its (peak, current) memory in MiB."""
    proc, base = start_paperfeed(url, data_dir, CI="1")
    try:
        for text in texts:
            httpx.get(f"{base}/search", params={"q": text}, timeout=600).raise_for_status()
        status = Path(f"/proc/{proc.pid}/status").read_text()
        kib = {
            k: int(v.split()[0])
            for k, v in (line.split(":", 1) for line in status.splitlines())
            if k in ("VmHWM", "VmRSS")
        }
        return kib["VmHWM"] / 1024, kib["VmRSS"] / 1024
    finally:
        stop_all([proc])


if __name__ == "__main__":
    main()
