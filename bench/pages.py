"""Page speed: python bench/pages.py [--records N] [--seconds S] [--connections C]

Builds a store of N synthetic papers (default 100,000; see bench/ingest.py),
gives the last two weeks votes, and serves it with `paperfeed serve` (one
worker). wrk (Debian's `wrk`) then drives, with C concurrent connections:

  bare        a bare Starlette endpoint under the same uvicorn (the baseline)
  /           the daily page (latest day)
  /trending   trending
  /papers/ID  a paper page

each as anonymous visitors see them and as a signed-in member sees them (a
real session that has upvoted papers on the page), with the short page cache
on (members' pages filled from the shared skeleton) and off (every page
rendered whole), printing requests per second, p50 and p99 latency, and the
ratio to the bare endpoint. Then the cost of a vote without scripts (the form
posts, the page comes back) against the script's JSON vote, one at a time.
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


def wrk(url: str, seconds: int, connections: int, cookie: str = "") -> tuple[float, float, float]:
    """Return (requests/s, p50 ms, p99 ms) from one wrk run (as the member whose cookie is given)."""
    out = subprocess.run(
        [
            "wrk",
            "-t1",
            f"-c{connections}",
            f"-d{seconds}s",
            "--latency",
            *(["-H", f"Cookie: {cookie}"] if cookie else []),
            url,
        ],
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
    cookie: str = "",
) -> None:
    """wrk the baseline, then every path on each server; print req/s, p50, p99 and the ratio to the baseline."""
    bare_rps, bare_p50, bare_p99 = wrk(bare_url + "/", args.seconds, args.connections)
    print(f"\n{args.connections} connections, {args.seconds} s each, one worker, wrk -t1 on the same 2 cores")
    print(f"{'endpoint':{width}} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'vs bare':>8}")
    print(f"{bare_label:{width}} {bare_rps:9.0f} {bare_p50:8.2f} {bare_p99:8.2f} {1:8.2f}")
    for who in ("anonymous", "member") if cookie else ("anonymous",):
        for label, server in servers.items():
            for path in paths:
                rps, p50, p99 = wrk(server + path, args.seconds, args.connections, cookie if who == "member" else "")
                name = f"{name_of(path)} ({who}, {label})"
                print(f"{name:{width}} {rps:9.0f} {p50:8.2f} {p99:8.2f} {rps / bare_rps:8.2f}")


FORM_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def member(base: str, papers: list[str]) -> httpx.Client:
    """Sign up a member on the site's form and upvote `papers` (what a reader does each morning)."""
    client = httpx.Client(base_url=base)

    def token() -> str:
        return FORM_TOKEN.search(client.get("/subscribe").text).group(1)

    account = {"username": "benchreader", "password": "a long bench password"}  # kept in a reused store
    signed = client.post("/signin", data={"csrf_token": token(), **account})
    if signed.status_code != 303:
        signed = client.post("/signup", data={"csrf_token": token(), **account})
    if signed.status_code != 303:
        raise SystemExit(f"sign-up failed: {signed.status_code} {signed.text[:300]}")
    front = client.get("/").text
    for paper in papers:  # upvoted, not toggled: the store may be one an earlier run voted in
        if re.search(
            rf'action="{re.escape(paper)}/vote">\s*<input[^>]*>\s*<button type="submit" aria-pressed="false"', front
        ):
            client.post(f"{paper}/vote", data={"csrf_token": token()})
    return client


def no_script_votes(client: httpx.Client, page: str, paper: str, n: int = 100) -> None:
    """Time a vote as a browser without scripts makes it (post, follow back to the page) against the JSON vote."""
    token = FORM_TOKEN.search(client.get(page).text).group(1)
    form = {"csrf_token": token, "next": page}
    timings = {}
    for label, run in (
        ("vote without scripts (post + page)", lambda: client.post(f"{paper}/vote", data=form, follow_redirects=True)),
        (
            "vote with the script (JSON)",
            lambda: client.post(f"{paper}/vote", data=form, headers={"accept": "application/json"}),
        ),
    ):
        t0 = time.perf_counter()
        for _ in range(n):
            assert run().status_code == 200
        timings[label] = (time.perf_counter() - t0) / n * 1000
    base = timings["vote with the script (JSON)"]
    print(f"\none member voting, {n} votes each way, one at a time")
    for label, ms in timings.items():
        print(f"{label:38} {ms:8.2f} ms a vote {ms / base:6.2f}x")


def main() -> None:
    args, workdir, url = server_bench_setup(__doc__)
    bare_url, servers, procs = start_servers(workdir, url, BARE_APP, "bare_app")
    try:
        front = httpx.get(servers["uncached"] + "/").text
        shown = list(dict.fromkeys(re.findall(r'href="(/papers/[^"#/]+)"', front)))
        paper = shown[0]
        reader = member(servers["cached"], shown[:10:2])  # every other paper of the first ten
        cookie = "; ".join(f"{k}={v}" for k, v in reader.cookies.items())
        report(
            args,
            bare_url,
            "bare Starlette",
            servers,
            ["/", "/trending", paper],
            lambda path: path if len(path) < 22 else "/papers/…",
            44,
            cookie,
        )
        no_script_votes(reader, "/", paper)
    finally:
        stop_all(procs)


if __name__ == "__main__":
    main()
