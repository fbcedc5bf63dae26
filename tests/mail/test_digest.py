"""Digests built from the store and sent to a real SMTP server (aiosmtpd on 127.0.0.1)."""

from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa

from paperfeed.mail.deliver import send_outbox
from paperfeed.mail.digest import queue_digests
from paperfeed.store.schema import digest_papers, outbox
from paperfeed.store.subscriptions import Preferences, unsubscribe
from paperfeed.store.trending import trending_papers
from tests.mail.conftest import NOW, subscriber


def run(engine, composer, settings, when=NOW, **kw):
    plan = queue_digests(engine, composer, when)
    return plan, send_outbox(engine, settings, clock=lambda: when, sleep=lambda s: None, **kw)


def paper_ids(message) -> list[str]:
    text = message.get_body(("plain",)).get_content()
    return re.findall(r"https://papers\.example\.org/papers/([\w./-]+)\r?\n", text)


def test_a_digest_is_multipart_with_one_click_unsubscribe(recent, composer, mail_settings, smtp):
    subscriber(recent, "ada@example.org", Preferences(count=5))
    plan, report = run(recent, composer, mail_settings)
    assert (plan.queued, report.sent, report.failed) == (1, 1, 0)
    [message] = smtp.messages
    assert message["To"] == "ada@example.org"
    assert message["From"].addresses[0].addr_spec == "digest@papers.example.org"
    assert message.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]
    unsubscribe_urls = re.findall(r"<([^>]+)>", message["List-Unsubscribe"])
    assert unsubscribe_urls[0].startswith("https://papers.example.org/unsubscribe?token=")
    assert unsubscribe_urls[1].startswith("mailto:digest@papers.example.org")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "trending papers" in message["Subject"]
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    ids = paper_ids(message)
    assert len(ids) == 5
    for arxiv_id in ids:
        assert f"https://arxiv.org/abs/{arxiv_id}" in text and f"https://arxiv.org/pdf/{arxiv_id}" in text
        assert f'href="https://papers.example.org/papers/{arxiv_id}"' in html
    assert "/subscriptions/manage?token=" in text and "/subscriptions/manage?token=" in html
    # Inline styles only: no style sheet, image or script a mail client would drop or block.
    assert "<style" not in html and "<img" not in html and "<script" not in html and 'style="' in html
    assert "▲" in text and "upvote" in text


def test_the_most_upvoted_come_first_and_none_is_sent_twice(recent, composer, mail_settings, smtp):
    subscriber(recent, "ada@example.org", Preferences(count=10))
    run(recent, composer, mail_settings)
    first = paper_ids(smtp.messages[0])
    with recent.connect() as conn:
        assert first == [p.arxiv_id for p, _ in trending_papers(conn, NOW, 10)]
    # The same day again: the edition is done, nothing more.
    plan, report = run(recent, composer, mail_settings)
    assert (plan.queued, plan.already, report.sent) == (0, 1, 0)
    # The next days: new digests, never a paper sent before.
    seen = set(first)
    for day in (1, 2, 3):
        run(recent, composer, mail_settings, NOW + timedelta(days=day))
        ids = paper_ids(smtp.messages[-1])
        assert ids and not seen & set(ids)
        seen |= set(ids)
    assert len(smtp.messages) == 4
    with recent.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(digest_papers)).scalar() == len(seen)


def test_category_digests_carry_only_their_categories(recent, composer, mail_settings, smtp):
    with recent.connect() as conn:
        category = conn.execute(
            sa.text("SELECT primary_category FROM papers GROUP BY primary_category ORDER BY count(*) DESC LIMIT 1")
        ).scalar()
        expected = set(
            conn.execute(
                sa.text(
                    "SELECT p.arxiv_id FROM papers p JOIN paper_categories c ON c.paper_id = p.id WHERE c.category = :c"
                ),
                {"c": category},
            ).scalars()
        )
    subscriber(recent, "ada@example.org", Preferences("weekly", "categories", (category,), 50))
    run(recent, composer, mail_settings)
    [message] = smtp.messages
    assert set(paper_ids(message)) == expected
    assert category in message["Subject"]


def test_only_confirmed_live_subscriptions_get_digests(recent, composer, mail_settings, smtp):
    subscriber(recent, "pending@example.org", confirmed=False)
    gone = subscriber(recent, "gone@example.org")
    subscriber(recent, "ada@example.org")
    with recent.begin() as conn:
        unsubscribe(conn, gone.id, gone.email, NOW)
    run(recent, composer, mail_settings)
    assert [m["To"] for m in smtp.messages] == ["ada@example.org"]


def test_weekly_digests_come_once_a_week(recent, composer, mail_settings, smtp):
    subscriber(recent, "ada@example.org", Preferences(frequency="weekly"))
    for day in range(7):  # Monday to Sunday of one ISO week
        run(recent, composer, mail_settings, NOW + timedelta(days=day))
    run(recent, composer, mail_settings, NOW + timedelta(days=7))  # the next Monday
    assert len(smtp.messages) == 2


def test_the_outbox_holds_every_message_before_any_is_sent(recent, composer, mail_settings, smtp):
    for n in range(3):
        subscriber(recent, f"reader{n}@example.org")
    plan = queue_digests(recent, composer, NOW)
    assert plan.queued == 3 and smtp.messages == []
    with recent.connect() as conn:
        assert conn.execute(sa.select(outbox.c.status)).scalars().all() == ["pending"] * 3


def test_digests_come_at_the_subscribers_hour_in_their_time_zone(recent, composer, mail_settings, smtp):
    subscriber(recent, "tokyo@example.org", Preferences(hour=7, timezone="Asia/Tokyo"))  # 16:00 there
    subscriber(recent, "la@example.org", Preferences(hour=7, timezone="America/Los_Angeles"))  # midnight there
    plan, _ = run(recent, composer, mail_settings)
    assert (plan.queued, plan.later) == (1, 1) and [m["To"] for m in smtp.messages] == ["tokyo@example.org"]
    run(recent, composer, mail_settings, NOW + timedelta(hours=7))  # 07:00 in Los Angeles
    assert [m["To"] for m in smtp.messages] == ["tokyo@example.org", "la@example.org"]
    with recent.connect() as conn:
        keys = sorted(conn.execute(sa.select(outbox.c.key)).scalars())
    assert keys[0].endswith(":2026-04-06") and keys[1].endswith(":2026-04-06")  # each their own date
