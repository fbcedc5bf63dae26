"""Hostile answers, one at a time: each bad entry is a bad record and the rest is read; a document that
cannot be read is the source's own clear error; the XML parsers expand no entity and fetch nothing."""

from __future__ import annotations

import socket
import time
from datetime import date

import httpx
import pytest

from paperfeed.records import MAX_AUTHORS, BadRecord, PaperRecord
from paperfeed.sources.arxiv_api import parse_feed
from paperfeed.sources.hf_daily import DailyPapersError, read_daily_papers
from paperfeed.sources.http import SourceError
from paperfeed.sources.oai import parse_list_records
from tests.atom import atom_feed
from tests.conftest import FIXTURES

HF = "https://hf.example.org"
FULL = (FIXTURES / "arxiv_api" / "full.xml").read_bytes()
RAW = (FIXTURES / "oai" / "arxivraw.xml").read_bytes()


def _split(items):
    return [i for i in items if isinstance(i, PaperRecord)], [i for i in items if isinstance(i, BadRecord)]


# The arXiv API


@pytest.mark.parametrize(
    ("old", "new", "reason"),
    [
        (b"2503.13423v3</id>", b"2503.13423v99999999999999999999</id>", "out of range"),
        (b"2503.13423v3</id>", b"2503.13423v0</id>", "out of range"),
        (b"<published>2025-03-17T17:59:59Z", b"<published>9999-12-31T23:59:59-14:00", "not a time"),
        (b"<published>2025-03-17T17:59:59Z", b"<published>0001-01-01T00:00:00+14:00", "not a time"),
        (b"<published>2025-03-17T17:59:59Z", b"<published>9999-12-31T00:00:00Z", "outside 1991-01-01"),
        (b'term="cs.CL" scheme', b'term="' + b"x" * 33 + b'" scheme', "category is over 32"),
        (b"<name>Ada Lovelace</name>", b"<name>" + b"A" * 6000 + b"</name>", "over 5,000 characters"),
    ],
)
def test_a_bad_atom_entry_is_a_bad_record_and_the_rest_is_read(old, new, reason):
    assert old in FULL
    records, bad = _split(parse_feed(FULL.replace(old, new, 1)).items)
    assert len(records) == 2 and len(bad) == 1
    assert reason in bad[0].reason and bad[0].location.startswith("arXiv API")


def test_many_authors_are_a_bad_record():
    author = b"<author><name>A. Author</name></author>"
    body = FULL.replace(b"<author>", author * (MAX_AUTHORS + 1) + b"<author>", 1)
    records, bad = _split(parse_feed(body).items)
    assert len(records) == 2 and "more than 10,000" in bad[0].reason


def test_off_site_links_give_way_to_arxivs():
    body = FULL.replace(b"https://arxiv.org/abs/2503.13423v3", b"javascript:alert(1)").replace(
        b"https://arxiv.org/pdf/2503.13423v3", b"https://evil.example/pdf/2503.13423"
    )
    blt = _split(parse_feed(body).items)[0][0]
    assert blt.abs_url == "https://arxiv.org/abs/2503.13423" and blt.pdf_url == "https://arxiv.org/pdf/2503.13423"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "malformed XML"),
        (b"\xff\xfe<feed>", "malformed XML"),
        (b"<feed>" * 300 + b"</feed>" * 300, "malformed XML"),  # nesting past libxml2's limit without huge_tree
        (b"<html><body>Service unavailable</body></html>", "not an Atom feed"),
        (atom_feed(["2401.00001"], 1, 0).replace(b">1</", b">" + b"9" * 5000 + b"</"), "unreadable totalResults"),
        (
            atom_feed(["2401.00001"], 1, 0).replace(b">0</opensearch:startIndex>", b">-1</opensearch:startIndex>"),
            "unreadable",
        ),
    ],
)
def test_an_unreadable_feed_is_a_source_error(body, message):
    with pytest.raises(SourceError, match=message):
        parse_feed(body)


# Entities and DTDs: none expanded, none fetched, in both XML sources.

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE ROOT [<!ENTITY secret SYSTEM "file:///etc/passwd">]>"""
LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE ROOT [<!ENTITY a "lollollollollollollollollollol">
<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
<!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
<!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;"><!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">
<!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;"><!ENTITY i "&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;">]>"""
REMOTE = b"""<?xml version="1.0"?>
<!DOCTYPE ROOT SYSTEM "http://127.0.0.1:PORT/evil.dtd" [<!ENTITY remote SYSTEM "http://127.0.0.1:PORT/x">]>"""


def _with_prolog(body: bytes, prolog: bytes, entity: bytes, root: bytes) -> bytes:
    """The document with a DOCTYPE before its root and the entity at the start of every title."""
    body = body.split(b"?>", 1)[1]  # its own XML declaration goes
    return prolog.replace(b"ROOT", root) + body.replace(b"<title>", b"<title>" + entity)


@pytest.mark.parametrize(("prolog", "entity"), [(XXE, b"&secret;"), (REMOTE, b"&remote;")])
def test_the_xml_parsers_read_no_file_and_fetch_nothing(prolog, entity):
    with socket.socket() as listener:  # a server the DTD and the entity point at: nothing may connect
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        listener.setblocking(False)
        prolog = prolog.replace(b"PORT", str(listener.getsockname()[1]).encode())
        titles = [r.title for r in _split(parse_feed(_with_prolog(FULL, prolog, entity, b"feed")).items)[0]]
        page = parse_list_records(_with_prolog(RAW, prolog, entity, b"OAI-PMH"), "arXivRaw")
        titles += [r.title for r in _split(page.items)[0]]
        with pytest.raises(BlockingIOError):
            listener.accept()
    assert len(titles) == 4 and all("root:" not in t for t in titles), titles


def test_an_entity_bomb_is_refused_unexpanded():
    started = time.monotonic()
    with pytest.raises(SourceError, match="malformed XML"):
        parse_feed(_with_prolog(FULL, LAUGHS, b"&i;", b"feed"))
    with pytest.raises(SourceError, match="malformed XML"):
        parse_list_records(_with_prolog(RAW, LAUGHS, b"&i;", b"OAI-PMH"), "arXivRaw")
    assert time.monotonic() - started < 2


# OAI-PMH


@pytest.mark.parametrize(
    ("old", "new", "reason"),
    [
        (b'version="v9"', b'version="v99999999999999999999"', "out of range"),
        (b"Mon, 30 Jan 2017 01:27:54 GMT", b"Fri, 31 Dec 9999 23:59:59 -1400", "not a date"),
        (b"Mon, 30 Jan 2017 01:27:54 GMT", b"Mon, 1 Jan 99999999999999999999 00:00:00 GMT", "not a date"),
        (b"<categories>cs.LG", b"<categories>" + b"c" * 40, "category is over 32"),
    ],
)
def test_a_bad_oai_record_is_a_bad_record(old, new, reason):
    assert old in RAW
    good = RAW.split(b"<record>", 1)[1].split(b"</record>", 1)[0]
    body = RAW.replace(b"</record>", b"</record><record>" + good.replace(b"1412.6980", b"1412.6981") + b"</record>", 1)
    records, bad = _split(parse_list_records(body.replace(old, new, 1), "arXivRaw").items)
    assert [r.arxiv_id for r in records] == ["1412.6981"] and reason in bad[0].reason, bad


def test_odd_list_sizes_and_tokens():
    def page(size: bytes, token: bytes) -> bytes:
        return RAW.replace(
            b'completeListSize="1"></resumptionToken>', b'completeListSize="%s">%s</resumptionToken>' % (size, token)
        )

    assert parse_list_records(page(b"9" * 5000, b"t"), "arXivRaw").complete_list_size is None
    assert parse_list_records(page(b"\xc2\xb2", b"t"), "arXivRaw").complete_list_size is None  # '²'
    with pytest.raises(SourceError, match="resumption token of 5,000 characters after 1 records"):
        parse_list_records(page(b"1", b"t" * 5000), "arXivRaw")
    with pytest.raises(SourceError, match="not OAI-PMH"):
        parse_list_records(b"<feed/>", "arXivRaw")


# Hugging Face's daily papers


def _hf(polite, body: bytes):
    return list(read_daily_papers(polite(lambda r: httpx.Response(200, content=body)), HF, day=date(2026, 4, 6)))


@pytest.mark.parametrize(
    "change",
    [
        {"upvotes": float("inf")},
        {"upvotes": float("nan")},
        {"upvotes": 1.5},
        {"publishedAt": "9999-12-31T23:59:59-14:00"},
        {"publishedAt": 20260406},
        {"organization": ["a", "b"]},
        {"title": {"text": "T"}},
        {"paper": {"id": "2604.00002", "title": "T", "authors": [{"name": ["x"]}]}},
        {"paper": {"id": "2604.00002", "title": "T", "authors": "Ada"}},
        {"paper": ["2604.00002"]},
    ],
    ids=lambda c: next(iter(c)),
)
def test_a_bad_hf_item_is_a_bad_record_and_the_rest_is_read(polite, change):
    import json

    good = {"paper": {"id": "2604.00001", "title": "T"}, "publishedAt": "2026-04-06T02:11:00.000Z", "upvotes": 3}
    items = _hf(polite, json.dumps([{**good, **change}, good]).encode())
    records, bad = _split(items)
    assert [r.arxiv_id for r in records] == ["2604.00001"] and len(bad) == 1 and "item 0" in bad[0].location


def test_an_hf_answer_nested_too_deep_is_a_clear_error(polite):
    with pytest.raises(DailyPapersError, match="did not answer with JSON"):
        _hf(polite, b"[" * 100_000 + b"]" * 100_000)
