from datetime import date, datetime

import httpx
import pytest

from paperfeed.records import Author, BadRecord, PaperRecord
from paperfeed.sources.oai import OAIError, OaiRequest, list_records, parse_list_records
from tests.conftest import FIXTURES

URL = "https://oaipmh.arxiv.org/oai"


def fixture(name):
    return (FIXTURES / "oai" / name).read_bytes()


def test_arxiv_format_every_field():
    page = parse_list_records(fixture("arxiv_page1.xml"), "arXiv")
    assert page.resumption_token == "tok-page-2"
    assert page.complete_list_size == 5
    records = [i for i in page.items if isinstance(i, PaperRecord)]
    bad = [i for i in page.items if isinstance(i, BadRecord)]
    assert [r.arxiv_id for r in records] == ["2604.00001", "math/0309136"]  # the deleted one is skipped
    first = records[0]
    assert first.authors == [
        Author("Grace M. Hopper", ("Navy",)),
        Author("Martin L. King Jr"),
        Author("The CMS Collaboration"),
    ]
    assert first.title == "Compilers for\n  Everyone"
    assert first.categories == ["cs.CL", "cs.PL"] and first.primary_category == "cs.CL"
    assert first.published_at == datetime(2026, 4, 1) and first.updated_at == datetime(2026, 4, 2)
    assert (first.comments, first.report_no, first.journal_ref, first.doi) == (
        "9 pages",
        "REP-1",
        "J. Comp. 1 (2026) 1",
        "10.1000/oai.1",
    )
    assert first.license == "http://creativecommons.org/licenses/by/4.0/"
    assert "$\\lambda$-terms" in first.abstract
    assert records[1].updated_at == datetime(2003, 9, 8)  # no <updated>: one version
    (broken,) = bad
    assert "oai:arXiv.org:bogus" in broken.location and "not an arXiv id" in broken.reason


def test_arxivraw_versions_in_order_and_author_string():
    page = parse_list_records(fixture("arxivraw.xml"), "arXivRaw")
    assert page.resumption_token is None  # an empty token ends the list
    (adam,) = page.items
    assert [v.number for v in adam.versions] == [1, 2, 9]
    assert adam.latest_version == 9
    assert adam.published_at == datetime(2014, 12, 22, 13, 54, 29)
    assert adam.updated_at == datetime(2017, 1, 30, 1, 27, 54)
    assert adam.authors[0] == Author("Diederik P. Kingma", ("University of Amsterdam, OpenAI",))
    assert adam.authors[1] == Author("Jimmy Ba", ("University of Toronto",))
    assert adam.authors[2].name == "A. N. Other"


def test_no_records_match_is_an_empty_list():
    page = parse_list_records(fixture("error_noRecordsMatch.xml"), "arXiv")
    assert page.items == [] and page.resumption_token is None


def test_other_errors_are_clear():
    with pytest.raises(OAIError, match="badArgument: The badArgument condition"):
        parse_list_records(fixture("error_badArgument.xml"), "arXiv")


def test_request_parameters():
    assert OaiRequest("arXivRaw", "cs:cs:LG", date(2026, 4, 1), date(2026, 4, 2)).params() == {
        "verb": "ListRecords",
        "metadataPrefix": "arXivRaw",
        "set": "cs:cs:LG",
        "from": "2026-04-01",
        "until": "2026-04-02",
    }
    with pytest.raises(ValueError, match="metadata format"):
        OaiRequest("oai_marc")


def test_resumption_tokens_are_followed(polite):
    asked = []

    def handler(request):
        asked.append(dict(request.url.params))
        token = request.url.params.get("resumptionToken")
        return httpx.Response(200, content=fixture("arxiv_page2.xml" if token else "arxiv_page1.xml"))

    pages = list(list_records(polite(handler), URL, OaiRequest("arXiv", "cs", date(2026, 4, 1))))
    assert [p.resumption_token for p in pages] == ["tok-page-2", None]
    assert asked == [
        {"verb": "ListRecords", "metadataPrefix": "arXiv", "set": "cs", "from": "2026-04-01"},
        {"verb": "ListRecords", "resumptionToken": "tok-page-2"},
    ]


def test_a_refused_token_restarts_from_the_from_date(polite):
    asked = []

    def handler(request):
        asked.append(dict(request.url.params))
        if request.url.params.get("resumptionToken") == "expired":
            return httpx.Response(200, content=fixture("error_badResumptionToken.xml"))
        if request.url.params.get("resumptionToken"):
            return httpx.Response(200, content=fixture("arxiv_page2.xml"))
        return httpx.Response(200, content=fixture("arxiv_page1.xml"))

    pages = list(list_records(polite(handler), URL, OaiRequest("arXiv", "cs", date(2026, 4, 1)), "expired"))
    assert pages[0].restarted and not pages[1].restarted
    assert asked[1] == {"verb": "ListRecords", "metadataPrefix": "arXiv", "set": "cs", "from": "2026-04-01"}


def test_a_bad_token_without_a_saved_date_is_an_error(polite):
    http = polite(lambda r: httpx.Response(200, content=fixture("error_badResumptionToken.xml")))
    with pytest.raises(OAIError, match="badResumptionToken"):
        list(list_records(http, URL, OaiRequest("arXiv")))
