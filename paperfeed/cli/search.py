"""`paperfeed index` and `paperfeed search`."""

from __future__ import annotations

import click
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from paperfeed.cli.context import load_settings, open_store
from paperfeed.records import collapse_whitespace
from paperfeed.search.embedder import ModelMissing, default_model
from paperfeed.search.keyword import index_pending, rebuild
from paperfeed.search.keywords import index_keywords
from paperfeed.search.query import parse_query
from paperfeed.search.semantic import embed_pending, hybrid_search
from paperfeed.search.vectors import HNSW_ABOVE, count_pending, index_paths, load_index, update_hnsw
from paperfeed.store.schema import embeddings


def update_indexes(engine: Engine, *, embed_limit: int | None, from_scratch: bool = False,
                   data_dir: str | None = None) -> None:
    """Bring the keyword index and the embeddings up to date, saying what was done."""
    with engine.begin() as conn:
        count = rebuild(conn) if from_scratch else index_pending(conn)
        keyworded = index_keywords(conn)
    click.echo(f"keyword index: {count} papers indexed; keywords picked for {keyworded}")
    if embed_limit == 0:
        return
    try:
        model = default_model()
    except ModelMissing as exc:
        click.echo(f"embeddings: skipped ({exc})")
        return
    done = embed_pending(engine, model, limit=embed_limit)
    with engine.connect() as conn:
        left = count_pending(conn)
    click.echo(f"embeddings: {done} papers embedded" + (f", {left} left for `paperfeed index`" if left else ""))
    data_dir = data_dir or load_settings().data_dir
    with engine.connect() as conn:
        total = conn.execute(sa.select(sa.func.count()).select_from(embeddings)).scalar() or 0
        if total >= HNSW_ABOVE or index_paths(data_dir)[0].exists():
            added = update_hnsw(conn, data_dir, rebuild=from_scratch)
            click.echo(f"vector index: {added} vectors added to {index_paths(data_dir)[0]}")


@click.command()
@click.option("--rebuild", "from_scratch", is_flag=True, help="Index every paper again instead of only the changed.")
@click.option("--limit", type=click.IntRange(0), default=None,
              help="Embed at most this many papers (newest first); run again to go on.")
def index(from_scratch: bool, limit: int | None) -> None:
    """Bring the search indexes up to date: keyword index and embeddings (resumable, newest papers first).

    Embedding runs at roughly a dozen papers a second per machine: a large backlog is best left to
    this command in the background; stopping it loses at most the current chunk of 256.
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
        click.echo(f"{n:3}. {p.arxiv_id:18} {collapse_whitespace(p.title)[:100]}")
