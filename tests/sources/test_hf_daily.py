"""Daily-papers JSON from a Hugging Face-compatible server, as fixtures in that shape."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from paperfeed.ingest import mirror_daily_papers
from paperfeed.records import BadRecord, PaperRecord
from paperfeed.sources.hf_daily import DailyPapersError, read_daily_papers
from paperfeed.store.schema import papers
from tests.atom import atom_feed

FIXTURE = Path(__file__).parents[1] / "fixtures" / "hf_daily" / "2026-04-06.json"
HF = "https://hf.example.org"


def hf_handler(request: httpx.Request) -> httpx.Response:
    if request.url.host == "hf.example.org":
        assert request.url.path == "/api/daily_papers"
        if request.url.params.get("date") == "2026-13-01":
            return httpx.Response(400, json={"error": "bad date"}, headers={"X-Error-Message": "bad date"})
        return httpx.Response(200, content=FIXTURE.read_bytes())
    ids = [i for i in request.url.params.get("id_list", "").split(",") if i]  # the arXiv API
    return httpx.Response(200, content=atom_feed(ids, len(ids), 0))


def test_items_become_records_and_broken_ones_are_reported(polite):
    items = list(read_daily_papers(polite(hf_handler), HF, day=date(2026, 4, 6)))
    records = [i for i in items if isinstance(i, PaperRecord)]
    [bad] = [i for i in items if isinstance(i, BadRecord)]
    assert "page 0 item 2" in bad.location and "no 'id'" in bad.reason
    first, second = records
    assert first.arxiv_id == "2604.01234" and first.listed_on == date(2026, 4, 6)
    assert first.base_upvotes == 42 and first.organization == "Analytical Engines"
    assert [a.name for a in first.authors] == ["Ada Lovelace", "Alan Turing"]
    assert first.published_at == datetime(2026, 4, 3, 17, 59, 58)
    assert second.base_upvotes == 7  # the top level counts: 0 inside `paper` means "not given"


def test_an_error_from_the_server_is_clear(polite):
    def refuse(request: httpx.Request) -> httpx.Response:
        return httpx.Response(400, json={"error": "bad date"}, headers={"X-Error-Message": "bad date"})

    with pytest.raises(DailyPapersError, match="answered 400: bad date"):
        list(read_daily_papers(polite(refuse), HF, day=date(2026, 4, 6)))


def test_an_answer_that_is_not_a_list_is_clear(polite):
    def odd(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"papers": []})

    with pytest.raises(DailyPapersError, match="not answer with a list"):
        list(read_daily_papers(polite(odd), HF, week="2026-W14"))


def test_mirroring_keeps_upvotes_and_days_and_adds_arxiv_metadata(engine, polite):
    http = polite(hf_handler)
    summary = mirror_daily_papers(engine, http, HF, http, "https://export.arxiv.org/api/query", day=date(2026, 4, 6))
    assert summary.skipped == 1 and "arXiv metadata for 2 papers" in summary.notes
    with engine.connect() as conn:
        rows = {r.arxiv_id: r for r in conn.execute(sa.select(papers))}
    assert set(rows) == {"2604.01234", "2604.05678"}
    byte = rows["2604.01234"]
    assert byte.listed_on == date(2026, 4, 6) and byte.base_upvotes == 42
    assert byte.organization == "Analytical Engines"
    assert byte.categories == ["cs.LG"] and byte.source == "arxiv-api"  # what the list lacked, from arXiv
    again = mirror_daily_papers(engine, http, HF, http, "https://export.arxiv.org/api/query", day=date(2026, 4, 6))
    assert again.counts.inserted == 0
    with engine.connect() as conn:
        kept = conn.execute(
            sa.select(papers.c.listed_on, papers.c.base_upvotes, papers.c.categories).where(
                papers.c.arxiv_id == "2604.01234"
            )
        ).one()
    assert kept == (date(2026, 4, 6), 42, ["cs.LG"])


def test_an_absurd_upvote_count_is_a_bad_record_not_a_crash():
    from paperfeed.sources.hf_daily import parse_item

    item = {"paper": {"id": "2504.00001", "title": "T", "publishedAt": "2025-04-01T00:00:00.000Z"}, "upvotes": 10**30}
    with pytest.raises(ValueError, match="out of range"):
        parse_item(item, datetime(2026, 4, 7))
    assert parse_item({**item, "upvotes": 12}, datetime(2026, 4, 7)).base_upvotes == 12
