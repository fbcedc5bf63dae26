"""Papers: read one or a few, walk them all, change the site's own columns, and upsert from ingest (idempotent)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import orjson
import sqlalchemy as sa
from psycopg.errors import UniqueViolation
from sqlalchemy.engine import Connection

from paperfeed.links import find_links
from paperfeed.records import PaperRecord, collapse_whitespace, listing_day
from paperfeed.store.bulk import copy_rows, defer_gin_merges, merge_gin_pending
from paperfeed.store.db import upsert
from paperfeed.store.models import VISIBLE, Paper, read_papers, select_papers
from paperfeed.store.schema import paper_authors, paper_categories, papers

MAX_NAME = 300  # longest author name kept in the author index

# Columns a source describes. Everything else (listing day, created_at, and any
# table that points at a paper: votes, comments…) belongs to this site and is
# never overwritten by a later version of the paper.
CONTENT_COLUMNS = (
    "title",
    "abstract",
    "authors",
    "affiliations",
    "categories",
    "primary_category",
    "published_at",
    "updated_at",
    "latest_version",
    "versions",
    "comments",
    "journal_ref",
    "doi",
    "report_no",
    "license",
    "abs_url",
    "pdf_url",
    "organization",
    "base_upvotes",
    "code_url_found",
    "project_url_found",
)
# What some sources cannot know (version history, organization, imported votes):
# an update from such a source keeps what a richer one stored.
KEEP_WHEN_MISSING = ("versions", "latest_version", "organization", "base_upvotes")


def get_paper(conn: Connection, arxiv_id: str, *, include_hidden: bool = False) -> Paper | None:
    """Return the paper with this (versionless) arXiv id, or None."""
    stmt = select_papers().where(papers.c.arxiv_id == arxiv_id)
    if not include_hidden:
        stmt = stmt.where(VISIBLE)
    found = read_papers(conn, stmt)
    return found[0] if found else None


def papers_by_ids(conn: Connection, ids: list[int]) -> list[Paper]:
    """Return visible papers by id, in the order given."""
    if not ids:
        return []
    by_id = {p.id: p for p in read_papers(conn, select_papers().where(papers.c.id.in_(ids), VISIBLE))}
    return [by_id[i] for i in ids if i in by_id]


def newest_first(conn: Connection, scored: list[tuple[int, float]]) -> list[tuple[int, float]]:
    """Return (paper id, score) pairs ordered by listing day, newest first (a search sorted by date)."""
    if not scored:
        return []
    ids = [i for i, _ in scored]
    order = conn.execute(
        sa.select(papers.c.id)
        .where(papers.c.id.in_(ids))
        .order_by(papers.c.listed_on.desc(), papers.c.published_at.desc(), papers.c.id.desc())
    ).scalars()
    score = dict(scored)
    return [(i, score[i]) for i in order]


def papers_after(
    conn: Connection,
    after_id: int,
    limit: int,
    *,
    category: str | None = None,
    first: date | None = None,
    last: date | None = None,
) -> list[Paper]:
    """Return papers in id order after `after_id`: a stable walk over the whole store, for mirrors."""
    stmt = select_papers().where(papers.c.id > after_id, VISIBLE)
    if category:
        stmt = stmt.where(
            papers.c.id.in_(sa.select(paper_categories.c.paper_id).where(paper_categories.c.category == category))
        )
    if first is not None:
        stmt = stmt.where(papers.c.listed_on >= first)
    if last is not None:
        stmt = stmt.where(papers.c.listed_on <= last)
    return read_papers(conn, stmt.order_by(papers.c.id).limit(limit))


def set_paper_links(conn: Connection, paper_id: int, code_url: str | None, project_url: str | None) -> None:
    conn.execute(papers.update().where(papers.c.id == paper_id).values(code_url=code_url, project_url=project_url))


def set_paper_hidden(conn: Connection, paper_id: int, hidden: bool) -> None:
    conn.execute(papers.update().where(papers.c.id == paper_id).values(hidden=hidden))


def mark_submitted(conn: Connection, paper_id: int, user_id: int, now: datetime) -> None:
    """Record who submitted a paper and list it today."""
    conn.execute(
        papers.update()
        .where(papers.c.id == paper_id)
        .values(submitted_by=user_id, submitted_at=now, listed_on=now.date())
    )


@dataclass(slots=True)
class UpsertCounts:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0

    def add(self, other: UpsertCounts) -> None:
        self.inserted += other.inserted
        self.updated += other.updated
        self.unchanged += other.unchanged


def content_row(record: PaperRecord) -> dict[str, Any]:
    """Return the content columns of a record, as stored."""
    return {
        "title": record.title,
        "abstract": record.abstract,
        "authors": [a.name for a in record.authors],
        # Parallel to authors; most papers give no affiliation, so store none for them.
        "affiliations": (
            [list(a.affiliations) for a in record.authors] if any(a.affiliations for a in record.authors) else None
        ),
        "categories": list(record.categories),
        "primary_category": record.primary_category,
        "published_at": record.published_at,
        "updated_at": record.updated_at,
        "latest_version": record.latest_version,
        "versions": (
            [{"version": v.number, "created": v.created.isoformat()} for v in record.versions]
            if record.versions
            else None
        ),
        "comments": record.comments,
        "journal_ref": record.journal_ref,
        "doi": record.doi,
        "report_no": record.report_no,
        "license": record.license,
        "abs_url": record.abs_url,
        "pdf_url": record.pdf_url,
        "organization": record.organization,
        "base_upvotes": record.base_upvotes,
        **dict(zip(("code_url_found", "project_url_found"), find_links(record.comments, record.abstract), strict=True)),
    }


def content_hash(row: dict[str, Any]) -> str:
    """Return a digest of a row's content columns: equal digests mean nothing to write."""
    # Sorted keys: JSONB hands dicts back in its own key order.
    data = orjson.dumps([row[c] for c in CONTENT_COLUMNS], option=orjson.OPT_SORT_KEYS)
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _is_older(record: PaperRecord, existing: sa.Row) -> bool:
    """Whether the record describes an older version than the one stored."""
    if record.latest_version and existing.latest_version and record.latest_version != existing.latest_version:
        return record.latest_version < existing.latest_version
    if record.updated_at and existing.updated_at:
        # Compare days: some formats give only the date of a version.
        return record.updated_at.date() < existing.updated_at.date()
    return False


def _merge_missing(row: dict[str, Any], existing: sa.Row) -> None:
    for col in KEEP_WHEN_MISSING:
        if not row[col]:
            row[col] = getattr(existing, col)
    history = row["versions"]
    if history and row["latest_version"] and history[-1]["version"] < row["latest_version"]:
        # A history kept from before cannot describe a newer version: drop it, not guess.
        row["versions"] = None


def _newest_per_id(records: Sequence[PaperRecord]) -> dict[str, PaperRecord]:
    out: dict[str, PaperRecord] = {}
    for r in records:
        seen = out.get(r.arxiv_id)
        if seen is None or (r.latest_version or 0, r.updated_at or datetime.min) >= (
            seen.latest_version or 0,
            seen.updated_at or datetime.min,
        ):
            out[r.arxiv_id] = r
    return out


def upsert_papers(
    conn: Connection, records: Sequence[PaperRecord], now: datetime, *, bulk: bool = False
) -> UpsertCounts:
    """Insert new papers and update changed ones; return what happened.

    Idempotent: a record equal to what is stored writes nothing. A record of an
    older version than the stored one is ignored. Run it inside a transaction.
    With bulk=True (one batch of a bulk import) the author and category index
    rows are left for one `finish_bulk_upserts` at the end, which is many times
    faster than keeping them batch by batch, and so are PostgreSQL's GIN merges.
    """
    counts = UpsertCounts()
    batch = _newest_per_id(records)
    counts.unchanged += len(records) - len(batch)
    if not batch:
        return counts
    if bulk and conn.dialect.name == "postgresql":
        defer_gin_merges(conn)
    existing = {
        row.arxiv_id: row
        for row in conn.execute(
            sa.select(
                papers.c.id,
                papers.c.arxiv_id,
                papers.c.content_hash,
                papers.c.latest_version,
                papers.c.updated_at,
                papers.c.listed_on,
                *(papers.c[c] for c in KEEP_WHEN_MISSING if c != "latest_version"),
            ).where(papers.c.arxiv_id.in_(list(batch)))
        )
    }
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    for arxiv_id, record in batch.items():
        row = content_row(record)
        old = existing.get(arxiv_id)
        if old is None:
            row.update(
                arxiv_id=arxiv_id,
                listed_on=listing_day(record),
                source=record.source,
                fetched_at=record.fetched_at,
                content_hash=content_hash(row),
                created_at=now,
                modified_at=now,
            )
            inserts.append(row)
            continue
        if _is_older(record, old):
            counts.unchanged += 1
            continue
        _merge_missing(row, old)
        digest = content_hash(row)
        listed_on = record.listed_on or old.listed_on
        if digest == old.content_hash and listed_on == old.listed_on:
            counts.unchanged += 1
            continue
        row.update(
            _id=old.id,
            listed_on=listed_on,
            source=record.source,
            fetched_at=record.fetched_at,
            content_hash=digest,
            modified_at=now,
        )
        updates.append(row)
    if inserts:
        inserted = _insert_new(conn, inserts)
        counts.inserted += len(inserted)
        counts.unchanged += len(inserts) - len(inserted)
        if not bulk and inserted:
            ids = dict(
                conn.execute(
                    sa.select(papers.c.arxiv_id, papers.c.id).where(
                        papers.c.arxiv_id.in_([r["arxiv_id"] for r in inserted])
                    )
                ).all()
            )
            _write_lookups(conn, [(ids[r["arxiv_id"]], r) for r in inserted])
    if updates:
        stmt = (
            papers.update()
            .where(papers.c.id == sa.bindparam("_id"))
            .values(
                {
                    c: sa.bindparam(c)
                    for c in (*CONTENT_COLUMNS, "listed_on", "source", "fetched_at", "content_hash", "modified_at")
                }
            )
        )
        conn.execute(stmt, updates)
        counts.updated += len(updates)
        updated_ids = [r["_id"] for r in updates]
        conn.execute(paper_authors.delete().where(paper_authors.c.paper_id.in_(updated_ids)))
        conn.execute(paper_categories.delete().where(paper_categories.c.paper_id.in_(updated_ids)))
        if not bulk:
            _write_lookups(conn, [(r["_id"], r) for r in updates])
    return counts


def _insert_new(conn: Connection, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Insert rows of papers that were not stored when looked up; return the rows this call inserted.

    The one choice of how new papers go in. PostgreSQL takes them by COPY: a stream per batch instead of
    a statement per row (store/bulk.py). SQLite has no COPY, and its INSERT runs in-process. A concurrent
    writer may have stored one of the papers since: it is then theirs, not ours to count or index. COPY
    cannot skip it (a unique violation), so the batch goes in again, inside this transaction, by INSERT …
    ON CONFLICT DO NOTHING RETURNING, which names ours; SQLite's INSERT names them only when asked after
    the fact (RETURNING would slow every batch), by the creation time this call gave them.
    """
    stmt = upsert(conn, papers).on_conflict_do_nothing(index_elements=["arxiv_id"])
    if conn.dialect.name == "postgresql":
        try:
            with conn.begin_nested():
                copy_rows(conn, papers, rows)
            return rows
        except UniqueViolation:
            ours = set(conn.execute(stmt.returning(papers.c.arxiv_id), rows).scalars())
            return [r for r in rows if r["arxiv_id"] in ours]
    if conn.execute(stmt, rows).rowcount == len(rows):
        return rows
    created = rows[0]["created_at"]
    ours = set(
        conn.execute(
            sa.select(papers.c.arxiv_id).where(
                papers.c.arxiv_id.in_([r["arxiv_id"] for r in rows]), papers.c.created_at == created
            )
        ).scalars()
    )
    return [r for r in rows if r["arxiv_id"] in ours]


def _write_lookups(conn: Connection, rows: list[tuple[int, dict[str, Any]]]) -> None:
    """Write the author and category index rows of papers just inserted or updated."""
    author_rows = []
    category_rows = []
    for paper_id, row in rows:
        seen: set[str] = set()
        for position, name in enumerate(row["authors"]):
            key = author_key(name)
            if key and key not in seen:
                seen.add(key)
                author_rows.append((key, paper_id, position))
        for category in dict.fromkeys(row["categories"]):
            category_rows.append((category[:32], paper_id))
    # Straight to the driver: these are the most numerous rows an ingest writes.
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    mark = "%s" if conn.dialect.name == "postgresql" else "?"
    if author_rows:
        cursor.executemany(
            f"INSERT INTO paper_authors (name, paper_id, position) VALUES ({mark}, {mark}, {mark})", author_rows
        )
    if category_rows:
        cursor.executemany(f"INSERT INTO paper_categories (category, paper_id) VALUES ({mark}, {mark})", category_rows)
    cursor.close()


# The per-dialect SQL of fill_missing_lookups: (table, the insert from `missing`). Sorted, for the
# b-trees; the first position of a name a paper lists twice.
_FILL_SQL = {
    "sqlite": [
        (
            paper_authors,
            """INSERT OR IGNORE INTO paper_authors (name, paper_id, position)
            SELECT substr(a.value, 1, {max_name}), p.id, a.key
            FROM missing m JOIN papers p ON p.id = m.id, json_each(p.authors) a
            WHERE a.value <> '' ORDER BY 1, 2, 3""",
        ),
        (
            paper_categories,
            """INSERT OR IGNORE INTO paper_categories (category, paper_id)
            SELECT substr(c.value, 1, 32), p.id FROM missing m JOIN papers p ON p.id = m.id, json_each(p.categories) c
            ORDER BY 1, 2""",
        ),
    ],
    # DISTINCT ON, for when the primary key is dropped; ON CONFLICT, for when it is kept.
    "postgresql": [
        (
            paper_authors,
            """INSERT INTO paper_authors (name, paper_id, position)
            SELECT DISTINCT ON (1, 2) left(a.value, {max_name}), p.id, (a.n - 1)::int
            FROM missing m JOIN papers p ON p.id = m.id,
                 jsonb_array_elements_text(p.authors) WITH ORDINALITY AS a(value, n)
            WHERE a.value <> '' ORDER BY 1, 2, 3 ON CONFLICT DO NOTHING""",
        ),
        (
            paper_categories,
            """INSERT INTO paper_categories (category, paper_id)
            SELECT DISTINCT left(c.value, 32), p.id
            FROM missing m JOIN papers p ON p.id = m.id, jsonb_array_elements_text(p.categories) AS c(value)
            ORDER BY 1, 2 ON CONFLICT DO NOTHING""",
        ),
    ],
}
REBUILD_INDEX_ABOVE = 20_000  # papers; below this, keeping the indexes is cheaper than rebuilding them


def fill_missing_lookups(conn: Connection) -> int:
    """Write author and category index rows for every paper that has none; return how many papers.

    After a bulk import this is one sorted insert per table, with the paper_id
    index dropped and rebuilt when many papers are missing: minutes faster than
    row-by-row inserts at millions of papers. PostgreSQL drops and rebuilds the
    primary key too (5.0 against 9.3 s for the 1.5M author rows of 100k papers),
    having locked the table against other writers first, so that no row can come
    in twice. Author names are stored whitespace-collapsed by every source, so no
    more normalisation is needed than the truncation `author_key` also applies.
    """
    sqlite_ = conn.dialect.name == "sqlite"
    temp = "TEMP TABLE" if sqlite_ else "TEMPORARY TABLE"
    total = 0
    for table, insert in _FILL_SQL[conn.dialect.name]:
        if not sqlite_:  # SQLite's one writer holds the whole database already
            conn.exec_driver_sql(f"LOCK TABLE {table.name} IN SHARE ROW EXCLUSIVE MODE")
        conn.exec_driver_sql("DROP TABLE IF EXISTS missing")
        conn.exec_driver_sql(
            f"CREATE {temp} missing AS SELECT id FROM papers p "
            f"WHERE NOT EXISTS (SELECT 1 FROM {table.name} x WHERE x.paper_id = p.id)"
        )
        count = conn.exec_driver_sql("SELECT count(*) FROM missing").scalar() or 0
        total = max(total, count)
        rebuild = count > REBUILD_INDEX_ABOVE
        (index,) = table.indexes
        if sqlite_ and rebuild:
            conn.exec_driver_sql("PRAGMA cache_size=-65536")  # 64 MiB for the sort, this connection only
        if rebuild:
            conn.execute(sa.schema.DropIndex(index))
            if not sqlite_:  # SQLite's primary key is the table itself (WITHOUT ROWID)
                conn.execute(sa.schema.DropConstraint(table.primary_key))
        if count:
            conn.exec_driver_sql(insert.format(max_name=MAX_NAME))
        if rebuild:
            if not sqlite_:
                conn.execute(sa.schema.AddConstraint(table.primary_key))
            conn.execute(sa.schema.CreateIndex(index))
        conn.exec_driver_sql("DROP TABLE missing")
    if sqlite_:
        conn.exec_driver_sql("PRAGMA cache_size=-2000")
    return total


def finish_bulk_upserts(conn: Connection) -> int:
    """Do what bulk upserts put off: fill the missing lookups, merge GIN pending lists; return how many
    papers got lookups."""
    filled = fill_missing_lookups(conn)
    if conn.dialect.name == "postgresql":
        merge_gin_pending(conn, papers)
    return filled


def author_key(name: str) -> str:
    """Return the form of an author's name that their page is found by."""
    return collapse_whitespace(name)[:MAX_NAME]
