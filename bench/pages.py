"""Page speed: python bench/pages.py [--records N] [--seconds S] [--connections C]

Builds a store of N synthetic papers (default 100,000; see bench/ingest.py),
gives the last two weeks votes, and serves it with `paperfeed serve` (one
worker). wrk (Debian's `wrk`) then drives, with C concurrent connections:

  bare        a bare Starlette endpoint under the same uvicorn (the baseline)
  /           the daily page (latest day)
  /trending   trending
  /papers/ID  a paper page

each once as anonymous visitors see them (the short page cache on) and once
with the cache off (what a signed-in visitor costs), printing requests per
second, p50 and p99 latency, and the ratio to the bare endpoint.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ingest import generate  # the same synthetic corpus as the ingest benchmark

BARE_APP = """
from starlette.applications import Starlette
from starlette.responses import HTMLResponse
from starlette.routing import Route

async def hello(request):
    return HTMLResponse("<!doctype html><title>bare</title><p>hello</p>")

app = Starlette(routes=[Route("/", hello)])
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, proc: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited: {proc.stdout.read().decode() if proc.stdout else ''}")
        try:
            httpx.get(url, timeout=2)
            return
        except httpx.TransportError:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not answer")


def wrk(url: str, seconds: int, connections: int) -> tuple[float, float, float]:
    """Return (requests/s, p50 ms, p99 ms) from one wrk run."""
    out = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))

    def pct(p: str) -> float:
        m = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)\s*$", out, re.MULTILINE)
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    if re.search(r"Non-2xx or 3xx responses: (\d+)", out):
        raise SystemExit(f"{url} answered errors under load:\n{out}")
    return rps, pct("50"), pct("99")


def start_bare(workdir: Path, source: str, module: str) -> tuple[subprocess.Popen, str]:
    """Serve a bare Starlette app (the baseline) with the same uvicorn; return it and its address."""
    (workdir / f"{module}.py").write_text(source)
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            f"{module}:app",
            "--port",
            str(port),
            "--no-access-log",
            "--log-level",
            "warning",
        ],
        cwd=workdir,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    wait_for(url + "/", proc)
    return proc, url


def start_paperfeed(db_url: str, data_dir: str, workers: int = 1, **env: str) -> tuple[subprocess.Popen, str]:
    """Run `paperfeed serve` on the store (PAPERFEED_* settings in `env`); return it and its address."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "paperfeed", "serve", "--port", str(port), "--workers", str(workers), "--no-access-log"],
        env={**os.environ, "PAPERFEED_DATABASE_URL": db_url, "PAPERFEED_DATA_DIR": data_dir, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    wait_for(url + "/healthz", proc)
    return proc, url


def stop_all(procs: list[subprocess.Popen]) -> None:
    for p in procs:
        p.terminate()
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            p.kill()


def build_store(workdir: Path, records: int) -> str:
    db = workdir / f"pages-{records}.db"
    url = f"sqlite:///{db}"
    if db.exists():
        return url
    snapshot = workdir / f"snapshot-{records}.jsonl"
    if not snapshot.exists():
        generate(snapshot, records)
    env = {**os.environ, "PAPERFEED_DATABASE_URL": url, "CI": "1"}
    subprocess.run(
        [sys.executable, "-m", "paperfeed", "ingest", "snapshot", "--no-index", str(snapshot)],
        env=env,
        check=True,
        capture_output=True,
    )
    # The keyword index and keywords, but no embeddings: synthetic texts have no meaning to embed.
    subprocess.run(
        [sys.executable, "-m", "paperfeed", "index", "--limit", "0"], env=env, check=True, capture_output=True
    )
    import sqlite3

    conn = sqlite3.connect(db)
    conn.execute(
        "UPDATE papers SET base_upvotes = abs(random()) % 60 "
        "WHERE listed_on >= date((SELECT max(listed_on) FROM papers), '-14 days')"
    )
    conn.commit()
    conn.close()
    return url


def server_bench_setup(doc: str) -> tuple[argparse.Namespace, Path, str]:
    """Read the options every server benchmark takes and build (or reuse) its store: (args, workdir, url)."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workdir", default="")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="paperfeed-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    url = build_store(workdir, args.records)
    print(f"store of {args.records:,} papers ready in {time.perf_counter() - t0:.0f} s")
    return args, workdir, url


def start_servers(
    workdir: Path, url: str, bare_source: str, bare_module: str, **env: str
) -> tuple[str, dict[str, str], list[subprocess.Popen]]:
    """Start the bare baseline and paperfeed with its page cache on ("cached") and off ("uncached")."""
    procs: list[subprocess.Popen] = []
    try:
        bare, bare_url = start_bare(workdir, bare_source, bare_module)
        procs.append(bare)
        servers = {}
        for label, cache in (("cached", "10"), ("uncached", "0")):
            proc, servers[label] = start_paperfeed(url, str(workdir), PAPERFEED_PAGE_CACHE_SECONDS=cache, **env)
            procs.append(proc)
    except BaseException:
        stop_all(procs)
        raise
    return bare_url, servers, procs


def report(
    args: argparse.Namespace,
    bare_url: str,
    bare_label: str,
    servers: dict[str, str],
    paths: list[str],
    name_of: Callable[[str], str],
    width: int,
) -> None:
    """wrk the baseline, then every path on each server; print req/s, p50, p99 and the ratio to the baseline."""
    bare_rps, bare_p50, bare_p99 = wrk(bare_url + "/", args.seconds, args.connections)
    print(f"\n{args.connections} connections, {args.seconds} s each, one worker, wrk -t1 on the same 2 cores")
    print(f"{'endpoint':{width}} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'vs bare':>8}")
    print(f"{bare_label:{width}} {bare_rps:9.0f} {bare_p50:8.2f} {bare_p99:8.2f} {1:8.2f}")
    for label, server in servers.items():
        for path in paths:
            rps, p50, p99 = wrk(server + path, args.seconds, args.connections)
            name = f"{name_of(path)} ({label})"
            print(f"{name:{width}} {rps:9.0f} {p50:8.2f} {p99:8.2f} {rps / bare_rps:8.2f}")


def main() -> None:
    args, workdir, url = server_bench_setup(__doc__)
    bare_url, servers, procs = start_servers(workdir, url, BARE_APP, "bare_app")
    try:
        front = httpx.get(servers["uncached"] + "/").text
        paper = re.search(r'href="(/papers/[^"#]+)"', front).group(1)
        report(
            args,
            bare_url,
            "bare Starlette",
            servers,
            ["/", "/trending", paper],
            lambda path: path if len(path) < 22 else "/papers/…",
            34,
        )
    finally:
        stop_all(procs)


if __name__ == "__main__":
    main()
