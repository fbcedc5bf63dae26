"""Bulk snapshot import speed and memory: python bench/ingest.py [--records N] [--database URL]

Generates a synthetic snapshot in the real format (14 keys, authors_parsed,
RFC 2822 version dates) with realistic sizes: ~10-word titles, 150-250-word
abstracts, 1-30 authors, 1-4 categories. Then, in the same run:

  baseline  reading and parsing the file into records, no store (the ceiling)
  import    `paperfeed ingest snapshot --no-index` into a fresh store, in a child process
  index     `paperfeed index` afterwards: the keyword index built from the store

and prints records per second, the ratio to the baseline and the child's peak
memory (max RSS), which should not grow with N.
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--database", default="", help="database URL (default: a fresh SQLite file)")
    parser.add_argument("--workdir", default="", help="where to write the snapshot and SQLite file")
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
    url = args.database or f"sqlite:///{workdir / f'bench-{args.records}-{os.getpid()}.db'}"
    n, parse_s = baseline(path)
    env = {**os.environ, "PAPERFEED_DATABASE_URL": url, "CI": "1"}
    subprocess.run([sys.executable, "-m", "paperfeed", "init"], env=env, check=True, capture_output=True)
    # The store import alone (what a new site waits for), then the keyword index built from it.
    secs, rss_kib, summary = run_cli(["ingest", "snapshot", "--no-index", str(path)], env)
    index_s, index_rss, _ = run_cli(["index"], env)
    backend = url.split(":", 1)[0]
    print(f"records: {n:,}   backend: {backend}")
    print(f"baseline (read + parse, no store): {n / parse_s:10,.0f} records/s  ({parse_s:.1f} s)")
    print(f"import into the store:             {n / secs:10,.0f} records/s  ({secs:.1f} s)")
    print(f"ratio import / baseline:           {parse_s / secs:10.2f}")
    print(f"peak memory of the import:         {rss_kib / 1024:10,.0f} MiB")
    print(
        f"keyword index build afterwards:    {n / index_s:10,.0f} records/s  ({index_s:.1f} s, "
        f"peak {index_rss / 1024:,.0f} MiB)"
    )
    print(f"summary: {summary}")


if __name__ == "__main__":
    main()
