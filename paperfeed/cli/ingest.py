"""`paperfeed ingest …`: fill the store from arXiv's API, OAI-PMH or the bulk snapshot."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import click
from sqlalchemy.engine import Engine

from paperfeed.cli.context import arxiv_http, load_settings, open_store
from paperfeed.cli.search import update_indexes
from paperfeed.ingest import (
    IngestSummary,
    harvest_oai,
    import_snapshot,
    ingest_arxiv_ids,
    ingest_arxiv_query,
    mirror_daily_papers,
)
from paperfeed.records import InvalidArxivId
from paperfeed.sources.arxiv_api import SORT_BY, SORT_ORDER
from paperfeed.sources.hf_daily import DailyPapersError
from paperfeed.sources.http import Polite, RateLimiter, SourceError, make_client
from paperfeed.sources.snapshot import CorruptSnapshot


def _report(summary: IngestSummary, engine: Engine, index: bool = True) -> None:
    """Print what changed, then bring the search index up to date (indexes follow the store)."""
    click.echo(str(summary))
    if summary.changed and index:
        # A large backlog (a bulk import) is left to `paperfeed index`, which can run in the background.
        update_indexes(engine, embed_limit=load_settings().embed_after_ingest)


def _day(_ctx: click.Context, _param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(f"{value!r} is not a date like 2026-04-06") from exc


@click.group()
def ingest() -> None:
    """Fetch papers into the store. Each prints what changed and exits non-zero only on failure.

    All arXiv traffic is limited to one request every 3 seconds.
    """


@ingest.command("arxiv")
@click.option(
    "--ids", "ids", multiple=True, metavar="IDS", help="arXiv ids or URLs, separated by commas (or repeat the option)."
)
@click.option("--query", "query", metavar="QUERY", help="An arXiv API search query, e.g. 'cat:cs.CL AND ti:tokenizer'.")
@click.option(
    "--max",
    "max_results",
    default=100,
    show_default=True,
    type=click.IntRange(1, 30000),
    help="At most this many results for --query.",
)
@click.option("--sort-by", type=click.Choice(SORT_BY), default="submittedDate", show_default=True)
@click.option("--sort-order", type=click.Choice(SORT_ORDER), default="descending", show_default=True)
def ingest_arxiv(ids: tuple[str, ...], query: str | None, max_results: int, sort_by: str, sort_order: str) -> None:
    """Fetch papers from the arXiv API, by id list or by search query."""
    id_list = [i.strip() for chunk in ids for i in chunk.split(",") if i.strip()]
    if bool(id_list) == bool(query):
        raise click.UsageError("give either --ids or --query")
    settings = load_settings()
    engine = open_store(settings)
    http = arxiv_http(settings)
    try:
        if id_list:
            summary = ingest_arxiv_ids(engine, http, settings.arxiv_api_url, id_list)
        else:
            summary = ingest_arxiv_query(
                engine,
                http,
                settings.arxiv_api_url,
                query or "",
                max_results=max_results,
                sort_by=sort_by,
                sort_order=sort_order,
            )
    except (SourceError, InvalidArxivId) as exc:
        raise click.ClickException(str(exc)) from exc
    _report(summary, engine)


@ingest.command("oai")
@click.option("--set", "set_spec", metavar="SET", help="A group (cs), archive (physics:hep-th) or category (cs:cs:LG).")
@click.option(
    "--from",
    "from_date",
    callback=_day,
    metavar="DATE",
    help="Records modified since this day. Default: the day the last complete harvest began.",
)
@click.option("--until", "until", callback=_day, metavar="DATE", help="Records modified until this day.")
@click.option(
    "--format",
    "metadata_prefix",
    type=click.Choice(["arXiv", "arXivRaw"]),
    default="arXivRaw",
    show_default=True,
    help="arXivRaw also carries each paper's version history.",
)
def ingest_oai(set_spec: str | None, from_date: date | None, until: date | None, metadata_prefix: str) -> None:
    """Harvest arXiv's OAI-PMH interface incrementally; an interrupted harvest resumes where it stopped."""
    settings = load_settings()
    engine = open_store(settings)
    try:
        summary = harvest_oai(
            engine,
            arxiv_http(settings),
            settings.oai_url,
            set_spec=set_spec,
            metadata_prefix=metadata_prefix,
            from_date=from_date,
            until=until,
        )
    except SourceError as exc:
        raise click.ClickException(f"{exc} (the harvest's checkpoint is kept: run again to resume)") from exc
    _report(summary, engine)


@ingest.command("snapshot")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--index/--no-index",
    default=True,
    show_default=True,
    help="Update the search index afterwards (or leave it to `paperfeed index`).",
)
def ingest_snapshot(path: Path, index: bool) -> None:
    """Import the bulk metadata snapshot (JSON lines, plain or gzipped). Bad lines are reported and skipped."""
    engine = open_store(load_settings())
    try:
        summary = import_snapshot(engine, path)
    except CorruptSnapshot as exc:
        raise click.ClickException(str(exc)) from exc
    _report(summary, engine, index)


@ingest.command("hf-daily")
@click.option("--date", "day", callback=_day, metavar="DATE", help="The day, e.g. 2026-04-06.")
@click.option("--week", metavar="WEEK", help="The ISO week, e.g. 2026-W14.")
@click.option(
    "--base-url",
    default="https://huggingface.co",
    show_default=True,
    help="A Hugging Face-compatible server (another paperfeed site works too).",
)
@click.option("--no-arxiv", is_flag=True, help="Keep the list's own metadata; fetch nothing from arXiv.")
def ingest_hf_daily(day: date | None, week: str | None, base_url: str, no_arxiv: bool) -> None:
    """Mirror a daily-papers list: its papers, upvotes and listing days, then arXiv's metadata for them."""
    if bool(day) == bool(week):
        raise click.UsageError("give either --date or --week")
    if week and not re.fullmatch(r"\d{4}-W\d{2}", week):
        raise click.BadParameter(f"{week!r} is not a week like 2026-W14", param_hint="--week")
    settings = load_settings()
    engine = open_store(settings)
    client = make_client(settings)
    # Not arXiv: its own pace (1 request a second), the same retries.
    http = Polite(client, RateLimiter(1.0), settings.http_retries)
    try:
        summary = mirror_daily_papers(
            engine,
            http,
            base_url,
            arxiv_http(settings),
            settings.arxiv_api_url,
            day=day,
            week=week,
            fetch_arxiv=not no_arxiv,
        )
    except (SourceError, DailyPapersError) as exc:
        raise click.ClickException(str(exc)) from exc
    _report(summary, engine)
