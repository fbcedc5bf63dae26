"""Real upstream data, corrupted at random (fixed seeds): every case is a sound record, a reported bad
record, or the source's own clear error; never another exception, never a record breaking the contract
(see tests/sources/fuzz.py)."""

from __future__ import annotations

import copy
import gzip
import json
import random
import re
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from lxml import etree

from paperfeed.records import BadRecord, PaperRecord
from paperfeed.sources import arxiv_api, hf_daily, oai, sample, snapshot
from paperfeed.sources.arxiv_fields import parse_author_string, parse_rfc2822
from paperfeed.sources.http import SourceError
from tests.conftest import FIXTURES, shared_data
from tests.sources.fuzz import Mutator, Tally, run_cases

pytestmark = pytest.mark.shared

ATOM = "http://www.w3.org/2005/Atom"
FEED_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" '
    b'xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" xmlns:arxiv="http://arxiv.org/schemas/atom">'
    b"<opensearch:totalResults>%d</opensearch:totalResults><opensearch:startIndex>0</opensearch:startIndex>"
)
OAI_NS = "http://www.openarchives.org/OAI/2.0/"
OAI_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">'
    b"<responseDate>2026-04-07T10:00:00Z</responseDate><request>https://oaipmh.arxiv.org/oai</request><ListRecords>"
)
OAI_TAIL = b'<resumptionToken cursor="0" completeListSize="9">tok</resumptionToken></ListRecords></OAI-PMH>'
HF = "https://hf.example.org"


def _report(name: str, tally: Tally) -> None:
    print(f"\n{name}: {tally.summary()}")
    assert not tally.failures, tally.summary()
    assert tally.records and tally.bad_records, tally.summary()  # the cases reached both outcomes


def _lines(path: Path) -> list[bytes]:
    return [line for line in path.read_bytes().splitlines() if line.strip()]


def _dumps(obj: Any) -> bytes:
    return json.dumps(obj).encode()  # NaN, big integers and lone surrogates as a careless writer writes them


# The snapshot: JSON lines.


def _read_lines(tmp: Path, reader):  # type: ignore[no-untyped-def]
    def read(lines: list[bytes]):  # type: ignore[no-untyped-def]
        path = tmp / "fuzz.jsonl"
        path.write_bytes(b"\n".join(lines) + b"\n")
        return reader(path)

    return read


def _line_cases(lines: list[bytes], structured: int, raw: int, seed: int) -> list[bytes]:
    m = Mutator(seed)
    cases = []
    for line in lines:
        obj = orjson.loads(line)
        cases += [_dumps(m.json(obj)) for _ in range(structured)]
        cases += [m.bytes(line) for _ in range(raw)]
    return cases


def test_snapshot_lines(tmp_path):
    lines = _lines(shared_data("arxiv-snapshot-sample.jsonl"))
    tally = Tally()
    cases = _line_cases(lines, structured=14, raw=6, seed=1)
    run_cases(tally, cases, _read_lines(tmp_path, snapshot.read_snapshot), (snapshot.CorruptSnapshot,), batch=1000)
    _report("snapshot", tally)


def test_daily_papers_lines(tmp_path):
    lines = _lines(shared_data("daily-papers-seed.jsonl"))
    tally = Tally()
    cases = _line_cases(lines, structured=40, raw=15, seed=2)
    run_cases(tally, cases, _read_lines(tmp_path, sample.read_daily_items), (), batch=500)
    _report("daily papers (sample format)", tally)


# Hugging Face's /api/daily_papers: the seed's real papers in that shape, and the fixture's items.


def _hf_items() -> list[dict[str, Any]]:
    items = json.loads((FIXTURES / "hf_daily" / "2026-04-06.json").read_text())
    for line in _lines(shared_data("daily-papers-seed.jsonl")):
        p = orjson.loads(line)
        stamp = f"{p['listed_date']}T06:00:00.000Z"
        items.append(
            {
                "paper": {
                    "id": p["arxiv_id"],
                    "authors": [{"_id": f"a{n}", "name": a, "hidden": False} for n, a in enumerate(p["authors"])],
                    "publishedAt": stamp,
                    "submittedOnDailyAt": stamp,
                    "title": p["title"],
                    "summary": p["abstract"],
                    "upvotes": p["upvotes"],
                    "organization": {"name": "org", "fullname": p["organization"]} if p["organization"] else None,
                },
                "publishedAt": stamp,
                "title": p["title"],
                "summary": p["abstract"],
                "numComments": 0,
                "upvotes": p["upvotes"],
            }
        )
    return items


def test_hf_daily_items(polite):
    items = _hf_items()
    answer = {"body": b"[]"}
    http = polite(lambda request: httpx.Response(200, content=answer["body"]))

    def read_items(items: list[bytes]):  # type: ignore[no-untyped-def]
        answer["body"] = b"[" + b",".join(items) + b"]"
        return hf_daily.read_daily_papers(http, HF, day=date(2026, 4, 6))

    def read_body(bodies: list[bytes]):  # type: ignore[no-untyped-def]
        answer["body"] = bodies[0]
        return hf_daily.read_daily_papers(http, HF, day=date(2026, 4, 6))

    m = Mutator(3)
    structured = [_dumps(m.json(item)) for item in items for _ in range(60)]
    raw = [m.bytes(_dumps([item])) for item in items for _ in range(15)]
    tally = Tally()
    clear = (hf_daily.DailyPapersError, SourceError)
    run_cases(tally, structured, read_items, clear, batch=99)  # a page of fewer than 100 is the last page
    run_cases(tally, raw, read_body, clear, batch=1)  # one broken body is one whole answer
    _report("hf daily", tally)


# The arXiv API: Atom entries from the recordings.


def _atom_entries() -> list[etree._Element]:
    seen: dict[str, etree._Element] = {}
    for path in sorted(shared_data("arxiv-api-recordings").glob("*.xml")):
        root = etree.fromstring(path.read_bytes())
        for entry in root.iter(f"{{{ATOM}}}entry"):
            seen.setdefault(entry.findtext(f"{{{ATOM}}}id") or "", entry)
    return [e for key, e in seen.items() if "/api/errors" not in key]


def test_arxiv_api_entries():
    entries = _atom_entries()
    m = Mutator(4)

    def mutated(entry: etree._Element) -> bytes:
        entry = copy.deepcopy(entry)
        m.element(entry, flood_tag=f"{{{ATOM}}}author")
        return etree.tostring(entry)

    def feed(chunk: list[bytes]) -> bytes:
        return FEED_HEAD % len(chunk) + b"".join(chunk) + b"</feed>"

    structured = [mutated(e) for e in entries for _ in range(30)]
    raw = [m.bytes(feed([etree.tostring(e)])) for e in entries for _ in range(8)]
    recording = etree.fromstring(shared_data("arxiv-api-recordings/q_testing_s0_m10.xml").read_bytes())
    documents = []
    for _ in range(300):
        root = copy.deepcopy(recording)
        m.element(root)
        documents.append(etree.tostring(root))
    tally = Tally()
    run_cases(tally, structured, lambda chunk: arxiv_api.parse_feed(feed(chunk)).items, (SourceError,), batch=50)
    run_cases(tally, raw + documents, lambda chunk: arxiv_api.parse_feed(chunk[0]).items, (SourceError,), batch=1)
    _report("arXiv API", tally)


# OAI-PMH: the snapshot's papers in arXiv's two metadata formats, and the fixtures' records.


def _sub(parent: etree._Element, tag: str, text: str | None, **attrib: str) -> etree._Element:
    el = etree.SubElement(parent, tag, attrib)
    el.text = text
    return el


def _oai_record(obj: dict[str, Any], prefix: str) -> etree._Element:
    ns = oai.FORMATS[prefix]
    record = etree.Element(f"{{{OAI_NS}}}record", nsmap={None: OAI_NS})
    header = _sub(record, f"{{{OAI_NS}}}header", None)
    _sub(header, f"{{{OAI_NS}}}identifier", f"oai:arXiv.org:{obj['id']}")
    _sub(header, f"{{{OAI_NS}}}datestamp", obj["update_date"])
    meta = etree.SubElement(_sub(record, f"{{{OAI_NS}}}metadata", None), f"{{{ns}}}{prefix}", nsmap={None: ns})
    _sub(meta, f"{{{ns}}}id", obj["id"])
    if prefix == "arXivRaw":
        for v in obj["versions"]:
            _sub(_sub(meta, f"{{{ns}}}version", None, version=v["version"]), f"{{{ns}}}date", v["created"])
        _sub(meta, f"{{{ns}}}authors", obj["authors"])
    else:
        first = parse_rfc2822(obj["versions"][0]["created"])
        last = parse_rfc2822(obj["versions"][-1]["created"])
        _sub(meta, f"{{{ns}}}created", first.date().isoformat())
        if len(obj["versions"]) > 1:
            _sub(meta, f"{{{ns}}}updated", last.date().isoformat())
        authors = _sub(meta, f"{{{ns}}}authors", None)
        for a in parse_author_string(obj["authors"]):
            el = _sub(authors, f"{{{ns}}}author", None)
            fore, _, key = a.name.rpartition(" ")
            _sub(el, f"{{{ns}}}keyname", key)
            if fore:
                _sub(el, f"{{{ns}}}forenames", fore)
            for aff in a.affiliations:
                _sub(el, f"{{{ns}}}affiliation", aff)
    for key in ("title", "categories", "comments", "journal-ref", "doi", "report-no", "license", "abstract"):
        if obj.get(key):
            _sub(meta, f"{{{ns}}}{key}", obj[key])
    return record


def _oai_records(prefix: str) -> list[etree._Element]:
    records = [_oai_record(orjson.loads(line), prefix) for line in _lines(shared_data("arxiv-snapshot-sample.jsonl"))]
    fixtures = ["arxiv_page1.xml", "arxiv_page2.xml"] if prefix == "arXiv" else ["arxivraw.xml"]
    for name in fixtures:
        root = etree.fromstring((FIXTURES / "oai" / name).read_bytes())
        records += root.iter(f"{{{OAI_NS}}}record")
    return records


@pytest.mark.parametrize("prefix", ["arXiv", "arXivRaw"])
def test_oai_records(prefix):
    records = _oai_records(prefix)
    m = Mutator(5 if prefix == "arXiv" else 6)
    author = f"{{{oai.FORMATS[prefix]}}}authors/{{{oai.FORMATS[prefix]}}}author"

    def mutated(record: etree._Element) -> bytes:
        record = copy.deepcopy(record)
        m.element(record, flood_tag=author if prefix == "arXiv" else None)
        return etree.tostring(record)

    def page(chunk: list[bytes]) -> bytes:
        return OAI_HEAD + b"".join(chunk) + OAI_TAIL

    structured = [mutated(r) for r in records for _ in range(5)]
    raw = [m.bytes(page([etree.tostring(r)])) for r in random.Random(7).sample(records, 200) for _ in range(3)]
    documents = []
    for _ in range(200):
        root = etree.fromstring(page([etree.tostring(r) for r in records[:3]]))
        m.element(root)
        documents.append(etree.tostring(root))
    tally = Tally()
    run_cases(tally, structured, lambda c: oai.parse_list_records(page(c), prefix).items, (SourceError,), batch=50)
    run_cases(tally, raw + documents, lambda c: oai.parse_list_records(c[0], prefix).items, (SourceError,), batch=1)
    _report(f"OAI {prefix}", tally)


# A corrupt gzip ends the import with a clear error saying how far it got; what came before is read.


def test_a_corrupt_gzip_snapshot_stops_with_where_it_got(tmp_path):
    source = shared_data("arxiv-snapshot-sample.jsonl")
    clean = [r.arxiv_id for r in snapshot.read_snapshot(source) if isinstance(r, PaperRecord)]
    packed = gzip.compress(source.read_bytes())
    rng = random.Random(8)
    path = tmp_path / "snapshot.jsonl.gz"
    for n in range(16):
        data = bytearray(packed)
        at = rng.randrange(len(data) // 4, len(data) * 3 // 4)
        if n % 2:
            data[at] ^= 1 << rng.randrange(8)
            data[at + 1 : at + 8] = bytes(rng.randrange(256) for _ in range(7))
        else:
            del data[at:]
        path.write_bytes(bytes(data))
        got: list[PaperRecord | BadRecord] = []
        with pytest.raises(snapshot.CorruptSnapshot) as caught:
            got.extend(snapshot.read_snapshot(path))
        reached = int(re.search(r"corrupt after line (\d+) \(", str(caught.value)).group(1))
        assert reached >= len(got) > 0, str(caught.value)
        records = [r.arxiv_id for r in got if isinstance(r, PaperRecord)]
        if not n % 2:  # cut short: exactly the lines before the cut
            assert records == clean[: len(records)] and len(records) >= len(got) - 1
        else:  # bit rot: the lines before it are read as they were
            assert records[:10] == clean[:10]
