"""Keywords of a paper: the phrases of its title and abstract that say most about it, by tf-idf.

Candidates are runs of one to three words from the paper's own text, never
starting or ending on a stop word, so nothing is invented. Each is scored by
how often it occurs in the paper (title words count double) times how rare its
words are across the store (inverse document frequency of words, counted as
papers are indexed, in `word_df`). The best five distinct ones are kept.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from paperfeed.search.query import STOPWORDS
from paperfeed.store.db import upsert
from paperfeed.store.index_state import read_state, write_state
from paperfeed.store.schema import paper_keywords, papers, word_df

KEEP = 5
MAX_WORDS = 3
WATERMARK = "keywords_through"
_EXTRA_STOP = frozenset(
    (
        "also",
        "been",
        "both",
        "but",
        "each",
        "more",
        "most",
        "such",
        "than",
        "then",
        "there",
        "they",
        "through",
        "under",
        "over",
        "only",
        "other",
        "show",
        "shows",
        "shown",
        "paper",
        "propose",
        "proposed",
        "present",
        "results",
        "result",
        "approach",
        "method",
        "methods",
        "new",
        "novel",
        "based",
        "however",
        "well",
        "not",
        "between",
        "may",
        "all",
        "two",
        "one",
        "how",
        "when",
        "where",
        "which",
        "who",
        "will",
        "would",
        "these",
        "those",
        "was",
        "were",
        "here",
        "its",
        "do",
        "does",
        "into",
        "our",
        "us",
        "use",
        "used",
        "study",
    )
)
STOP = STOPWORDS | _EXTRA_STOP
_TOKEN_RE = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*|[.,;:!?()\[\]{}$\\\"]")


def _chunks(text: str) -> list[list[str]]:
    """Split a text into runs of content words, breaking at punctuation, TeX and stop words."""
    runs: list[list[str]] = []
    current: list[str] = []
    for token in _TOKEN_RE.findall(text):
        word = token.lower()
        if len(word) < 2 or word in STOP or not word[0].isalpha():
            if current:
                runs.append(current)
            current = []
        else:
            current.append(word)
    if current:
        runs.append(current)
    return runs


def words(text: str) -> set[str]:
    """The distinct content words of a text (what document frequencies count)."""
    return {w for run in _chunks(text) for w in run}


def candidates(title: str, abstract: str) -> Counter[str]:
    """Return each candidate phrase with its weighted count in the paper."""
    counts: Counter[str] = Counter()
    for text, weight in ((title, 2), (abstract, 1)):
        for run in _chunks(text):
            for n in range(1, MAX_WORDS + 1):
                for i in range(len(run) - n + 1):
                    counts[" ".join(run[i : i + n])] += weight
    return counts


def pick_keyphrases(title: str, abstract: str, df: dict[str, int], documents: int) -> list[str]:
    """Return up to five keywords, best first, none contained in a better one."""
    found = candidates(title, abstract)
    idf = {w: math.log((documents + 1) / (df.get(w, 0) + 1)) + 1.0 for phrase in found for w in phrase.split()}
    scored = []
    for phrase, count in found.items():
        parts = phrase.split()
        if len(parts) == 1 and len(phrase) < 4:
            continue
        rarity = sum(idf[w] for w in parts) / len(parts)
        # Longer phrases that recur are what a reader would call the topic.
        scored.append((count * rarity * (1 + 0.5 * (len(parts) - 1)), phrase))
    scored.sort(key=lambda sp: (-sp[0], sp[1]))
    kept: list[str] = []
    for _, phrase in scored:
        if any(phrase in k or k in phrase for k in kept):
            continue
        kept.append(phrase)
        if len(kept) == KEEP:
            break
    return kept


def _upsert_df(conn: Connection, increments: Counter[str]) -> None:
    if not increments:
        return
    stmt = upsert(conn, word_df)
    stmt = stmt.on_conflict_do_update(index_elements=["word"], set_={"df": word_df.c.df + stmt.excluded.df})
    items = list(increments.items())
    for start in range(0, len(items), 5000):
        conn.execute(stmt, [{"word": w[:64], "df": n} for w, n in items[start : start + 5000]])


def index_keyphrases(conn: Connection, batch: int = 2000) -> int:
    """Count the words of papers modified since the last run, then (re)pick their keywords; return how many.

    Run in a transaction. Two streamed passes, so memory stays flat at any size.
    A new version counts its words again: document frequencies drift up slightly
    with revisions, which idf barely feels.
    """
    mark = read_state(conn, WATERMARK)
    newest = conn.execute(sa.select(sa.func.max(papers.c.modified_at))).scalar()
    if newest is None:
        return 0
    changed = sa.select(papers.c.id, papers.c.title, papers.c.abstract).order_by(papers.c.id)
    if mark:
        changed = changed.where(papers.c.modified_at >= datetime.fromisoformat(mark))
    increments: Counter[str] = Counter()
    for chunk in conn.execute(changed.execution_options(yield_per=batch)).partitions():
        for row in chunk:
            increments.update(words(f"{row.title} {row.abstract}"))
    _upsert_df(conn, increments)
    documents = int(conn.execute(sa.select(sa.func.count()).select_from(papers)).scalar() or 0)
    done = 0
    for chunk in conn.execute(changed.execution_options(yield_per=batch)).partitions():
        vocabulary = set().union(*(words(f"{r.title} {r.abstract}") for r in chunk))
        df = dict(conn.execute(sa.select(word_df.c.word, word_df.c.df).where(word_df.c.word.in_(vocabulary))).all())
        conn.execute(paper_keywords.delete().where(paper_keywords.c.paper_id.in_([r.id for r in chunk])))
        values = [
            {"paper_id": r.id, "position": n, "keyword": k}
            for r in chunk
            for n, k in enumerate(pick_keyphrases(r.title, r.abstract, df, documents))
        ]
        if values:
            conn.execute(paper_keywords.insert(), values)
        done += len(chunk)
    write_state(conn, WATERMARK, newest.isoformat(sep=" "))
    return done


def keyphrases_of(conn: Connection, paper_ids: list[int]) -> dict[int, list[str]]:
    """Return the keywords of these papers, best first."""
    if not paper_ids:
        return {}
    out: dict[int, list[str]] = {}
    rows = conn.execute(
        sa.select(paper_keywords.c.paper_id, paper_keywords.c.keyword)
        .where(paper_keywords.c.paper_id.in_(paper_ids))
        .order_by(paper_keywords.c.position)
    )
    for paper_id, keyword in rows:
        out.setdefault(paper_id, []).append(keyword)
    return out
