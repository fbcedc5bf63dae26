"""Bulk snapshot import speed and memory: python bench/ingest.py [--records N] [--database URL]

Generates a synthetic snapshot in the real format (14 keys, authors_parsed,
RFC 2822 version dates) with realistic sizes: ~10-word titles, 150-250-word
abstracts, 1-30 authors, 1-4 categories. Then, in the same run:

  baseline  reading and parsing the file into records, no store (the ceiling)
  import    `paperfeed ingest snapshot --no-index` into an empty store, in a child process
  index     `paperfeed index --limit 0` afterwards: the keyword index and key phrases built
            from the store (embeddings are bench/embedding.py's); --no-index skips it, which
            saves about 3.4 s per 1,000 records

for the given database and, when that is PostgreSQL, for a fresh SQLite file
too: SQLite's import leaves its keyword index to the index step, PostgreSQL's
generated search vectors are made by the import itself. Prints records per
second, the ratio to the baseline and the child's peak memory (max RSS), which
should not grow with N.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import orjson

CATEGORIES = [
    "cs.CL",
    "cs.LG",
    "cs.CV",
    "cs.AI",
    "stat.ML",
    "math.OC",
    "hep-th",
    "quant-ph",
    "astro-ph.CO",
    "cond-mat.mes-hall",
    "math.PR",
    "eess.SP",
    "q-bio.NC",
    "physics.optics",
    "econ.EM",
]


def generate(path: Path, n: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    vocab = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(3, 11))) for _ in range(20000)]
    surnames = [w.capitalize() for w in vocab[:5000]]
    start = datetime(2007, 4, 1, tzinfo=UTC)
    with open(path, "wb") as f:
        for i in range(n):
            created = start + timedelta(minutes=10 * i + rng.randint(0, 9))
            month = created.strftime("%y%m")
            versions = [
                {"version": f"v{k + 1}", "created": format_datetime(created + timedelta(days=30 * k), usegmt=True)}
                for k in range(rng.choice((1, 1, 1, 2, 2, 3)))
            ]
            authors = [
                [rng.choice(surnames), f"{rng.choice('ABCDEFGHJKLMNPRS')}. {rng.choice(surnames)}", ""]
                for _ in range(rng.randint(1, 30))
            ]
            obj = {
                "id": f"{month}.{i % 100000:05d}",
                "submitter": " ".join(authors[0][1:2] + authors[0][:1]),
                "authors": ", ".join(f"{a[1]} {a[0]}" for a in authors),
                "title": " ".join(rng.choices(vocab, k=rng.randint(6, 14))).capitalize(),
                "comments": f"{rng.randint(4, 40)} pages" if rng.random() < 0.6 else None,
                "journal-ref": None,
                "doi": f"10.{rng.randint(1000, 9999)}/x.{i}" if rng.random() < 0.3 else None,
                "report-no": None,
                "categories": " ".join(rng.sample(CATEGORIES, rng.randint(1, 4))),
                "license": "http://creativecommons.org/licenses/by/4.0/",
                "abstract": "  "
                + "\n".join(" ".join(rng.choices(vocab, k=10)) for _ in range(rng.randint(15, 25)))
                + "\n",
                "versions": versions,
                "update_date": created.date().isoformat(),
                "authors_parsed": authors,
            }
            f.write(orjson.dumps(obj) + b"\n")


def baseline(path: Path) -> tuple[int, float]:
    """Return (records, seconds) to read and parse the snapshot without storing it."""
    from paperfeed.sources.snapshot import read_snapshot

    t0 = time.perf_counter()
    n = sum(1 for _ in read_snapshot(path))
    return n, time.perf_counter() - t0


def run_cli(args: list[str], env: dict[str, str]) -> tuple[float, int, str]:
    """Return (seconds, peak RSS in KiB, first line printed) of one `paperfeed` command."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "paperfeed", *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - t0
    out = proc.stdout.read().decode() if proc.stdout else ""
    if status != 0:
        raise SystemExit(f"paperfeed {' '.join(args)} failed: {proc.stderr.read().decode() if proc.stderr else ''}")
    return elapsed, usage.ru_maxrss, out.strip().splitlines()[0]


def measure_store(url: str, path: Path, n: int, parse_s: float, index: bool) -> str:
    """Import the snapshot into the (empty) store at `url`, then index it; return the import's summary."""
    from paperfeed.store.db import make_engine
    from paperfeed.store.listings import store_stats

    env = {**os.environ, "PAPERFEED_DATABASE_URL": url, "CI": "1"}
    subprocess.run([sys.executable, "-m", "paperfeed", "init"], env=env, check=True, capture_output=True)
    engine = make_engine(url)
    with engine.connect() as conn:
        held = store_stats(conn).papers
    engine.dispose()
    if held:
        raise SystemExit(f"{url} holds {held:,} papers already: the benchmark needs an empty store")
    backend = url.split(":", 1)[0].split("+")[0]
    secs, rss_kib, summary = run_cli(["ingest", "snapshot", "--no-index", str(path)], env)
    print(
        f"{backend + ' import into the store:':34} {n / secs:10,.0f} records/s  ({secs:.1f} s, "
        f"{parse_s / secs:.2f} of the baseline, peak {rss_kib / 1024:,.0f} MiB)"
    )
    if not index:
        return summary
    index_s, index_rss, _ = run_cli(["index", "--limit", "0"], env)
    print(
        f"{backend + ' keyword index afterwards:':34} {n / index_s:10,.0f} records/s  ({index_s:.1f} s, "
        f"peak {index_rss / 1024:,.0f} MiB)"
    )
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--database", default="", help="URL of an empty database (default: a fresh SQLite file)")
    parser.add_argument("--workdir", default="", help="where to write the snapshot and SQLite file")
    parser.add_argument("--no-index", dest="index", action="store_false", help="measure the import only")
    args = parser.parse_args()
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="paperfeed-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    path = workdir / f"snapshot-{args.records}.jsonl"
    if not path.exists():
        t0 = time.perf_counter()
        generate(path, args.records)
        print(
            f"generated {args.records:,} records ({path.stat().st_size / 1e6:,.0f} MB) "
            f"in {time.perf_counter() - t0:.1f} s"
        )
    sqlite_url = f"sqlite:///{workdir / f'bench-{args.records}-{os.getpid()}.db'}"
    urls = [args.database or sqlite_url]
    if not urls[0].startswith("sqlite"):
        urls.append(sqlite_url)  # for comparison, in the same run
    n, parse_s = baseline(path)
    print(f"records: {n:,}")
    print(f"{'baseline (read + parse, no store):':34} {n / parse_s:10,.0f} records/s  ({parse_s:.1f} s)")
    summaries = [measure_store(url, path, n, parse_s, args.index) for url in urls]
    print(f"summary: {summaries[0]}")


if __name__ == "__main__":
    main()
