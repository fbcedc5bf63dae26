from datetime import date, datetime

import pytest

from paperfeed.records import (
    InvalidArxivId,
    PaperRecord,
    collapse_whitespace,
    listing_day,
    normalize_arxiv_id,
    parse_arxiv_id,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2503.13423", ("2503.13423", None)),
        ("2503.13423v2", ("2503.13423", 2)),
        ("0704.0001", ("0704.0001", None)),
        ("arXiv:2503.13423v12", ("2503.13423", 12)),
        ("https://arxiv.org/abs/2503.13423v1", ("2503.13423", 1)),
        ("http://export.arxiv.org/abs/hep-th/9901001v2", ("hep-th/9901001", 2)),
        ("https://arxiv.org/pdf/2503.13423.pdf", ("2503.13423", None)),
        ("  hep-th/9901001 ", ("hep-th/9901001", None)),
        ("math.GT/0309136", ("math.GT/0309136", None)),
        ("cond-mat/0501593v3", ("cond-mat/0501593", 3)),
    ],
)
def test_ids_in_every_spelling(text, expected):
    assert parse_arxiv_id(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "abc",
        "2503.134",
        "2503.134234",
        "hep-th/990100",
        "../etc/passwd",
        "2503.13423v",
        "<script>",
        "x" * 10_000,
        "HEP-TH/9901001",
    ],
)
def test_bad_ids_are_refused_with_a_clear_message(text):
    with pytest.raises(InvalidArxivId, match="arXiv id"):
        parse_arxiv_id(text)


def test_collapse_whitespace_keeps_tex():
    assert collapse_whitespace("  Large $N$ limit of\n  \\textit{CFT}\t ") == "Large $N$ limit of \\textit{CFT}"
    assert collapse_whitespace(None) == ""


def _record(**kw):
    base = dict(
        arxiv_id="2503.13423v2",
        title="T",
        abstract="",
        authors=[],
        categories=["cs.CL", "cs.LG"],
        source="test",
        published_at=datetime(2025, 3, 17, 23, 59),
    )
    base.update(kw)
    return PaperRecord(**base)


def test_record_normalizes_its_id_and_links():
    r = _record()
    assert r.arxiv_id == "2503.13423"
    assert r.primary_category == "cs.CL"
    assert r.abs_url == "https://arxiv.org/abs/2503.13423"
    assert r.pdf_url == "https://arxiv.org/pdf/2503.13423"


def test_listing_day_is_first_version_day_in_utc():
    from datetime import timedelta, timezone

    late_in_new_york = datetime(2025, 3, 17, 21, 0, tzinfo=timezone(timedelta(hours=-5)))
    assert listing_day(_record(published_at=late_in_new_york)) == date(2025, 3, 18)


def test_explicit_listing_day_wins():
    assert listing_day(_record(listed_on=date(2026, 4, 6))) == date(2026, 4, 6)
    assert listing_day(_record(published_at=None, listed_on=date(2026, 4, 1))) == date(2026, 4, 1)


def test_record_without_any_date_is_refused():
    with pytest.raises(ValueError, match="first-version date or a listing day"):
        _record(published_at=None)


def test_normalize():
    assert normalize_arxiv_id("arXiv:hep-th/9901001v1") == "hep-th/9901001"
