"""The arXiv API (Atom over HTTP): papers by id list or by search query, page by page."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from lxml import etree

from paperfeed.clock import now
from paperfeed.records import MAX_AUTHORS, MAX_VERSION, Author, BadRecord, InvalidArxivId, PaperRecord, parse_arxiv_id
from paperfeed.sources.arxiv_fields import parse_iso_time
from paperfeed.sources.http import Polite, SourceError

SOURCE = "arxiv-api"
ATOM = "http://www.w3.org/2005/Atom"
OPENSEARCH = "http://a9.com/-/spec/opensearch/1.1/"
ARXIV = "http://arxiv.org/schemas/atom"
NS = {"a": ATOM, "os": OPENSEARCH, "arxiv": ARXIV}
ERROR_ID_PREFIX = "https://arxiv.org/api/errors"

MAX_PAGE = 2000  # arXiv's limit per request
MAX_RESULTS = 30000  # arXiv's limit per query
SORT_BY = ("relevance", "lastUpdatedDate", "submittedDate")
SORT_ORDER = ("ascending", "descending")
EMPTY_PAGE_RETRIES = 2

# No entities expanded, no DTD loaded, nothing fetched; no text node over 10 MB nor nesting past 256.
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)
MAX_TOTAL = 10**9  # a totalResults or startIndex beyond this is a corrupt answer


class ArxivAPIError(SourceError):
    """arXiv refused the request; the message is arXiv's own."""


@dataclass(slots=True)
class FeedPage:
    total: int
    start: int
    items: list[PaperRecord | BadRecord]


def _text(el: etree._Element, path: str) -> str | None:
    found = el.find(path, NS)
    if found is None or found.text is None:
        return None
    return found.text


def _time(value: str | None, what: str) -> datetime | None:
    if not value or not value.strip():
        return None
    try:
        return parse_iso_time(value)
    except ValueError:
        raise ValueError(f"its {what} {value.strip()[:40]!r} is not a time") from None


def parse_entry(entry: etree._Element, fetched_at: datetime | None = None) -> PaperRecord:
    """Return the record for one Atom entry; raises ValueError for an unusable one."""
    raw_id = (_text(entry, "a:id") or "").strip()
    arxiv_id, version = parse_arxiv_id(raw_id)
    if version is not None and not 1 <= version <= MAX_VERSION:
        raise ValueError(f"version number {str(version)[:20]} is out of range")
    links = {(link.get("title") or link.get("rel")): link.get("href") for link in entry.findall("a:link", NS)}
    author_elements = entry.findall("a:author", NS)
    if len(author_elements) > MAX_AUTHORS:
        raise ValueError(f"{len(author_elements):,} authors, more than {MAX_AUTHORS:,}")
    authors = [
        Author(
            name=(_text(a, "a:name") or "").strip(),
            affiliations=tuple(
                aff.text.strip() for aff in a.findall("arxiv:affiliation", NS) if aff.text and aff.text.strip()
            ),
        )
        for a in author_elements
    ]
    categories = [c.get("term").strip() for c in entry.findall("a:category", NS) if (c.get("term") or "").strip()]
    primary = entry.find("arxiv:primary_category", NS)
    primary_term = (primary.get("term") or "").strip() if primary is not None else ""
    doi = _text(entry, "arxiv:doi")
    return PaperRecord(
        arxiv_id=arxiv_id,
        title=_text(entry, "a:title") or "",
        abstract=_text(entry, "a:summary") or "",
        authors=[a for a in authors if a.name],
        categories=categories,
        primary_category=primary_term or None,
        published_at=_time(_text(entry, "a:published"), "first version"),
        updated_at=_time(_text(entry, "a:updated"), "latest version"),
        latest_version=version,
        comments=_text(entry, "arxiv:comment"),
        journal_ref=_text(entry, "arxiv:journal_ref"),
        doi=doi.strip() if doi else None,
        abs_url=_unversioned(links.get("alternate"), version),  # an off-site link is dropped by PaperRecord
        pdf_url=_unversioned(links.get("pdf"), version),
        source=SOURCE,
        fetched_at=fetched_at,
    )


def _unversioned(url: str | None, version: int | None) -> str | None:
    """Links in the feed point at one version; the store keeps links to the paper."""
    if url and version is not None and url.endswith(f"v{version}"):
        return url[: -len(f"v{version}")]
    return url


def _count(root: etree._Element, path: str) -> int:
    """Return totalResults or startIndex (0 when absent); anything but a number in range is a SourceError."""
    value = (_text(root, path) or "0").strip()
    if not (value.isascii() and value.isdigit()) or len(value) > 12 or int(value) > MAX_TOTAL:
        raise SourceError(f"arXiv API answered an unreadable {path.split(':')[-1]}: {value[:40]!r}")
    return int(value)


def parse_feed(body: bytes, fetched_at: datetime | None = None) -> FeedPage:
    """Return the page a response body holds; raises ArxivAPIError for arXiv's error entry, and SourceError
    for an answer that is not a readable Atom feed."""
    try:
        root = etree.fromstring(body, _PARSER)
    except (etree.LxmlError, ValueError) as exc:
        raise SourceError(f"arXiv API answered with malformed XML ({len(body):,} bytes): {exc}") from None
    if root.tag != f"{{{ATOM}}}feed":
        raise SourceError(f"arXiv API answered XML that is not an Atom feed (its root is {str(root.tag)[:60]!r})")
    entries = root.findall("a:entry", NS)
    for entry in entries:
        entry_id = _text(entry, "a:id") or ""
        if entry_id.startswith(ERROR_ID_PREFIX):
            message = (_text(entry, "a:summary") or "unknown error").strip()
            raise ArxivAPIError(f"arXiv API error: {message[:300]}")
    total = _count(root, "os:totalResults")
    start = _count(root, "os:startIndex")
    items: list[PaperRecord | BadRecord] = []
    for n, entry in enumerate(entries):
        try:
            items.append(parse_entry(entry, fetched_at))
        except (ValueError, TypeError, KeyError, AttributeError, OverflowError, InvalidArxivId) as exc:
            where = (_text(entry, "a:id") or "").strip()[:100] or f"entry {start + n + 1}"
            items.append(BadRecord(f"arXiv API {where}", str(exc)[:300]))
    return FeedPage(total=total, start=start, items=items)


def _get_page(http: Polite, url: str, params: dict[str, str | int]) -> FeedPage:
    response = http.get(url, params=params)
    if response.status_code == 400:
        parse_feed(response.content)  # raises ArxivAPIError with arXiv's message
        raise ArxivAPIError(f"arXiv API refused the request (HTTP 400): {response.text[:200]}")
    if response.status_code != 200:
        raise SourceError(f"arXiv API answered HTTP {response.status_code}")
    return parse_feed(response.content, fetched_at=now())


def query(
    http: Polite,
    url: str,
    *,
    search_query: str = "",
    id_list: Sequence[str] = (),
    sort_by: str = "relevance",
    sort_order: str = "descending",
    max_results: int = 100,
    page_size: int = 100,
) -> Iterator[PaperRecord | BadRecord]:
    """Yield the records a query matches, page by page, retrying suspicious empty pages."""
    if sort_by not in SORT_BY:
        raise ValueError(f"sort_by must be one of {', '.join(SORT_BY)}")
    if sort_order not in SORT_ORDER:
        raise ValueError(f"sort_order must be one of {', '.join(SORT_ORDER)}")
    if not search_query and not id_list:
        raise ValueError("give a search query or a list of ids")
    max_results = min(max_results, MAX_RESULTS)
    page_size = max(1, min(page_size, MAX_PAGE, max_results))
    start = 0
    while start < max_results:
        params: dict[str, str | int] = {
            "search_query": search_query,
            "id_list": ",".join(id_list),
            "sortBy": sort_by,
            "sortOrder": sort_order,
            "start": start,
            "max_results": min(page_size, max_results - start),
        }
        page = _get_page(http, url, params)
        retries = 0
        # arXiv sometimes answers a page in the middle of a result set with no entries.
        while not page.items and start < page.total and retries < EMPTY_PAGE_RETRIES:
            retries += 1
            page = _get_page(http, url, params)
        if not page.items:
            if start < page.total:
                raise SourceError(f"arXiv API kept answering an empty page at {start} of {page.total} results")
            return
        yield from page.items
        start += len(page.items)
        if start >= page.total:
            return


def fetch_ids(http: Polite, url: str, ids: Sequence[str]) -> Iterator[PaperRecord | BadRecord]:
    """Yield the records for the given ids (unknown ids simply yield nothing)."""
    normalized = [parse_arxiv_id(i)[0] for i in ids]
    for chunk_start in range(0, len(normalized), 100):
        chunk = normalized[chunk_start : chunk_start + 100]
        yield from query(http, url, id_list=chunk, max_results=len(chunk), page_size=len(chunk))
