"""`paperfeed digest`: send, preview, status and unsubscribe against a real SMTP server."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from paperfeed.cli import main
from paperfeed.store.subscriptions import Preferences, get_subscription
from tests.mail.conftest import spread_recent, subscriber


@pytest.fixture
def run(database_url, tmp_path, smtp):
    def invoke(*args, **env):
        return CliRunner().invoke(
            main,
            list(args),
            env={
                "PAPERFEED_DATABASE_URL": database_url,
                "CI": "1",
                "PAPERFEED_DATA_DIR": str(tmp_path),
                "PAPERFEED_SMTP_HOST": "127.0.0.1",
                "PAPERFEED_SMTP_PORT": str(smtp.port),
                "PAPERFEED_SMTP_TLS": "none",
                "PAPERFEED_SITE_URL": "https://papers.example.org",
                **env,
            },
        )

    return invoke


@pytest.fixture
def readers(run, engine):
    assert run("init", "--sample").exit_code == 0
    spread_recent(engine)
    return [
        subscriber(engine, "ada@example.org", Preferences(count=3, hour=0)),
        subscriber(engine, "alan@example.org", Preferences(frequency="weekly", count=4, hour=0)),
    ]


def test_send_queues_and_sends_what_is_due_once(run, readers, smtp):
    first = run("digest", "send")
    assert first.exit_code == 0, first.output
    assert "queued 2 digests" in first.output and "sent 2" in first.output
    again = run("digest", "send")
    assert "queued 0 digests (2 queued before" in again.output and "sent 0" in again.output
    assert sorted(m["To"] for m in smtp.messages) == ["ada@example.org", "alan@example.org"]
    status = run("digest", "status")
    assert "2 sent" in status.output


def test_send_without_a_mail_server_keeps_the_digests(run, readers, smtp):
    result = run("digest", "send", PAPERFEED_SMTP_HOST="")
    assert result.exit_code == 1 and "PAPERFEED_SMTP_HOST is not set" in result.output
    assert "queued 2" in result.output and smtp.messages == []
    assert "2 pending" in run("digest", "status").output


def test_preview_prints_a_digest_and_sends_nothing(run, readers, smtp):
    result = run("digest", "preview", "--email", "Ada@example.org")
    assert result.exit_code == 0, result.output
    assert "Subject: paperfeed: 3 trending papers" in result.output
    assert "https://papers.example.org/papers/" in result.output
    raw = run("digest", "preview", "--email", "ada@example.org", "--raw")
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in raw.output
    assert smtp.messages == []
    assert "has no subscription" in run("digest", "preview", "--email", "eve@example.org").output
    assert "line breaks" in run("digest", "preview", "--email", "a@b.org\nBcc: c@d.org").output


def test_unsubscribe_an_address_by_hand(run, readers, engine, smtp):
    result = run("digest", "unsubscribe", "ada@example.org")
    assert result.exit_code == 0 and "is unsubscribed" in result.output
    with engine.connect() as conn:
        assert get_subscription(conn, readers[0].id).unsubscribed_at is not None
    run("digest", "send")
    assert [m["To"] for m in smtp.messages] == ["alan@example.org"]
