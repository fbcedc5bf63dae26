from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from paperfeed.ingest import load_sample
from paperfeed.mail.compose import Composer
from paperfeed.settings import Settings
from paperfeed.store.schema import papers
from paperfeed.store.subscriptions import Preferences, Subscription, Wanted, confirm, subscribe


@pytest.fixture
def mail_settings(database_url, tmp_path, smtp) -> Settings:
    return Settings(
        database_url=database_url,
        data_dir=str(tmp_path),
        secret_key="mail-secret-" + "y" * 40,
        site_url="https://papers.example.org",
        smtp_host="127.0.0.1",
        smtp_port=smtp.port,
        smtp_tls="none",
        mail_from="digest@papers.example.org",
        smtp_timeout=5,
    )


@pytest.fixture
def composer(mail_settings) -> Composer:
    return Composer.from_settings(mail_settings)


def with_smtp(settings: Settings, **changes) -> Settings:
    return dataclasses.replace(settings, **changes)


NOW = datetime(2026, 4, 6, 7, 0)


@pytest.fixture
def recent(engine):
    """The sample corpus, listed over the four days before NOW, with upvotes: a site in use."""
    load_sample(engine)
    spread_recent(engine)
    return engine


def spread_recent(engine) -> None:
    """List the papers over the four days before NOW, with upvotes."""
    with engine.begin() as conn:
        for paper_id in conn.execute(sa.select(papers.c.id)).scalars().all():
            conn.execute(
                papers.update()
                .where(papers.c.id == paper_id)
                .values(listed_on=NOW.date() - timedelta(days=paper_id % 4), base_upvotes=(paper_id * 7) % 13)
            )


def subscriber(engine, email: str, prefs: Preferences | None = None, confirmed: bool = True) -> Subscription:
    with engine.begin() as conn:
        wanted = Wanted(prefs or Preferences())
        sub, _ = subscribe(conn, email, wanted, NOW - timedelta(hours=1))
        if confirmed:
            sub = confirm(conn, sub.id, sub.email, wanted, NOW - timedelta(hours=1))
    return sub
