"""The digest's "picked for you" option: a reader's own picks, each once."""

from __future__ import annotations

import re
from datetime import timedelta

from paperfeed.mail.deliver import send_outbox
from paperfeed.mail.digest import queue_digests
from paperfeed.store.subscriptions import Preferences, Wanted, confirm, subscribe
from paperfeed.store.votes import toggle_vote
from tests.recommend import conftest as rc
from tests.recommend.conftest import NOW, topic_of

corpus, reader = rc.corpus, rc.reader  # the three-topic store and its reader


def test_picked_for_you_digests_carry_the_readers_picks_once(engine, corpus, reader, composer, mail_settings, smtp):
    with engine.begin() as conn:
        for i in range(5):
            toggle_vote(conn, reader.id, corpus[f"2604.1{i:04d}"], NOW)
        wanted = Wanted(Preferences(topic="foryou", count=5), reader.id)
        sub, _ = subscribe(conn, "reader@example.org", wanted, NOW)
        confirm(conn, sub.id, sub.email, wanted, NOW)
    for day in range(2):
        when = NOW.replace(hour=9) + timedelta(days=day)
        queue_digests(engine, composer, when)
        send_outbox(engine, mail_settings, clock=lambda when=when: when, sleep=lambda s: None)
    first, second = smtp.messages
    assert "picked for you" in first["Subject"]
    ids = [
        re.findall(r"papers\.example\.org/papers/([\w.]+)\r?\n", m.get_body(("plain",)).get_content())
        for m in (first, second)
    ]
    assert len(ids[0]) == len(ids[1]) == 5 and not set(ids[0]) & set(ids[1])
    assert all(topic_of(a) == 1 for a in ids[0] + ids[1])
