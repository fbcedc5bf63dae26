"""Paper cards rendered once for what they show, not once per page.

A list page is 25 to 50 cards, and drawing them was two thirds of rendering
the daily page (bench/pages.py, profiled). A card's body (title, authors,
summary, chips, links, cover) depends only on the paper's fields it reads
and the list's options, so it is kept by exactly those values: a paper whose
title, authors, links or comment count change is drawn again on its next
showing, and nothing needs clearing. The vote button (counts, the visitor's
own vote) stays outside and is drawn every time.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from jinja2 import Environment
from markupsafe import Markup

from paperfeed.store.models import Paper

# Every field of Paper that macros.html's card_article reads (tests/web/test_cards.py holds this to the macro).
CARD_FIELDS = (
    "arxiv_id",
    "title",
    "authors",
    "organization",
    "submitter",
    "abstract",
    "categories",
    "comment_count",
    "abs_url",
    "pdf_url",
    "code_url",
    "code_url_found",
    "project_url",
    "project_url_found",
)
MAX_CARDS = 20_000  # about 2 KB each


def card_key(paper: Paper, heading: str, show_day: bool, note: str | None, keywords: list[str] | None) -> Hashable:
    values = tuple(tuple(v) if isinstance(v, list) else v for v in (getattr(paper, f) for f in CARD_FIELDS))
    return (values, paper.listed_on if show_day else None, heading, note, tuple(keywords or ()))


class CardBodies:
    """The `card_body` of the templates: macros.html's card_article, kept by what it shows."""

    def __init__(self, env: Environment) -> None:
        self.env = env
        self.kept: dict[Hashable, Markup] = {}
        self.draw: Any = None  # the macro, looked up once (get_template checks the file on every call)

    def __call__(
        self,
        paper: Paper,
        heading: str,
        show_day: bool,
        note: str | None,
        keywords: list[str] | None,
        extra: Any = None,
    ) -> Markup:
        draw = self.draw
        if draw is None:
            draw = self.draw = self.env.get_template("macros.html").module.card_article  # type: ignore[attr-defined]
        if extra:  # a member's own actions (For you): theirs alone, never kept
            return Markup(draw(paper, heading, show_day, note, keywords, extra))
        key = card_key(paper, heading, show_day, note, keywords)
        body = self.kept.get(key)
        if body is None:
            if len(self.kept) >= MAX_CARDS:
                self.kept.clear()  # rather than an LRU's bookkeeping under several threads
            body = self.kept[key] = Markup(draw(paper, heading, show_day, note, keywords, None))
        return body


def install(env: Environment) -> None:
    env.globals["card_body"] = CardBodies(env)
