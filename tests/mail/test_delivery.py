"""The sender under faults: refused connections, dropped ones, 4xx and 5xx replies, a killed process."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from datetime import timedelta

import sqlalchemy as sa

from paperfeed.mail.deliver import send_outbox
from paperfeed.mail.digest import queue_digests
from paperfeed.store.outbox import MAX_ATTEMPTS
from paperfeed.store.schema import outbox
from paperfeed.store.subscriptions import STOP_AFTER_BOUNCES, Preferences, get_subscription
from tests.conftest import free_port
from tests.mail.conftest import NOW, subscriber, with_smtp

READERS = [f"reader{n}@example.org" for n in range(5)]


def queued(engine, composer, when=NOW) -> None:
    for address in READERS:
        subscriber(engine, address)
    assert queue_digests(engine, composer, when).queued == len(READERS)


def send(engine, settings, when=NOW, sleeps=None):
    return send_outbox(
        engine, settings, clock=lambda: when, sleep=(sleeps.append if sleeps is not None else lambda s: None)
    )


def statuses(engine) -> Counter:
    with engine.connect() as conn:
        return Counter(conn.execute(sa.select(outbox.c.status)).scalars())


def exactly_one_each(smtp) -> None:
    assert sorted(m["To"] for m in smtp.messages) == READERS


def test_a_server_that_refuses_connections_loses_nothing(recent, composer, mail_settings, smtp):
    queued(recent, composer)
    nowhere = with_smtp(mail_settings, smtp_port=free_port())
    report = send(recent, nowhere)
    assert report.sent == 0 and "cannot reach the SMTP server" in report.error
    assert statuses(recent) == {"pending": len(READERS)}
    report = send(recent, mail_settings)  # the server is back
    assert report.sent == len(READERS) and report.error is None
    exactly_one_each(smtp)


def test_a_connection_dropped_mid_batch_is_reopened(recent, composer, mail_settings, smtp):
    queued(recent, composer)
    smtp.faults = ["ok", "ok", "drop"]
    report = send(recent, mail_settings)
    assert (report.sent, report.deferred, report.failed) == (len(READERS), 0, 0)
    exactly_one_each(smtp)


def test_a_4xx_is_retried_with_backoff_and_then_delivered(recent, composer, mail_settings, smtp):
    queued(recent, composer)
    smtp.faults = ["ok", "451", "451"]
    sleeps: list[float] = []
    report = send(recent, mail_settings, sleeps=sleeps)
    assert report.sent == len(READERS)
    assert sleeps == [1.0, 2.0]  # doubling waits between the tries
    exactly_one_each(smtp)


def test_a_message_refused_for_now_waits_for_a_later_run(recent, composer, mail_settings, smtp):
    queued(recent, composer)
    smtp.faults = ["451"] * 3  # the first message is refused three times in a row
    report = send(recent, mail_settings)
    assert (report.sent, report.deferred) == (len(READERS) - 1, 1)
    assert "451" in report.problems[0]
    assert send(recent, mail_settings, NOW + timedelta(seconds=30)).sent == 0  # not yet due
    assert send(recent, mail_settings, NOW + timedelta(minutes=3)).sent == 1
    exactly_one_each(smtp)


def test_temporary_failures_end_in_a_clear_failure(recent, composer, mail_settings, smtp):
    subscriber(recent, READERS[0])
    queue_digests(recent, composer, NOW)
    smtp.faults = ["451"] * 100
    when = NOW
    for _ in range(MAX_ATTEMPTS):
        send(recent, mail_settings, when)
        when += timedelta(days=1)
    assert statuses(recent) == {"failed": 1}
    with recent.connect() as conn:
        assert "gave up after" in conn.execute(sa.select(outbox.c.last_error)).scalar()


def test_permanent_failures_are_recorded_and_repeated_bounces_stop_mail(recent, composer, mail_settings, smtp):
    bouncing = subscriber(recent, "gone@example.org")
    subscriber(recent, "ada@example.org")
    smtp.refused = {"gone@example.org"}
    for day in range(STOP_AFTER_BOUNCES + 2):
        when = NOW + timedelta(days=day)
        queue_digests(recent, composer, when)
        send(recent, mail_settings, when)
    with recent.connect() as conn:
        sub = get_subscription(conn, bouncing.id)
        failed = conn.execute(sa.select(outbox.c.last_error).where(outbox.c.status == "failed")).scalars().all()
    assert sub.stopped_at is not None and sub.bounces == STOP_AFTER_BOUNCES
    assert len(failed) == STOP_AFTER_BOUNCES and all(e.startswith("550") for e in failed)
    assert len(smtp.to("ada@example.org")) == STOP_AFTER_BOUNCES + 2


def test_a_sender_killed_between_two_messages_resumes_without_duplicates(
    recent, composer, mail_settings, smtp, database_url
):
    for address in READERS:
        subscriber(recent, address, Preferences(hour=0))  # due whatever the hour of the real clock
    env = {
        **os.environ,
        "CI": "1",
        "PAPERFEED_DATABASE_URL": database_url,
        "PAPERFEED_DATA_DIR": mail_settings.data_dir,
        "PAPERFEED_SECRET_KEY": mail_settings.secret_key,
        "PAPERFEED_SMTP_HOST": "127.0.0.1",
        "PAPERFEED_SMTP_PORT": str(smtp.port),
        "PAPERFEED_SMTP_TLS": "none",
        "PAPERFEED_MAIL_FROM": mail_settings.mail_from,
    }
    command = [sys.executable, "-m", "paperfeed", "digest", "send"]
    first = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    smtp.kill = (first.pid, 3)  # killed when it starts the third message, two being sent
    first.wait(60)
    assert first.returncode == -9
    assert len(smtp.messages) == 2
    assert statuses(recent) == {"sent": 2, "pending": len(READERS) - 2}
    smtp.kill = None
    second = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    assert second.returncode == 0, second.stderr
    assert "sent 3" in second.stdout and "queued 0 digests (5 queued before" in second.stdout
    exactly_one_each(smtp)
