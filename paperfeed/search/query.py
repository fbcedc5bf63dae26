"""What a search box string means: words, "quoted phrases", author:, category:, after:, before:.

Any string is accepted. Operators of the engines underneath (FTS5's AND, OR,
NOT, NEAR, *, ^, column filters, parentheses; tsquery's &, |, !) never reach
them: words are reduced to letters and digits and passed on as literal terms.
What cannot be used is dropped and said so in `Query.notes`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

MAX_QUERY = 500  # characters considered; the rest is dropped, with a note
MAX_TERMS = 24
_TOKEN_RE = re.compile(r'(\w+):"([^"]*)"?|(\w+):(\S+)|"([^"]*)"?|(\S+)')
_WORD_RE = re.compile(r"[^\W_]+(?:[.'’-][^\W_]+)*", re.UNICODE)
FILTERS = ("author", "category", "after", "before")
# Words too common to rank by: full-text search drops them from "any word" matching, key phrases never use them.
STOPWORDS = frozenset(
    (
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "can",
        "for",
        "from",
        "has",
        "have",
        "in",
        "into",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "our",
        "that",
        "the",
        "their",
        "these",
        "this",
        "to",
        "using",
        "via",
        "we",
        "what",
        "which",
        "while",
        "with",
        "without",
    )
)


@dataclass
class Query:
    words: list[str] = field(default_factory=list)
    phrases: list[list[str]] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    after: date | None = None
    before: date | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def has_text(self) -> bool:
        return bool(self.words or self.phrases)

    @property
    def has_filters(self) -> bool:
        return bool(self.authors or self.categories or self.after or self.before)

    @property
    def terms(self) -> list[str]:
        """Every word the text part asks for, phrases included (for highlighting)."""
        return self.words + [w for p in self.phrases for w in p]


def words_of(text: str) -> list[str]:
    """Return the searchable words of a text: letters and digits, with inner dots and hyphens kept."""
    return [w.lower() for w in _WORD_RE.findall(text)]


def _day(value: str, name: str, notes: list[str]) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        notes.append(f"{name}: needs a date like 2026-04-06; {value[:20]!r} was ignored.")
        return None


def parse_query(text: str) -> Query:
    """Return the parsed query; never raises, whatever the text."""
    q = Query()
    text = text or ""
    if len(text) > MAX_QUERY:
        q.notes.append(f"Only the first {MAX_QUERY} characters of the query were used.")
        text = text[:MAX_QUERY]
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    for m in _TOKEN_RE.finditer(text):
        key, quoted_value, key2, value, phrase, bare = m.groups()
        key = (key or key2 or "").lower()
        filter_value = quoted_value if quoted_value is not None else value
        if key in FILTERS and filter_value is not None:
            filter_value = filter_value.strip()
            if not filter_value:
                continue
            if key == "author":
                q.authors.append(" ".join(filter_value.split())[:300])
            elif key == "category":
                q.categories.append(filter_value[:32])
            elif key == "after":
                q.after = _day(filter_value, key, q.notes) or q.after
            else:
                q.before = _day(filter_value, key, q.notes) or q.before
            continue
        if key:  # an unknown "key:value" is just words
            q.words.extend(words_of(m.group(0)))
        elif phrase is not None:
            found = words_of(phrase)
            if len(found) > 1:
                q.phrases.append(found)
            else:
                q.words.extend(found)
        elif bare:
            q.words.extend(words_of(bare))
    seen: set[str] = set()
    q.words = [w for w in q.words if not (w in seen or seen.add(w))]  # type: ignore[func-returns-value]
    if len(q.words) + sum(len(p) for p in q.phrases) > MAX_TERMS:
        q.notes.append(f"Only the first {MAX_TERMS} words were used.")
        q.words = q.words[:MAX_TERMS]
        q.phrases = [p[:MAX_TERMS] for p in q.phrases[:4]]
    return q
