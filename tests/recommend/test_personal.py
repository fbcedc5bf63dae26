"""Recommendations: a reader's own model, its reasons, dismissals, the cold start, staleness."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from paperfeed.recommend import personal
from paperfeed.recommend.personal import compute_picks, current_picks
from paperfeed.search.keyphrases import keyphrases_of
from paperfeed.store.papers import papers_by_ids
from paperfeed.store.picks import load_picks
from paperfeed.store.schema import papers
from paperfeed.store.signals import dismiss, positives, set_interests, undismiss
from paperfeed.store.votes import toggle_vote
from tests.recommend.conftest import NOW, topic_of


def arxiv_ids(engine, ids):
    with engine.connect() as conn:
        by_id = dict(conn.execute(sa.select(papers.c.id, papers.c.arxiv_id)).all())
    return [by_id[i] for i in ids]


def vote(engine, user, corpus, arxiv_ids_):
    with engine.begin() as conn:
        for a in arxiv_ids_:
            toggle_vote(conn, user.id, corpus[a], NOW)


def test_a_reader_with_clear_interests_gets_them_first(engine, corpus, reader):
    vote(engine, reader, corpus, [f"2604.1{i:04d}" for i in range(6)])  # six quantum papers
    with engine.connect() as conn:
        chosen, signals = compute_picks(conn, reader.id)
    assert signals == 6
    top = arxiv_ids(engine, [c.paper_id for c in chosen[:10]])
    assert [topic_of(a) for a in top] == [1] * 10
    assert not set(top) & {f"2604.1{i:04d}" for i in range(6)}  # nothing the reader already has


def test_every_pick_says_why_with_the_readers_own_papers(engine, corpus, reader):
    kept = [f"2604.0{i:04d}" for i in range(5)]
    vote(engine, reader, corpus, kept)
    with engine.connect() as conn:
        chosen, _ = compute_picks(conn, reader.id)
        mine = set(positives(conn, reader.id))
    assert all(c.because and set(c.because) <= mine for c in chosen[:10])
    assert all(len(c.because) <= 2 for c in chosen)
    ids = list({i for c in chosen for i in (c.paper_id, *c.because)})
    with engine.connect() as conn:
        words = keyphrases_of(conn, ids)
        text = {
            p.id: f"{p.title} {p.abstract} {' '.join(words.get(p.id, []))}".lower() for p in papers_by_ids(conn, ids)
        }
    assert any(c.shared for c in chosen[:10])
    for c in chosen:  # a shared key phrase is in the pick and in its reasons: a key phrase of one, words of both
        theirs = " ".join(text[i] for i in c.because)
        assert all(k in text[c.paper_id] and k in theirs for k in c.shared)
        phrases = [w for i in (c.paper_id, *c.because) for w in words.get(i, [])]
        assert all(any(k in w for w in phrases) for k in c.shared)


def test_a_dismissed_paper_never_comes_back_until_undone(engine, corpus, reader):
    vote(engine, reader, corpus, [f"2604.2{i:04d}" for i in range(4)])
    first = current_picks(engine, reader.id, NOW)[0].paper_id
    with engine.begin() as conn:
        dismiss(conn, reader.id, first, NOW + timedelta(minutes=1))
    again = current_picks(engine, reader.id, NOW + timedelta(minutes=2))
    assert first not in {c.paper_id for c in again}
    with engine.begin() as conn:
        undismiss(conn, reader.id, first)
    assert first in {c.paper_id for c in current_picks(engine, reader.id, NOW + timedelta(minutes=3))}


def test_no_signals_means_the_cold_start_then_interests_work_at_once(engine, corpus, reader):
    with engine.connect() as conn:
        assert compute_picks(conn, reader.id) == ([], 0)
    with engine.begin() as conn:
        set_interests(conn, reader.id, [("category", "astro-ph.GA")], NOW)
    chosen = current_picks(engine, reader.id, NOW + timedelta(minutes=1))
    assert chosen and all(topic_of(a) == 2 for a in arxiv_ids(engine, [c.paper_id for c in chosen[:10]]))


def test_picks_are_recomputed_only_when_stale(engine, corpus, reader, monkeypatch):
    vote(engine, reader, corpus, ["2604.00001", "2604.00002"])
    calls = []
    real = personal.compute_picks
    monkeypatch.setattr(personal, "compute_picks", lambda *a, **k: calls.append(1) or real(*a, **k))
    current_picks(engine, reader.id, NOW + timedelta(minutes=1))
    current_picks(engine, reader.id, NOW + timedelta(minutes=2))
    assert len(calls) == 1
    vote(engine, reader, corpus, ["2604.00003"])  # a new signal, newer than the picks
    with engine.begin() as conn:
        conn.execute(
            sa.text("UPDATE votes SET created_at = :t WHERE paper_id = :p"),
            {"t": NOW + timedelta(minutes=5), "p": corpus["2604.00003"]},
        )
    current_picks(engine, reader.id, NOW + timedelta(minutes=6))
    assert len(calls) == 2
    vote(engine, reader, corpus, ["2604.00003"])  # taking a vote back changes the count
    current_picks(engine, reader.id, NOW + timedelta(minutes=7))
    assert len(calls) == 3
    with engine.connect() as conn:
        assert len(load_picks(conn, reader.id)) > 0
