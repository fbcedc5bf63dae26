"""Time to searchable by meaning: python bench/coverage.py [--records N] [--full-seconds S] [--postgres]

Builds a store of N papers (default 100,000) with real text: the 509 real
records of ../shared/data's snapshot sample, repeated under new arXiv ids, so
every title and abstract has a real paper's length and words (embedding time
depends on nothing else). Then runs `paperfeed index` as an operator would, in
child processes, and watches the store every two seconds:

  titles      seconds from start until every paper has a vector (keyword index, model load and the
              titles pass included): the time to searchable by meaning
  full text   papers per second of the full pass, watched for --full-seconds, then the processes stop

and prints each per paper and extrapolated to 1,000,000 papers (both passes
are linear in the papers: each chunk costs the same whatever the store holds).
With --postgres, on a throwaway PostgreSQL with pgvector, it runs the
embedding again with `--processes` (default 1 and 2) `paperfeed index` at once,
the backlog reset between runs, and prints how they shared it.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scale import start_postgres

MILLION = 1_000_000


def real_length_snapshot(source: Path, target: Path, n: int) -> None:
    """Write n snapshot records: the real ones in turn, each under a new id, in listing order."""
    records = [orjson.loads(line) for line in source.read_bytes().splitlines() if line.strip()]
    with open(target, "wb") as f:
        for i in range(n):
            record = dict(records[i % len(records)])
            month = 1501 + (i // 90_000) // 12 * 100 + (i // 90_000) % 12  # 1501, 1502, ... 1512, 1601, ...
            record["id"] = f"{month}.{i % 90_000 + 10_000:05d}"
            f.write(orjson.dumps(record) + b"\n")


def covered(url: str) -> tuple[int, int, int]:
    """(papers, with a title vector, with a full vector) in the store now."""
    import sqlalchemy as sa

    from paperfeed.search.vectors import coverage

    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            c = coverage(conn)
    finally:
        engine.dispose()
    return c.papers, c.quick, c.full


def run_index(url: str, data_dir: str, processes: int, full_seconds: float) -> tuple[float, float, list[str]]:
    """Start `processes` `paperfeed index`; return (seconds to searchable, full-pass papers/s)."""
    env = {**os.environ, "PAPERFEED_DATABASE_URL": url, "PAPERFEED_DATA_DIR": data_dir, "CI": "1"}
    start = time.perf_counter()
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "paperfeed", "index"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        for _ in range(processes)
    ]
    searchable = None
    marks: list[tuple[float, int]] = []  # (time, papers embedded in full) at each full chunk committed
    rate = 0.0
    try:
        while True:
            time.sleep(2)
            papers, quick, full = covered(url)
            now = time.perf_counter()
            if searchable is None and quick + full >= papers:
                searchable = now - start
            if searchable is not None and (not marks or full != marks[-1][1]):
                marks.append((now, full))
            done = all(p.poll() is not None for p in procs)
            if searchable is not None and len(marks) > 2 and (now - start - searchable >= full_seconds or done):
                # From the first chunk committed after the titles pass to the last one seen.
                rate = (marks[-1][1] - marks[1][1]) / (marks[-1][0] - marks[1][0])
                break
            if done:
                break
    finally:
        for p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGINT)
        lines = []
        for p in procs:
            try:
                out, _ = p.communicate(timeout=60)
            except subprocess.TimeoutExpired:
                p.kill()
                out, _ = p.communicate()
            lines.append(out.decode().strip().splitlines()[-1] if out.strip() else "")
    if searchable is None:
        raise SystemExit(f"`paperfeed index` stopped before every paper had a vector: {lines}")
    return searchable, rate


def report(label: str, n: int, searchable: float, rate: float) -> None:
    per_paper = searchable / n
    print(f"{label}")
    print(
        f"  searchable by meaning: {searchable:.0f} s for {n:,} papers ({per_paper * 1000:.2f} ms a paper); "
        f"1M papers: {per_paper * MILLION / 3600:.2f} h"
    )
    if rate:
        hours = MILLION / rate / 3600
        print(f"  full pass: {rate:.1f} papers/s ({1000 / rate:.1f} ms a paper); 1M papers: {hours:.1f} h")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", default=str(Path(__file__).resolve().parents[2] / "shared" / "data"))
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--full-seconds", type=float, default=120)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--workdir", default="")
    args = parser.parse_args()
    source = Path(args.shared) / "arxiv-snapshot-sample.jsonl"
    if not source.exists():
        raise SystemExit(f"{source} is needed: its real records give the texts their lengths")
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="paperfeed-coverage-"))
    workdir.mkdir(parents=True, exist_ok=True)
    snapshot = workdir / f"real-length-{args.records}.jsonl"
    real_length_snapshot(source, snapshot, args.records)
    stop: list[str] = []
    url = f"sqlite:///{workdir / 'coverage.db'}"
    if args.postgres:
        url, stop = start_postgres(workdir / "pg")
    env = {**os.environ, "PAPERFEED_DATABASE_URL": url, "PAPERFEED_DATA_DIR": str(workdir / "data"), "CI": "1"}
    try:
        t0 = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "paperfeed", "ingest", "snapshot", "--no-index", str(snapshot)],
            env=env,
            check=True,
            capture_output=True,
        )
        papers = covered(url)[0]
        print(f"{papers:,} real-length papers imported in {time.perf_counter() - t0:.0f} s ({url.split(':')[0]})")
        t0 = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "paperfeed", "index", "--limit", "0"], env=env, check=True, capture_output=True
        )
        keyword = time.perf_counter() - t0
        print(f"keyword index (`paperfeed index --limit 0`): {keyword:.0f} s, counted in the time to searchable\n")
        runs = args.processes if args.postgres else [1]
        for processes in runs:
            if processes != runs[0]:
                import sqlalchemy as sa

                engine = sa.create_engine(url)
                with engine.begin() as conn:
                    conn.execute(sa.text("DELETE FROM embeddings"))
                engine.dispose()
            searchable, rate = run_index(url, str(workdir / "data"), processes, args.full_seconds)
            searchable += keyword
            report(f"`paperfeed index`, {processes} process{'es' if processes > 1 else ''}:", papers, searchable, rate)
    finally:
        if stop:
            subprocess.run(stop, capture_output=True)


if __name__ == "__main__":
    main()
