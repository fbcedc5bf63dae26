"""Lists of papers for the pages: a day, a week, a month, an author, a category, an organization; the stats."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from paperfeed.store.models import VISIBLE, VOTES, Paper, ordered, read_papers, select_papers
from paperfeed.store.schema import paper_authors, paper_categories, papers

SORTS = ("votes", "new")


def latest_day(conn: Connection) -> date | None:
    """Return the newest listing day that has papers."""
    return conn.execute(sa.select(sa.func.max(papers.c.listed_on)).where(VISIBLE)).scalar()


def neighbour_days(conn: Connection, day: date) -> tuple[date | None, date | None]:
    """Return the nearest earlier and later days that have papers (empty days are skipped)."""
    before = conn.execute(sa.select(sa.func.max(papers.c.listed_on)).where(papers.c.listed_on < day, VISIBLE))
    after = conn.execute(sa.select(sa.func.min(papers.c.listed_on)).where(papers.c.listed_on > day, VISIBLE))
    return before.scalar(), after.scalar()


def papers_listed(
    conn: Connection, first: date, last: date, sort: str = "votes", limit: int = 50, offset: int = 0
) -> tuple[list[Paper], int]:
    """Return a page of papers listed from `first` to `last` (inclusive), and how many there are in all."""
    where = (papers.c.listed_on >= first, papers.c.listed_on <= last, VISIBLE)
    total = conn.execute(sa.select(sa.func.count()).select_from(papers).where(*where)).scalar() or 0
    return papers_page(conn, first=first, last=last, sort=sort, limit=limit, offset=offset), int(total)


def papers_page(
    conn: Connection,
    *,
    first: date | None = None,
    last: date | None = None,
    submitted_by: int | None = None,
    sort: str = "new",
    limit: int = 50,
    offset: int = 0,
) -> list[Paper]:
    """Return a page of listed papers (no count: for the API, which pages without one)."""
    stmt = select_papers().where(VISIBLE)
    if first is not None:
        stmt = stmt.where(papers.c.listed_on >= first)
    if last is not None:
        stmt = stmt.where(papers.c.listed_on <= last)
    if submitted_by is not None:
        stmt = stmt.where(papers.c.submitted_by == submitted_by)
    return read_papers(conn, ordered(stmt, sort).limit(limit).offset(offset))


def _newest_first(stmt: sa.Select, limit: int, offset: int) -> sa.Select:
    return stmt.order_by(papers.c.listed_on.desc(), papers.c.id.desc()).limit(limit).offset(offset)


def _page(conn: Connection, where: list, join: tuple | None, limit: int, offset: int) -> tuple[list[Paper], int]:
    count = sa.select(sa.func.count()).select_from(papers)
    stmt = select_papers()
    if join is not None:
        count = count.join(*join)
        stmt = stmt.join(*join)
    total = conn.execute(count.where(*where)).scalar() or 0
    return read_papers(conn, _newest_first(stmt.where(*where), limit, offset)), int(total)


def papers_by_author(conn: Connection, name: str, limit: int = 25, offset: int = 0) -> tuple[list[Paper], int]:
    join = (paper_authors, paper_authors.c.paper_id == papers.c.id)
    return _page(conn, [paper_authors.c.name == name, VISIBLE], join, limit, offset)


def papers_by_category(conn: Connection, category: str, limit: int = 25, offset: int = 0) -> tuple[list[Paper], int]:
    join = (paper_categories, paper_categories.c.paper_id == papers.c.id)
    return _page(conn, [paper_categories.c.category == category, VISIBLE], join, limit, offset)


def papers_in_categories(
    conn: Connection,
    categories: list[str] | tuple[str, ...],
    first: date | None = None,
    limit: int = 200,
    sort: str = "votes",
) -> list[Paper]:
    """Return papers (listed since `first`, if given) in any of these categories, most upvoted or newest first."""
    chosen = sa.select(paper_categories.c.paper_id).where(paper_categories.c.category.in_(list(categories)))
    stmt = select_papers().where(papers.c.id.in_(chosen), VISIBLE)
    if first is not None:
        stmt = stmt.where(papers.c.listed_on >= first)
    if sort == "new":
        return read_papers(conn, _newest_first(stmt, limit, 0))
    return read_papers(conn, stmt.order_by(VOTES.desc(), papers.c.listed_on.desc(), papers.c.id.desc()).limit(limit))


def papers_by_organization(
    conn: Connection, organization: str, limit: int = 25, offset: int = 0
) -> tuple[list[Paper], int]:
    return _page(conn, [papers.c.organization == organization, VISIBLE], None, limit, offset)


def papers_submitted_by(conn: Connection, user_id: int, limit: int = 50) -> list[Paper]:
    stmt = select_papers().where(papers.c.submitted_by == user_id, VISIBLE)
    return read_papers(conn, stmt.order_by(papers.c.submitted_at.desc()).limit(limit))


def papers_per_day(conn: Connection, since: date) -> list[tuple[date, int]]:
    """Return (day, papers listed) for every day since `since` that has papers."""
    rows = conn.execute(
        sa.select(papers.c.listed_on, sa.func.count())
        .where(papers.c.listed_on >= since, VISIBLE)
        .group_by(papers.c.listed_on)
        .order_by(papers.c.listed_on)
    )
    return [(d, int(n)) for d, n in rows]


def top_categories(conn: Connection, since: date | None = None, limit: int = 15) -> list[tuple[str, int]]:
    """Return the categories with the most papers (cross-lists included), since a day if given."""
    stmt = sa.select(paper_categories.c.category, sa.func.count().label("n")).group_by(paper_categories.c.category)
    if since is not None:
        stmt = stmt.join(papers, papers.c.id == paper_categories.c.paper_id).where(papers.c.listed_on >= since)
    return [(c, int(n)) for c, n in conn.execute(stmt.order_by(sa.desc("n"), paper_categories.c.category).limit(limit))]


@dataclass(frozen=True, slots=True)
class StoreStats:
    papers: int
    first_listed: date | None
    last_listed: date | None
    by_source: dict[str, int]
    top_categories: list[tuple[str, int]]


def store_stats(conn: Connection, top: int = 10) -> StoreStats:
    """Return counts that describe the store's contents."""
    total, first, last = conn.execute(
        sa.select(sa.func.count(), sa.func.min(papers.c.listed_on), sa.func.max(papers.c.listed_on))
    ).one()
    by_source: dict[str, int] = dict(
        conn.execute(sa.select(papers.c.source, sa.func.count()).group_by(papers.c.source)).all()
    )
    cats = conn.execute(
        sa.select(papers.c.primary_category, sa.func.count().label("n"))
        .where(papers.c.primary_category.is_not(None))
        .group_by(papers.c.primary_category)
        .order_by(sa.desc("n"), papers.c.primary_category)
        .limit(top)
    ).all()
    return StoreStats(total, first, last, by_source, [(c, n) for c, n in cats])
