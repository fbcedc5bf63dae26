"""The official huggingface_hub client, and its `hf papers` commands, against a live paperfeed server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from huggingface_hub import HfApi
from huggingface_hub.errors import HfHubHTTPError

from paperfeed.search.keyphrases import keyphrases_of
from paperfeed.store.schema import papers

COLUMNS = (
    papers.c.id,
    papers.c.arxiv_id,
    papers.c.title,
    papers.c.listed_on,
    papers.c.base_upvotes,
    papers.c.vote_count,
    papers.c.comment_count,
    papers.c.organization,
    papers.c.published_at,
)


def rows(engine, *where):
    with engine.connect() as conn:
        return conn.execute(sa.select(*COLUMNS).where(*where).order_by(papers.c.id)).all()


@pytest.fixture
def api(live):
    return HfApi(endpoint=live.url, token=False)


def busiest_day(engine):
    with engine.connect() as conn:
        return conn.execute(
            sa.select(papers.c.listed_on)
            .group_by(papers.c.listed_on)
            .order_by(sa.func.count().desc(), papers.c.listed_on.desc())
            .limit(1)
        ).scalar()


def test_list_daily_papers_by_date(api, engine):
    day = busiest_day(engine)
    expected = {r.arxiv_id: r for r in rows(engine, papers.c.listed_on == day)}
    got = list(api.list_daily_papers(date=day.isoformat()))
    assert {p.id for p in got} == set(expected)
    with engine.connect() as conn:
        words = keyphrases_of(conn, [r.id for r in expected.values()])
    for info in got:
        row = expected[info.id]
        assert info.title == " ".join(row.title.split())
        assert info.upvotes == row.base_upvotes + row.vote_count or (info.upvotes is None and not row.base_upvotes)
        assert info.comments == row.comment_count
        assert info.submitted_at == datetime.combine(day, datetime.min.time(), tzinfo=UTC)
        assert info.ai_keywords == words.get(row.id, [])
        assert info.authors and info.authors[0].name
        assert info.summary
        if row.organization:
            assert info.organization.name == row.organization


def test_week_month_sort_paging_and_submitter(api, engine):
    day = busiest_day(engine)
    year, week, _ = day.isocalendar()
    in_week = list(api.list_daily_papers(week=f"{year}-W{week:02d}"))
    in_month = list(api.list_daily_papers(month=f"{day:%Y-%m}"))
    assert {r.arxiv_id for r in rows(engine, papers.c.listed_on == day)} <= {p.id for p in in_week}
    next_month = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    month_rows = rows(engine, papers.c.listed_on >= day.replace(day=1), papers.c.listed_on < next_month)
    assert {p.id for p in in_month} == {r.arxiv_id for r in month_rows}
    everything = list(api.list_daily_papers(limit=100))
    assert len(everything) == len(rows(engine))
    assert [p.submitted_at for p in everything] == sorted((p.submitted_at for p in everything), reverse=True)
    trending = list(api.list_daily_papers(sort="trending", limit=5))
    assert len(trending) == 5 and trending[0].upvotes >= 1
    page0 = list(api.list_daily_papers(limit=7, p=0))
    page1 = list(api.list_daily_papers(limit=7, p=1))
    assert len(page0) == len(page1) == 7 and not {p.id for p in page0} & {p.id for p in page1}
    assert list(api.list_daily_papers(limit=50, p=99)) == []
    submitted = list(api.list_daily_papers(submitter="ada"))
    assert [p.id for p in submitted] == ["2501.00001"]
    assert submitted[0].submitted_by.username == "ada"
    assert list(api.list_daily_papers(submitter="nobody")) == []


def test_a_malformed_date_is_a_400_with_the_reason(api):
    with pytest.raises(HfHubHTTPError) as caught:
        list(api.list_daily_papers(date="2026-13-45"))
    assert caught.value.response.status_code == 400
    assert "is not a date like 2026-04-06" in str(caught.value)


def test_list_papers_searches(api):
    found = list(api.list_papers(query="byte-level tokenization", limit=5))
    assert 1 <= len(found) <= 5
    assert any("yte" in p.title or "oken" in p.title for p in found)
    first = found[0].__dict__  # the client keeps fields it does not know
    assert {s["type"] for s in first["highlightedTitle"] + first["highlightedSummary"]} <= {"text", "highlight"}
    assert "".join(s["text"] for s in first["highlightedTitle"]) == found[0].title
    assert any(s["type"] == "highlight" for p in found for s in p.__dict__["highlightedSummary"])


def test_paper_info_and_read_paper(api, engine):
    row = rows(engine, papers.c.comment_count > 0)[0]
    info = api.paper_info(row.arxiv_id)
    assert info.id == row.arxiv_id and info.comments == 1
    assert info.upvotes == row.base_upvotes + row.vote_count
    assert info.linked_models == [] and info.num_total_models == 0
    markdown = api.read_paper(row.arxiv_id)
    assert markdown.startswith(f"# {' '.join(row.title.split())}")
    assert f"https://arxiv.org/abs/{row.arxiv_id}" in markdown and "## Abstract" in markdown
    with pytest.raises(HfHubHTTPError) as caught:
        api.paper_info("2401.99999")
    assert caught.value.response.status_code == 404 and "no paper 2401.99999" in str(caught.value)


def hf(live, *args: str) -> subprocess.CompletedProcess:
    hf_bin = Path(sys.executable).with_name("hf")
    env = {
        **os.environ,
        "HF_ENDPOINT": live.url,
        "HF_HUB_DISABLE_TELEMETRY": "1",
        "NO_COLOR": "1",
        "HF_HOME": str(Path(os.environ.get("TMPDIR", "/tmp")) / "paperfeed-hf-home"),
    }
    env.pop("HF_TOKEN", None)
    return subprocess.run([str(hf_bin), "papers", *args], env=env, capture_output=True, text=True, timeout=60)


def test_the_hf_papers_commands(live, engine):
    day = busiest_day(engine)
    listed = hf(live, "ls", "--date", day.isoformat(), "--format", "json")
    assert listed.returncode == 0, listed.stderr
    assert {p["id"] for p in json.loads(listed.stdout)} == {r.arxiv_id for r in rows(engine, papers.c.listed_on == day)}
    found = hf(live, "search", "attention", "--limit", "3", "--format", "json")
    assert found.returncode == 0 and 1 <= len(json.loads(found.stdout)) <= 3
    arxiv_id = rows(engine)[0].arxiv_id
    info = hf(live, "info", arxiv_id, "--format", "json")
    assert info.returncode == 0 and json.loads(info.stdout)["id"] == arxiv_id
    read = hf(live, "read", arxiv_id)
    assert read.returncode == 0 and "## Abstract" in read.stdout
    missing = hf(live, "info", "2401.99999")
    assert missing.returncode != 0 and "not found" in (missing.stdout + missing.stderr)
