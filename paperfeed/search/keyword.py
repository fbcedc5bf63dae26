"""Keyword search: BM25 over SQLite FTS5, and the same ranking idea over PostgreSQL full-text search.

Both weight the title above the authors above the abstract. Quoted phrases
must appear; the other words are alternatives that rank a paper higher the
more of them it holds (so a long question still finds papers that match most
of it). Filters: author:, category:, and a listing-day range.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

import sqlalchemy as sa
from markupsafe import Markup
from sqlalchemy.engine import Connection

from paperfeed.records import collapse_whitespace
from paperfeed.search.query import Query, words_of
from paperfeed.store.listings import Paper, papers_by_ids
from paperfeed.store.schema import paper_categories, papers, search_state

START, STOP = "\x02", "\x03"  # highlight markers: control characters no text on a page contains
STOPWORDS = frozenset((
    "a", "an", "and", "are", "as", "at", "be", "by", "can", "for", "from", "has", "have", "in", "into", "is", "it",
    "its", "of", "on", "or", "our", "that", "the", "their", "these", "this", "to", "using", "via", "we", "what",
    "which", "while", "with", "without",
))
TITLE_WEIGHT, AUTHORS_WEIGHT, ABSTRACT_WEIGHT = 5.0, 2.0, 1.0
WATERMARK = "keyword_indexed_through"


@dataclass(frozen=True, slots=True)
class Hit:
    paper: Paper
    score: float
    title_html: Markup  # escaped, matched terms in <mark>
    snippet_html: Markup


@dataclass(slots=True)
class Results:
    hits: list[Hit]
    total: int
    notes: list[str] = field(default_factory=list)


def marked(text: str) -> Markup:
    """Escape a highlighted text and turn the markers into <mark> elements."""
    safe = html.escape(collapse_whitespace(text.replace(START, f" {START}").replace(STOP, f"{STOP} ")))
    safe = safe.replace(f" {START}", START).replace(f"{STOP} ", STOP)
    return Markup(safe.replace(START, "<mark>").replace(STOP, "</mark>"))


# Indexing (SQLite; PostgreSQL keeps its generated column current by itself)


def index_pending(conn: Connection) -> int:
    """Bring the keyword index up to date with the store; return how many papers were (re)indexed.

    Incremental: only papers modified since the last run. Run it in a transaction.
    """
    if conn.dialect.name != "sqlite":
        return 0
    mark = conn.execute(sa.select(search_state.c.value).where(search_state.c.name == WATERMARK)).scalar()
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
    value = newest.isoformat(sep=" ") if hasattr(newest, "isoformat") else str(newest)
    updated = conn.execute(search_state.update().where(search_state.c.name == WATERMARK).values(value=value))
    if not updated.rowcount:
        conn.execute(search_state.insert().values(name=WATERMARK, value=value))
    return int(count or 0)


def rebuild(conn: Connection) -> int:
    """Index every paper again from scratch (SQLite); return how many."""
    if conn.dialect.name != "sqlite":
        return 0
    conn.execute(sa.text("DELETE FROM papers_fts"))
    conn.execute(search_state.delete().where(search_state.c.name == WATERMARK))
    return index_pending(conn)


# Searching


def _fts_string(words: list[str]) -> str:
    return '"' + " ".join(words) + '"'


def _sqlite_match(q: Query) -> str | None:
    parts = [_fts_string(p) for p in q.phrases]
    words = [w for w in q.words if w not in STOPWORDS] or q.words
    if words:
        parts.append("(" + " OR ".join(_fts_string([w]) for w in words) + ")")
    for author in q.authors:
        parts.extend(f"authors : {_fts_string([w])}" for w in words_of(author))
    return " AND ".join(parts) if parts else None


def _filters(q: Query) -> list:  # type: ignore[type-arg]
    where = [papers.c.hidden.is_(False)]
    if q.after:
        where.append(papers.c.listed_on >= q.after)
    if q.before:
        where.append(papers.c.listed_on <= q.before)
    for category in q.categories:
        where.append(
            papers.c.id.in_(sa.select(paper_categories.c.paper_id).where(paper_categories.c.category == category))
        )
    return where


def _sqlite_search(conn: Connection, q: Query, limit: int, offset: int) -> tuple[list[tuple], int]:  # type: ignore[type-arg]
    match = _sqlite_match(q)
    if match is None:
        return [], 0
    fts = sa.table("papers_fts", sa.column("rowid"))
    rank = sa.literal_column(f"bm25(papers_fts, {TITLE_WEIGHT}, {ABSTRACT_WEIGHT}, {AUTHORS_WEIGHT})")
    base = (
        sa.select(papers.c.id)
        .select_from(fts.join(papers, papers.c.id == fts.c.rowid))
        .where(sa.literal_column("papers_fts").op("MATCH")(match), *_filters(q))
    )
    total = conn.execute(sa.select(sa.func.count()).select_from(base.subquery())).scalar() or 0
    rows = conn.execute(
        base.add_columns(
            rank.label("rank"),
            sa.literal_column("highlight(papers_fts, 0, char(2), char(3))").label("title_hl"),
            sa.literal_column("snippet(papers_fts, 1, char(2), char(3), '…', 40)").label("snippet"),
        )
        .order_by(sa.text("rank"), papers.c.id.desc())
        .limit(limit)
        .offset(offset)
    ).all()
    return [(r.id, -float(r.rank), r.title_hl, r.snippet) for r in rows], int(total)


def _pg_tsquery(q: Query):  # type: ignore[no-untyped-def]
    parts = [sa.func.phraseto_tsquery("english", " ".join(p)) for p in q.phrases]
    words = [w for w in q.words if w not in STOPWORDS] or q.words
    alternatives = None
    for w in words:
        term = sa.func.plainto_tsquery("english", w)
        alternatives = term if alternatives is None else alternatives.op("||")(term)
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


def _pg_search(conn: Connection, q: Query, limit: int, offset: int) -> tuple[list[tuple], int]:  # type: ignore[type-arg]
    tsq = _pg_tsquery(q)
    if tsq is None:
        return [], 0
    vector = sa.literal_column("papers.search_vector")
    weights = f"{{0.1, {ABSTRACT_WEIGHT / TITLE_WEIGHT}, {AUTHORS_WEIGHT / TITLE_WEIGHT}, 1.0}}"
    query = tsq.label("q")
    matched = sa.select(papers.c.id, query).where(vector.op("@@")(tsq), *_filters(q)).subquery()
    total = conn.execute(sa.select(sa.func.count()).select_from(matched)).scalar() or 0
    rank = sa.func.ts_rank_cd(sa.literal_column(f"'{weights}'::float4[]"), vector, matched.c.q)
    options = f"StartSel={START}, StopSel={STOP}"
    rows = conn.execute(
        sa.select(
            papers.c.id,
            rank.label("rank"),
            sa.func.ts_headline("english", papers.c.title, matched.c.q, options + ", HighlightAll=true").label(
                "title_hl"
            ),
            sa.func.ts_headline(
                "english",
                papers.c.abstract,
                matched.c.q,
                options + ", MaxWords=40, MinWords=20, MaxFragments=2, FragmentDelimiter=…",
            ).label("snippet"),
        )
        .select_from(matched.join(papers, papers.c.id == matched.c.id))
        .order_by(sa.desc("rank"), papers.c.id.desc())
        .limit(limit)
        .offset(offset)
    ).all()
    return [(r.id, float(r.rank), r.title_hl, r.snippet) for r in rows], int(total)


def _filtered_only(conn: Connection, q: Query, limit: int, offset: int) -> tuple[list[tuple], int]:  # type: ignore[type-arg]
    """A query with filters but no words: the matching papers, newest first."""
    stmt = sa.select(papers.c.id, papers.c.title, papers.c.abstract).where(*_filters(q))
    total = conn.execute(sa.select(sa.func.count()).select_from(stmt.subquery())).scalar() or 0
    rows = conn.execute(stmt.order_by(papers.c.listed_on.desc(), papers.c.id.desc()).limit(limit).offset(offset))
    return [(r.id, 0.0, r.title, r.abstract[:300]) for r in rows], int(total)


def keyword_search(conn: Connection, q: Query, limit: int = 20, offset: int = 0) -> Results:
    """Return a page of papers matching the query, best first, with highlighted titles and snippets."""
    if not q.has_text and not q.has_filters:
        return Results([], 0, [*q.notes, "Type a few words to search."])
    if not q.has_text and not q.authors:
        rows, total = _filtered_only(conn, q, limit, offset)
    elif conn.dialect.name == "postgresql":
        rows, total = _pg_search(conn, q, limit, offset)
    else:
        rows, total = _sqlite_search(conn, q, limit, offset)
    by_id = {p.id: p for p in papers_by_ids(conn, [r[0] for r in rows])}
    hits = [
        Hit(by_id[i], score, marked(title), marked(snippet or "")) for i, score, title, snippet in rows if i in by_id
    ]
    return Results(hits, total, list(q.notes))
