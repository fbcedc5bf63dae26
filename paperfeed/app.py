"""The one place the web application is built: the site and the API on shared services, in one process.

`create_app` binds the services (settings, store, vectors, the arXiv client,
the mail composer) once, mounts the operator's endpoints, the API and the
site, answers errors in each one's form (JSON for the API, a page for the
site), and wraps it all in the middlewares.
"""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager

import anyio
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException

import paperfeed
from paperfeed.api.errors import error_response
from paperfeed.api.limits import ApiLimits
from paperfeed.api.routes import ROUTERS
from paperfeed.dates import DateError
from paperfeed.deps import Services, is_api_path
from paperfeed.mail.compose import Composer
from paperfeed.search.hybrid import forget_answers
from paperfeed.search.live import LiveVectors
from paperfeed.settings import Settings
from paperfeed.sources.http import Polite, make_client
from paperfeed.store.db import make_engine
from paperfeed.store.quotas import OverQuota
from paperfeed.submissions import SubmissionFetcher
from paperfeed.web.cache import PageCache
from paperfeed.web.deps import SignInRequired, redirect, render, sign_in_url
from paperfeed.web.middleware import BodyLimit, ControlChars, VisitorCookies
from paperfeed.web.observe import RequestMetrics
from paperfeed.web.personal import MemberPages
from paperfeed.web.site import make_site, mount_observe, mount_site

log = logging.getLogger(__name__)

API_DESCRIPTION = """Papers as JSON. `/api/daily_papers`, `/api/papers/search`, `/api/papers/{id}` and
`/papers/{id}.md` answer like the Hugging Face papers API, so its `huggingface_hub` client works when pointed
here (`HF_ENDPOINT` or `HfApi(endpoint=...)`). Writing needs a personal token from your settings page, sent as
`Authorization: Bearer pf_...`. Errors are `{"error": "..."}` with the same text in `X-Error-Message`.
Requests are limited per address and per token; every answer says how many are left in `RateLimit-*` headers,
and a 429 says when to come back in `Retry-After`."""

PAGE_TITLES = {400: "Bad request", 403: "Not allowed", 404: "Not found", 405: "Not allowed", 429: "Slow down"}


def create_app(settings: Settings | None = None, arxiv: Polite | None = None) -> FastAPI:
    """Return the application, bound to the store the settings name.

    `arxiv` is the client submissions fetch papers with; tests pass one serving fixtures.
    """
    settings = settings or Settings.from_env()

    @asynccontextmanager
    async def lifespan(_app: FastAPI):  # type: ignore[no-untyped-def]
        # Handlers are CPU-bound Python: with anyio's default 40 threads they fight over the GIL and a worker
        # serves a third of what it does with a few (bench/api.py; docs/architecture.md).
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.threads
        fetcher = None
        if settings.fetch_submissions:
            fetcher = SubmissionFetcher(services.engine, services.arxiv, settings)
            fetcher.start()
        yield
        if fetcher is not None:
            fetcher.stop()

    app = FastAPI(
        lifespan=lifespan,
        title=f"{settings.site_name} API",
        version=paperfeed.__version__,
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
        description=API_DESCRIPTION,
    )
    engine = make_engine(settings.database_url)
    services = Services(
        settings=settings,
        engine=engine,
        vectors=LiveVectors(engine, settings.data_dir),
        arxiv=arxiv or Polite.for_arxiv(make_client(settings), settings),
        composer=Composer.from_settings(settings),
    )
    app.state.services = services
    site = make_site(settings)
    app.state.site = site

    # The API before the site: /papers/{id}.md must be matched before the paper page's /papers/{id}.
    mount_observe(app)
    for router in ROUTERS:
        app.include_router(router)
    mount_site(app, site, settings)

    def page_error(request: Request, status: int, message: str, headers: dict[str, str] | None = None) -> Response:
        return render(
            request,
            "error.html",
            {"title": PAGE_TITLES.get(status, "Error"), "message": message, "status": status},
            status_code=status,
            headers=headers,
        )

    @app.exception_handler(SignInRequired)
    async def to_sign_in(request: Request, exc: SignInRequired) -> Response:
        return redirect(sign_in_url(exc.next_url))

    @app.exception_handler(OverQuota)
    async def over_quota(request: Request, exc: OverQuota) -> Response:
        headers = {"Retry-After": str(exc.retry_after)}
        if is_api_path(request.url.path):
            return error_response(429, str(exc), headers)
        return page_error(request, 429, str(exc), headers)

    @app.exception_handler(DateError)
    async def bad_date(request: Request, exc: DateError) -> Response:
        if is_api_path(request.url.path):
            return error_response(400, str(exc))
        return page_error(request, 400, str(exc))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        headers = getattr(exc, "headers", None)
        if is_api_path(request.url.path):
            message = exc.detail if isinstance(exc.detail, str) else "This request cannot be answered."
            if exc.status_code == 404 and message == "Not Found":
                message = "There is no such API endpoint."
            return error_response(exc.status_code, message, headers)
        message = exc.detail if isinstance(exc.detail, str) else "Something is wrong with this request."
        if exc.status_code == 404 and message == "Not Found":
            message = "There is no page at this address."
        return page_error(request, exc.status_code, message, headers)

    @app.exception_handler(RequestValidationError)
    async def bad_input(request: Request, exc: RequestValidationError) -> Response:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'][1:])}: {e['msg']}" for e in exc.errors()[:5])
        if is_api_path(request.url.path):
            return error_response(400, f"This request is malformed: {problems}.")
        return page_error(request, 400, f"This request is malformed ({problems}).")

    @app.exception_handler(Exception)
    async def server_error(request: Request, exc: Exception) -> Response:
        log.error("error serving %s", request.url.path, exc_info=exc)
        message = "The server hit an error. It has been logged; please try again."
        if is_api_path(request.url.path):
            return error_response(500, message)
        return site.templates.TemplateResponse(
            request,
            "error.html",
            {"title": "Something broke", "status": 500, "visitor": None, "settings": settings, "message": message},
            status_code=500,
        )

    @app.get("/docs", include_in_schema=False)
    async def api_docs(request: Request) -> Response:
        return render(request, "api_docs.html", {})

    # Starlette wraps in reverse order: metrics outermost, then API limits, visitor cookies, the page cache.
    members = MemberPages(engine, site.security, site.templates.env)
    app.add_middleware(PageCache, seconds=settings.page_cache_seconds, fill=members, on_write=forget_answers)
    app.add_middleware(VisitorCookies, security=site.security)
    app.add_middleware(
        ApiLimits,
        engine=engine,
        per_address=settings.api_requests_per_minute,
        per_token=settings.api_token_requests_per_minute,
    )
    app.add_middleware(ControlChars)  # a NUL or other control character is a 400 wherever it is
    app.add_middleware(BodyLimit)  # before anyone is checked: a huge body is refused unread
    app.add_middleware(RequestMetrics)
    return app
