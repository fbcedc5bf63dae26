import gzip
import json
from datetime import datetime

import pytest

from paperfeed.records import Author, BadRecord, PaperRecord
from paperfeed.sources.snapshot import read_snapshot
from tests.conftest import FIXTURES, shared_data

MIXED = FIXTURES / "snapshot" / "mixed.jsonl"


def _split(items):
    items = list(items)
    good = [i for i in items if isinstance(i, PaperRecord)]
    bad = [i for i in items if isinstance(i, BadRecord)]
    return good, bad


def test_good_lines_parse_and_bad_lines_are_reported_with_their_line_numbers():
    good, bad = _split(read_snapshot(MIXED))
    assert [r.arxiv_id for r in good] == ["0704.0001", "hep-th/9901001", "2401.00001"]
    assert [b.location for b in bad] == ["mixed.jsonl:3", "mixed.jsonl:5", "mixed.jsonl:6", "mixed.jsonl:7"]
    assert "not valid JSON" in bad[0].reason
    assert "no id" in bad[1].reason
    assert "not an arXiv id" in bad[2].reason
    assert "not a JSON object" in bad[3].reason


def test_every_field():
    first = next(iter(read_snapshot(MIXED)))
    assert first.title.startswith("Calculation of prompt diphoton") and "\n" in first.title
    assert first.authors[0] == Author("C. Balázs", ("Michigan State",))  # authors_parsed wins
    assert first.authors[3].name == "C. -P. Yuan"
    assert [v.number for v in first.versions] == [1, 2] and first.latest_version == 2
    assert first.published_at == datetime(2007, 4, 2, 19, 18, 42)
    assert first.updated_at == datetime(2007, 7, 24, 20, 10, 27)
    assert (first.journal_ref, first.doi, first.report_no, first.comments) == (
        "Phys.Rev.D76:013009,2007", "10.1103/PhysRevD.76.013009", "ANL-HEP-PR-07-12", "37 pages, 15 figures")
    assert first.source == "snapshot"


def test_author_string_is_used_without_authors_parsed():
    old = list(read_snapshot(MIXED))[1]
    assert old.authors == [Author("J. Maldacena", ("Harvard",)), Author("E. Witten")]
    assert old.categories == ["hep-th", "gr-qc"]


def test_gzip_is_detected_by_content(tmp_path):
    packed = tmp_path / "snapshot.data"  # no .gz suffix on purpose
    packed.write_bytes(gzip.compress(MIXED.read_bytes()))
    good, bad = _split(read_snapshot(packed))
    assert len(good) == 3 and len(bad) == 4


def test_a_truncated_gzip_keeps_what_came_before(tmp_path):
    lines = [json.dumps({"id": f"2401.{n:05d}", "title": f"T{n}", "abstract": "x" * 200, "authors": "A",
                         "categories": "cs.LG",
                         "versions": [{"version": "v1", "created": "Mon, 1 Jan 2024 00:00:01 GMT"}]})
             for n in range(2000)]
    data = gzip.compress(("\n".join(lines) + "\n").encode())
    cut = tmp_path / "cut.jsonl.gz"
    cut.write_bytes(data[: len(data) // 2])
    good, bad = _split(read_snapshot(cut))
    assert 0 < len(good) < 2000
    assert len(bad) == 1 and "ends early or is corrupt" in bad[0].reason


def test_progress_reports_every_byte(tmp_path):
    seen = []
    list(read_snapshot(MIXED, on_progress=seen.append))
    assert sum(seen) == MIXED.stat().st_size


@pytest.mark.shared
def test_the_real_snapshot_sample():
    good, bad = _split(read_snapshot(shared_data("arxiv-snapshot-sample.jsonl")))
    assert len(good) == 509 and bad == []
    assert any("/" in r.arxiv_id for r in good)
    assert all(r.published_at and r.title and r.authors and r.categories for r in good)
    assert all(r.published_at <= r.updated_at for r in good)
