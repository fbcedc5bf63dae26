"""The web application: create_app builds it from settings."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, PlainTextResponse
from fastapi.templating import Jinja2Templates

from paperfeed.records import InvalidArxivId, collapse_whitespace, parse_arxiv_id
from paperfeed.settings import Settings
from paperfeed.store.db import make_engine
from paperfeed.store.papers import get_paper, latest_papers

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
TEMPLATES.env.filters["collapse"] = collapse_whitespace


def create_app(settings: Settings | None = None) -> FastAPI:
    """Return the application, bound to the store the settings name."""
    settings = settings or Settings.from_env()
    engine = make_engine(settings.database_url)
    app = FastAPI(title=settings.site_name, docs_url=None, redoc_url=None)
    app.state.engine = engine
    app.state.settings = settings

    @app.get("/", response_class=HTMLResponse)
    def index(request: Request) -> HTMLResponse:
        with engine.connect() as conn:
            papers = latest_papers(conn, 50)
        return TEMPLATES.TemplateResponse(request, "index.html", {"papers": papers, "site": settings.site_name})

    @app.get("/papers/{arxiv_id:path}", response_class=HTMLResponse)
    def paper(request: Request, arxiv_id: str) -> HTMLResponse:
        try:
            key, _ = parse_arxiv_id(arxiv_id)
        except InvalidArxivId as exc:
            raise HTTPException(404, str(exc)) from exc
        with engine.connect() as conn:
            found = get_paper(conn, key)
        if found is None:
            raise HTTPException(404, f"no paper {key} here")
        return TEMPLATES.TemplateResponse(request, "paper.html", {"paper": found, "site": settings.site_name})

    @app.get("/healthz", response_class=PlainTextResponse)
    async def healthz() -> str:
        return "ok"

    return app
