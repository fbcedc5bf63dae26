import json
from datetime import datetime
from pathlib import Path
from urllib.parse import parse_qsl, urlparse

import httpx
import pytest

from paperfeed.records import Author, BadRecord, PaperRecord
from paperfeed.sources import arxiv_api
from paperfeed.sources.arxiv_api import ArxivAPIError, fetch_ids, parse_feed, query
from paperfeed.sources.http import SourceError
from tests.atom import atom_feed
from tests.conftest import FIXTURES, shared_data

URL = "https://export.arxiv.org/api/query"


def _records(items):
    return [i for i in items if isinstance(i, PaperRecord)]


def test_every_field_of_a_full_entry():
    page = parse_feed((FIXTURES / "arxiv_api/full.xml").read_bytes())
    assert page.total == 3 and page.start == 0
    blt, old, zero = _records(page.items)
    assert blt.arxiv_id == "2503.13423"
    assert blt.latest_version == 3
    assert blt.title == "Byte Latent Transformers: Patches\n  Scale Better Than Tokens"  # kept as given
    assert "$O(n \\log n)$" in blt.abstract and "$\\alpha < 1$" in blt.abstract
    assert blt.authors == [
        Author("Ada Lovelace", ("Analytical Engines Ltd", "University of London")),
        Author("Alan Turing"),
    ]
    assert blt.categories == ["cs.CL", "cs.LG", "I.2.7"]
    assert blt.primary_category == "cs.CL"
    assert blt.published_at == datetime(2025, 3, 17, 17, 59, 59)
    assert blt.updated_at == datetime(2025, 5, 2, 17, 1, 2)
    assert blt.comments == "12 pages; code at https://github.com/example/blt"
    assert blt.journal_ref == "Proc. ACL 2025, 1-12"
    assert blt.doi == "10.1000/xyz.123"
    assert blt.abs_url == "https://arxiv.org/abs/2503.13423"
    assert blt.pdf_url == "https://arxiv.org/pdf/2503.13423"
    assert blt.source == "arxiv-api"
    assert old.arxiv_id == "hep-th/9901001" and old.latest_version == 2
    assert "&" in old.title and "<supergravity>" in old.title
    assert old.comments is None and old.doi is None and old.journal_ref is None
    assert zero.title == "0"


def test_error_entry_becomes_a_clear_error_quoting_arxiv():
    with pytest.raises(ArxivAPIError, match="max_results must be less than 30000"):
        parse_feed((FIXTURES / "arxiv_api/error.xml").read_bytes())


def test_malformed_xml_is_a_source_error():
    with pytest.raises(SourceError, match="malformed XML"):
        parse_feed(b"<feed><entry>")


def test_an_unreadable_entry_is_reported_and_the_rest_kept():
    body = (FIXTURES / "arxiv_api/full.xml").read_bytes().replace(b"hep-th/9901001v2</id>", b"nonsense</id>")
    items = parse_feed(body).items
    assert len(_records(items)) == 2
    (bad,) = [i for i in items if isinstance(i, BadRecord)]
    assert "nonsense" in bad.location and "not an arXiv id" in bad.reason


def test_paging_follows_total_results(polite):
    ids = [f"2401.{n:05d}" for n in range(25)]
    seen = []

    def handler(request):
        q = dict(request.url.params)
        seen.append((q["start"], q["max_results"], q["sortBy"], q["sortOrder"]))
        start, size = int(q["start"]), int(q["max_results"])
        return httpx.Response(200, content=atom_feed(ids[start : start + size], 25, start))

    got = _records(
        query(
            polite(handler),
            URL,
            search_query="cat:cs.LG",
            max_results=100,
            page_size=10,
            sort_by="submittedDate",
            sort_order="ascending",
        )
    )
    assert [r.arxiv_id for r in got] == ids
    assert seen == [
        ("0", "10", "submittedDate", "ascending"),
        ("10", "10", "submittedDate", "ascending"),
        ("20", "10", "submittedDate", "ascending"),
    ]


def test_a_suspicious_empty_page_is_retried_before_it_is_believed(polite):
    ids = [f"2401.{n:05d}" for n in range(20)]
    calls = {"n": 0}

    def handler(request):
        start = int(request.url.params["start"])
        if start == 10:
            calls["n"] += 1
            if calls["n"] == 1:
                return httpx.Response(200, content=atom_feed([], 20, 10))
        return httpx.Response(200, content=atom_feed(ids[start : start + 10], 20, start))

    got = _records(query(polite(handler), URL, search_query="x", max_results=20, page_size=10))
    assert len(got) == 20 and calls["n"] == 2


def test_an_empty_page_that_stays_empty_is_an_error(polite):
    def handler(request):
        start = int(request.url.params["start"])
        return httpx.Response(200, content=atom_feed([] if start else ["2401.00001"], 50, start))

    with pytest.raises(SourceError, match="empty page at 1 of 50"):
        list(query(polite(handler), URL, search_query="x", max_results=50, page_size=1))


def test_http_400_quotes_arxivs_message(polite):
    body = (FIXTURES / "arxiv_api/error.xml").read_bytes()
    with pytest.raises(ArxivAPIError, match="max_results must be less than 30000"):
        list(query(polite(lambda r: httpx.Response(400, content=body)), URL, search_query="x"))


def test_fetch_ids_asks_for_versionless_ids_in_chunks(polite):
    asked = []

    def handler(request):
        ids = request.url.params["id_list"].split(",")
        asked.append(ids)
        return httpx.Response(200, content=atom_feed(ids, len(ids), 0))

    wanted = [f"2401.{n:05d}v2" for n in range(150)]
    got = _records(fetch_ids(polite(handler), URL, wanted))
    assert len(got) == 150
    assert [len(a) for a in asked] == [100, 50]
    assert all("v" not in i for a in asked for i in a)


def test_bad_arguments_are_refused_before_any_request(polite):
    http = polite(lambda r: pytest.fail("no request expected"))
    with pytest.raises(ValueError, match="sort_by"):
        list(query(http, URL, search_query="x", sort_by="random"))
    with pytest.raises(ValueError, match="search query or a list"):
        list(query(http, URL))


# The real recordings: responses arXiv gave in 2026, replayed by URL.


def _recordings():
    folder = shared_data("arxiv-api-recordings")
    table = {}
    for meta in folder.glob("*.json"):
        info = json.loads(meta.read_text())
        params = frozenset(parse_qsl(urlparse(info["url"]).query, keep_blank_values=True))
        table[params] = (info["status_code"], meta.with_suffix(".xml").read_bytes())
    return table


@pytest.fixture
def recorded(polite):
    table = _recordings()

    def handler(request):
        key = frozenset(parse_qsl(request.url.query.decode(), keep_blank_values=True))
        if key not in table:
            return httpx.Response(404, text=f"no recording for {request.url}")
        status, body = table[key]
        return httpx.Response(status, content=body)

    return polite(handler)


@pytest.mark.shared
def test_every_recording_parses():
    for path in Path(shared_data("arxiv-api-recordings")).glob("*.xml"):
        status = json.loads(path.with_suffix(".json").read_text())["status_code"]
        if status == 400:
            with pytest.raises(ArxivAPIError, match="incorrect id format for abc"):
                parse_feed(path.read_bytes())
            continue
        page = parse_feed(path.read_bytes())
        assert all(isinstance(i, PaperRecord) for i in page.items), path.name
        for r in page.items:
            assert r.title and r.published_at and r.authors and r.categories, (path.name, r.arxiv_id)


@pytest.mark.shared
def test_recorded_query_across_six_pages(recorded):
    got = _records(query(recorded, URL, search_query="testing", max_results=60, page_size=10))
    assert len(got) == 60
    assert len({r.arxiv_id for r in got}) >= 55  # relevance paging may repeat a few across pages
    assert got[50].arxiv_id == "1709.03221"


@pytest.mark.shared
def test_recorded_old_style_ids_and_affiliations(recorded):
    (astro,) = _records(query(recorded, URL, id_list=["astro-ph/0601001"]))
    assert astro.arxiv_id == "astro-ph/0601001"
    assert astro.journal_ref == "ActaAstron.56:1-50,2006"
    assert Author("Andrew Gould", ("Ohio State",)) in astro.authors
    (quant,) = _records(query(recorded, URL, id_list=["quant-ph/0201082v1"]))
    assert quant.arxiv_id == "quant-ph/0201082" and quant.latest_version == 1


@pytest.mark.shared
def test_recorded_unknown_id_is_empty_and_bad_id_is_an_error(recorded):
    assert list(query(recorded, URL, id_list=["0000.0000"])) == []
    with pytest.raises(ArxivAPIError, match="incorrect id format for abc"):
        list(query(recorded, URL, id_list=["abc"]))


@pytest.mark.shared
def test_recorded_doi_link(recorded):
    got = _records(query(recorded, URL, search_query="testing", max_results=100, page_size=100))
    with_doi = [r for r in got if r.doi]
    assert with_doi and all(r.doi.startswith("10.") for r in with_doi)
    assert arxiv_api.SOURCE == "arxiv-api"
