"""The plain paper record every source yields and the store accepts.

Sources know nothing of the database; the store knows nothing of upstream
formats. This module is the contract between them, plus the few rules that
both sides must agree on: what an arXiv id is, and which day a paper is listed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import NamedTuple

from paperfeed.clock import now, utc_naive

# New-style ids (since 2007-04): YYMM.NNNN (to 2014) or YYMM.NNNNN.
_NEW_ID = r"\d{4}\.\d{4,5}"
# Old-style ids: archive[.SUBJECT]/YYMMNNN, e.g. hep-th/9901001, math.GT/0309136.
_OLD_ID = r"[a-z][a-z-]*(?:\.[A-Z]{2})?/\d{7}"
_ID_RE = re.compile(rf"^(?P<id>{_NEW_ID}|{_OLD_ID})(?:v(?P<version>\d+))?$")
_URL_PREFIX_RE = re.compile(r"^(?:https?://)?(?:www\.|export\.)?arxiv\.org/(?:abs|pdf|html)/", re.IGNORECASE)
MAX_ID_INPUT = 300
# Dates a paper may carry: arXiv began in August 1991, and nothing is announced more than a few days ahead.
# A date outside is a bad record (one line dated 9999 would otherwise lead every list of the site).
EARLIEST = datetime(1991, 1, 1)
AHEAD = timedelta(days=3)


class InvalidArxivId(ValueError):
    """Raised when a string is not an arXiv identifier."""


# An arXiv category: an archive (hep-th, cs) and an optional subject class (cs.CL, math.AG).
CATEGORY_RE = re.compile(r"^[a-z][a-z-]{0,15}(\.[A-Za-z][A-Za-z-]{0,15})?$")


def is_category(name: str) -> bool:
    return bool(CATEGORY_RE.match(name))


def parse_arxiv_id(text: str) -> tuple[str, int | None]:
    """Return (id without version, version or None) for an id, `arXiv:` id or arXiv URL."""
    if not isinstance(text, str) or len(text) > MAX_ID_INPUT:
        raise InvalidArxivId("an arXiv id is a short string such as 2503.13423 or hep-th/9901001")
    s = text.strip()
    s = _URL_PREFIX_RE.sub("", s)
    if s.lower().startswith("arxiv:"):
        s = s[6:]
    s = s.removesuffix(".pdf").rstrip("/")
    m = _ID_RE.match(s)
    if not m:
        shown = text.strip()[:60]
        raise InvalidArxivId(f"{shown!r} is not an arXiv id (expected e.g. 2503.13423, 2503.13423v2 or hep-th/9901001)")
    version = m.group("version")
    return m.group("id"), int(version) if version else None


def normalize_arxiv_id(text: str) -> str:
    """Return the versionless arXiv id for any accepted spelling of it."""
    return parse_arxiv_id(text)[0]


def collapse_whitespace(text: str | None) -> str:
    """Return text with hard wraps and runs of whitespace collapsed to single spaces."""
    if not text:
        return ""
    return " ".join(text.split())  # str.split() splits on the same (Unicode) whitespace as \s, and faster


# Named tuples rather than dataclasses: a bulk import makes tens of millions of them.
class Author(NamedTuple):
    name: str
    affiliations: tuple[str, ...] = ()


class Version(NamedTuple):
    number: int
    created: datetime


@dataclass(slots=True)
class PaperRecord:
    """One paper as a source saw it. Text is kept as given (TeX, hard wraps and all)."""

    arxiv_id: str
    title: str
    abstract: str
    authors: list[Author]
    categories: list[str]
    source: str
    primary_category: str | None = None
    published_at: datetime | None = None  # first version, UTC
    updated_at: datetime | None = None  # latest version, UTC
    latest_version: int | None = None
    versions: list[Version] | None = None  # full history when the source has it
    comments: str | None = None
    journal_ref: str | None = None
    doi: str | None = None
    report_no: str | None = None
    license: str | None = None
    abs_url: str | None = None
    pdf_url: str | None = None
    fetched_at: datetime | None = None
    listed_on: date | None = None  # explicit listing day (sample corpus, submissions)
    organization: str | None = None
    base_upvotes: int = 0  # imported counts, before accounts exist

    def __post_init__(self) -> None:
        self.arxiv_id = normalize_arxiv_id(self.arxiv_id)
        if self.title is None:
            raise ValueError(f"{self.arxiv_id}: a paper needs a title")
        if self.published_at is None and self.listed_on is None:
            raise ValueError(f"{self.arxiv_id}: a paper needs its first-version date or a listing day")
        if self.published_at is not None:
            self.published_at = utc_naive(self.published_at)
        if self.updated_at is not None:
            self.updated_at = utc_naive(self.updated_at)
        check_dates(self)
        if self.versions:
            self.versions = sorted(self.versions, key=lambda v: v.number)
            if self.latest_version is None:
                self.latest_version = self.versions[-1].number
        if self.primary_category is None and self.categories:
            self.primary_category = self.categories[0]
        if self.abs_url is None:
            self.abs_url = f"https://arxiv.org/abs/{self.arxiv_id}"
        if self.pdf_url is None:
            self.pdf_url = f"https://arxiv.org/pdf/{self.arxiv_id}"


def check_dates(record: PaperRecord, today: datetime | None = None) -> None:
    """Refuse a record whose dates fall outside the window a real paper's can (a ValueError: a bad record)."""
    latest = (today or now()) + AHEAD
    stamps = [("first version", record.published_at), ("latest version", record.updated_at)]
    stamps += [(f"version {v.number}", utc_naive(v.created)) for v in record.versions or ()]
    if record.listed_on is not None:
        stamps.append(("listing day", datetime.combine(record.listed_on, datetime.min.time())))
    for what, when in stamps:
        if when is not None and not EARLIEST <= when <= latest:
            raise ValueError(
                f"{record.arxiv_id}: its {what} is dated {when:%Y-%m-%d}, outside "
                f"{EARLIEST:%Y-%m-%d} to {latest:%Y-%m-%d}"
            )


def listing_day(record: PaperRecord) -> date:
    """Return the day a paper appears on the daily page.

    This is the one place that decides it. An explicit listing day wins (the
    sample corpus carries the day it was featured; a user submission is listed
    on the day it was submitted). Otherwise it is the UTC date of the paper's
    first version. The day is fixed at first insert: later versions never move
    a paper to another day.
    """
    if record.listed_on is not None:
        return record.listed_on
    assert record.published_at is not None  # guaranteed by PaperRecord
    return record.published_at.date()


@dataclass(frozen=True, slots=True)
class BadRecord:
    """A record a source could not read: where it was, and why. Reported, then skipped."""

    location: str
    reason: str

    def __str__(self) -> str:
        return f"{self.location}: {self.reason}"
