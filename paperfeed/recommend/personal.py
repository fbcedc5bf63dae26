"""Picks for one reader: gather their signals, train their model, score recent papers, say why.

Picks are computed when they are stale (the reader's signals changed, or new
papers were embedded since) and stored (store/picks.py); the pages, the digest
and the private feed read the stored picks, never the model.
"""

from __future__ import annotations

import random
import re
from datetime import datetime, timedelta

import numpy as np
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from paperfeed.recommend.model import score, train
from paperfeed.search.embedder import DIM, MODEL_NAME
from paperfeed.search.keyphrases import keyphrases_of
from paperfeed.search.query import STOPWORDS
from paperfeed.store.listings import latest_day, papers_by_author, papers_in_categories
from paperfeed.store.papers import get_paper
from paperfeed.store.picks import Pick, last_run, load_picks, save_picks
from paperfeed.store.schema import embeddings, papers
from paperfeed.store.signals import dismissed, positives, seen_in_digests, signal_state, user_interests

DAYS = 7  # candidates: papers listed in the newest week (widened on a quiet site: candidate_ids)
MIN_CANDIDATES = 200
PICKS = 50
BACKGROUND = 300
MAX_POSITIVES = 500  # the most recent signals: tastes drift
COLD_START_PER_INTEREST = 15
CLOSE_ENOUGH = 0.25  # cosine below which a paper of the reader's is no reason


def vectors(conn: Connection, ids: list[int] | set[int]) -> tuple[list[int], np.ndarray]:
    """Return the ids that have embeddings and their vectors, in one matrix."""
    found: list[int] = []
    blobs: list[bytes] = []
    wanted = list(ids)
    for start in range(0, len(wanted), 900):
        for paper_id, blob in conn.execute(
            sa.select(embeddings.c.paper_id, embeddings.c.vector).where(
                embeddings.c.paper_id.in_(wanted[start : start + 900]), embeddings.c.model == MODEL_NAME
            )
        ):
            found.append(paper_id)
            blobs.append(blob)
    matrix = (
        np.frombuffer(b"".join(blobs), dtype=np.float32).reshape(len(found), DIM)
        if found
        else np.zeros((0, DIM), dtype=np.float32)
    )
    return found, matrix


def interest_papers(conn: Connection, user_id: int) -> list[int]:
    """A cold start: papers standing for what a reader says they follow."""
    chosen: list[int] = []
    newest = latest_day(conn)
    for kind, value in user_interests(conn, user_id):
        if kind == "paper":
            paper = get_paper(conn, value)
            chosen += [paper.id] if paper else []
        elif kind == "author":
            chosen += [p.id for p in papers_by_author(conn, value, COLD_START_PER_INTEREST)[0]]
        elif kind == "category" and newest is not None:
            recent = papers_in_categories(conn, [value], newest - timedelta(days=60), COLD_START_PER_INTEREST)
            # a category quiet for two months still stands for something: its newest papers, however old
            chosen += [p.id for p in recent or papers_in_categories(conn, [value], None, COLD_START_PER_INTEREST)]
    return list(dict.fromkeys(chosen))


def candidate_ids(conn: Connection, days: int | None) -> list[int]:
    """Embedded papers listed in the newest `days` days (every one when None), widened to a month and then
    to every paper while fewer than MIN_CANDIDATES: on a quiet site, or while the newest papers wait for
    their embeddings, a reader still gets picks, not the one paper of the week."""
    newest = latest_day(conn)
    if newest is None:
        return []
    ids: list[int] = []
    for span in (days, 30, None) if days is not None else (None,):
        stmt = (
            sa.select(papers.c.id)
            .join(embeddings, sa.and_(embeddings.c.paper_id == papers.c.id, embeddings.c.model == MODEL_NAME))
            .where(papers.c.hidden.is_(False))
        )
        if span is not None:
            stmt = stmt.where(papers.c.listed_on > newest - timedelta(days=span))
        ids = list(conn.execute(stmt).scalars())
        if len(ids) >= MIN_CANDIDATES:
            break
    return ids


def background_ids(conn: Connection, avoid: set[int], n: int, rng: random.Random) -> list[int]:
    """A random sample of embedded papers (by id ranges: no full scan of a large store)."""
    low, high = conn.execute(sa.select(sa.func.min(embeddings.c.paper_id), sa.func.max(embeddings.c.paper_id))).one()
    if low is None:
        return []
    tries = [rng.randint(low, high) for _ in range(n * 2)]
    found = set(conn.execute(sa.select(embeddings.c.paper_id).where(embeddings.c.paper_id.in_(tries))).scalars())
    return [i for i in found if i not in avoid][:n]


def compute_picks(
    conn: Connection, user_id: int, *, days: int | None = DAYS, k: int = PICKS, seed: int = 0
) -> tuple[list[Pick], int]:
    """Return the reader's picks (best first) and how many signals they rest on."""
    _, signals = signal_state(conn, user_id)
    kept = positives(conn, user_id)
    liked = kept[:MAX_POSITIVES]
    pos_ids, pos = vectors(conn, liked)
    if not pos_ids:  # nothing kept yet, or only papers not embedded yet: what the reader follows stands in
        liked = interest_papers(conn, user_id)
        pos_ids, pos = vectors(conn, liked)
    if not pos_ids:
        return [], signals
    disliked = dismissed(conn, user_id)
    exclude = set(liked) | set(kept) | disliked | seen_in_digests(conn, user_id)
    _, neg = vectors(conn, disliked)
    _, back = vectors(conn, background_ids(conn, exclude, BACKGROUND, random.Random(seed + user_id)))
    cand_ids, cand = vectors(conn, [i for i in candidate_ids(conn, days) if i not in exclude])
    if not cand_ids:
        return [], signals
    w = train(pos, neg, back)
    scores = score(w, cand)
    order = np.argsort(-scores)[:k]
    chosen = [cand_ids[i] for i in order]
    closeness = cand[order] @ pos.T  # unit vectors: cosine similarity
    words = keyphrases_of(conn, list({*chosen, *pos_ids}))
    texts = {
        r.id: f"{r.title} {r.abstract}".lower()
        for r in conn.execute(
            sa.select(papers.c.id, papers.c.title, papers.c.abstract).where(papers.c.id.in_([*chosen, *pos_ids]))
        )
    }
    out = []
    for row, (paper_id, idx) in enumerate(zip(chosen, order, strict=True)):
        near = [pos_ids[j] for j in np.argsort(-closeness[row])[:10] if closeness[row, j] >= CLOSE_ENOUGH]
        because = near[:2]
        shared = shared_keywords(words, texts, paper_id, because)
        # When the two nearest share no key phrase, the next near paper that does becomes the second reason,
        # so the explanation can name what the pick is about.
        for other in near[2:] if not shared else []:
            if found := shared_keywords(words, texts, paper_id, [other]):
                because, shared = [*because[:1], other], found
                break
        out.append(Pick(paper_id, float(scores[idx]), because, shared))
    return out, signals


def shared_keywords(
    words: dict[int, list[str]], texts: dict[int, str], paper_id: int, because: list[int], n: int = 3
) -> list[str]:
    """Key phrases a pick shares with its reasons: one's key phrase in the other's words first (five
    phrases a paper rarely match five of another's exactly), then single words of their key phrases."""
    mine = words.get(paper_id, [])
    theirs = [k for other in because for k in words.get(other, [])]
    their_text = " ".join(texts.get(other, "") for other in because)
    same = [k for k in mine if k in theirs or re.search(rf"\b{re.escape(k)}\b", their_text)]
    same += [k for k in theirs if re.search(rf"\b{re.escape(k)}\b", texts.get(paper_id, ""))]
    their_words = {w for k in theirs for w in k.split()} - STOPWORDS
    same += [w for k in mine for w in k.split() if w in their_words and w not in " ".join(same).split()]
    return list(dict.fromkeys(same))[:n]


def is_stale(conn: Connection, user_id: int) -> bool:
    run = last_run(conn, user_id)
    if run is None:
        return True
    changed, count = signal_state(conn, user_id)
    newest = conn.execute(sa.select(sa.func.max(embeddings.c.embedded_at))).scalar()
    return (
        count != run.signals
        or (changed is not None and changed > run.computed_at)
        or (newest is not None and newest > run.computed_at)
    )


def current_picks(engine: Engine, user_id: int, now: datetime) -> list[Pick]:
    """Return the reader's picks, computing them first only when they are stale."""
    with engine.connect() as conn:
        if not is_stale(conn, user_id):
            return load_picks(conn, user_id)
        chosen, signals = compute_picks(conn, user_id)
    with engine.begin() as conn:
        save_picks(conn, user_id, chosen, now, signals)
    return chosen
