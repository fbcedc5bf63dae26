"""What an operator watches: /healthz (alive), /readyz (store and index reachable), /metrics, and the
middleware that counts and times every request by route."""

from __future__ import annotations

import ipaddress
import os
import time

import orjson
import sqlalchemy as sa
from fastapi import APIRouter, Request
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest, multiprocess
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from paperfeed.deps import engine_of, vectors_of
from paperfeed.metrics import LATENCY, REQUESTS
from paperfeed.search.embedder import model_problem

router = APIRouter(include_in_schema=False)


class RequestMetrics:
    """ASGI middleware: a count and a latency per route template (never per raw path: bounded labels)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = {"code": 500}

        async def note(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, note)
        finally:
            route = scope.get("route")
            name = getattr(route, "path", None) or (
                "static" if scope["path"].startswith(("/static", "/vendor")) else "unmatched"
            )
            REQUESTS.labels(method=scope["method"], route=name, status=str(status["code"])).inc()
            LATENCY.labels(route=name).observe(time.perf_counter() - started)


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """The process answers."""
    return {"status": "ok"}


@router.get("/readyz")
def readyz(request: Request) -> Response:
    """The store answers and the search index can be loaded: ready for traffic (503 otherwise).

    A model that cannot be loaded is reported but leaves the site ready: keyword search still answers.
    """
    checks = {}
    try:
        with engine_of(request).connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as exc:  # any failure to reach the store means not ready
        checks["database"] = f"unreachable: {type(exc).__name__}"
    try:
        _, index = vectors_of(request).get()
        checks["index"] = "ok" if index is not None else "none (keyword search only)"
    except Exception as exc:
        checks["index"] = f"failed: {type(exc).__name__}"
    problem = model_problem()
    checks["model"] = f"cannot be loaded, {problem} (keyword search only)" if problem else "ok"
    ready = checks["database"] == "ok" and not checks["index"].startswith("failed")
    body = {"status": "ready" if ready else "not ready", **checks}
    return Response(orjson.dumps(body), status_code=200 if ready else 503, media_type="application/json")


@router.get("/metrics")
def metrics(request: Request) -> Response:
    """Prometheus metrics, for scrapers on this machine or its private network only."""
    try:
        address = ipaddress.ip_address(request.client.host if request.client else "")
        # Link-local addresses (169.254/16, fe80::/10) count as private to ipaddress; they are not our network.
        allowed = (address.is_private or address.is_loopback) and not address.is_link_local
    except ValueError:
        allowed = False
    if not allowed:
        return Response("metrics are served to the local network only\n", status_code=403, media_type="text/plain")
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
