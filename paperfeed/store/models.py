"""The `Paper` model the views read, and how a query's rows become it.

Queries anywhere in the store select `paper_columns()` and map rows with
`read_papers`, so every view sees the same fields (and `upvotes`, the one
sum of imported and cast votes).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from paperfeed.store.schema import papers, users


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


FIELDS = list(Paper.__dataclass_fields__)


def read_papers(conn: Connection, stmt: sa.Select) -> list[Paper]:
    """Return the papers a select of `select_papers()` finds, in its order.

    Rows are passed by position when their columns are Paper's fields in order (as select_papers()
    makes them): four times faster than by name, a millisecond of a list page (bench/pages.py).
    """
    result = conn.execute(stmt)
    if list(result.keys()) == FIELDS:
        return [Paper(*row) for row in result]
    return [Paper(**row._mapping) for row in result]


# Built once (a select is immutable: each .where() makes a new one): building it was a third of reading a
# paper for its page (bench/pages.py, profiled).
_SELECT_PAPERS = sa.select(*PAPER_COLUMNS, users.c.username.label("submitter")).select_from(
    papers.outerjoin(users, users.c.id == papers.c.submitted_by)
)


def select_papers() -> sa.Select:
    """Return a select of every paper column and the submitter's name."""
    return _SELECT_PAPERS


def ordered(stmt: sa.Select, sort: str) -> sa.Select:
    """Order papers newest first (`new`) or most upvoted first (`votes`)."""
    if sort == "new":
        return stmt.order_by(papers.c.listed_on.desc(), papers.c.published_at.desc(), papers.c.id.desc())
    return stmt.order_by(VOTES.desc(), papers.c.id.desc())
