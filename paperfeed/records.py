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
# The most a record may hold: far beyond any real paper's, so that one hostile record can fill neither a
# page nor the store. A record beyond them is a bad record.
MAX_TITLE = 2_000
MAX_ABSTRACT = 50_000
MAX_FIELD = 10_000  # comments, journal reference, DOI, report number, license, organization
MAX_NAME = 5_000  # an author's name, or one affiliation
MAX_AUTHORS = 10_000
MAX_CATEGORIES = 100
MAX_CATEGORY = 32  # the store's column
MAX_VERSION = 10_000  # no paper has more versions; a larger number is a corrupt field
MAX_UPVOTES = 10_000_000  # more than any paper has had anywhere
MAX_URL = 2_000
# Characters no text of a record keeps: C0 controls but tab, newline and carriage return; DEL; the
# non-characters U+FFFE and U+FFFF; lone surrogates (NUL alone would make PostgreSQL refuse the row).
_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")
# Links kept from upstream: http(s) on arxiv.org or one of its subdomains; any other is replaced by ours.
_ARXIV_LINK_RE = re.compile(
    r"https?://(?:[a-z0-9-]+\.)*arxiv\.org(?:[/?#][-\w.~:/?#@!$&()*+,;=%]*)?", re.IGNORECASE | re.ASCII
)


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


_CONTROL_BYTES = bytes([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])


def has_control(text: str) -> bool:
    """Whether text holds a character `strip_control` removes.

    Most text holds none, so this is the hot path: encoding and deleting the bytes of C0 controls and DEL is
    several times faster than a regex scan (a lone surrogate cannot be encoded; U+FFFE/U+FFFF are searched
    for in the UTF-8 only when the text is not ASCII).
    """
    try:
        data = text.encode()
    except UnicodeEncodeError:  # a lone surrogate
        return True
    if len(data.translate(None, _CONTROL_BYTES)) != len(data):
        return True
    return len(data) != len(text) and (b"\xef\xbf\xbe" in data or b"\xef\xbf\xbf" in data)


def strip_control(text: str) -> str:
    """Return text without control characters (tab, newline and carriage return stay)."""
    return _CONTROL_RE.sub("", text) if has_control(text) else text


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
        _check_text(self)
        if self.published_at is not None:
            self.published_at = _utc(self.arxiv_id, "first version", self.published_at)
        if self.updated_at is not None:
            self.updated_at = _utc(self.arxiv_id, "latest version", self.updated_at)
        if self.listed_on is not None and not isinstance(self.listed_on, date):
            raise ValueError(f"{self.arxiv_id}: its listing day is not a date")
        _check_numbers(self)
        check_dates(self)
        if self.versions:
            self.versions = sorted(self.versions, key=lambda v: v.number)
            if self.latest_version is None:
                self.latest_version = self.versions[-1].number
        if self.primary_category is None and self.categories:
            self.primary_category = self.categories[0]
        if self.abs_url is not None and not is_arxiv_link(self.abs_url):
            self.abs_url = None
        if self.pdf_url is not None and not is_arxiv_link(self.pdf_url):
            self.pdf_url = None
        if self.abs_url is None:
            self.abs_url = f"https://arxiv.org/abs/{self.arxiv_id}"
        if self.pdf_url is None:
            self.pdf_url = f"https://arxiv.org/pdf/{self.arxiv_id}"


def is_arxiv_link(url: object) -> bool:
    """Whether an upstream link may be kept: http(s), on arxiv.org or a subdomain of it."""
    return isinstance(url, str) and len(url) <= MAX_URL and _ARXIV_LINK_RE.fullmatch(url) is not None


def _utc(arxiv_id: str, what: str, when: object) -> datetime:
    if not isinstance(when, datetime):
        raise ValueError(f"{arxiv_id}: its {what} is not a time")
    try:
        return utc_naive(when)
    except OverflowError:  # an offset that pushes the year past 1 or 9999
        raise ValueError(f"{arxiv_id}: its {what} is out of range") from None


_OPTIONAL_TEXT = ("comments", "journal_ref", "doi", "report_no", "license", "organization")


def _check_text(r: PaperRecord) -> None:
    """Refuse text that is not text or too long; remove control characters.

    This runs for every record of a bulk import (millions), so the usual case is a handful of C-level
    calls: one join of all the text, which fails on any value that is not text, and one `has_control`.
    """
    title, abstract, authors, categories, primary = r.title, r.abstract, r.authors, r.categories, r.primary_category
    if not isinstance(authors, list) or len(authors) > MAX_AUTHORS:
        raise ValueError(f"{r.arxiv_id}: authors are not a list of at most {MAX_AUTHORS:,}")
    if not isinstance(categories, list) or len(categories) > MAX_CATEGORIES:
        raise ValueError(f"{r.arxiv_id}: categories are not a list of at most {MAX_CATEGORIES}")
    optional = [v for v in (r.comments, r.journal_ref, r.doi, r.report_no, r.license, r.organization) if v is not None]
    try:
        names = "\n".join([a.name for a in authors])
        affiliations = "\n".join([x for a in authors if a.affiliations for x in a.affiliations])
        listed = "\n".join(categories)
        texts = "\n".join([title, abstract, *optional, primary or "", names, affiliations, listed])
    except (TypeError, AttributeError):
        raise ValueError(f"{r.arxiv_id}: {_not_text(r)} is not text") from None
    if primary is not None and not isinstance(primary, str):
        raise ValueError(f"{r.arxiv_id}: its primary category is not text")
    if len(title) > MAX_TITLE or len(abstract) > MAX_ABSTRACT:
        raise ValueError(
            f"{r.arxiv_id}: its title or abstract is too long ({len(title):,}, {len(abstract):,} characters)"
        )
    if optional and max(map(len, optional)) > MAX_FIELD:
        raise ValueError(f"{r.arxiv_id}: a field is over {MAX_FIELD:,} characters long")
    # A joined list is no shorter than its longest item: the items are measured only when it is long.
    if (len(names) > MAX_NAME and max(len(a.name) for a in authors) > MAX_NAME) or (
        len(affiliations) > MAX_NAME and max(len(x) for a in authors for x in a.affiliations) > MAX_NAME
    ):
        raise ValueError(f"{r.arxiv_id}: an author's name or affiliation is over {MAX_NAME:,} characters long")
    if (primary and len(primary) > MAX_CATEGORY) or (
        len(listed) > MAX_CATEGORY and max(map(len, categories)) > MAX_CATEGORY
    ):
        raise ValueError(f"{r.arxiv_id}: a category is over {MAX_CATEGORY} characters long")
    if not has_control(texts):
        return  # the usual case: nothing to remove
    r.title, r.abstract = strip_control(title), strip_control(abstract)
    for name in _OPTIONAL_TEXT:
        value = getattr(r, name)
        if value is not None:
            setattr(r, name, strip_control(value))
    if r.primary_category is not None:
        r.primary_category = strip_control(r.primary_category) or None
    r.categories = [c for c in map(strip_control, categories) if c]
    cleaned = []
    for a in authors:
        name = strip_control(a.name)
        if name:
            cleaned.append(Author(name, tuple(x for x in map(strip_control, a.affiliations) if x)))
    r.authors = cleaned


def _not_text(r: PaperRecord) -> str:
    """Name the field that is not text, for the message."""
    for name in ("title", "abstract", *_OPTIONAL_TEXT):
        if not isinstance(getattr(r, name), str | None):
            return f"its {name}"
    if not all(isinstance(a, Author) and isinstance(a.name, str) for a in r.authors):
        return "an author's name"
    if not all(isinstance(x, str) for a in r.authors for x in a.affiliations):
        return "an affiliation"
    return "a category"


def _check_numbers(r: PaperRecord) -> None:
    """Refuse version numbers and upvote counts no real paper has (the store's integers would overflow)."""
    if r.latest_version is not None and (
        isinstance(r.latest_version, bool)
        or not isinstance(r.latest_version, int)
        or not 1 <= r.latest_version <= MAX_VERSION
    ):
        raise ValueError(f"{r.arxiv_id}: version {str(r.latest_version)[:20]} is out of range")
    if r.versions is not None:
        if not isinstance(r.versions, list) or len(r.versions) > MAX_VERSION:
            raise ValueError(f"{r.arxiv_id}: versions are not a list of at most {MAX_VERSION:,}")
        for v in r.versions:
            if not isinstance(v, Version) or not isinstance(v.number, int) or not 1 <= v.number <= MAX_VERSION:
                raise ValueError(f"{r.arxiv_id}: a version number is out of range")
    upvotes = r.base_upvotes
    if isinstance(upvotes, bool) or not isinstance(upvotes, int) or not 0 <= upvotes <= MAX_UPVOTES:
        raise ValueError(f"{r.arxiv_id}: upvotes {str(upvotes)[:20]} is not a count from 0 to {MAX_UPVOTES:,}")


def check_dates(record: PaperRecord, today: datetime | None = None) -> None:
    """Refuse a record whose dates fall outside the window a real paper's can (a ValueError: a bad record)."""
    latest = (today or now()) + AHEAD
    stamps = [("first version", record.published_at), ("latest version", record.updated_at)]
    stamps += [
        (f"version {v.number}", _utc(record.arxiv_id, f"version {v.number}", v.created)) for v in record.versions or ()
    ]
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

    def __post_init__(self) -> None:
        # Both are printed to a terminal and kept in summaries: one line each, short, no escape sequences.
        object.__setattr__(self, "location", _one_line(self.location, 200))
        object.__setattr__(self, "reason", _one_line(self.reason, 500) or "unreadable")

    def __str__(self) -> str:
        return f"{self.location}: {self.reason}"


def _one_line(text: object, limit: int) -> str:
    text = str(text)[: limit * 4]
    return " ".join(strip_control(text).split())[:limit]
