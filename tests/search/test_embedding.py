"""Embedding in two passes, newest first, resumable; on PostgreSQL, processes share the backlog."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import pytest
import sqlalchemy as sa

from paperfeed.ingest import load_sample
from paperfeed.search.embedding import PASSES, Pass, embed_pass, embed_pending
from paperfeed.search.fulltext import index_pending
from paperfeed.search.hybrid import hybrid_search
from paperfeed.search.query import parse_query
from paperfeed.search.vectors import FULL, QUICK, claimed_papers, count_pending, coverage, load_index
from paperfeed.store.schema import embeddings, papers

TITLES, FULL_TEXT = PASSES


@pytest.fixture
def sample(engine):
    load_sample(engine)
    with engine.begin() as conn:
        index_pending(conn)
    return engine


def test_the_quick_pass_makes_every_paper_searchable_then_the_full_pass_replaces_it(sample, minilm, tmp_path):
    assert embed_pass(sample, minilm, TITLES) == 44
    with sample.connect() as conn:
        assert coverage(conn).quick == 44 and coverage(conn).full == 0
        assert count_pending(conn, QUICK) == 0 and count_pending(conn, FULL) == 44
        found = hybrid_search(conn, parse_query("models that read raw bytes"), load_index(conn, str(tmp_path)), minilm)
        assert found.hits  # searchable by meaning already
    assert embed_pass(sample, minilm, FULL_TEXT) == 44
    with sample.connect() as conn:
        assert coverage(conn).full == 44 and coverage(conn).quick == 0
        assert conn.execute(sa.select(sa.func.count()).select_from(embeddings)).scalar() == 44  # replaced, not added
    assert embed_pending(sample, minilm) == {"titles": 0, "full text": 0}


def test_a_limited_run_takes_the_newest_papers_and_the_next_run_goes_on(sample, minilm):
    assert embed_pending(sample, minilm, limit=10) == {"titles": 10, "full text": 10}
    with sample.connect() as conn:
        done = set(conn.execute(sa.select(embeddings.c.paper_id)).scalars())
        newest = conn.execute(
            sa.select(papers.c.id).order_by(papers.c.listed_on.desc(), papers.c.id.desc()).limit(10)
        ).scalars()
        assert done == set(newest)
    assert embed_pending(sample, minilm) == {"titles": 34, "full text": 34}


def test_the_full_pass_skips_papers_already_embedded_in_full(sample, minilm):
    embed_pass(sample, minilm, FULL_TEXT, limit=5)
    assert embed_pass(sample, minilm, TITLES) == 39  # a full embedding is never replaced by a title one
    assert embed_pass(sample, minilm, FULL_TEXT) == 39


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_claims_on_postgresql_are_disjoint_and_end_with_their_holder(sample, database_url):
    with claimed_papers(sample, 10, FULL) as first, claimed_papers(sample, 10, FULL) as second:
        assert len(first) == len(second) == 10
        assert not {r.id for r in first} & {r.id for r in second}
    with claimed_papers(sample, 44, FULL) as again:
        assert len(again) == 44  # claims end with the block that held them

    # A worker killed in the middle of a chunk: its papers go to the next one.
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time, sqlalchemy as sa\n"
            "from paperfeed.search.vectors import claimed_papers\n"
            f"with claimed_papers(sa.create_engine({database_url!r}), 20, 2) as rows:\n"
            "    print(' '.join(str(r.id) for r in rows), flush=True)\n"
            "    time.sleep(60)\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        held = {int(i) for i in holder.stdout.readline().split()}  # type: ignore[union-attr]
        assert len(held) == 20
        with claimed_papers(sample, 44, FULL) as rest:
            assert len(rest) == 24 and not held & {r.id for r in rest}
    finally:
        holder.kill()
        holder.wait()
    # The server ends the dead client's session (and its locks) once it notices the closed connection.
    deadline = time.monotonic() + 30
    while True:
        with claimed_papers(sample, 44, FULL) as after:
            freed = held <= {r.id for r in after}
        if freed or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert freed


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_two_workers_on_postgresql_embed_every_paper_once(sample, minilm):
    small = Pass(QUICK, "titles", 3, TITLES.text)  # many small chunks, so that the workers interleave
    done: list[int] = []
    workers = [threading.Thread(target=lambda: done.append(embed_pass(sample, minilm, small))) for _ in range(2)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert sum(done) == 44  # none done twice, none skipped
    with sample.connect() as conn:
        assert coverage(conn).quick == 44
