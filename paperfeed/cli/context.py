"""What every command needs: the settings, a migrated store, and the arXiv client."""

from __future__ import annotations

import click
from sqlalchemy.engine import Engine

from paperfeed.settings import Settings, SettingsError
from paperfeed.sources.http import Polite, make_client
from paperfeed.store.db import make_engine, migrate


def load_settings() -> Settings:
    try:
        return Settings.from_env()
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from exc


def open_store(settings: Settings) -> Engine:
    """Return an engine on a store whose schema is current (migrating is safe on every start)."""
    engine = make_engine(settings.database_url)
    migrate(engine)
    return engine


def arxiv_http(settings: Settings) -> Polite:
    return Polite.for_arxiv(make_client(settings), settings)
