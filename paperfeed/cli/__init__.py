"""The `paperfeed` command: one module per command group."""

from __future__ import annotations

import click

from paperfeed import __version__
from paperfeed.cli.database import backup_command, init, migrate, restore_command, stats
from paperfeed.cli.digest import digest
from paperfeed.cli.ingest import ingest
from paperfeed.cli.search import index, search
from paperfeed.cli.serve import serve, worker
from paperfeed.cli.users import users


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="paperfeed")
def main() -> None:
    """paperfeed: a self-hostable daily papers site.

    Settings come from PAPERFEED_* environment variables; the database is
    PAPERFEED_DATABASE_URL (default: a SQLite file under ./data/).
    """


main.add_command(init)
main.add_command(stats)
main.add_command(ingest)
main.add_command(serve)
main.add_command(users)
main.add_command(index)
main.add_command(search)
main.add_command(digest)
main.add_command(worker)
main.add_command(migrate)
main.add_command(backup_command)
main.add_command(restore_command)
