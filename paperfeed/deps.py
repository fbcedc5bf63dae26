"""What every HTTP entry point (the site and the API) depends on, as typed FastAPI dependencies.

The application keeps one `Services` in its state, built by `paperfeed.app`;
handlers name what they need (`EngineDep`, `SettingsDep`, `VectorsDep`,
`ArxivDep`, `ComposerDep`) instead of reading the state untyped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Form, Path, Request
from sqlalchemy.engine import Engine

from paperfeed.mail.compose import Composer
from paperfeed.search.live import LiveVectors
from paperfeed.settings import Settings
from paperfeed.sources.http import Polite


@dataclass(frozen=True, slots=True)
class Services:
    """What the application is bound to: settings, the store, the search vectors, arXiv, the mail composer."""

    settings: Settings
    engine: Engine
    vectors: LiveVectors
    arxiv: Polite
    composer: Composer


def services_of(request: Request) -> Services:
    return request.app.state.services


def settings_of(request: Request) -> Settings:
    return services_of(request).settings


def engine_of(request: Request) -> Engine:
    return services_of(request).engine


def vectors_of(request: Request) -> LiveVectors:
    return services_of(request).vectors


def arxiv_of(request: Request) -> Polite:
    return services_of(request).arxiv


def composer_of(request: Request) -> Composer:
    return services_of(request).composer


SettingsDep = Annotated[Settings, Depends(settings_of)]
EngineDep = Annotated[Engine, Depends(engine_of)]
VectorsDep = Annotated[LiveVectors, Depends(vectors_of)]
ArxivDep = Annotated[Polite, Depends(arxiv_of)]
ComposerDep = Annotated[Composer, Depends(composer_of)]


def public_base(request: Request) -> str:
    """The site's public address for absolute links: PAPERFEED_SITE_URL (http://127.0.0.1:8000 when unset).

    Never the Host a request names: a forged Host would otherwise be written into cached pages and feeds.
    """
    return settings_of(request).base_url


def is_api_path(path: str) -> bool:
    """The API's addresses: /api/… and the markdown pages /papers/{id}.md (JSON errors, no cookies)."""
    return path.startswith("/api/") or (path.startswith("/papers/") and path.endswith(".md"))


# Row ids as they arrive in paths and forms: refused with a 400 beyond what the store's integer columns hold,
# never passed on to overflow a query.
MAX_ROW_ID = 2**31 - 1
RowId = Annotated[int, Path(ge=1, le=MAX_ROW_ID)]
FormRowId = Annotated[int, Form(ge=1, le=MAX_ROW_ID)]
