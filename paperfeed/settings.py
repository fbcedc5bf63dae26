"""The one settings object, read from PAPERFEED_* environment variables."""

from __future__ import annotations

import os
import secrets
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from urllib.parse import urlsplit

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
    threads: int = 4  # threads a web worker runs handlers on (see docs/architecture.md: fewer is faster)
    page_cache_seconds: float = 10.0  # how long anonymous pages are reused (0: never)
    harvest_sets: str = "cs"  # OAI-PMH sets `paperfeed worker` harvests each day, comma-separated
    embed_after_ingest: int = 2000  # newest papers embedded right after an ingest; the rest by `paperfeed index`
    smtp_host: str = ""  # where mail goes out; empty: mail is queued in the outbox but not sent
    smtp_port: int = 587
    smtp_tls: str = "starttls"  # starttls, ssl (implicit TLS, usually port 465) or none (a local relay)
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_timeout: float = 30.0
    api_requests_per_minute: int = 600  # per client address, without a token (per worker)
    api_token_requests_per_minute: int = 1200  # per personal API token (per worker)
    fetch_submissions: int = 1  # 1: `paperfeed serve` fetches queued submissions in a thread; 0: the worker does
    mail_from: str = ""  # the From address of every mail, e.g. papers@example.org

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Return settings from PAPERFEED_<FIELD> variables, defaults for the rest."""
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for f in fields(cls):
            raw = env.get(f"PAPERFEED_{f.name.upper()}")
            if raw is None:
                continue
            kind: type = type(f.default)
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
            raise SettingsError(f"PAPERFEED_ARXIV_INTERVAL must be at least {ARXIV_MIN_INTERVAL} s: arXiv asks for it")
        if self.http_retries < 0:
            raise SettingsError("PAPERFEED_HTTP_RETRIES must not be negative")
        if not self.database_url:
            raise SettingsError("PAPERFEED_DATABASE_URL must not be empty")
        if self.secret_key and len(self.secret_key) < 32:
            raise SettingsError("PAPERFEED_SECRET_KEY must have at least 32 characters")
        if not 1 <= self.threads <= 256:
            raise SettingsError("PAPERFEED_THREADS must be from 1 to 256")
        if self.smtp_tls not in ("starttls", "ssl", "none"):
            raise SettingsError("PAPERFEED_SMTP_TLS must be starttls, ssl or none")
        if not 0 < self.smtp_port < 65536:
            raise SettingsError("PAPERFEED_SMTP_PORT must be a port number")
        if self.argon2_time_cost < 1 or self.argon2_memory_kib < 8192:
            raise SettingsError("argon2 needs a time cost of at least 1 and at least 8192 KiB of memory")

    @property
    def base_url(self) -> str:
        """The site's public address, for links that leave the site (mail, feeds)."""
        return self.site_url.rstrip("/") or "http://127.0.0.1:8000"

    @property
    def sender(self) -> str:
        """The From address of mail: the setting, else noreply at the site's host."""
        if self.mail_from:
            return self.mail_from
        host = urlsplit(self.base_url).hostname or "localhost"
        return f"noreply@{'localhost' if host.replace('.', '').isdigit() else host}"

    @property
    def user_agent(self) -> str:
        from paperfeed import __version__

        contact = f"; mailto:{self.contact_email}" if self.contact_email else ""
        return f"paperfeed/{__version__} (self-hosted papers site{contact})"


def signing_secret(settings: Settings) -> str:
    """Return the signing secret: from the environment, else a key file made once in the data folder.

    The file is written whole under a temporary name and then linked into place, which fails if
    another process got there first: processes starting together all read the one key, never a
    half-written file.
    """
    if settings.secret_key:
        return settings.secret_key
    path = Path(settings.data_dir) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, draft = tempfile.mkstemp(dir=path.parent, prefix=".secret_key.")  # mode 0600
    try:
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(48))
        os.link(draft, path)
    except FileExistsError:
        pass  # another process made it first: use theirs
    finally:
        os.unlink(draft)
    return path.read_text().strip()
