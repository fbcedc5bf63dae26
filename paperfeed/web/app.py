"""The web application: create_app builds it from settings."""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from http.cookies import SimpleCookie
from pathlib import Path

import anyio
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

import paperfeed
from paperfeed.api import routes as api_routes
from paperfeed.api.errors import error_response
from paperfeed.api.limits import ApiLimits, is_api, is_api_path
from paperfeed.mail.compose import Composer
from paperfeed.search.live import LiveVectors
from paperfeed.settings import Settings
from paperfeed.sources.http import Polite, make_client
from paperfeed.store.db import make_engine
from paperfeed.web import filters, observe
from paperfeed.web.cache import PageCache
from paperfeed.web.deps import SignInRequired, redirect, render, sign_in_url
from paperfeed.web.limits import RateLimiter
from paperfeed.web.observe import RequestMetrics
from paperfeed.web.routes import (
    accounts,
    admin,
    browse,
    collections,
    daily,
    feeds,
    foryou,
    papers,
    search,
    submit,
    subscribe,
)
from paperfeed.web.routes import (
    settings as settings_routes,
)
from paperfeed.web.security import CSRF_COOKIE, Security

log = logging.getLogger(__name__)
HERE = Path(__file__).parent
SUBSCRIBES_PER_HOUR = 10  # per client address: enough for a person, too few to mail-bomb with

API_DESCRIPTION = """Papers as JSON. `/api/daily_papers`, `/api/papers/search`, `/api/papers/{id}` and
`/papers/{id}.md` answer like the Hugging Face papers API, so its `huggingface_hub` client works when pointed
here (`HF_ENDPOINT` or `HfApi(endpoint=...)`). Writing needs a personal token from your settings page, sent as
`Authorization: Bearer pf_...`. Errors are `{"error": "..."}` with the same text in `X-Error-Message`.
Requests are limited per address and per token; every answer says how many are left in `RateLimit-*` headers,
and a 429 says when to come back in `Retry-After`."""

SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    # KaTeX sets inline styles on what it draws; scripts come only from this site.
    (b"content-security-policy",
     b"default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; font-src 'self' data:; "
     b"script-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"),
]


class VisitorCookies:
    """Gives every visitor a signed CSRF cookie and every response the security headers.

    Plain ASGI rather than a BaseHTTPMiddleware: it sits on every request.
    """

    def __init__(self, app: ASGIApp, security: Security) -> None:
        self.app = app
        self.security = security

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        token = None
        for name, value in scope["headers"]:
            if name == b"cookie":
                jar: SimpleCookie = SimpleCookie()
                try:
                    jar.load(value.decode("latin-1"))
                except Exception:
                    continue
                if CSRF_COOKIE in jar:
                    token = jar[CSRF_COOKIE].value
        # API clients get no cookie: they post with a token, never a form.
        fresh = not self.security.valid_csrf_cookie(token) and not is_api_path(scope["path"])
        if fresh:
            token = self.security.new_csrf_cookie()
        scope.setdefault("state", {})["csrf"] = token
        secure = scope.get("scheme") == "https"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.extend(SECURITY_HEADERS)
                if fresh:
                    cookie = f"{CSRF_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age=31536000"
                    headers.append((b"set-cookie", (cookie + ("; Secure" if secure else "")).encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def npm_dir(folder: str, marker: str, override: str = "") -> Path | None:
    """Return the folder of an npm package's files that holds `marker`: `override` if set, else the one
    `npm ci` installed beside the package; None when neither has it."""
    installed = Path(paperfeed.__file__).resolve().parents[1] / "node_modules" / folder
    candidates = [Path(override), installed] if override else [installed]
    return next((c for c in candidates if (c / marker).exists()), None)


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
        yield

    app = FastAPI(lifespan=lifespan, title=f"{settings.site_name} API", version=paperfeed.__version__,
                  docs_url=None, redoc_url=None, openapi_url="/openapi.json", description=API_DESCRIPTION)
    app.state.settings = settings
    app.state.engine = make_engine(settings.database_url)
    app.state.security = Security.from_settings(settings)
    app.state.arxiv = arxiv or Polite.for_arxiv(make_client(settings), settings)
    app.state.vectors = LiveVectors(app.state.engine, settings.data_dir)
    app.state.composer = Composer.from_settings(settings)
    app.state.subscribe_limits = RateLimiter(SUBSCRIBES_PER_HOUR, 3600)
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    filters.install(templates.env)
    katex = npm_dir("katex/dist", "katex.min.js", settings.katex_dir)
    swagger = npm_dir("swagger-ui-dist", "swagger-ui-bundle.js")
    templates.env.globals["katex"] = katex is not None
    app.state.templates = templates

    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    if katex is not None:
        app.mount("/vendor/katex", StaticFiles(directory=str(katex)), name="katex")
    else:
        log.warning("KaTeX not found (run `npm ci`): TeX is shown as source")
    if swagger is not None:
        app.mount("/vendor/swagger-ui", StaticFiles(directory=str(swagger)), name="swagger-ui")
    templates.env.globals["api_docs"] = swagger is not None

    # The API first: /papers/{id}.md must be matched before the paper page's /papers/{id}.
    app.include_router(observe.router)
    app.include_router(api_routes.router)
    app.include_router(api_routes.write)
    for module in (daily, foryou, papers, browse, accounts, settings_routes, collections, submit, admin, search,
                   subscribe, feeds):
        app.include_router(module.router, include_in_schema=False)

    @app.exception_handler(SignInRequired)
    async def to_sign_in(request: Request, exc: SignInRequired):  # type: ignore[no-untyped-def]
        return redirect(sign_in_url(exc.next_url))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):  # type: ignore[no-untyped-def]
        if is_api(request):
            message = exc.detail if isinstance(exc.detail, str) else "This request cannot be answered."
            if exc.status_code == 404 and message == "Not Found":
                message = "There is no such API endpoint."
            return error_response(exc.status_code, message, getattr(exc, "headers", None))
        titles = {403: "Not allowed", 404: "Not found", 405: "Not allowed", 429: "Slow down"}
        message = exc.detail if isinstance(exc.detail, str) else "Something is wrong with this request."
        if exc.status_code == 404 and message == "Not Found":
            message = "There is no page at this address."
        return render(request, "error.html", {"title": titles.get(exc.status_code, "Error"), "message": message,
                                              "status": exc.status_code},
                      status_code=exc.status_code, headers=getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def bad_input(request: Request, exc: RequestValidationError):  # type: ignore[no-untyped-def]
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'][1:])}: {e['msg']}" for e in exc.errors()[:5])
        if is_api(request):
            return error_response(400, f"This request is malformed: {problems}.")
        return render(request, "error.html", {"title": "Bad request", "status": 400,
                                              "message": f"This request is malformed ({problems})."},
                      status_code=400)

    @app.exception_handler(Exception)
    async def server_error(request: Request, exc: Exception):  # type: ignore[no-untyped-def]
        log.error("error serving %s", request.url.path, exc_info=exc)
        if is_api(request):
            return error_response(500, "The server hit an error. It has been logged; please try again.")
        return templates.TemplateResponse(request, "error.html", {
            "title": "Something broke", "status": 500, "visitor": None, "settings": settings,
            "message": "The server hit an error. It has been logged; please try again."}, status_code=500)

    @app.get("/docs", include_in_schema=False)
    async def api_docs(request: Request):  # type: ignore[no-untyped-def]
        return render(request, "api_docs.html", {})

    # Starlette wraps in reverse order: VisitorCookies runs first, then the page cache.
    app.add_middleware(PageCache, seconds=settings.page_cache_seconds)
    app.add_middleware(VisitorCookies, security=app.state.security)
    app.add_middleware(ApiLimits, per_address=settings.api_requests_per_minute,
                       per_token=settings.api_token_requests_per_minute)
    app.add_middleware(RequestMetrics)
    return app
