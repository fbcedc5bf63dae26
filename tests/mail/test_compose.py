"""The messages as a mail client reads them: parsed back with the standard library's parser."""

from __future__ import annotations

import dataclasses
from email import message_from_bytes, policy

import pytest
import sqlalchemy as sa

from paperfeed.mail.compose import Composer, mime_alternative
from paperfeed.store.papers import papers_by_ids
from paperfeed.store.schema import papers
from paperfeed.store.subscriptions import Preferences, Subscription, Wanted
from tests.mail.conftest import NOW

SUB = Subscription(3, "ada@example.org", None, Preferences(), NOW, None, None, 0)
WANTED = Wanted(Preferences())


def parse(raw: bytes):
    return message_from_bytes(raw, policy=policy.default)


def test_a_message_with_any_text_survives_the_trip(composer):
    raw = mime_alternative(
        [("From", "x@example.org"), ("To", "ada@example.org"), ("Subject", "Éléments — ∑ 5 " * 8)],
        "Plain: é ∑ $x^2$\nsecond line",
        "<p>HTML: é ∑</p>",
    )
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")
    message = parse(raw)
    assert message["Subject"] == "Éléments — ∑ 5 " * 8
    assert message.get_body(("plain",)).get_content() == "Plain: é ∑ $x^2$\r\nsecond line"
    assert message.get_body(("html",)).get_content() == "<p>HTML: é ∑</p>"
    assert message.defects == [] and all(p.defects == [] for p in message.iter_parts())


@pytest.mark.parametrize("value", ["Hi\r\nBcc: eve@example.org", "Hi\nBcc: eve@example.org", "Hi\rX: y"])
def test_no_header_can_be_injected(value):
    with pytest.raises(ValueError, match="line break"):
        mime_alternative([("Subject", value)], "t", "h")


def test_a_site_name_with_a_line_break_cannot_reach_a_header(mail_settings):
    composer = Composer.from_settings(dataclasses.replace(mail_settings, site_name="Lab\r\nBcc: eve@example.org"))
    with pytest.raises(ValueError, match="line break"):
        composer.notice(SUB, "confirm", "confirm:3:x", WANTED)


def test_paper_text_is_escaped_in_html_and_kept_in_text(recent, composer):
    with recent.begin() as conn:
        paper_id = conn.execute(sa.select(papers.c.id)).scalars().first()
        conn.execute(
            papers.update()
            .where(papers.c.id == paper_id)
            .values(title="<script>alert(1)</script> & Café $\\alpha$", base_upvotes=41)
        )
        [paper] = papers_by_ids(conn, [paper_id])
    message = parse(composer.digest(SUB, [paper], "2026-04-06", "subject", "lead", "digest:3:2026-04-06"))
    html = message.get_body(("html",)).get_content()
    text = message.get_body(("plain",)).get_content()
    # mail has no KaTeX: TeX math reads as text there
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Café α" in html
    assert "<script>alert(1)</script> & Café α" in text
    assert "▲ 41 upvotes" in text


def test_the_message_id_follows_the_idempotency_key(composer):
    one = parse(composer.notice(SUB, "confirm", "confirm:3:a", WANTED))
    again = parse(composer.notice(SUB, "confirm", "confirm:3:a", WANTED))
    other = parse(composer.notice(SUB, "confirm", "confirm:3:b", WANTED))
    assert one["Message-ID"] == again["Message-ID"] != other["Message-ID"]
    assert one["Message-ID"].endswith("@papers.example.org>")
