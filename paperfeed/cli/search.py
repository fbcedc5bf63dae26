"""`paperfeed index` and `paperfeed search`."""

from __future__ import annotations

import click
from sqlalchemy.engine import Engine

from paperfeed.cli.context import load_settings, open_store
from paperfeed.search import upkeep
from paperfeed.search.embedder import ModelMissing, default_model
from paperfeed.search.hybrid import hybrid_search
from paperfeed.search.query import parse_query
from paperfeed.search.vectors import load_index
from paperfeed.text import readable


def update_indexes(engine: Engine, *, embed_limit: int | None, from_scratch: bool = False) -> None:
    """Bring every index up to date, saying what was done."""
    for line in upkeep.update_indexes(
        engine, load_settings().data_dir, embed_limit=embed_limit, from_scratch=from_scratch
    ):
        click.echo(line)


@click.command()
@click.option("--rebuild", "from_scratch", is_flag=True, help="Index every paper again instead of only the changed.")
@click.option(
    "--limit",
    type=click.IntRange(0),
    default=None,
    help="Embed at most this many papers (newest first); run again to go on.",
)
def index(from_scratch: bool, limit: int | None) -> None:
    """Bring the search indexes up to date: keyword index and embeddings (resumable, newest papers first).

    Embedding runs in two passes: titles (hundreds of papers a second), which makes every paper
    searchable by meaning, then the full text (about twenty a second on 2 cores). A large backlog is
    best left to this command in the background; stopping it loses at most the current chunk. On
    PostgreSQL, run it on as many machines as you like: they share the work.
    """
    update_indexes(open_store(load_settings()), embed_limit=limit, from_scratch=from_scratch)


@click.command()
@click.argument("query")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 100))
def search(query: str, limit: int) -> None:
    """Search the papers: words, "phrases", author:NAME, category:cs.CL, after:DATE, before:DATE."""
    engine = open_store(load_settings())
    with engine.connect() as conn:
        try:
            model, vectors = default_model(), load_index(conn, load_settings().data_dir)
        except ModelMissing:
            model, vectors = None, None
        results = hybrid_search(conn, parse_query(query), vectors, model, limit=limit)
    for note in results.notes:
        click.echo(f"note: {note}", err=True)
    click.echo(f"{results.total} papers match")
    for n, hit in enumerate(results.hits, 1):
        p = hit.paper
        click.echo(f"{n:3}. {p.arxiv_id:18} {readable(p.title, 'text')[:100]}")
