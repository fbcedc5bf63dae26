import gzip
import json
from datetime import datetime

import orjson
import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from paperfeed.cli import main
from paperfeed.records import Author, BadRecord, PaperRecord
from paperfeed.sources.snapshot import CorruptSnapshot, read_snapshot
from paperfeed.store.db import make_engine
from paperfeed.store.schema import papers
from tests.conftest import FIXTURES, shared_data, snapshot_cut_short

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
        "Phys.Rev.D76:013009,2007",
        "10.1103/PhysRevD.76.013009",
        "ANL-HEP-PR-07-12",
        "37 pages, 15 figures",
    )
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
    lines = [
        json.dumps(
            {
                "id": f"2401.{n:05d}",
                "title": f"T{n}",
                "abstract": "x" * 200,
                "authors": "A",
                "categories": "cs.LG",
                "versions": [{"version": "v1", "created": "Mon, 1 Jan 2024 00:00:01 GMT"}],
            }
        )
        for n in range(2000)
    ]
    data = gzip.compress(("\n".join(lines) + "\n").encode())
    cut = tmp_path / "cut.jsonl.gz"
    cut.write_bytes(data[: len(data) // 2])
    read = []
    with pytest.raises(CorruptSnapshot, match=r"corrupt after line \d+ \([\d,]+ bytes read\)"):
        read.extend(read_snapshot(cut))
    assert 0 < len(read) < 2000 and all(isinstance(r, PaperRecord) for r in read)
    bitrot = bytearray(data)
    bitrot[len(data) // 2] ^= 0xFF
    cut.write_bytes(bytes(bitrot))
    with pytest.raises(CorruptSnapshot):
        list(read_snapshot(cut))


def test_a_corrupt_gzip_is_a_clear_error_and_a_non_zero_exit(tmp_path, monkeypatch):
    cut = snapshot_cut_short(tmp_path / "cut.jsonl.gz")
    monkeypatch.setenv("PAPERFEED_DATABASE_URL", f"sqlite:///{tmp_path / 'p.db'}")
    monkeypatch.setenv("PAPERFEED_DATA_DIR", str(tmp_path))
    result = CliRunner().invoke(main, ["ingest", "snapshot", "--no-index", str(cut)])
    assert result.exit_code == 1 and "is corrupt after line" in result.output and "Traceback" not in result.output
    engine = make_engine(f"sqlite:///{tmp_path / 'p.db'}")
    with engine.connect() as conn:
        stored = conn.execute(sa.select(sa.func.count()).select_from(papers)).scalar()
    assert 0 < stored < 3000  # what came before the corruption is kept


BAD_FIELDS = [
    {"title": ["list"]},
    {"abstract": {"a": 1}},
    {"versions": [{"version": "v99999999999999999999", "created": "Mon, 1 Jan 2024 00:00:01 GMT"}]},
    {"versions": "v1"},
    {"versions": [["v1"]]},
    {"authors_parsed": [[1, 2]]},
    {"authors_parsed": "Ada"},
    {"categories": ["cs.LG"]},
    {"id": {"x": 1}},
    {"authors": 7},
    {"versions": [{"version": "v1", "created": "Mon, 1 Jan 9999 00:00:01 GMT"}]},
    {"versions": [{"version": "v1", "created": "Mon, 1 Jan 1900 00:00:01 GMT"}]},
    {"update_date": "9999-03-02", "versions": []},
]


@pytest.mark.parametrize("change", BAD_FIELDS, ids=lambda c: next(iter(c)))
def test_a_bad_value_is_a_bad_record_and_the_rest_goes_in(tmp_path, change):
    good = {
        "id": "2401.00001",
        "title": "T",
        "abstract": "A",
        "categories": "cs.LG",
        "authors": "Ada Lovelace",
        "versions": [{"version": "v1", "created": "Mon, 1 Jan 2024 00:00:01 GMT"}],
    }
    path = tmp_path / "s.jsonl"
    path.write_bytes(orjson.dumps({**good, "id": "2401.00002", **change}) + b"\n" + orjson.dumps(good) + b"\n")
    records, bad = _split(read_snapshot(path))
    assert [r.arxiv_id for r in records] == ["2401.00001"]
    assert len(bad) == 1 and bad[0].location == "s.jsonl:1", bad


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
