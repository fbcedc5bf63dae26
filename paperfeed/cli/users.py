"""`paperfeed users …`: accounts from the command line (the first admin starts here)."""

from __future__ import annotations

import sys

import click

from paperfeed.cli.context import load_settings, open_store
from paperfeed.clock import now
from paperfeed.passwords import check_password, password_hasher
from paperfeed.store.users import AccountError, create_user, set_admin, user_by_name


@click.group()
def users() -> None:
    """Manage accounts."""


@users.command("add")
@click.argument("username")
@click.option(
    "--admin",
    is_flag=True,
    help="Make the account an administrator (hides papers and comments, confirms authorship claims).",
)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input instead of asking.")
def add(username: str, admin: bool, password_stdin: bool) -> None:
    """Create an account; with --admin on an existing account, make it an administrator."""
    settings = load_settings()
    engine = open_store(settings)
    with engine.connect() as conn:
        existing = user_by_name(conn, username)
    if existing is not None:
        if not admin:
            raise click.ClickException(f"the user {existing.username!r} exists already")
        with engine.begin() as conn:
            set_admin(conn, existing.id, True)
        click.echo(f"{existing.username} is now an administrator")
        return
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    problem = check_password(password, username)
    if problem:
        raise click.ClickException(problem)
    try:
        with engine.begin() as conn:
            user = create_user(conn, username, password_hasher(settings).hash(password), now(), is_admin=admin)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"created {user.username}{' (administrator)' if admin else ''}")
