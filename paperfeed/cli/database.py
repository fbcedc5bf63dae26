"""`paperfeed init` and `paperfeed stats`."""

from __future__ import annotations

import click

from paperfeed.cli.context import load_settings, open_store
from paperfeed.cli.search import update_indexes
from paperfeed.ingest import load_sample
from paperfeed.store.listings import store_stats


@click.command()
@click.option("--sample", is_flag=True, help="Also load the bundled sample corpus (44 featured papers).")
def init(sample: bool) -> None:
    """Create or upgrade the database, optionally loading the sample corpus.

    Safe to run again: migrations only move forward and the sample is upserted.
    """
    settings = load_settings()
    engine = open_store(settings)
    click.echo(f"database ready: {engine.url.render_as_string(hide_password=True)}")
    if sample:
        summary = load_sample(engine)
        click.echo(f"sample corpus: {summary}")
        update_indexes(engine, embed_limit=settings.embed_after_ingest)


@click.command()
def stats() -> None:
    """Print what the store holds: papers, listing days, sources, top categories."""
    engine = open_store(load_settings())
    with engine.connect() as conn:
        s = store_stats(conn)
    click.echo(f"papers: {s.papers}")
    if s.papers:
        click.echo(f"listed from {s.first_listed} to {s.last_listed}")
        click.echo("by source: " + ", ".join(f"{k} {v}" for k, v in sorted(s.by_source.items())))
        click.echo("top categories: " + ", ".join(f"{c} {n}" for c, n in s.top_categories))
