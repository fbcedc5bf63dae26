"""`paperfeed index` and `paperfeed search`."""

from __future__ import annotations

import click

from paperfeed.cli.context import load_settings, open_store
from paperfeed.records import collapse_whitespace
from paperfeed.search.keyword import index_pending, keyword_search, rebuild
from paperfeed.search.query import parse_query


@click.command()
@click.option("--rebuild", "from_scratch", is_flag=True, help="Index every paper again instead of only the changed.")
def index(from_scratch: bool) -> None:
    """Bring the search index up to date with the store (incremental; ingest runs it too)."""
    engine = open_store(load_settings())
    with engine.begin() as conn:
        count = rebuild(conn) if from_scratch else index_pending(conn)
    click.echo(f"keyword index: {count} papers indexed")


@click.command()
@click.argument("query")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 100))
def search(query: str, limit: int) -> None:
    """Search the papers: words, "phrases", author:NAME, category:cs.CL, after:DATE, before:DATE."""
    engine = open_store(load_settings())
    with engine.connect() as conn:
        results = keyword_search(conn, parse_query(query), limit=limit)
    for note in results.notes:
        click.echo(f"note: {note}", err=True)
    click.echo(f"{results.total} papers match")
    for n, hit in enumerate(results.hits, 1):
        p = hit.paper
        click.echo(f"{n:3}. {p.arxiv_id:18} {collapse_whitespace(p.title)[:100]}")
