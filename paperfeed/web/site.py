"""The site's half of the application: its templates and signers, its static files, KaTeX, and its routers."""

from __future__ import annotations

import logging
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

import paperfeed
from paperfeed.settings import Settings
from paperfeed.text import install_filters
from paperfeed.web import cards, observe, personal
from paperfeed.web.deps import Site
from paperfeed.web.markup import link_urls, render_comment
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
from paperfeed.web.routes import settings as settings_routes
from paperfeed.web.security import Security

log = logging.getLogger(__name__)
HERE = Path(__file__).parent


def npm_dir(folder: str, marker: str, override: str = "") -> Path | None:
    """Return the folder of an npm package's files that holds `marker`: `override` if set, else the one
    `npm ci` installed beside the package; None when neither has it."""
    installed = Path(paperfeed.__file__).resolve().parents[1] / "node_modules" / folder
    candidates = [Path(override), installed] if override else [installed]
    return next((c for c in candidates if (c / marker).exists()), None)


def make_site(settings: Settings) -> Site:
    """Return the site's templates (with the page filters) and signers."""
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    install_filters(templates.env)
    templates.env.filters["comment"] = render_comment
    templates.env.filters["link_urls"] = link_urls
    personal.install(templates.env)
    cards.install(templates.env)
    return Site(templates, Security.from_settings(settings))


def mount_site(app: FastAPI, site: Site, settings: Settings) -> None:
    """Serve the static files and vendored npm packages, and route the site's pages (after the API's)."""
    env = site.templates.env
    katex = npm_dir("katex/dist", "katex.min.js", settings.katex_dir)
    swagger = npm_dir("swagger-ui-dist", "swagger-ui-bundle.js")
    env.globals["katex"] = katex is not None
    env.globals["api_docs"] = swagger is not None
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    if katex is not None:
        app.mount("/vendor/katex", StaticFiles(directory=str(katex)), name="katex")
    else:
        log.warning("KaTeX not found (run `npm ci`): TeX is shown as source")
    if swagger is not None:
        app.mount("/vendor/swagger-ui", StaticFiles(directory=str(swagger)), name="swagger-ui")
    for module in (
        daily,
        foryou,
        papers,
        browse,
        accounts,
        settings_routes,
        collections,
        submit,
        admin,
        search,
        subscribe,
        feeds,
    ):
        app.include_router(module.router, include_in_schema=False)


def mount_observe(app: FastAPI) -> None:
    """Route /healthz, /readyz and /metrics (before everything else)."""
    app.include_router(observe.router)
