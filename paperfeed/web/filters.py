"""The template filters of the pages."""

from __future__ import annotations

from urllib.parse import quote

from jinja2 import Environment

from paperfeed.records import collapse_whitespace
from paperfeed.text import author_line, nice_date, plural, summary
from paperfeed.web.markup import render_comment


def path_quote(value: str) -> str:
    """Quote a name for a URL path segment (author and organization pages)."""
    return quote(value, safe="")


def install(env: Environment) -> None:
    env.filters.update(
        collapse=collapse_whitespace, author_line=author_line, summary=summary, nice_date=nice_date, plural=plural,
        path_quote=path_quote, comment=render_comment,
    )
