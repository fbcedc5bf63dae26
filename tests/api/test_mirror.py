"""`ingest hf-daily` against a second paperfeed server: one site starts from another's picks."""

from __future__ import annotations

import sqlalchemy as sa
from click.testing import CliRunner

from paperfeed.cli import main
from paperfeed.ingest import mirror_daily_papers
from paperfeed.settings import Settings
from paperfeed.sources.http import Polite, RateLimiter, make_client
from paperfeed.store.db import make_engine, migrate
from paperfeed.store.schema import papers
from tests.api.test_hf_client import busiest_day
from tests.web.conftest import arxiv_handler


def test_a_site_mirrors_another_sites_daily_list(live, engine, tmp_path, polite):
    day = busiest_day(engine)
    with engine.connect() as conn:
        source = {r.arxiv_id: r for r in conn.execute(sa.select(papers).where(papers.c.listed_on == day))}
    mirror = make_engine(f"sqlite:///{tmp_path / 'mirror.db'}")
    migrate(mirror)
    http = Polite(make_client(Settings()), RateLimiter(0.0), retries=0)
    summary = mirror_daily_papers(
        mirror, http, live.url, polite(arxiv_handler), "https://export.arxiv.org/api/query", day=day
    )
    assert summary.counts.inserted == len(source) and summary.skipped == 0
    with mirror.connect() as conn:
        copied = {r.arxiv_id: r for r in conn.execute(sa.select(papers))}
    assert set(copied) == set(source)
    for arxiv_id, row in copied.items():
        assert row.listed_on == day
        assert row.base_upvotes == source[arxiv_id].base_upvotes + source[arxiv_id].vote_count
        assert row.organization == source[arxiv_id].organization
        assert row.categories  # filled in from (the fixture) arXiv


def test_the_command_explains_bad_input(tmp_path):
    env = {"PAPERFEED_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}", "CI": "1"}
    both = CliRunner().invoke(main, ["ingest", "hf-daily"], env=env)
    assert both.exit_code == 2 and "give either --date or --week" in both.output
    week = CliRunner().invoke(main, ["ingest", "hf-daily", "--week", "14"], env=env)
    assert week.exit_code == 2 and "is not a week like 2026-W14" in week.output
    down = CliRunner().invoke(
        main,
        ["ingest", "hf-daily", "--date", "2026-04-06", "--base-url", "http://127.0.0.1:9", "--no-arxiv"],
        env={**env, "PAPERFEED_HTTP_RETRIES": "0"},
    )
    assert down.exit_code == 1 and "Error" in down.output
