"""Scale-out: python bench/scale.py [--records N] [--queries Q] [--seconds S] [--rounds R] [--cold]

The same synthetic corpus (bench/ingest.py; the page and search benchmarks'
store) in both backends, with the same synthetic clustered vectors:

  embedded    SQLite: FTS5 and the HNSW file (hnswlib), searched inside the web worker
  postgresql  a throwaway PostgreSQL 15 started here from Debian's binaries, with pgvector:
              tsvector ranking and pgvector's HNSW index, searched inside the database

Prints, in one run, hybrid search latency (p50/p99, through search.hybrid.hybrid_search with
the real query embedding) on each, for the first queries after start and for fresh queries once
the caches are warm, and the daily page's throughput against PostgreSQL with
`paperfeed serve --workers 1, 2 and 4` (wrk, 32 connections, page cache off: every request
reaches the database; the three servers take turns for several rounds, medians printed).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pages import build_store, free_port, start_paperfeed, stop_all, wrk
from search import synthetic_vectors


def start_postgres(root: Path) -> tuple[str, list[str]]:
    bindir = sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1]
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    root.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    data, port = root / "data", free_port()
    if not data.exists():
        subprocess.run(
            [*prefix, str(bindir / "initdb"), "-D", str(data), "--auth=trust", "-U", "postgres", "--encoding=UTF8"],
            check=True,
            capture_output=True,
        )
    opts = (
        f"-c listen_addresses=127.0.0.1 -p {port} -k {root} -c shared_buffers=4GB -c max_connections=300 "
        "-c maintenance_work_mem=4GB -c max_parallel_maintenance_workers=1 -c synchronous_commit=off"
    )
    subprocess.run(
        [*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-l", str(root / "log"), "-w", "-o", opts, "start"],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [*prefix, str(bindir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "paperfeed"],
        capture_output=True,
    )
    stop = [*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"]
    return f"postgresql+psycopg://postgres@127.0.0.1:{port}/paperfeed", stop


def drop_page_cache() -> None:
    subprocess.run(["sync"], check=True)
    Path("/proc/sys/vm/drop_caches").write_text("3\n")


def read_files(root: Path) -> float:
    """Read every file under `root` (or the file itself) once, as a long-running server would have them
    in the OS page cache; return the GiB read."""
    total = 0
    for path in [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file()):
        with open(path, "rb", buffering=0) as f:
            while chunk := f.read(8 << 20):
                total += len(chunk)
    return total / 2**30


def fill_postgres(url: str, snapshot: Path, sqlite_url: str) -> None:
    """Load the corpus into PostgreSQL and copy the SQLite store's vectors, by arXiv id."""
    import sqlalchemy as sa

    from paperfeed.search.vectors import fill_pgvector
    from paperfeed.store.db import has_pgvector, make_engine, migrate
    from paperfeed.store.schema import embeddings, papers

    pg = make_engine(url)
    migrate(pg)
    with pg.connect() as conn:
        if conn.execute(sa.select(sa.func.count()).select_from(embeddings)).scalar():
            return  # kept from an earlier run
        if not has_pgvector(conn):
            raise SystemExit("this PostgreSQL has no pgvector: run scripts/install-pgvector")
    t0 = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "paperfeed", "ingest", "snapshot", "--no-index", str(snapshot)],
        env={**os.environ, "PAPERFEED_DATABASE_URL": url, "CI": "1"},
        check=True,
        capture_output=True,
    )
    print(f"postgresql: corpus loaded in {time.perf_counter() - t0:.0f} s")
    lite = make_engine(sqlite_url)
    t0 = time.perf_counter()
    with lite.connect() as src, pg.begin() as dst:
        ids = dict(dst.execute(sa.select(papers.c.arxiv_id, papers.c.id)).all())
        dst.exec_driver_sql("DROP INDEX IF EXISTS ix_embeddings_embedding")  # built once, after the load
        rows = src.execute(
            sa.select(
                papers.c.arxiv_id,
                papers.c.content_hash,
                embeddings.c.model,
                embeddings.c.vector,
                embeddings.c.embedded_at,
            ).join(embeddings, embeddings.c.paper_id == papers.c.id)
        ).all()
        for start in range(0, len(rows), 5000):
            dst.execute(
                embeddings.insert(),
                [
                    {
                        "paper_id": ids[r.arxiv_id],
                        "model": r.model,
                        "content_hash": r.content_hash,
                        "vector": r.vector,
                        "embedded_at": r.embedded_at,
                    }
                    for r in rows[start : start + 5000]
                    if r.arxiv_id in ids
                ],
            )
        fill_pgvector(dst)
    print(f"postgresql: {len(rows):,} vectors copied in {time.perf_counter() - t0:.0f} s")
    t0 = time.perf_counter()
    with pg.begin() as conn:
        conn.exec_driver_sql("SET maintenance_work_mem = '4GB'")
        conn.exec_driver_sql(
            "CREATE INDEX ix_embeddings_embedding ON embeddings USING hnsw "
            "(embedding vector_ip_ops) WITH (m = 16, ef_construction = 64)"
        )
    print(f"postgresql: pgvector HNSW index built in {time.perf_counter() - t0:.0f} s")


def hybrid_latency(
    url: str, data_dir: str, files: Path, cold: list[str], warm_up: list[str], warm: list[str]
) -> tuple[float, float, float, float]:
    """p50 and p99 of hybrid search, in ms: first for `cold` queries (the first ones after start), then
    for `warm` ones: fresh queries asked once the store's `files` have been read and `warm_up` asked."""
    from paperfeed.search.embedder import default_model
    from paperfeed.search.hybrid import hybrid_search
    from paperfeed.search.query import parse_query
    from paperfeed.search.vectors import load_index
    from paperfeed.store.db import make_engine

    engine = make_engine(url)
    model = default_model()
    model.embed(["load the model"])

    def timed(texts: list[str]) -> list[float]:
        times = []
        for text in texts:
            t0 = time.perf_counter()
            hybrid_search(conn, parse_query(text), index, model, 20)
            times.append(time.perf_counter() - t0)
        return sorted(times)

    with engine.connect() as conn:
        index = load_index(conn, data_dir)
        first = timed(cold)
        read_files(files)
        timed(warm_up)
        then = timed(warm)
    engine.dispose()
    return (*_p50_p99(first), *_p50_p99(then))


def _p50_p99(times: list[float]) -> tuple[float, float]:
    return statistics.median(times) * 1000, times[int(0.99 * (len(times) - 1))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--workdir", default="")
    parser.add_argument(
        "--cold", action="store_true", help="drop the OS page cache before each backend's first queries (needs root)"
    )
    args = parser.parse_args()
    if args.cold and os.geteuid() != 0:
        raise SystemExit("--cold drops the OS page cache: run as root")
    os.environ["CI"] = "1"
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="paperfeed-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)

    from paperfeed.search.embedder import DIM
    from paperfeed.search.vectors import update_hnsw
    from paperfeed.store.db import make_engine, migrate

    sqlite_url = build_store(workdir, args.records)
    lite = make_engine(sqlite_url)
    migrate(lite)
    synthetic_vectors(lite, DIM)
    data_dir = str(workdir / f"data-{args.records}")
    with lite.connect() as conn:
        update_hnsw(conn, data_dir)
    pg_url, stop = start_postgres(workdir / f"pg-{args.records}")
    procs: list[subprocess.Popen] = []
    try:
        fill_postgres(pg_url, workdir / f"snapshot-{args.records}.jsonl", sqlite_url)
        rng = np.random.default_rng(11)
        with lite.connect() as conn:
            vocab = [w for (t,) in conn.exec_driver_sql("SELECT title FROM papers LIMIT 2000") for w in t.split()]
        texts = [" ".join(rng.choice(vocab, size=rng.integers(2, 5))) for _ in range(4 * args.queries)]
        cold, warm_up, warm = texts[: args.queries], texts[args.queries : -args.queries], texts[-args.queries :]
        print(f"\n{args.queries} hybrid queries (top 20, highlighted) over {args.records:,} papers, one process:")
        print(
            "cold = the first queries after start"
            + (", the OS page cache dropped and PostgreSQL restarted" if args.cold else ""),
            f"; warm = fresh queries once the store's files were read and {len(warm_up)} others asked",
            sep="",
        )
        print(f"{'backend':34} {'cold p50':>9} {'cold p99':>9} {'warm p50':>9} {'warm p99':>9}")
        for name in ("embedded (SQLite, HNSW file)", "postgresql + pgvector"):
            postgres = name.startswith("postgresql")
            if args.cold:
                subprocess.run(stop, capture_output=True)  # stopped already for the second
                drop_page_cache()
                if postgres:
                    pg_url, stop = start_postgres(workdir / f"pg-{args.records}")
            url, folder, files = (
                (pg_url, str(workdir / "pg-data-dir"), workdir / f"pg-{args.records}" / "data")
                if postgres
                else (sqlite_url, data_dir, workdir / f"pages-{args.records}.db")
            )
            figures = hybrid_latency(url, folder, files, cold, warm_up, warm)
            print(f"{name:34} " + " ".join(f"{f:9.2f}" for f in figures))

        print(
            f"\nthe daily page against PostgreSQL, page cache off, 32 connections, {args.rounds} rounds of "
            f"{args.seconds} s taking turns (this machine's speed drifts): median req/s, range, p50/p99 ms"
        )
        servers = {}
        for workers in (1, 2, 4):
            proc, servers[workers] = start_paperfeed(
                pg_url,
                str(workdir / "pg-data-dir"),
                workers,
                PAPERFEED_PAGE_CACHE_SECONDS="0",
                PAPERFEED_SECRET_KEY="bench-" + "k" * 40,
            )
            procs.append(proc)
            wrk(servers[workers] + "/", 5, 32)  # every worker warm
        runs: dict[int, list[tuple[float, float, float]]] = {w: [] for w in servers}
        for _ in range(args.rounds):
            for workers, url in servers.items():
                runs[workers].append(wrk(url + "/", args.seconds, 32))
        print(f"{'workers':8} {'req/s':>9} {'range':>11} {'p50 ms':>8} {'p99 ms':>8} {'vs 1':>6}")
        one = statistics.median(r[0] for r in runs[1])
        for workers, found in runs.items():
            rps, p50s, p99s = zip(*found, strict=True)
            mid = statistics.median(rps)
            print(
                f"{workers:<8} {mid:9.0f} {min(rps):5.0f}–{max(rps):<5.0f} {statistics.median(p50s):8.2f} "
                f"{statistics.median(p99s):8.2f} {mid / one:6.2f}"
            )
    finally:
        stop_all(procs)
        subprocess.run(stop, capture_output=True)


if __name__ == "__main__":
    main()
