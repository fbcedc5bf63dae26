"""Reading papers for the pages: a day, a week, a month, trending, an author, a category, the stats."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from paperfeed import trending
from paperfeed.store.schema import paper_authors, paper_categories, papers, users

SORTS = ("votes", "new")


@dataclass(frozen=True, slots=True)
class Paper:
    """A stored paper as the views read it."""

    id: int
    arxiv_id: str
    title: str
    abstract: str
    authors: list[str]
    affiliations: list[list[str]] | None
    categories: list[str]
    primary_category: str | None
    published_at: datetime | None
    updated_at: datetime | None
    latest_version: int | None
    versions: list[dict[str, Any]] | None
    comments: str | None
    journal_ref: str | None
    doi: str | None
    report_no: str | None
    license: str | None
    abs_url: str | None
    pdf_url: str | None
    organization: str | None
    listed_on: date
    base_upvotes: int
    source: str
    fetched_at: datetime | None
    code_url_found: str | None
    project_url_found: str | None
    code_url: str | None
    project_url: str | None
    vote_count: int
    comment_count: int
    hidden: bool
    submitted_by: int | None
    submitted_at: datetime | None
    submitter: str | None = None  # the submitting user's name

    @property
    def upvotes(self) -> int:
        """Imported base count plus the votes cast here."""
        return self.base_upvotes + self.vote_count

    @property
    def code_link(self) -> str | None:
        return self.code_url or self.code_url_found

    @property
    def project_link(self) -> str | None:
        return self.project_url or self.project_url_found


PAPER_COLUMNS = [papers.c[name] for name in Paper.__dataclass_fields__ if name != "submitter"]
VOTES = papers.c.base_upvotes + papers.c.vote_count
VISIBLE = papers.c.hidden.is_(False)


def _papers(conn: Connection, stmt: sa.Select) -> list[Paper]:
    return [Paper(**row._mapping) for row in conn.execute(stmt)]


def _select() -> sa.Select:
    return sa.select(*PAPER_COLUMNS, users.c.username.label("submitter")).select_from(
        papers.outerjoin(users, users.c.id == papers.c.submitted_by))


def _order(stmt: sa.Select, sort: str) -> sa.Select:
    if sort == "new":
        return stmt.order_by(papers.c.listed_on.desc(), papers.c.published_at.desc(), papers.c.id.desc())
    return stmt.order_by(VOTES.desc(), papers.c.id.desc())


def get_paper(conn: Connection, arxiv_id: str, *, include_hidden: bool = False) -> Paper | None:
    """Return the paper with this (versionless) arXiv id, or None."""
    stmt = _select().where(papers.c.arxiv_id == arxiv_id)
    if not include_hidden:
        stmt = stmt.where(VISIBLE)
    found = _papers(conn, stmt)
    return found[0] if found else None


def papers_by_ids(conn: Connection, ids: list[int]) -> list[Paper]:
    """Return visible papers by id, in the order given."""
    if not ids:
        return []
    by_id = {p.id: p for p in _papers(conn, _select().where(papers.c.id.in_(ids), VISIBLE))}
    return [by_id[i] for i in ids if i in by_id]


def latest_day(conn: Connection) -> date | None:
    """Return the newest listing day that has papers."""
    return conn.execute(sa.select(sa.func.max(papers.c.listed_on)).where(VISIBLE)).scalar()


def neighbour_days(conn: Connection, day: date) -> tuple[date | None, date | None]:
    """Return the nearest earlier and later days that have papers (empty days are skipped)."""
    before = conn.execute(sa.select(sa.func.max(papers.c.listed_on)).where(papers.c.listed_on < day, VISIBLE))
    after = conn.execute(sa.select(sa.func.min(papers.c.listed_on)).where(papers.c.listed_on > day, VISIBLE))
    return before.scalar(), after.scalar()


def papers_listed(conn: Connection, first: date, last: date, sort: str = "votes", limit: int = 50,
                  offset: int = 0) -> tuple[list[Paper], int]:
    """Return a page of papers listed from `first` to `last` (inclusive), and how many there are in all."""
    where = (papers.c.listed_on >= first, papers.c.listed_on <= last, VISIBLE)
    total = conn.execute(sa.select(sa.func.count()).select_from(papers).where(*where)).scalar() or 0
    return papers_page(conn, first=first, last=last, sort=sort, limit=limit, offset=offset), int(total)


def papers_page(conn: Connection, *, first: date | None = None, last: date | None = None,
                submitted_by: int | None = None, sort: str = "new", limit: int = 50, offset: int = 0) -> list[Paper]:
    """Return a page of listed papers (no count: for the API, which pages without one)."""
    stmt = _select().where(VISIBLE)
    if first is not None:
        stmt = stmt.where(papers.c.listed_on >= first)
    if last is not None:
        stmt = stmt.where(papers.c.listed_on <= last)
    if submitted_by is not None:
        stmt = stmt.where(papers.c.submitted_by == submitted_by)
    return _papers(conn, _order(stmt, sort).limit(limit).offset(offset))


def papers_after(conn: Connection, after_id: int, limit: int, *, category: str | None = None,
                 first: date | None = None, last: date | None = None) -> list[Paper]:
    """Return papers in id order after `after_id`: a stable walk over the whole store, for mirrors."""
    stmt = _select().where(papers.c.id > after_id, VISIBLE)
    if category:
        stmt = stmt.where(papers.c.id.in_(sa.select(paper_categories.c.paper_id)
                                          .where(paper_categories.c.category == category)))
    if first is not None:
        stmt = stmt.where(papers.c.listed_on >= first)
    if last is not None:
        stmt = stmt.where(papers.c.listed_on <= last)
    return _papers(conn, stmt.order_by(papers.c.id).limit(limit))


def trending_papers(conn: Connection, now: datetime, limit: int = 50) -> list[tuple[Paper, float]]:
    """Return papers ranked by trending.trending_score, with their scores.

    The reference time is now, or the end of the newest listing day when the
    store has nothing newer (a site that has not ingested for a while, or the
    sample corpus), so trending never goes blank.
    """
    newest = latest_day(conn)
    if newest is None:
        return []
    reference = min(now, datetime.combine(newest + timedelta(days=1), datetime.min.time()))
    since = trending.window_start(reference)
    first_day = since.date()
    # Every paper of a listing day has the same age, so the database can rank them with one
    # weight per day; the few submitted papers (aged from their submission) are scored here.
    weights = {
        first_day + timedelta(days=n): trending.trending_score(
            1, (reference - trending.listed_at(first_day + timedelta(days=n), None)).total_seconds() / 3600)
        for n in range((reference.date() - first_day).days + 1)
    }
    score = VOTES * sa.case(weights, value=papers.c.listed_on, else_=0.0)
    in_window = (papers.c.listed_on >= first_day, VOTES > 0, VISIBLE)
    ranked = [(float(s), int(v), i) for i, v, s in conn.execute(
        sa.select(papers.c.id, VOTES, score.label("score"))
        .where(*in_window, papers.c.submitted_at.is_(None))
        .order_by(sa.desc("score"), VOTES.desc(), papers.c.id.desc()).limit(limit)
    )]
    for row in conn.execute(sa.select(papers.c.id, VOTES.label("votes"), papers.c.listed_on,
                                      papers.c.submitted_at).where(*in_window, papers.c.submitted_at.is_not(None))):
        age = (reference - trending.listed_at(row.listed_on, row.submitted_at)).total_seconds() / 3600
        ranked.append((trending.trending_score(row.votes, age), row.votes, row.id))
    ranked.sort(reverse=True)
    top = ranked[:limit]
    by_id = {p.id: p for p in papers_by_ids(conn, [paper_id for _, _, paper_id in top])}
    return [(by_id[paper_id], score) for score, _, paper_id in top if paper_id in by_id]


def _newest_first(stmt: sa.Select, limit: int, offset: int) -> sa.Select:
    return stmt.order_by(papers.c.listed_on.desc(), papers.c.id.desc()).limit(limit).offset(offset)


def _page(conn: Connection, where: list, join: tuple | None, limit: int, offset: int) -> tuple[list[Paper], int]:
    count = sa.select(sa.func.count()).select_from(papers)
    stmt = _select()
    if join is not None:
        count = count.join(*join)
        stmt = stmt.join(*join)
    total = conn.execute(count.where(*where)).scalar() or 0
    return _papers(conn, _newest_first(stmt.where(*where), limit, offset)), int(total)


def papers_by_author(conn: Connection, name: str, limit: int = 25, offset: int = 0) -> tuple[list[Paper], int]:
    join = (paper_authors, paper_authors.c.paper_id == papers.c.id)
    return _page(conn, [paper_authors.c.name == name, VISIBLE], join, limit, offset)


def papers_by_category(conn: Connection, category: str, limit: int = 25,
                       offset: int = 0) -> tuple[list[Paper], int]:
    join = (paper_categories, paper_categories.c.paper_id == papers.c.id)
    return _page(conn, [paper_categories.c.category == category, VISIBLE], join, limit, offset)


def papers_in_categories(conn: Connection, categories: list[str] | tuple[str, ...], first: date | None = None,
                         limit: int = 200, sort: str = "votes") -> list[Paper]:
    """Return papers (listed since `first`, if given) in any of these categories, most upvoted or newest first."""
    chosen = sa.select(paper_categories.c.paper_id).where(paper_categories.c.category.in_(list(categories)))
    stmt = _select().where(papers.c.id.in_(chosen), VISIBLE)
    if first is not None:
        stmt = stmt.where(papers.c.listed_on >= first)
    if sort == "new":
        return _papers(conn, _newest_first(stmt, limit, 0))
    return _papers(conn, stmt.order_by(VOTES.desc(), papers.c.listed_on.desc(), papers.c.id.desc()).limit(limit))


def papers_by_organization(conn: Connection, organization: str, limit: int = 25,
                           offset: int = 0) -> tuple[list[Paper], int]:
    return _page(conn, [papers.c.organization == organization, VISIBLE], None, limit, offset)


def papers_submitted_by(conn: Connection, user_id: int, limit: int = 50) -> list[Paper]:
    stmt = _select().where(papers.c.submitted_by == user_id, VISIBLE)
    return _papers(conn, stmt.order_by(papers.c.submitted_at.desc()).limit(limit))


def papers_per_day(conn: Connection, since: date) -> list[tuple[date, int]]:
    """Return (day, papers listed) for every day since `since` that has papers."""
    rows = conn.execute(
        sa.select(papers.c.listed_on, sa.func.count()).where(papers.c.listed_on >= since, VISIBLE)
        .group_by(papers.c.listed_on).order_by(papers.c.listed_on)
    )
    return [(d, int(n)) for d, n in rows]


def top_categories(conn: Connection, since: date | None = None, limit: int = 15) -> list[tuple[str, int]]:
    """Return the categories with the most papers (cross-lists included), since a day if given."""
    stmt = sa.select(paper_categories.c.category, sa.func.count().label("n")).group_by(paper_categories.c.category)
    if since is not None:
        stmt = stmt.join(papers, papers.c.id == paper_categories.c.paper_id).where(papers.c.listed_on >= since)
    return [(c, int(n)) for c, n in conn.execute(stmt.order_by(sa.desc("n"), paper_categories.c.category)
                                                  .limit(limit))]


def set_paper_links(conn: Connection, paper_id: int, code_url: str | None, project_url: str | None) -> None:
    conn.execute(papers.update().where(papers.c.id == paper_id).values(code_url=code_url, project_url=project_url))


def set_paper_hidden(conn: Connection, paper_id: int, hidden: bool) -> None:
    conn.execute(papers.update().where(papers.c.id == paper_id).values(hidden=hidden))


def mark_submitted(conn: Connection, paper_id: int, user_id: int, now: datetime) -> None:
    """Record who submitted a paper and list it today."""
    conn.execute(papers.update().where(papers.c.id == paper_id)
                 .values(submitted_by=user_id, submitted_at=now, listed_on=now.date()))


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
    by_source = dict(conn.execute(sa.select(papers.c.source, sa.func.count()).group_by(papers.c.source)).all())
    cats = conn.execute(
        sa.select(papers.c.primary_category, sa.func.count().label("n"))
        .where(papers.c.primary_category.is_not(None))
        .group_by(papers.c.primary_category)
        .order_by(sa.desc("n"), papers.c.primary_category)
        .limit(top)
    ).all()
    return StoreStats(total, first, last, by_source, [(c, n) for c, n in cats])
