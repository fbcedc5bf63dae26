"""arXiv's OAI-PMH interface: ListRecords in the `arXiv` and `arXivRaw` metadata formats.

The harvester yields pages and the resumption token that follows each one;
the caller keeps the checkpoint (see paperfeed.ingest), so this module needs
no database. A bad or expired token restarts the list from its `from` date.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

from lxml import etree

from paperfeed.clock import now
from paperfeed.records import MAX_AUTHORS, MAX_VERSION, BadRecord, InvalidArxivId, PaperRecord, Version
from paperfeed.sources.arxiv_fields import (
    author_from_parts,
    parse_author_string,
    parse_iso_time,
    parse_rfc2822,
    version_number,
)
from paperfeed.sources.http import Polite, SourceError

OAI = "http://www.openarchives.org/OAI/2.0/"
FORMATS = {
    "arXiv": "http://arxiv.org/OAI/arXiv/",
    "arXivRaw": "http://arxiv.org/OAI/arXivRaw/",
}
# No entities expanded, no DTD loaded, nothing fetched; no text node over 10 MB nor nesting past 256.
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)
MAX_TOKEN = 1_000  # arXiv's resumption tokens are a few dozen characters
MAX_RESTARTS = 3  # restarts after refused tokens within one harvest


class OAIError(SourceError):
    """An OAI-PMH error answer other than noRecordsMatch."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"OAI-PMH error {code}: {message}")
        self.code = code


class BadResumptionToken(OAIError):
    pass


@dataclass(frozen=True, slots=True)
class OaiRequest:
    metadata_prefix: str = "arXiv"
    set: str | None = None
    from_date: date | None = None
    until: date | None = None

    def __post_init__(self) -> None:
        if self.metadata_prefix not in FORMATS:
            raise ValueError(f"metadata format must be one of {', '.join(FORMATS)}")

    def params(self) -> dict[str, str]:
        params = {"verb": "ListRecords", "metadataPrefix": self.metadata_prefix}
        if self.set:
            params["set"] = self.set
        if self.from_date:
            params["from"] = self.from_date.isoformat()
        if self.until:
            params["until"] = self.until.isoformat()
        return params


@dataclass(slots=True)
class OaiPage:
    items: list[PaperRecord | BadRecord]
    resumption_token: str | None  # None once the list is complete
    complete_list_size: int | None = None
    restarted: bool = False  # the token was refused and the list began again


def _t(el: etree._Element | None, name: str, ns: str) -> str | None:
    if el is None:
        return None
    found = el.find(f"{{{ns}}}{name}")
    if found is None or found.text is None:
        return None
    text = found.text.strip()
    return text or None


def _date(value: str | None, what: str) -> datetime | None:
    if not value:
        return None
    try:
        return parse_iso_time(value)
    except ValueError:
        raise ValueError(f"its {what} {value[:40]!r} is not a date") from None


def parse_arxiv_metadata(meta: etree._Element, fetched_at: datetime | None) -> PaperRecord:
    """Return the record for one `arXiv`-format metadata element."""
    ns = FORMATS["arXiv"]
    authors = []
    elements = meta.findall(f"{{{ns}}}authors/{{{ns}}}author")
    if len(elements) > MAX_AUTHORS:
        raise ValueError(f"{len(elements):,} authors, more than {MAX_AUTHORS:,}")
    for a in elements:
        authors.append(
            author_from_parts(
                _t(a, "keyname", ns) or "",
                _t(a, "forenames", ns) or "",
                _t(a, "suffix", ns) or "",
                [x.text or "" for x in a.iterfind(f"{{{ns}}}affiliation")],
            )
        )
    created = _date(_t(meta, "created", ns), "creation date")
    return PaperRecord(
        arxiv_id=_t(meta, "id", ns) or "",
        title=_t(meta, "title", ns) or "",
        abstract=_t(meta, "abstract", ns) or "",
        authors=[a for a in authors if a.name],
        categories=(_t(meta, "categories", ns) or "").split(),
        published_at=created,
        updated_at=_date(_t(meta, "updated", ns), "update date") or created,
        comments=_t(meta, "comments", ns),
        journal_ref=_t(meta, "journal-ref", ns),
        doi=_t(meta, "doi", ns),
        report_no=_t(meta, "report-no", ns),
        license=_t(meta, "license", ns),
        source="oai-arXiv",
        fetched_at=fetched_at,
    )


def parse_arxivraw_metadata(meta: etree._Element, fetched_at: datetime | None) -> PaperRecord:
    """Return the record for one `arXivRaw` metadata element, with its version history."""
    ns = FORMATS["arXivRaw"]
    versions = []
    elements = meta.findall(f"{{{ns}}}version")
    if len(elements) > MAX_VERSION:
        raise ValueError(f"{len(elements):,} versions, more than {MAX_VERSION:,}")
    for v in elements:
        number = version_number(v.get("version"))
        stamp = _t(v, "date", ns)
        if number is not None and stamp:
            versions.append(Version(number, parse_rfc2822(stamp)))
    versions.sort(key=lambda v: v.number)
    return PaperRecord(
        arxiv_id=_t(meta, "id", ns) or "",
        title=_t(meta, "title", ns) or "",
        abstract=_t(meta, "abstract", ns) or "",
        authors=parse_author_string(_t(meta, "authors", ns)),
        categories=(_t(meta, "categories", ns) or "").split(),
        published_at=versions[0].created if versions else None,
        updated_at=versions[-1].created if versions else None,
        versions=versions or None,
        comments=_t(meta, "comments", ns),
        journal_ref=_t(meta, "journal-ref", ns),
        doi=_t(meta, "doi", ns),
        report_no=_t(meta, "report-no", ns),
        license=_t(meta, "license", ns),
        source="oai-arXivRaw",
        fetched_at=fetched_at,
    )


_PARSERS = {"arXiv": parse_arxiv_metadata, "arXivRaw": parse_arxivraw_metadata}


def parse_list_records(body: bytes, metadata_prefix: str, fetched_at: datetime | None = None) -> OaiPage:
    """Return one ListRecords page; raises OAIError for an error answer (empty page for noRecordsMatch)."""
    try:
        root = etree.fromstring(body, _PARSER)
    except (etree.LxmlError, ValueError) as exc:
        raise SourceError(f"OAI-PMH answered with malformed XML ({len(body):,} bytes): {exc}") from None
    if root.tag != f"{{{OAI}}}OAI-PMH":
        raise SourceError(f"OAI-PMH answered XML that is not OAI-PMH (its root is {str(root.tag)[:60]!r})")
    error = root.find(f"{{{OAI}}}error")
    if error is not None:
        code = (error.get("code") or "unknown")[:60]
        message = (error.text or "").strip()[:300]
        if code == "noRecordsMatch":
            return OaiPage(items=[], resumption_token=None, complete_list_size=0)
        if code == "badResumptionToken":
            raise BadResumptionToken(code, message)
        raise OAIError(code, message)
    list_el = root.find(f"{{{OAI}}}ListRecords")
    if list_el is None:
        raise SourceError("OAI-PMH answer has neither ListRecords nor an error")
    parse = _PARSERS[metadata_prefix]
    meta_tag = f"{{{FORMATS[metadata_prefix]}}}{metadata_prefix}"
    items: list[PaperRecord | BadRecord] = []
    for n, record in enumerate(list_el.iterfind(f"{{{OAI}}}record")):
        header = record.find(f"{{{OAI}}}header")
        identifier = (_t(header, "identifier", OAI) or "")[:100] or f"record {n + 1}"
        if header is not None and header.get("status") == "deleted":
            continue
        meta = record.find(f"{{{OAI}}}metadata/{meta_tag}")
        if meta is None:
            items.append(BadRecord(f"OAI {identifier}", f"no {metadata_prefix} metadata"))
            continue
        try:
            items.append(parse(meta, fetched_at))
        except (ValueError, TypeError, KeyError, AttributeError, OverflowError, InvalidArxivId) as exc:
            items.append(BadRecord(f"OAI {identifier}", str(exc)[:300]))
    token_el = list_el.find(f"{{{OAI}}}resumptionToken")
    token = (token_el.text or "").strip() if token_el is not None else ""
    if len(token) > MAX_TOKEN:
        raise SourceError(
            f"OAI-PMH answered a resumption token of {len(token):,} characters after {len(items)} records"
        )
    size = (token_el.get("completeListSize") or "").strip() if token_el is not None else ""
    # The list's size only sizes a progress bar: one that is not a plain number is left out.
    known = size.isascii() and size.isdigit() and len(size) <= 12
    return OaiPage(items=items, resumption_token=token or None, complete_list_size=int(size) if known else None)


def list_records(http: Polite, url: str, request: OaiRequest, resumption_token: str | None = None) -> Iterator[OaiPage]:
    """Yield every page of a ListRecords request, from a saved token when one is given."""
    token = resumption_token
    restarted = False
    restarts = 0
    while True:
        params = {"verb": "ListRecords", "resumptionToken": token} if token else request.params()
        response = http.get(url, params=params)
        if response.status_code != 200:
            raise SourceError(f"OAI-PMH answered HTTP {response.status_code}")
        try:
            page = parse_list_records(response.content, request.metadata_prefix, now())
        except BadResumptionToken:
            if token is None or restarts >= MAX_RESTARTS:
                raise
            restarts += 1
            # Tokens expire at the next UTC midnight: start the list again from its date.
            token, restarted = None, True
            continue
        page.restarted, restarted = restarted, False
        yield page
        if not page.resumption_token:
            return
        token = page.resumption_token
