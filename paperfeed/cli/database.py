"""`paperfeed init`, `migrate`, `stats`, `backup` and `restore`."""

from __future__ import annotations

from pathlib import Path

import click

from paperfeed.cli.context import load_settings, open_store
from paperfeed.cli.search import update_indexes
from paperfeed.clock import now
from paperfeed.ingest import load_sample, load_sample_morning
from paperfeed.search.embedder import model_problem
from paperfeed.search.vectors import coverage
from paperfeed.sources.sample import MORNING_ANNOUNCED
from paperfeed.store.backup import BackupError, backup, restore
from paperfeed.store.listings import store_stats
from paperfeed.text import nice_date


@click.command()
@click.option(
    "--sample",
    is_flag=True,
    help="Also load the bundled sample: 44 featured papers, and a real arXiv announcement listed today.",
)
def init(sample: bool) -> None:
    """Create or upgrade the database, optionally loading the sample corpus.

    Safe to run again: migrations only move forward and the sample is upserted (its morning moves to today).
    """
    settings = load_settings()
    engine = open_store(settings)
    click.echo(f"database ready: {engine.url.render_as_string(hide_password=True)}")
    if sample:
        summary = load_sample(engine)
        click.echo(f"sample corpus: {summary}")
        today = now().date()
        morning = load_sample_morning(engine, today)
        click.echo(
            f"sample morning (arXiv's announcement of {nice_date(MORNING_ANNOUNCED)}, listed {today}): {morning}"
        )
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
        with engine.connect() as conn:
            click.echo(f"searchable by meaning: {coverage(conn).describe()}")
    problem = model_problem()
    click.echo(f"semantic search: off, {problem}; keyword search only" if problem else "semantic search: on")


@click.command()
def migrate() -> None:
    """Bring the database schema up to date (safe on every start: it does nothing when current)."""
    settings = load_settings()
    engine = open_store(settings)
    click.echo(f"schema is current: {engine.url.render_as_string(hide_password=True)}")


@click.command(name="backup")
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(target: Path) -> None:
    """Copy the SQLite store to TARGET while the site runs (PostgreSQL: use pg_dump)."""
    engine = open_store(load_settings())
    try:
        size = backup(engine, target)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"backed up to {target} ({size / 1e6:.1f} MB)")


@click.command(name="restore")
@click.argument("source", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--yes", is_flag=True, help="Yes, replace everything in the store with the backup.")
def restore_command(source: Path, yes: bool) -> None:
    """Replace the SQLite store's content with a backup made by `paperfeed backup` (stop the site first)."""
    if not yes:
        raise click.UsageError("this replaces everything in the store: add --yes")
    settings = load_settings()
    engine = open_store(settings)
    try:
        restore(engine, source)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    engine.dispose()
    open_store(settings).dispose()  # a backup from an older paperfeed is migrated forward
    click.echo(f"restored from {source}; run `paperfeed index --rebuild` if the vector index is kept on disk")
