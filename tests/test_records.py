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


def test_control_characters_are_removed_from_every_text_field():
    from paperfeed.records import Author

    r = _record(
        title="Byte\x01 Models\x00 Without\tTokenizers\n",
        abstract="A\x1b[31m red\x7f \ud800abstract \ufffe\uffff",
        comments="12\x0c pages",
        organization="Org\x08",
        authors=[Author("Ada\x00 Lovelace", ("Analytical\x01 Engines", "\x02")), Author("\x03")],
        categories=["cs.CL\x00", "cs.LG"],
    )
    assert r.title == "Byte Models Without\tTokenizers\n"  # tab and newline stay
    assert r.abstract == "A[31m red abstract "
    assert (r.comments, r.organization) == ("12 pages", "Org")
    assert r.authors == [Author("Ada Lovelace", ("Analytical Engines",))]  # a name of controls alone goes
    assert r.categories == ["cs.CL", "cs.LG"] and r.primary_category == "cs.CL"


def test_text_without_control_characters_is_kept_as_it_is():
    from paperfeed.records import has_control, strip_control

    for text in ["", "plain", "Erdős–Rényi $\\alpha$\t\r\n", "日本語", "\U0001f600"]:
        assert not has_control(text) and strip_control(text) is text
    for text in ["\x00", "a\x1f", "\x7f", "é\ufffe", "\uffff", "\ud800", "x\udfff"]:
        assert has_control(text) and not has_control(strip_control(text))


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        ("https://arxiv.org/abs/2503.13423", True),
        ("http://export.arxiv.org/abs/2503.13423", True),
        ("https://ARXIV.ORG/pdf/2503.13423", True),
        ("https://arxiv.org", True),
        ("javascript:alert(1)", False),
        ("data:text/html,<script>", False),
        ("ftp://arxiv.org/abs/2503.13423", False),
        ("//arxiv.org/abs/2503.13423", False),
        ("https://arxiv.org.evil.example/abs/2503.13423", False),
        ("https://evil.example/arxiv.org/abs/2503.13423", False),
        ("https://evil.example@arxiv.org/abs/2503.13423", False),
        ('https://arxiv.org/abs/2503.13423" onmouseover="x', False),
        ("https://arxiv.org/abs/ 2503.13423", False),
        ("https://arxiv.org/" + "a" * 3000, False),
        (7, False),
    ],
)
def test_only_arxiv_links_are_kept(url, kept):
    r = _record(abs_url=url, pdf_url=url)
    assert (r.abs_url == url) is kept and (r.pdf_url == url) is kept
    if not kept:
        assert r.abs_url == "https://arxiv.org/abs/2503.13423" and r.pdf_url == "https://arxiv.org/pdf/2503.13423"


@pytest.mark.parametrize(
    "change",
    [
        {"title": "x" * 2001},
        {"abstract": "x" * 50_001},
        {"comments": "x" * 10_001},
        {"title": ["T"]},
        {"doi": 10},
        {"authors": "Ada"},
        {"authors": ["Ada"]},
        {"categories": ["x" * 33]},
        {"categories": "cs.LG"},
        {"primary_category": 5},
        {"latest_version": 10**20},
        {"latest_version": 0},
        {"base_upvotes": -1},
        {"base_upvotes": 10**9},
        {"published_at": "2025-03-17"},
        {"listed_on": "2025-03-17"},
    ],
    ids=lambda c: next(iter(c)),
)
def test_a_field_out_of_its_range_is_a_value_error(change):
    with pytest.raises(ValueError):
        _record(**change)


def test_an_offset_past_the_calendar_is_a_value_error_not_an_overflow():
    from datetime import timedelta, timezone

    with pytest.raises(ValueError, match="out of range"):
        _record(published_at=datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=14))))


def test_a_bad_records_report_is_one_short_clean_line():
    from paperfeed.records import BadRecord

    bad = BadRecord("line\x1b[2J 3\n", "why:\n" + "x" * 10_000)
    assert bad.location == "line[2J 3" and bad.reason.startswith("why: x") and len(bad.reason) == 500
