"""Keyword search: BM25 over SQLite FTS5, and the same ranking idea over PostgreSQL full-text search.

Both weight the title above the authors above the abstract. Quoted phrases
must appear; the other words are alternatives that rank a paper higher the
more of them it holds (so a long question still finds papers that match most
of it). Filters: author:, category:, and a listing-day range.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from markupsafe import Markup
from sqlalchemy.engine import Connection

from paperfeed.records import collapse_whitespace
from paperfeed.search.query import STOPWORDS, Query, words_of
from paperfeed.store.index_state import forget_state, read_state, write_state
from paperfeed.store.models import Paper
from paperfeed.store.papers import newest_first, papers_by_ids
from paperfeed.store.schema import paper_categories, papers
from paperfeed.text import readable

START, STOP = "\x02", "\x03"  # highlight markers: control characters no text on a page contains
TITLE_WEIGHT, AUTHORS_WEIGHT, ABSTRACT_WEIGHT = 5.0, 2.0, 1.0
ENOUGH = 40  # a cheap stage that found this many spares the costly last one
# Up to this many papers, every query is ranked by plain BM25 over every paper holding any of its words:
# on the judged queries that ranks far better than the stages (bench/quality.py, 173 queries: nDCG@10 0.827
# against 0.758) and costs little: FTS5 ranks 14,000 matches in 46 ms, 47,000 in 123 ms (synthetic words).
# Larger stores rank in stages (keyword_ranked), which keep the scored matches to a few hundred.
PLAIN_UP_TO = 20_000
HIDDEN_SLACK = 20  # extra index hits read so that hidden papers dropped afterwards leave a full page
WATERMARK = "keyword_indexed_through"


@dataclass(frozen=True, slots=True)
class Hit:
    paper: Paper
    score: float
    title: str  # as given, matched terms between START and STOP
    snippet: str

    @property
    def title_html(self) -> Markup:
        """The title for a page: TeX as text, escaped, matched terms in <mark>."""
        return marked(readable(self.title))

    @property
    def snippet_html(self) -> Markup:
        return marked(readable(self.snippet))


@dataclass(slots=True)
class Results:
    hits: list[Hit]
    total: int
    notes: list[str] = field(default_factory=list)


def marked(text: str) -> Markup:
    """Escape a highlighted text and turn the markers into <mark> elements."""
    safe = html.escape(collapse_whitespace(text))  # the markers are not whitespace, nor escaped
    return Markup(safe.replace(START, "<mark>").replace(STOP, "</mark>"))


# Indexing (SQLite; PostgreSQL keeps its generated column current by itself)


def index_pending(conn: Connection) -> int:
    """Bring the keyword index up to date with the store; return how many papers were (re)indexed.

    Incremental: only papers modified since the last run. Run it in a transaction.
    """
    if conn.dialect.name != "sqlite":
        return 0
    mark = read_state(conn, WATERMARK)
    newest = conn.execute(sa.select(sa.func.max(papers.c.modified_at))).scalar()
    if newest is None:
        return 0
    where = "WHERE modified_at >= :mark" if mark else ""
    params = {"mark": mark} if mark else {}
    if mark:
        conn.execute(sa.text(f"DELETE FROM papers_fts WHERE rowid IN (SELECT id FROM papers {where})"), params)
    count = conn.execute(
        sa.text(
            f"INSERT INTO papers_fts (rowid, title, abstract, authors) "
            f"SELECT id, title, abstract, authors FROM papers {where}"
        ),
        params,
    ).rowcount
    write_state(conn, WATERMARK, newest.isoformat(sep=" "))
    return int(count or 0)


def rebuild(conn: Connection) -> int:
    """Index every paper again from scratch (SQLite); return how many."""
    if conn.dialect.name != "sqlite":
        return 0
    conn.execute(sa.text("DELETE FROM papers_fts"))
    forget_state(conn, WATERMARK)
    return index_pending(conn)


# Searching


def _fts_string(words: list[str]) -> str:
    return '"' + " ".join(words) + '"'


def _sqlite_match(q: Query, stage: str = "any") -> str | None:
    """Return the FTS5 query of one stage (see keyword_ranked): all words, any word in titles, any word."""
    parts = [_fts_string(p) for p in q.phrases]
    words = _words(q)
    if words:
        if stage == "all":
            parts.extend(_fts_string([w]) for w in words)
        else:
            alternatives = "(" + " OR ".join(_fts_string([w]) for w in words) + ")"
            parts.append(f"title : {alternatives}" if stage == "title" else alternatives)
    for author in q.authors:
        parts.extend(f"authors : {_fts_string([w])}" for w in words_of(author))
    return " AND ".join(parts) if parts else None


def _words(q: Query) -> list[str]:
    return [w for w in q.words if w not in STOPWORDS] or q.words


def _small(conn: Connection) -> bool:
    """Whether the store is small enough for plain BM25 over every match (PLAIN_UP_TO)."""
    return (conn.execute(sa.select(sa.func.max(papers.c.id))).scalar() or 0) <= PLAIN_UP_TO  # a seek, not a count


def _stages(q: Query, small: bool) -> list[str]:
    """Which stages a query needs: one when it has a single word (or none) or the store is small, else three."""
    return ["any"] if small or len(_words(q)) <= 1 else ["all", "title", "any"]


def query_filters(q: Query) -> list[sa.ColumnElement[bool]]:
    """Return the conditions a query's filters (and hiding) put on papers."""
    where: list[sa.ColumnElement[bool]] = [papers.c.hidden.is_(False)]
    if q.after:
        where.append(papers.c.listed_on >= q.after)
    if q.before:
        where.append(papers.c.listed_on <= q.before)
    for category in q.categories:
        where.append(
            papers.c.id.in_(sa.select(paper_categories.c.paper_id).where(paper_categories.c.category == category))
        )
    return where


def _sqlite_stage(conn: Connection, q: Query, match: str, limit: int) -> list[tuple[int, float]]:
    rank = f"bm25(papers_fts, {TITLE_WEIGHT}, {ABSTRACT_WEIGHT}, {AUTHORS_WEIGHT})"
    if not (q.categories or q.after or q.before):
        # The index alone ranks; the few hidden papers are dropped afterwards by primary key.
        # Joining every match to `papers` first costs more than the ranking itself.
        rows = conn.execute(
            sa.text(f"SELECT rowid, {rank} AS r FROM papers_fts WHERE papers_fts MATCH :m ORDER BY r LIMIT :n"),
            {"m": match, "n": limit + HIDDEN_SLACK},
        ).all()
        hidden = set(
            conn.execute(
                sa.select(papers.c.id).where(papers.c.id.in_([r[0] for r in rows]), papers.c.hidden.is_(True))
            ).scalars()
        )
        return [(int(i), -float(r)) for i, r in rows if i not in hidden][:limit]
    rows = conn.execute(
        _sqlite_filtered(q, match)
        .add_columns(sa.literal_column(rank).label("rank"))
        .order_by(sa.text("rank"), papers.c.id.desc())
        .limit(limit)
    ).all()
    return [(r.id, -float(r.rank)) for r in rows]


def _sqlite_filtered(q: Query, match: str) -> sa.Select:
    fts = sa.table("papers_fts", sa.column("rowid"))
    return (
        sa.select(papers.c.id)
        .select_from(fts.join(papers, papers.c.id == fts.c.rowid))
        .where(sa.literal_column("papers_fts").op("MATCH")(match), *query_filters(q))
    )


def _sqlite_count(conn: Connection, q: Query) -> int:
    match = _sqlite_match(q)
    if match is None:
        return 0
    if not (q.categories or q.after or q.before):
        return (
            conn.execute(sa.text("SELECT count(*) FROM papers_fts WHERE papers_fts MATCH :m"), {"m": match}).scalar()
            or 0
        )
    return conn.execute(sa.select(sa.func.count()).select_from(_sqlite_filtered(q, match).subquery())).scalar() or 0


def _sqlite_highlights(conn: Connection, q: Query, ids: list[int]) -> dict[int, tuple[str, str]]:
    match = _sqlite_match(q)
    if match is None or not ids:
        return {}
    # One lookup per paper: FTS5 seeks to a single rowid, where `rowid IN (…)` makes it walk every
    # match of the query (3 ms against 10 ms for a page of 20 at 1M papers).
    stmt = sa.text(
        "SELECT highlight(papers_fts, 0, char(2), char(3)), "
        "snippet(papers_fts, 1, char(2), char(3), '…', 40) FROM papers_fts "
        "WHERE papers_fts MATCH :m AND rowid = :id"
    )
    out = {}
    for paper_id in ids:
        row = conn.execute(stmt, {"m": match, "id": int(paper_id)}).first()
        if row is not None:
            out[int(paper_id)] = (row[0], row[1])
    return out


def _pg_tsquery(q: Query, stage: str = "any"):  # type: ignore[no-untyped-def]
    """Return the tsquery of one stage (see keyword_ranked): all words, any word in titles, any word."""
    parts: list[sa.ColumnElement[Any]] = [sa.func.phraseto_tsquery("english", " ".join(p)) for p in q.phrases]
    alternatives: sa.ColumnElement[Any] | None = None
    for w in _words(q):
        term = sa.func.plainto_tsquery("english", w)
        joiner = "&&" if stage == "all" else "||"
        alternatives = term if alternatives is None else alternatives.op(joiner)(term)
    if alternatives is not None:
        parts.append(alternatives)
    for author in q.authors:
        lexemes = " & ".join(f"'{w.replace(chr(39), '')}':B" for w in words_of(author) if w.replace("'", ""))
        if lexemes:
            parts.append(sa.func.to_tsquery("simple", lexemes))
    if not parts:
        return None
    query = parts[0]
    for part in parts[1:]:
        query = query.op("&&")(part)
    return query


def _pg_idf_rank(conn: Connection, q: Query, weights: str):  # type: ignore[no-untyped-def]
    """Return a BM25-like rank for a small store: each word's ts_rank (length-normalised) times its idf.

    ts_rank alone weighs a common word as much as a rare one; counting each word's papers is cheap
    while the store is small (PLAIN_UP_TO), and brings PostgreSQL's ranking near FTS5's bm25.
    """
    vector: sa.ColumnClause[Any] = sa.literal_column("papers.search_vector")
    terms = [sa.func.plainto_tsquery("english", w) for w in _words(q)]
    if not terms:
        return None
    # One pass counts the papers and each word's papers.
    counts = conn.execute(
        sa.select(sa.func.count(), *(sa.func.count().filter(vector.op("@@")(t)) for t in terms)).select_from(papers)
    ).one()
    total = int(counts[0]) or 1
    rank: sa.ColumnElement[Any] | None = None
    for term, n in zip(terms, counts[1:], strict=True):
        idf = math.log(1 + (total - n + 0.5) / (n + 0.5))
        part = sa.func.ts_rank(sa.literal_column(f"'{weights}'::float4[]"), vector, term, 1) * idf
        rank = part if rank is None else rank + part
    return rank


def _pg_stage(conn: Connection, q: Query, stage: str, limit: int, plain: bool = False) -> list[tuple[int, float]]:
    tsq = _pg_tsquery(q, stage)
    if tsq is None:
        return []
    vector: sa.ColumnClause[Any] = sa.literal_column("papers.search_vector")
    # The title stage matches on the title's own tsvector (migration 0009): its GIN index knows titles.
    matched: sa.ColumnClause[Any] = sa.literal_column(
        "papers.title_vector" if stage == "title" else "papers.search_vector"
    )
    weights = f"{{0.1, {ABSTRACT_WEIGHT / TITLE_WEIGHT}, {AUTHORS_WEIGHT / TITLE_WEIGHT}, 1.0}}"
    # ts_rank, not ts_rank_cd: on the judged queries (bench/quality.py --postgres) cover density
    # ranked long abstracts full of common words first: nDCG@10 0.548 against 0.687 (FTS5's bm25: 0.689).
    rank = sa.func.ts_rank(sa.literal_column(f"'{weights}'::float4[]"), vector, _pg_tsquery(q))
    if plain and not q.phrases and not q.authors:
        weighted = _pg_idf_rank(conn, q, weights)
        rank = rank if weighted is None else weighted
    rows = conn.execute(
        sa.select(papers.c.id, rank.label("rank"))
        .where(matched.op("@@")(tsq), *query_filters(q))
        .order_by(sa.desc("rank"), papers.c.id.desc())
        .limit(limit)
    ).all()
    return [(r.id, float(r.rank)) for r in rows]


def _pg_count(conn: Connection, q: Query) -> int:
    tsq = _pg_tsquery(q)
    if tsq is None:
        return 0
    where = (sa.literal_column("papers.search_vector").op("@@")(tsq), *query_filters(q))
    return conn.execute(sa.select(sa.func.count()).select_from(papers).where(*where)).scalar() or 0


def _pg_highlights(conn: Connection, q: Query, ids: list[int]) -> dict[int, tuple[str, str]]:
    tsq = _pg_tsquery(q)
    if tsq is None or not ids:
        return {}
    options = f"StartSel={START}, StopSel={STOP}"
    rows = conn.execute(
        sa.select(
            papers.c.id,
            sa.func.ts_headline("english", papers.c.title, tsq, options + ", HighlightAll=true"),
            sa.func.ts_headline(
                "english",
                papers.c.abstract,
                tsq,
                options + ", MaxWords=40, MinWords=20, MaxFragments=2, FragmentDelimiter=…",
            ),
        ).where(papers.c.id.in_(ids))
    )
    return {int(i): (t, sn) for i, t, sn in rows}


def _filtered_only(conn: Connection, q: Query, limit: int) -> tuple[list[tuple[int, float]], int]:
    """A query with filters but no words: the matching papers, newest first."""
    stmt = sa.select(papers.c.id).where(*query_filters(q))
    total = conn.execute(sa.select(sa.func.count()).select_from(stmt.subquery())).scalar() or 0
    rows = conn.execute(stmt.order_by(papers.c.listed_on.desc(), papers.c.id.desc()).limit(limit)).scalars()
    return [(int(i), 0.0) for i in rows], int(total)


def keyword_ranked(
    conn: Connection, q: Query, limit: int, *, count: bool = True
) -> tuple[list[tuple[int, float]], int]:
    """Return the best `limit` (paper id, score) pairs for a query, and how many papers match in all
    (only when `count`: counting every match of a common word costs more than ranking the best).

    Ranked in stages, each asked only when the ones before found fewer than `limit` (or ENOUGH,
    whichever is fewer: hybrid search has meaning to fill the rest): papers with all
    the words, then papers with any of them in the title, then papers with any of them anywhere. A
    search engine must score every match of what it is asked; asking for all the words first, or for
    title words, keeps that to a few hundred papers where "any word anywhere" is a tenth of a million
    (bench/search.py). A second stage's scores are scaled below the first's lowest, so its papers
    come after those, in their own order. When the last stage has to run (a small store, a rare
    combination), its ranking of every match is used alone: the staging only ever saves work.
    """
    if not q.has_text and not q.authors:
        return _filtered_only(conn, q, limit)
    postgres = conn.dialect.name == "postgresql"
    ranked: list[tuple[int, float]] = []
    seen: set[int] = set()
    small = _small(conn)
    stages = _stages(q, small)
    for stage in stages:
        if postgres:
            found = _pg_stage(conn, q, stage, limit, plain=small)
        else:
            match = _sqlite_match(q, stage)
            found = _sqlite_stage(conn, q, match, limit) if match else []
        if stage == stages[-1]:  # every match was scored after all: its ranking is the whole truth
            ranked = found
            break
        fresh = [(i, s) for i, s in found if i not in seen]
        if fresh and ranked:
            floor, top = min(s for _, s in ranked), max(s for _, s in fresh)
            scale = 0.999 * floor / top if top > 0 and floor > 0 else 1.0
            fresh = [(i, s * scale if top > 0 and floor > 0 else floor - 1 - n) for n, (i, s) in enumerate(fresh)]
        ranked += fresh
        seen.update(i for i, _ in fresh)
        if len(ranked) >= min(limit, ENOUGH):
            break
    total = (_pg_count(conn, q) if postgres else _sqlite_count(conn, q)) if count else len(ranked)
    return ranked[:limit], int(total)


def with_all_words(conn: Connection, q: Query, ids: list[int]) -> set[int]:
    """Return which of these papers hold every word of the query (and its phrases)."""
    if not ids or not (q.has_text or q.authors):
        return set()
    if conn.dialect.name == "postgresql":
        tsq = _pg_tsquery(q, "all")
        if tsq is None:
            return set()
        vector: sa.ColumnClause[Any] = sa.literal_column("papers.search_vector")
        return set(conn.execute(sa.select(papers.c.id).where(vector.op("@@")(tsq), papers.c.id.in_(ids))).scalars())
    match = _sqlite_match(q, "all")
    if match is None:
        return set()
    rows = conn.execute(
        sa.text(f"SELECT rowid FROM papers_fts WHERE papers_fts MATCH :m AND rowid IN ({','.join(map(str, ids))})"),
        {"m": match},
    )
    return {int(r[0]) for r in rows}


def hits_for(conn: Connection, q: Query, scored: list[tuple[int, float]]) -> list[Hit]:
    """Return the hits of a page of scored ids, with matched terms highlighted where they occur."""
    ids = [i for i, _ in scored]
    highlight = _pg_highlights if conn.dialect.name == "postgresql" else _sqlite_highlights
    marks = highlight(conn, q, ids) if q.has_text or q.authors else {}
    by_id = {p.id: p for p in papers_by_ids(conn, ids)}
    hits = []
    for paper_id, score in scored:
        paper = by_id.get(paper_id)
        if paper is None:
            continue
        title, snippet = marks.get(paper_id) or (paper.title, _opening(paper.abstract))
        hits.append(Hit(paper, score, title, snippet or ""))
    return hits


def _opening(abstract: str, limit: int = 300) -> str:
    text = " ".join(abstract.split())
    return text[:limit] + ("…" if len(text) > limit else "")


def keyword_search(conn: Connection, q: Query, limit: int = 20, offset: int = 0, sort: str = "relevance") -> Results:
    """Return a page of papers matching the query, best first (or the best matches newest first), with
    highlighted titles and snippets."""
    if not q.has_text and not q.has_filters:
        return Results([], 0, [*q.notes, "Type a few words to search."])
    # At least a hundred, so that the staging (keyword_ranked) stops early only on a large store.
    ranked, total = keyword_ranked(conn, q, max(100, offset + limit))
    if sort == "new":
        ranked = newest_first(conn, ranked)
    return Results(hits_for(conn, q, ranked[offset : offset + limit]), total, list(q.notes))
