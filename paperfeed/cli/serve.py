"""`paperfeed serve`: the web application under uvicorn."""

from __future__ import annotations

import click
import uvicorn

from paperfeed.cli.context import load_settings, open_store


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@click.option("--access-log/--no-access-log", default=True, show_default=True, help="Log every request.")
def serve(host: str, port: int, access_log: bool) -> None:
    """Serve the site (migrating the database first)."""
    open_store(load_settings()).dispose()
    click.echo(f"paperfeed at http://{host}:{port}")
    uvicorn.run("paperfeed.web.app:create_app", factory=True, host=host, port=port, log_level="info",
                access_log=access_log, proxy_headers=True)
