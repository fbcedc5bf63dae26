import json
from datetime import date

import httpx
import pytest
import sqlalchemy as sa

from paperfeed.ingest import checkpoint_name, harvest_oai, import_snapshot, ingest_arxiv_ids, load_sample
from paperfeed.sources.http import SourceError
from paperfeed.sources.snapshot import CorruptSnapshot, read_snapshot
from paperfeed.store.checkpoints import load_checkpoint
from paperfeed.store.db import make_engine
from paperfeed.store.papers import get_paper
from paperfeed.store.schema import paper_authors, paper_categories, papers
from tests.atom import atom_feed
from tests.conftest import FIXTURES, _fresh_database, shared_data, snapshot_cut_short

OAI_URL = "https://oaipmh.arxiv.org/oai"


def oai_fixture(name):
    return (FIXTURES / "oai" / name).read_bytes()


def ids_in_store(engine):
    with engine.connect() as conn:
        return sorted(conn.execute(sa.select(papers.c.arxiv_id)).scalars())


class OaiServer:
    """Serves the two fixture pages; can be told to fail on the second."""

    def __init__(self):
        self.fail_page_2 = False
        self.expired = set()
        self.asked = []

    def __call__(self, request):
        params = dict(request.url.params)
        self.asked.append(params)
        token = params.get("resumptionToken")
        if token in self.expired:
            self.expired.discard(token)  # the token handed out after a restart is fresh
            return httpx.Response(200, content=oai_fixture("error_badResumptionToken.xml"))
        if token:
            if self.fail_page_2:
                raise httpx.ConnectError("connection reset by peer")
            return httpx.Response(200, content=oai_fixture("arxiv_page2.xml"))
        return httpx.Response(200, content=oai_fixture("arxiv_page1.xml"))


def test_a_harvest_stopped_between_pages_resumes_without_loss_or_duplicates(engine, polite):
    server = OaiServer()
    server.fail_page_2 = True
    http = polite(server)
    with pytest.raises(SourceError, match="giving up"):
        harvest_oai(engine, http, OAI_URL, set_spec="cs", metadata_prefix="arXiv", from_date=date(2026, 4, 1))
    assert ids_in_store(engine) == ["2604.00001", "math/0309136"]  # page 1 is stored
    with engine.connect() as conn:
        saved = load_checkpoint(conn, checkpoint_name("arXiv", "cs"))
    assert saved.resumption_token == "tok-page-2" and saved.from_date == date(2026, 4, 1)

    server.fail_page_2 = False
    server.asked.clear()
    summary = harvest_oai(engine, http, OAI_URL, set_spec="cs", metadata_prefix="arXiv", today=date(2026, 4, 7))
    assert server.asked == [{"verb": "ListRecords", "resumptionToken": "tok-page-2"}]  # page 1 not asked again
    assert summary.counts.inserted == 2
    assert ids_in_store(engine) == ["2604.00001", "2604.00002", "2604.00003", "math/0309136"]
    with engine.connect() as conn:
        done = load_checkpoint(conn, checkpoint_name("arXiv", "cs"))
    assert done.resumption_token is None and done.last_success_date == date(2026, 4, 7)

    # The next harvest asks only for what changed since the last one began.
    server.asked.clear()
    again = harvest_oai(engine, http, OAI_URL, set_spec="cs", metadata_prefix="arXiv", today=date(2026, 4, 8))
    assert server.asked[0]["from"] == "2026-04-07"
    assert again.counts.inserted == 0 and again.counts.updated == 0


def test_an_expired_token_restarts_from_the_saved_date(engine, polite):
    server = OaiServer()
    server.fail_page_2 = True
    http = polite(server)
    with pytest.raises(SourceError):
        harvest_oai(engine, http, OAI_URL, set_spec="cs", metadata_prefix="arXiv", from_date=date(2026, 4, 1))
    server.fail_page_2 = False
    server.expired.add("tok-page-2")
    server.asked.clear()
    summary = harvest_oai(engine, http, OAI_URL, set_spec="cs", metadata_prefix="arXiv")
    assert server.asked[1] == {"verb": "ListRecords", "metadataPrefix": "arXiv", "set": "cs", "from": "2026-04-01"}
    assert any("restarted from 2026-04-01" in n for n in summary.notes)
    assert len(ids_in_store(engine)) == 4


def test_bad_oai_records_are_reported_and_skipped(engine, polite):
    summary = harvest_oai(engine, polite(OaiServer()), OAI_URL, set_spec="cs", metadata_prefix="arXiv")
    assert summary.skipped == 1 and "oai:arXiv.org:bogus" in str(summary)
    assert summary.read == 5


def test_snapshot_with_broken_lines_loses_nothing_else(engine):
    summary = import_snapshot(engine, FIXTURES / "snapshot" / "mixed.jsonl")
    assert (summary.read, summary.counts.inserted, summary.skipped) == (7, 3, 4)
    text = str(summary)
    assert "mixed.jsonl:3" in text and "mixed.jsonl:7" in text
    assert ids_in_store(engine) == ["0704.0001", "2401.00001", "hep-th/9901001"]


def test_hostile_snapshot_lines_are_cleaned_or_skipped_and_the_rest_is_stored(engine, tmp_path):
    good = {
        "title": "T",
        "abstract": "A",
        "categories": "cs.LG",
        "authors": "Ada Lovelace",
        "versions": [{"version": "v1", "created": "Mon, 1 Jan 2024 00:00:01 GMT"}],
    }
    lines = [
        {**good, "id": "2401.00001", "title": "NUL\x00 and\x01 title", "authors": "Ada\x00 Lovelace"},
        {**good, "id": "2401.00002", "versions": [{"version": "v99999999999999999999", "created": "x"}]},
        {**good, "id": "2401.00003", "categories": "x" * 40},  # wider than the store's column
        {**good, "id": "2401.00004", "title": "t" * 3000},
        {**good, "id": "2401.00005"},
    ]
    path = tmp_path / "hostile.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    summary = import_snapshot(engine, path)
    assert (summary.read, summary.counts.inserted, summary.skipped) == (5, 2, 3)
    assert ids_in_store(engine) == ["2401.00001", "2401.00005"]
    with engine.connect() as conn:
        cleaned = get_paper(conn, "2401.00001")
    assert cleaned.title == "NUL and title" and cleaned.authors == ["Ada Lovelace"]


def test_an_off_site_link_from_the_api_is_not_stored(engine, polite):
    def handler(request):
        body = atom_feed(["2401.00001"], 1, 0).replace(
            b"<author>", b'<link href="javascript:alert(1)" rel="alternate"/><author>'
        )
        return httpx.Response(200, content=body)

    ingest_arxiv_ids(engine, polite(handler), "https://export.arxiv.org/api/query", ["2401.00001"])
    with engine.connect() as conn:
        assert conn.execute(sa.select(papers.c.abs_url)).scalar() == "https://arxiv.org/abs/2401.00001"


def test_ingest_by_ids_notes_unknown_ids(engine, polite):
    def handler(request):
        asked = request.url.params["id_list"].split(",")
        return httpx.Response(200, content=atom_feed([i for i in asked if i != "2401.99999"], len(asked) - 1, 0))

    summary = ingest_arxiv_ids(
        engine, polite(handler), "https://export.arxiv.org/api/query", ["2401.00001v3", "arXiv:2401.99999"]
    )
    assert summary.counts.inserted == 1
    assert "not found on arXiv: 2401.99999" in str(summary)


def test_the_sample_corpus(engine):
    summary = load_sample(engine)
    assert summary.counts.inserted == 44 and summary.skipped == 0
    with engine.connect() as conn:
        p = get_paper(conn, "2604.02459")
    assert p.listed_on == date(2026, 4, 1) and p.source == "sample"
    assert load_sample(engine).counts.unchanged == 44


@pytest.mark.shared
def test_the_real_snapshot_sample_goes_in_once(engine):
    path = shared_data("arxiv-snapshot-sample.jsonl")
    first = import_snapshot(engine, path, batch_size=100)
    assert first.counts.inserted == 509 and first.skipped == 0
    second = import_snapshot(engine, path)
    assert second.counts.unchanged == 509 and not second.changed


def varied_snapshot(path):
    """Write a snapshot that goes through every branch of a bulk import: the fixture's good and bad lines,
    then papers with affiliations, a name listed twice, text COPY must escape, and papers met again in
    later batches (newer versions, an older one, the same one)."""
    lines = (FIXTURES / "snapshot" / "mixed.jsonl").read_text().splitlines()

    def paper(n, version=1, **kw):
        return {
            "id": f"2402.{n:05d}",
            "title": f"Paper {n}, version {version}",
            "abstract": f"Abstract of {n}.",
            "categories": "cs.CL cs.LG",
            "authors_parsed": [["Lovelace", "Ada", "", "Analytical Engines"], ["Turing", "Alan", ""]],
            "versions": [
                {"version": f"v{v}", "created": f"Mon, {v} Jan 2024 10:00:00 GMT"} for v in range(1, version + 1)
            ],
            "update_date": "2024-01-09",
            **kw,
        }

    papers_ = [paper(n) for n in range(30)]
    papers_ += [
        paper(30, title='Tabs\tand\nnewlines,\r back\\slashes, \\N, quotes " and ∮ 😀', comments="see \\url{x}"),
        paper(31, authors_parsed=[["Same", "A.", ""], ["Other", "B.", ""], ["Same", "A.", ""]]),
        paper(32, authors_parsed=[["x" * 400, "", ""]], categories="math.CO math.CO hep-th"),
        paper(33, authors_parsed=None, authors="Ada Lovelace and Alan Turing"),
        paper(5, version=2, abstract="A newer version."),  # a later batch: updates
        paper(7, version=3, comments=None),  # two versions newer: updates
        paper(5, version=1, title="an older version"),  # never overwrites version 2
        paper(9),  # the same again: unchanged
    ]
    lines += [json.dumps(p) for p in papers_]
    path.write_text("\n".join(lines) + "\n")
    return path


def store_contents(engine):
    """Return everything an import writes, by arXiv id: no store's own ids or the clock's times."""
    skip = {"id", "created_at", "modified_at", "fetched_at", "search_vector", "title_vector"}
    columns = [c for c in papers.c if c.name not in skip]
    with engine.connect() as conn:
        rows = conn.execute(sa.select(*columns).order_by(papers.c.arxiv_id)).all()
        authors = conn.execute(
            sa.select(papers.c.arxiv_id, paper_authors.c.name, paper_authors.c.position)
            .join(papers, papers.c.id == paper_authors.c.paper_id)
            .order_by(papers.c.arxiv_id, paper_authors.c.name)
        ).all()
        categories = conn.execute(
            sa.select(papers.c.arxiv_id, paper_categories.c.category)
            .join(papers, papers.c.id == paper_categories.c.paper_id)
            .order_by(papers.c.arxiv_id, paper_categories.c.category)
        ).all()
    return [r._asdict() for r in rows], [tuple(r) for r in authors], [tuple(r) for r in categories]


@pytest.mark.postgres
def test_a_snapshot_goes_into_postgresql_as_into_sqlite(request, tmp_path):
    path = varied_snapshot(tmp_path / "varied.jsonl")
    found = {}
    for kind in ("sqlite", "postgresql"):
        with _fresh_database(kind, request, tmp_path) as url:
            engine = make_engine(url)
            summary = import_snapshot(engine, path, batch_size=4)  # many batches, each lane several
            found[kind] = (str(summary), store_contents(engine))
            engine.dispose()
    assert found["postgresql"][0] == found["sqlite"][0]
    assert "read 45, inserted 37, updated 2, unchanged 2, skipped 4" in found["sqlite"][0]
    rows, authors, categories = found["postgresql"][1]
    assert (rows, authors, categories) == found["sqlite"][1]
    by_id = {r["arxiv_id"]: r for r in rows}
    assert len(by_id) == 37 and by_id["2402.00005"]["abstract"] == "A newer version."
    assert by_id["2402.00030"]["title"].startswith("Tabs\tand\nnewlines,\r back\\slashes, \\N")
    assert ("2402.00031", "A. Same", 0) in authors and ("2402.00031", "A. Same", 2) not in authors
    assert ("2402.00032", "x" * 300, 0) in authors
    assert categories.count(("2402.00032", "math.CO")) == 1


def test_a_second_import_of_a_snapshot_changes_nothing(engine, tmp_path):
    path = varied_snapshot(tmp_path / "varied.jsonl")
    import_snapshot(engine, path, batch_size=4)
    with engine.connect() as conn:
        before = [conn.execute(sa.select(t).order_by(*t.primary_key)).all() for t in (papers, paper_authors)]
        before.append(conn.execute(sa.select(paper_categories).order_by(*paper_categories.primary_key)).all())
    again = import_snapshot(engine, path, batch_size=4)
    assert (again.counts.inserted, again.counts.updated, again.counts.unchanged) == (0, 0, 41)
    assert not again.changed and again.skipped == 4
    with engine.connect() as conn:
        after = [conn.execute(sa.select(t).order_by(*t.primary_key)).all() for t in (papers, paper_authors)]
        after.append(conn.execute(sa.select(paper_categories).order_by(*paper_categories.primary_key)).all())
    assert after == before


def test_a_snapshot_cut_short_keeps_every_paper_read_before_the_cut(engine, tmp_path):
    cut = snapshot_cut_short(tmp_path / "cut.jsonl.gz")
    readable = []
    with pytest.raises(CorruptSnapshot):
        readable.extend(read_snapshot(cut))
    with pytest.raises(CorruptSnapshot):
        import_snapshot(engine, cut, batch_size=100)
    assert 0 < len(readable) < 3000
    assert ids_in_store(engine) == sorted(r.arxiv_id for r in readable)
