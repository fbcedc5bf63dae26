"""The one settings object, read from PAPERFEED_* environment variables."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields

# arXiv asks for at most one request every 3 seconds across all its interfaces.
ARXIV_MIN_INTERVAL = 3.0


class SettingsError(ValueError):
    """Raised for a setting that is malformed or unsafe."""


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str = "sqlite:///./data/paperfeed.db"
    arxiv_api_url: str = "https://export.arxiv.org/api/query"
    oai_url: str = "https://oaipmh.arxiv.org/oai"
    arxiv_interval: float = ARXIV_MIN_INTERVAL  # seconds between arXiv requests
    http_timeout: float = 30.0
    http_retries: int = 4
    contact_email: str = ""  # put in the User-Agent, as arXiv asks of harvesters
    site_name: str = "paperfeed"
    site_url: str = ""  # public base URL, e.g. https://papers.example.org (links in feeds and mail)
    secret_key: str = ""  # signs cookies; if empty, one is kept in data_dir/secret_key
    data_dir: str = "./data"
    katex_dir: str = ""  # KaTeX's dist folder; default: node_modules/katex/dist beside the package
    argon2_time_cost: int = 3
    argon2_memory_kib: int = 65536
    session_days: int = 30
    page_cache_seconds: float = 10.0  # how long anonymous pages are reused (0: never)
    embed_after_ingest: int = 2000  # newest papers embedded right after an ingest; the rest by `paperfeed index`
    chromium_path: str = "/usr/bin/chromium"  # used by the browser tests only

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Return settings from PAPERFEED_<FIELD> variables, defaults for the rest."""
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for f in fields(cls):
            raw = env.get(f"PAPERFEED_{f.name.upper()}")
            if raw is None:
                continue
            kind = type(f.default)
            try:
                values[f.name] = kind(raw)
            except ValueError as exc:
                raise SettingsError(f"PAPERFEED_{f.name.upper()}={raw!r}: expected {kind.__name__}") from exc
        settings = cls(**values)  # type: ignore[arg-type]
        settings.check()
        return settings

    def check(self) -> None:
        """Refuse settings that would be impolite to arXiv or cannot work."""
        if self.arxiv_interval < ARXIV_MIN_INTERVAL:
            raise SettingsError(
                f"PAPERFEED_ARXIV_INTERVAL must be at least {ARXIV_MIN_INTERVAL} s: arXiv asks for it"
            )
        if self.http_retries < 0:
            raise SettingsError("PAPERFEED_HTTP_RETRIES must not be negative")
        if not self.database_url:
            raise SettingsError("PAPERFEED_DATABASE_URL must not be empty")
        if self.secret_key and len(self.secret_key) < 32:
            raise SettingsError("PAPERFEED_SECRET_KEY must have at least 32 characters")
        if self.argon2_time_cost < 1 or self.argon2_memory_kib < 8192:
            raise SettingsError("argon2 needs a time cost of at least 1 and at least 8192 KiB of memory")

    @property
    def user_agent(self) -> str:
        from paperfeed import __version__

        contact = f"; mailto:{self.contact_email}" if self.contact_email else ""
        return f"paperfeed/{__version__} (self-hosted papers site{contact})"
