"""API speed: python bench/api.py [--records N] [--seconds S] [--connections C]

Over a store of N synthetic papers (default 100,000; the same corpus as
bench/pages.py), with C concurrent connections (default 32), wrk drives:

  bare                      a bare Starlette JSON endpoint under the same uvicorn (the baseline)
  /api/daily_papers         the latest papers, 50 of them, as the Hugging Face client asks
  /api/daily_papers?date=   one day
  /api/papers/search?q=     a keyword query (no embeddings: synthetic text has no meaning to embed)
  /api/papers/{id}          one paper

each as an anonymous client sees it (the short response cache on) and with
the cache off (every request reaches the store), printing requests per
second, p50 and p99 latency and the ratio to the bare endpoint. The API's
rate limits are lifted for the run. Goal: /api/daily_papers at no less than
half the bare rate.
"""

from __future__ import annotations

import sys
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pages import (  # the same store and load generator as the page benchmark
    report,
    server_bench_setup,
    start_servers,
    stop_all,
)

BARE_APP = """
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route

async def hello(request):
    return JSONResponse([{"id": "2604.00001", "title": "bare", "upvotes": 1}])

app = Starlette(routes=[Route("/", hello)])
"""


def main() -> None:
    args, workdir, url = server_bench_setup(__doc__)
    bare_url, servers, procs = start_servers(
        workdir, url, BARE_APP, "bare_json", PAPERFEED_API_REQUESTS_PER_MINUTE="1000000000"
    )
    try:
        latest = httpx.get(servers["uncached"] + "/api/daily_papers?limit=1").json()[0]
        day = latest["publishedAt"][:10]
        word = latest["title"].split()[0].lower()
        paths = [
            "/api/daily_papers",
            f"/api/daily_papers?date={day}",
            f"/api/papers/search?q={word}",
            f"/api/papers/{latest['paper']['id']}",
        ]
        report(
            args,
            bare_url,
            "bare Starlette JSON",
            servers,
            paths,
            lambda path: path.split("?")[0] + ("?" + path.split("?")[1][:12] if "?" in path else ""),
            44,
        )
    finally:
        stop_all(procs)


if __name__ == "__main__":
    main()
