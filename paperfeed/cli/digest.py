"""`paperfeed digest`: queue and send the email digests, look at one, handle a mailed unsubscribe."""

from __future__ import annotations

import sys
from email import message_from_bytes, policy

import click
from sqlalchemy.engine import Connection

from paperfeed.cli.context import load_settings, open_store
from paperfeed.clock import now
from paperfeed.mail.addresses import AddressError, normalize_address
from paperfeed.mail.compose import Composer
from paperfeed.mail.deliver import send_outbox
from paperfeed.mail.digest import preview as preview_digest
from paperfeed.mail.digest import queue_digests
from paperfeed.store.outbox import outbox_stats
from paperfeed.store.subscriptions import Subscription, subscription_by_email, unsubscribe


def _subscription(conn: Connection, email: str) -> Subscription:
    """Return the subscription of an address, or stop with why there is none."""
    try:
        address = normalize_address(email)
    except AddressError as exc:
        raise click.ClickException(str(exc)) from exc
    sub = subscription_by_email(conn, address)
    if sub is None:
        raise click.ClickException(f"{address} has no subscription")
    return sub


@click.group()
def digest() -> None:
    """Email digests: queue what is due and send it (cron-friendly), preview one, unsubscribe an address."""


@digest.command()
@click.option(
    "--frequency",
    type=click.Choice(["daily", "weekly"]),
    default=None,
    help="Only this kind of digest (default: every kind that is due).",
)
@click.option("--queue-only", is_flag=True, help="Queue the digests in the outbox, send nothing.")
def send(frequency: str | None, queue_only: bool) -> None:
    """Queue every due digest in the outbox, then send everything pending in it.

    Safe to run as often as you like: a subscriber gets one digest per day (or
    week), and a run that died half-way is finished by the next one.
    """
    settings = load_settings()
    engine = open_store(settings)
    plan = queue_digests(engine, Composer.from_settings(settings), now(), frequency)
    click.echo(
        f"queued {plan.queued} digests ({plan.already} queued before, {plan.empty} with nothing new, "
        f"{plan.later} not yet at their hour)"
    )
    if queue_only:
        return
    if not settings.smtp_host:
        raise click.ClickException("PAPERFEED_SMTP_HOST is not set: the digests wait in the outbox until it is")
    report = send_outbox(engine, settings)
    click.echo(
        f"sent {report.sent}, will retry {report.deferred}, failed {report.failed}"
        + (f", {report.stopped} addresses stopped after repeated bounces" if report.stopped else "")
    )
    for line in report.problems[:20]:
        click.echo(f"  {line}", err=True)
    if report.error:
        raise click.ClickException(f"{report.error}; what was not sent stays in the outbox for the next run")


@digest.command()
@click.option("--email", required=True, help="The subscriber's address.")
@click.option("--raw", is_flag=True, help="Print the whole MIME message instead of its text part.")
def preview(email: str, raw: bool) -> None:
    """Print the digest this subscriber would get now (nothing is queued or sent)."""
    settings = load_settings()
    engine = open_store(settings)
    with engine.connect() as conn:
        sub = _subscription(conn, email)
        address = sub.email
        message = preview_digest(conn, Composer.from_settings(settings), sub, now())
    if message is None:
        click.echo(f"{address} would get nothing: no paper it has not already been sent")
        return
    if raw:
        sys.stdout.write(message.decode())
        return
    parsed = message_from_bytes(message, policy=policy.default)
    click.echo(f"Subject: {parsed['subject']}\nTo: {parsed['to']}\n")
    body = parsed.get_body(("plain",))
    click.echo(body.get_content() if body is not None else "")


@digest.command()
def status() -> None:
    """Count the outbox by state and show the latest failures."""
    settings = load_settings()
    engine = open_store(settings)
    with engine.connect() as conn:
        stats = outbox_stats(conn)
    click.echo("outbox: " + (", ".join(f"{n} {s}" for s, n in sorted(stats.counts.items())) or "empty"))
    for key, recipient, error in stats.failures:
        click.echo(f"  {key} to {recipient}: {error}")


@digest.command(name="unsubscribe")
@click.argument("email")
def unsubscribe_address(email: str) -> None:
    """Unsubscribe an address at once (for unsubscribe requests that arrive by mail)."""
    engine = open_store(load_settings())
    with engine.begin() as conn:
        sub = _subscription(conn, email)
        unsubscribe(conn, sub.id, sub.email, now())
    click.echo(f"{sub.email} is unsubscribed")
