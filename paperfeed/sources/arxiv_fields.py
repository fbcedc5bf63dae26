"""Fields that arXiv's snapshot and OAI formats share: author strings, split names, RFC 2822 dates."""

from __future__ import annotations

import email.utils
import re
from collections.abc import Sequence
from datetime import datetime

from paperfeed.clock import utc_naive
from paperfeed.records import MAX_VERSION, Author

# The longest author string read: arXiv's longest (collaborations of thousands) are a few hundred
# thousand characters; the split below goes character by character.
MAX_AUTHOR_STRING = 1_000_000

_AND_RE = re.compile(r"\s+and\s+", re.IGNORECASE)
_LEADING_AND_RE = re.compile(r"^and\s+", re.IGNORECASE)  # "A, B, and C": the Oxford comma


def _split_top_level(text: str) -> list[tuple[str, list[str]]]:
    """Split on commas and ' and ' outside parentheses; keep parenthesised groups apart."""
    parts: list[tuple[str, list[str]]] = []
    name: list[str] = []
    groups: list[str] = []
    depth = 0
    group: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "(":
            if depth > 0:
                group.append(ch)
            depth += 1
        elif ch == ")" and depth > 0:
            depth -= 1
            if depth == 0:
                groups.append("".join(group).strip())
                group = []
            else:
                group.append(ch)
        elif depth > 0:
            group.append(ch)
        elif ch == ",":
            parts.append(("".join(name), groups))
            name, groups = [], []
        else:
            m = _AND_RE.match(text, i)
            if m and name and "".join(name).strip():
                parts.append(("".join(name), groups))
                name, groups = [], []
                i = m.end()
                continue
            name.append(ch)
        i += 1
    if group:  # unbalanced parenthesis: keep the text rather than lose it
        name.append("(" + "".join(group))
    parts.append(("".join(name), groups))
    return parts


def parse_author_string(text: str | None) -> list[Author]:
    """Return the authors of an arXiv author string, affiliations taken from parentheses."""
    if not text:
        return []
    if len(text) > MAX_AUTHOR_STRING:
        raise ValueError(f"the author list is {len(text):,} characters long")
    flat = " ".join(text.split())
    authors: list[Author] = []
    for name, groups in _split_top_level(flat):
        name = _LEADING_AND_RE.sub("", name.strip())
        affiliations = tuple(g for g in groups if g)
        if name:
            authors.append(Author(name=name, affiliations=affiliations))
        elif affiliations and authors:
            # "A. One, B. Two, (MIT)": a stray group belongs to the author before it.
            last = authors[-1]
            authors[-1] = Author(last.name, last.affiliations + affiliations)
    return authors


def author_from_parts(keyname: str, forenames: str = "", suffix: str = "", affiliations: Sequence[str] = ()) -> Author:
    """Return an author from arXiv's split name (a collaboration is a keyname alone)."""
    name = " ".join([p for p in (forenames.strip(), keyname.strip(), suffix.strip()) if p])
    if not affiliations:
        return Author(name)
    return Author(name, tuple(a.strip() for a in affiliations if a and a.strip()))


def parse_rfc2822(value: str) -> datetime:
    """Return the naive UTC time of a date such as 'Mon, 22 Dec 2014 13:54:29 GMT'; ValueError when unreadable."""
    try:
        return utc_naive(email.utils.parsedate_to_datetime(value))
    except (TypeError, OverflowError, IndexError, ValueError):  # a year of 20 digits overflows, say
        raise ValueError(f"{str(value)[:40]!r} is not a date") from None


def parse_iso_time(value: str) -> datetime:
    """Return the naive UTC time of an ISO 8601 date or time ('Z' for UTC too); ValueError when unreadable."""
    try:
        return utc_naive(datetime.fromisoformat(value.strip().replace("Z", "+00:00")))
    except (TypeError, OverflowError, ValueError):  # an offset past year 1 or 9999 overflows
        raise ValueError(f"{str(value)[:40]!r} is not a date") from None


def version_number(label: str | None) -> int | None:
    """Return the number of a version label ('v3', '3'); None when it has none; ValueError when out of range."""
    digits = (label or "").strip().removeprefix("v")
    if not (digits.isascii() and digits.isdigit()):  # '²' is a digit to str.isdigit, not to int
        return None
    number = int(digits[:12])
    if not 1 <= number <= MAX_VERSION or len(digits) > 12:
        raise ValueError(f"version number {digits[:20]} is out of range")
    return number
