"""Rendering a list of papers as an Atom or RSS 2.0 document (with feedgen).

A feed's time stamps come from its papers, never from the clock, so the same
papers give the same bytes: the web layer can answer conditional GETs with an
ETag of the body.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, time

from feedgen.feed import FeedGenerator

from paperfeed.records import collapse_whitespace
from paperfeed.store.models import Paper
from paperfeed.text import readable

# What XML 1.0 cannot carry (control characters, lone surrogates, U+FFFE/U+FFFF): dropped where feeds are written,
# since a title or a search query holding one would otherwise make lxml refuse the whole feed.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def shown_as_page(accept: str) -> bool:
    """Is a person opening a feed in a browser (show it as a page) rather than a reader fetching it?

    Browsers ask for text/html; feed readers name Atom or RSS, or take anything. An explicit
    ?format= is always the feed itself, so the address the page gives to subscribe works in every reader.
    Not an XSLT stylesheet: Chromium 156 shows XSLT pages under a deprecation banner and is removing XSLT.
    """
    accept = accept.lower()
    return "text/html" in accept and "atom+xml" not in accept and "rss+xml" not in accept


def xml_text(value: str) -> str:
    """Return text with whitespace collapsed and every character XML cannot carry removed."""
    return _NOT_XML.sub("", collapse_whitespace(value))


FORMATS = {"atom": "application/atom+xml; charset=utf-8", "rss": "application/rss+xml; charset=utf-8"}
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Feed:
    title: str
    description: str
    self_url: str  # absolute address of this feed
    page_url: str  # absolute address of the page it mirrors
    papers: list[Paper]


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def paper_dates(paper: Paper) -> tuple[datetime, datetime]:
    """Return (published, updated) of a paper, aware, in UTC."""
    listed = datetime.combine(paper.listed_on, time(), tzinfo=UTC)
    published = _utc(paper.published_at) if paper.published_at else listed
    updated = _utc(paper.updated_at) if paper.updated_at else published
    return published, max(updated, published)


def newest_date(papers: list[Paper]) -> datetime:
    return max((paper_dates(p)[1] for p in papers), default=EPOCH)


def render_feed(feed: Feed, base_url: str, fmt: str, updated: datetime | None = None) -> bytes:
    """Return the feed in `fmt` ("atom" or "rss"); entries keep the order of feed.papers."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown feed format {fmt!r}")
    fg = FeedGenerator()
    if fmt == "rss":
        fg.load_extension("dc")  # RSS authors need an email; dc:creator takes a plain name
    fg.id(feed.self_url)
    fg.title(xml_text(feed.title))
    fg.description(xml_text(feed.description) or " ")
    fg.link(href=feed.page_url, rel="alternate")
    fg.link(href=feed.self_url, rel="self")
    fg.language("en")
    fg.generator("paperfeed")
    fg.updated(updated or newest_date(feed.papers))
    for paper in feed.papers:
        url = f"{base_url}/papers/{paper.arxiv_id}"
        published, changed = paper_dates(paper)
        entry = fg.add_entry(order="append")
        entry.id(url)
        entry.guid(url, permalink=True)
        entry.title(xml_text(readable(paper.title, "text")))
        if fmt == "atom":  # an RSS item has a single link: the paper's page
            entry.link(
                href=paper.pdf_url or f"https://arxiv.org/pdf/{paper.arxiv_id}",
                rel="related",
                type="application/pdf",
                title="PDF",
            )
        entry.link(href=url, rel="alternate")
        entry.description(xml_text(readable(paper.abstract, "text")), isSummary=True)
        for name in paper.authors:
            entry.author({"name": xml_text(name) or "?"})
            if fmt == "rss":
                entry.dc.dc_creator(xml_text(name) or "?")
        for category in paper.categories:
            entry.category(term=xml_text(category), label=xml_text(category))
        entry.published(published)
        entry.updated(changed)
    return fg.rss_str(pretty=False) if fmt == "rss" else fg.atom_str(pretty=False)
