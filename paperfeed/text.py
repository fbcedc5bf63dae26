"""How dates, author lists and abstracts read, on pages, in mail and in feeds."""

from __future__ import annotations

from datetime import date, datetime
from urllib.parse import quote

from jinja2 import Environment

from paperfeed.records import collapse_whitespace


def author_line(authors: list[str], shown: int = 4) -> str:
    """Return 'A, B, C and 12 more' for a list of names."""
    names = [collapse_whitespace(a) for a in authors[:shown]]
    if len(authors) <= shown:
        return ", ".join(names)
    return f"{', '.join(names)} and {len(authors) - shown} more"


def summary(text: str, limit: int = 320) -> str:
    """Return the start of an abstract, cut at a word, for a card."""
    flat = collapse_whitespace(text[: limit * 2])
    if len(flat) <= limit:
        return flat
    cut = flat[:limit].rsplit(" ", 1)[0]
    if cut.count("$") % 2:  # never leave half a formula for KaTeX
        cut = cut[: cut.rindex("$")]
    return cut.rstrip(",;: ") + "…"


def nice_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    return f"{value:%b} {value.day}, {value.year}"


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else (many or word + 's')}"


def path_quote(value: str) -> str:
    """Quote a name for a URL path segment (author and organization pages)."""
    return quote(value, safe="")


def install_filters(env: Environment) -> None:
    """Give a template environment the text filters: the pages and the mail register them here, once."""
    env.filters.update(
        collapse=collapse_whitespace,
        author_line=author_line,
        summary=summary,
        nice_date=nice_date,
        plural=plural,
        path_quote=path_quote,
    )
