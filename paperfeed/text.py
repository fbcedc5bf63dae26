"""How dates, author lists and abstracts read, on pages, in mail and in feeds."""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import lru_cache
from typing import Literal
from urllib.parse import quote

from jinja2 import Environment
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

from paperfeed.records import collapse_whitespace

# Titles and abstracts carry TeX. Text-mode TeX (\emph{…}, \%, ``quotes'', ~, --) becomes the characters
# it stands for wherever they are shown; math between $…$ stays TeX on pages, where KaTeX draws it, and becomes
# text (α, x^2) where nothing draws it: feeds, mail, share tags. The API keeps the text as given.
_TEX_HINT = re.compile(r"[\\~{}`]|--|''")  # text without any of these reads the same converted or not
_BARE = re.compile(r"(?<!\\)([%&#])")  # in arXiv abstracts a bare % or & is text, not a comment or a column
# URLs are kept as written: a ~ in a path is not a space, and \url{…} shows its address.
_URL = re.compile(r"\\url\{([^{}\s]*)\}|https?://[^\s{}$\\]+")
_ESCAPED_DOLLAR = "\ue000"  # stands for \$ while converting: a dollar sign, never the start of math
_HOLD = re.compile("\ue001(\\d+)\ue002")
# The bulk snapshot escapes some accents twice or thrice (Schr\\\"odinger): one backslash is meant.
_EXTRA_BACKSLASHES = re.compile(r"\\{2,}(?=[\"'`^~=.][{A-Za-z])")


# Shorthands authors define for themselves; unknown macros would otherwise vanish, leaving "(, DINOv2)".
_SHORTHANDS = {"eg": "e.g.", "ie": "i.e.", "etal": "et al.", "wrt": "w.r.t.", "vs": "vs.", "cf": "cf."}


def _converter(math: str) -> LatexNodes2Text:
    context = get_default_latex_context_db()
    dropped = ("cite", "citep", "citet", "ref", "eqref", "label")  # a reference to nothing on this page
    macros = [MacroTextSpec(m, simplify_repl="") for m in dropped]
    macros += [MacroTextSpec(m, simplify_repl=text) for m, text in _SHORTHANDS.items()]
    context.add_context_category("paperfeed", macros=macros, prepend=True)
    return LatexNodes2Text(math_mode=math, latex_context=context)


_CONVERTERS = {"page": _converter("verbatim"), "text": _converter("text")}


@lru_cache(maxsize=16_384)
def readable(text: str | None, math: Literal["page", "text"] = "page") -> str:
    """Return a title or abstract as a reader should see it: TeX text macros as text, whitespace collapsed.

    `math="page"` keeps $…$ for KaTeX; `math="text"` turns it into text too, for places nothing draws it.
    Text without TeX is returned collapsed at once; the rest is cached, since the same few hundred
    titles and abstracts are shown again and again.
    """
    if not text:
        return ""
    if not _TEX_HINT.search(text):
        return collapse_whitespace(text)
    held: list[str] = []

    def hold(m: re.Match[str]) -> str:
        held.append(m.group(1) if m.group(1) is not None else m.group(0))
        return f"\ue001{len(held) - 1}\ue002"

    source = _BARE.sub(r"\\\1", _URL.sub(hold, _EXTRA_BACKSLASHES.sub(r"\\", text))).replace("\\$", _ESCAPED_DOLLAR)
    try:
        converted = _CONVERTERS[math].latex_to_text(source)
    except Exception:  # pylatexenc is tolerant; should it still fail, the text as given is better than none
        return collapse_whitespace(text)
    converted = converted.replace(_ESCAPED_DOLLAR, "\\$" if math == "page" else "$")
    return collapse_whitespace(_HOLD.sub(lambda m: held[int(m.group(1))], converted))


def author_line(authors: list[str], shown: int = 4) -> str:
    """Return 'A, B, C and 12 more' for a list of names."""
    names = [collapse_whitespace(a) for a in authors[:shown]]
    if len(authors) <= shown:
        return ", ".join(names)
    return f"{', '.join(names)} and {len(authors) - shown} more"


def summary(text: str, limit: int = 320, math: Literal["page", "text"] = "page") -> str:
    """Return the start of an abstract as text, cut at a word, for a card."""
    flat = readable(text, math)
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


def date_span(first: date, last: date) -> str:
    """Return 'Mar 30 – Apr 5, 2026' (or 'Apr 6–12, 2026', 'Dec 29, 2025 – Jan 4, 2026') for a week."""
    if first.year != last.year:
        return f"{nice_date(first)} – {nice_date(last)}"
    if first.month != last.month:
        return f"{first:%b} {first.day} – {last:%b} {last.day}, {last.year}"
    return f"{first:%b} {first.day}–{last.day}, {last.year}"


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else (many or word + 's')}"


def repo_name(url: str | None) -> str:
    """Return 'owner/repo' for a code link on GitHub, GitLab or Hugging Face; the host otherwise."""
    if not url:
        return ""
    rest = url.split("://", 1)[-1].split("?", 1)[0].split("#", 1)[0].rstrip("/")
    host, _, path = rest.partition("/")
    parts = [p for p in path.split("/") if p]
    if host.removeprefix("www.") in ("github.com", "gitlab.com", "huggingface.co") and len(parts) >= 2:
        return "/".join(parts[:2]).removesuffix(".git")
    return host.removeprefix("www.")


def initials(name: str | None) -> str:
    """One or two letters for a drawn mark (an organization or a member without a picture)."""
    words = [w for w in (name or "").replace("-", " ").split() if w[:1].isalnum()]
    return "".join(w[0] for w in words[:2]).upper() or "?"


@lru_cache(maxsize=16_384)
def path_quote(value: str) -> str:
    """Quote a name for a URL path segment (author and organization pages); cached, as lists repeat names."""
    return quote(value, safe="")


@lru_cache(maxsize=16_384)
def phrase_search(phrase: str) -> str:
    """The address of a search for an exact phrase (a key phrase chip). Cached: a list of 50 cards links
    250 of them, and quoting them anew took a quarter of its rendering (bench/pages.py)."""
    return "/search?q=" + quote(f'"{phrase}"', safe="")


def install_filters(env: Environment) -> None:
    """Give a template environment the text filters: the pages and the mail register them here, once."""
    env.filters.update(
        collapse=collapse_whitespace,
        tex=readable,
        author_line=author_line,
        summary=summary,
        nice_date=nice_date,
        date_span=date_span,
        plural=plural,
        path_quote=path_quote,
        phrase_search=phrase_search,
        repo_name=repo_name,
        initials=initials,
    )
