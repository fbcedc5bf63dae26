"""Corrupting real upstream data at random, and what a record read from it must still be.

A `Mutator` (seeded, so every run corrupts the same way) changes JSON values,
bytes and XML elements; `record_problem` states the contract every record a
source yields keeps, however hostile its input was.
"""

from __future__ import annotations

import copy
import random
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from lxml import etree

from paperfeed.clock import now
from paperfeed.records import EARLIEST, Author, BadRecord, PaperRecord, Version, parse_arxiv_id

# The contract, stated apart from the code's own limits (which are tighter).
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")
ARXIV_URL = re.compile(r"https?://(?:[a-z0-9-]+\.)*arxiv\.org(?:[/?#]\S*)?", re.IGNORECASE)
LONGEST_TEXT = 100_000
LONGEST_NAME = 10_000
MOST_AUTHORS = 10_000
MOST_VERSIONS = 10_000
MOST_UPVOTES = 10_000_000
LONGEST_CATEGORY = 32  # the store's column
LATEST = now() + timedelta(days=3, hours=1)

LONG = "x" * 120_000
HOSTILE_TEXT = [
    "",
    " ",
    "0",
    "-1",
    "1.5",
    "1e30",
    "NaN",
    "Infinity",
    "99999999999999999999999999999999",
    "9" * 5000,
    "１２",
    "²",
    "v0",
    "v-1",
    "v²",
    "v99999999999999999999",
    "2401.00001",
    "2401.00001v99999999999999999999",
    "http://arxiv.org/abs/2401.00001v0",
    "hep-th/9901001v3",
    "9999-12-31",
    "0001-01-01",
    "2024-02-30",
    "9999-12-31T23:59:59Z",
    "9999-12-31T23:59:59-14:00",
    "0001-01-01T00:00:00+14:00",
    "2024-01-01T00:00:00+99:00",
    "Mon, 1 Jan 9999 00:00:01 GMT",
    "Mon, 1 Jan 1900 00:00:01 GMT",
    "Fri, 31 Dec 9999 23:59:59 -1400",
    "Mon, 1 Jan 99999999999999999999 00:00:00 GMT",
    "Mon, 32 Jan 2020 00:00:00 GMT",
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "https://evil.example/abs/2401.00001",
    "https://arxiv.org.evil.example/abs/2401.00001",
    "//evil.example/x",
    "<script>alert(1)</script>",
    "\u202eevil\u202c",
    "y" * 5000,
    LONG,
]
CONTROL_TEXT = ["A\x00B\x01C", "\x1b[31mred\x1b[0m", "\ud800", "lone \udfff", "\ufffe\uffff", "del\x7f"]
HOSTILE_JSON: list[Any] = [
    None,
    True,
    False,
    0,
    -1,
    10**30,
    -(10**30),
    2**63,
    1.5,
    -0.5,
    1e308,
    float("nan"),
    float("inf"),
    [],
    {},
    [None],
    [1, 2],
    ["a", "b"],
    [[1, 2]],
    [["a", 1]],
    {"a": 1},
    {"name": {"x": 1}},
    {"version": "v1"},
    [{"version": "v99999999999999999999", "created": "Mon, 1 Jan 2024 00:00:01 GMT"}],
    [{"name": ["x"]}],
    *HOSTILE_TEXT,
    *CONTROL_TEXT,
]
BYTES = b"\x00\x01\x1b\x7f\xff\xfe\n\r\t \"'\\{}[]<>&;:,#/0123456789vx\xc3\xa9\xe2\x80"


class Mutator:
    """Seeded corruption of JSON values, bytes and XML elements."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    # JSON

    def _slots(self, obj: Any, depth: int = 0) -> list[tuple[Any, Any]]:
        """Every (container, key) where a value sits, a few levels down."""
        out: list[tuple[Any, Any]] = []
        if depth > 4:
            return out
        if isinstance(obj, dict):
            for k, v in obj.items():
                out.append((obj, k))
                out += self._slots(v, depth + 1)
        elif isinstance(obj, list):
            for i, v in enumerate(obj[:3]):
                out.append((obj, i))
                out += self._slots(v, depth + 1)
        return out

    def json(self, obj: Any) -> Any:
        """Return a deep copy of obj with one to three values corrupted."""
        rng = self.rng
        obj = copy.deepcopy(obj)
        for _ in range(rng.choice((1, 1, 1, 2, 3))):
            slots = self._slots(obj)
            if not slots:
                return rng.choice(HOSTILE_JSON)
            container, key = rng.choice(slots)
            value = container[key]
            op = rng.random()
            if op < 0.6:
                container[key] = rng.choice(HOSTILE_JSON)
            elif op < 0.7:
                del container[key]
            elif op < 0.8:  # the same content in another type
                container[key] = rng.choice(([value], {"value": value}, str(value), len(str(value))))
            elif op < 0.85 and isinstance(value, list) and value and rng.random() < 0.05:
                container[key] = value * (MOST_AUTHORS // len(value) + 1)  # a flood of items
            elif op < 0.9 and isinstance(value, str):
                container[key] = value * rng.choice((2, 50, 2000))
            elif op < 0.95 and isinstance(value, str) and value:
                at = rng.randrange(len(value))
                container[key] = value[:at] + rng.choice(CONTROL_TEXT) + value[at:]
            else:  # another field's value
                other, other_key = rng.choice(slots)
                if other is not container or other_key != key:
                    container[key] = copy.deepcopy(other[other_key])
        return obj

    # bytes

    def bytes(self, data: bytes) -> bytes:
        """Return data with one to four bytes or runs flipped, inserted, deleted, repeated or cut."""
        rng = self.rng
        buf = bytearray(data)
        for _ in range(rng.randint(1, 4)):
            if not buf:
                buf.extend(rng.choice(BYTES).to_bytes(1, "big"))
                continue
            at = rng.randrange(len(buf))
            op = rng.randrange(7)
            if op == 0:
                buf[at] ^= 1 << rng.randrange(8)
            elif op == 1:
                buf[at:at] = bytes([rng.choice(BYTES)])
            elif op == 2:
                del buf[at]
            elif op == 3:
                del buf[at : at + rng.randint(1, 64)]
            elif op == 4:
                buf[at:at] = buf[at : at + rng.randint(1, 64)] * rng.choice((2, 10))
            elif op == 5:
                del buf[at:]
            else:
                buf[at : at + 4] = bytes(rng.choice(BYTES) for _ in range(4))
        return bytes(buf)

    # XML

    def _xml_text(self) -> str:
        return self.rng.choice(HOSTILE_TEXT)  # XML cannot carry control characters

    def element(self, root: etree._Element, flood_tag: str | None = None) -> None:
        """Corrupt one to three things in an element tree, in place (it stays well-formed)."""
        rng = self.rng
        for _ in range(rng.choice((1, 1, 2, 3))):
            nodes = [e for e in root.iter() if isinstance(e.tag, str)]
            node = rng.choice(nodes)
            op = rng.random()
            if op < 0.4:
                node.text = self._xml_text()
            elif op < 0.55 and node is not root:
                parent = node.getparent()
                if parent is not None:
                    parent.remove(node)
            elif op < 0.65 and node is not root:
                at = node.getparent().index(node)
                for k in range(rng.choice((1, 2, 5))):
                    node.getparent().insert(at + k, copy.deepcopy(node))
            elif op < 0.8:
                names = [*node.attrib.keys(), "term", "href", "rel", "title", "version", "status"]
                node.set(rng.choice(names), self._xml_text())
            elif op < 0.87:
                node.clear()
            elif op < 0.94:
                child = etree.SubElement(node, rng.choice([n.tag for n in nodes]))
                child.text = self._xml_text()
            else:
                other = rng.choice(nodes)
                node.text, other.text = other.text, node.text
        if flood_tag is not None and rng.random() < 0.004:
            found = root.find(flood_tag)
            if found is not None:
                parent = found.getparent()
                for _ in range(MOST_AUTHORS + 1):
                    parent.append(copy.deepcopy(found))


# The contract


def _text_problem(what: str, value: Any, optional: bool = True, longest: int = LONGEST_TEXT) -> str | None:
    if value is None and optional:
        return None
    if not isinstance(value, str):
        return f"{what} is a {type(value).__name__}, not text"
    if CONTROL.search(value):
        return f"{what} holds a control character"
    if len(value) > longest:
        return f"{what} is {len(value)} characters long"
    return None


def _date_problem(what: str, value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, datetime) or value.tzinfo is not None:
        return f"{what} is not a naive UTC datetime: {value!r}"
    if not EARLIEST <= value <= LATEST:
        return f"{what} is dated {value}"
    return None


def _version_problem(what: str, value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MOST_VERSIONS:
        return f"{what} is {str(value)[:30]}"
    return None


def record_problem(r: PaperRecord) -> str | None:
    """Return what is wrong with a record, or None when it keeps the contract."""
    try:
        if parse_arxiv_id(r.arxiv_id) != (r.arxiv_id, None):
            return f"id {r.arxiv_id!r} is not a versionless arXiv id"
    except Exception as exc:  # any failure here is the record's fault
        return f"id {r.arxiv_id!r}: {exc}"
    checks = [
        _text_problem("title", r.title, optional=False),
        _text_problem("abstract", r.abstract, optional=False),
        *(
            _text_problem(name, getattr(r, name))
            for name in ("comments", "journal_ref", "doi", "report_no", "license", "organization")
        ),
        _text_problem("primary category", r.primary_category, longest=LONGEST_CATEGORY),
        _date_problem("first version", r.published_at),
        _date_problem("latest version", r.updated_at),
        _version_problem("latest version number", r.latest_version),
    ]
    if not isinstance(r.authors, list) or len(r.authors) > MOST_AUTHORS:
        checks.append("authors is not a list of at most 10,000")
    else:
        for a in r.authors:
            if not isinstance(a, Author) or not isinstance(a.affiliations, tuple):
                checks.append(f"an author is {a!r:.60}")
                break
            checks.append(_text_problem("author name", a.name, optional=False, longest=LONGEST_NAME))
            checks += [_text_problem("affiliation", x, optional=False, longest=LONGEST_NAME) for x in a.affiliations]
    if not isinstance(r.categories, list):
        checks.append("categories is not a list")
    else:
        checks += [_text_problem("category", c, optional=False, longest=LONGEST_CATEGORY) for c in r.categories]
    for v in r.versions or ():
        if not isinstance(v, Version):
            checks.append(f"a version is {v!r:.60}")
            break
        checks += [_version_problem("a version number", v.number), _date_problem("a version", v.created)]
    if r.listed_on is not None and (
        not isinstance(r.listed_on, date) or not EARLIEST.date() <= r.listed_on <= LATEST.date()
    ):
        checks.append(f"listing day {r.listed_on!r}")
    for name in ("abs_url", "pdf_url"):
        url = getattr(r, name)
        if not isinstance(url, str) or not ARXIV_URL.fullmatch(url) or CONTROL.search(url):
            checks.append(f"{name} {url!r:.60} is not an arXiv link")
    if isinstance(r.base_upvotes, bool) or not isinstance(r.base_upvotes, int):
        checks.append(f"upvotes is a {type(r.base_upvotes).__name__}")
    elif not 0 <= r.base_upvotes <= MOST_UPVOTES:
        checks.append(f"upvotes is {r.base_upvotes}")
    return next((c for c in checks if c), None)


def item_problem(item: Any) -> str | None:
    if isinstance(item, BadRecord):
        if not isinstance(item.location, str) or not isinstance(item.reason, str) or not item.reason:
            return f"a BadRecord without a location or reason: {item!r:.80}"
        if CONTROL.search(item.location + item.reason) or len(item.location) + len(item.reason) > 2000:
            return "a BadRecord whose report holds control characters or is overlong"
        return None
    if isinstance(item, PaperRecord):
        return record_problem(item)
    return f"a {type(item).__name__} among the items"


@dataclass
class Tally:
    """Cases run and failures found, by kind, with an example of each."""

    cases: int = 0
    records: int = 0
    bad_records: int = 0
    clear_errors: int = 0
    failures: Counter[str] = field(default_factory=Counter)
    examples: dict[str, str] = field(default_factory=dict)

    def fail(self, kind: str, example: str) -> None:
        self.failures[kind] += 1
        self.examples.setdefault(kind, example[:300])

    def summary(self) -> str:
        lines = [
            f"{self.cases} cases: {self.records} records, {self.bad_records} bad records, "
            f"{self.clear_errors} clear errors, {sum(self.failures.values())} failures"
        ]
        lines += [f"  {n} × {kind} (e.g. {self.examples[kind]})" for kind, n in self.failures.most_common()]
        return "\n".join(lines)


def run_cases(
    tally: Tally,
    cases: list[Any],
    read: Callable[[list[Any]], Iterable[Any]],
    clear: tuple[type[BaseException], ...],
    batch: int,
) -> None:
    """Read the cases in batches; when a batch does not read cleanly (one case may have broken the whole
    document, or found a fault), read each of its cases alone, to count and name what each does."""
    tally.cases += len(cases)
    for start in range(0, len(cases), batch):
        chunk = cases[start : start + batch]
        if len(chunk) == 1 or not _judge(tally, chunk, read, clear, alone=False):
            for case in chunk:
                _judge(tally, [case], read, clear, alone=True)


def _judge(
    tally: Tally,
    chunk: list[Any],
    read: Callable[[list[Any]], Iterable[Any]],
    clear: tuple[type[BaseException], ...],
    alone: bool,
) -> bool:
    """Return whether the chunk read cleanly, counting its outcomes; failures are counted for a case alone."""
    try:
        items = list(read(chunk))
    except clear as exc:
        if not alone:
            return False
        if str(exc).strip():
            tally.clear_errors += 1
        else:
            tally.fail(f"{type(exc).__name__} without a message", repr(chunk)[:200])
        return True
    except Exception as exc:
        if alone:
            tally.fail(type(exc).__name__, f"{exc!s:.150} in {chunk!r:.150}")
        return False
    problems = [p for p in map(item_problem, items) if p]
    if problems:
        if alone:
            tally.fail("invariant: " + re.sub(r"'.*?'|\".*?\"|\d[\d,]*", "N", problems[0])[:80], problems[0])
        return False
    bad = sum(isinstance(i, BadRecord) for i in items)
    tally.bad_records += bad
    tally.records += len(items) - bad
    return True
