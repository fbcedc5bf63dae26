from datetime import date, datetime

import sqlalchemy as sa

from paperfeed.records import Author, PaperRecord, Version
from paperfeed.store.db import make_engine
from paperfeed.store.listings import papers_listed, store_stats
from paperfeed.store.papers import get_paper, upsert_papers
from paperfeed.store.schema import paper_authors, papers

NOW = datetime(2026, 4, 7, 12, 0)


def record(arxiv_id="2503.13423", version=1, **kw):
    base = dict(
        arxiv_id=arxiv_id,
        title="Byte Latent Transformer",
        abstract="Raw bytes,\n  no tokenizer: $x^2$.",
        authors=[Author("Ada Lovelace", ("Analytical Engines",)), Author("Alan Turing")],
        categories=["cs.CL", "cs.LG"],
        source="arxiv-api",
        published_at=datetime(2025, 3, 17, 17, 59),
        updated_at=datetime(2025, 3, 17 + version - 1, 9, 0),
        latest_version=version,
        comments="12 pages",
        journal_ref="ACL 2025",
        doi="10.1/x",
        report_no="R-1",
        license="http://creativecommons.org/licenses/by/4.0/",
    )
    base.update(kw)
    return PaperRecord(**base)


def upsert(engine, records, now=NOW):
    with engine.begin() as conn:
        return upsert_papers(conn, records, now)


def test_every_field_round_trips(engine):
    r = record(versions=[Version(1, datetime(2025, 3, 17, 17, 59))], organization="Meta", base_upvotes=7)
    counts = upsert(engine, [r])
    assert (counts.inserted, counts.updated, counts.unchanged) == (1, 0, 0)
    with engine.connect() as conn:
        p = get_paper(conn, "2503.13423")
    assert p.title == r.title and p.abstract == r.abstract  # kept as given
    assert p.authors == ["Ada Lovelace", "Alan Turing"]
    assert p.affiliations == [["Analytical Engines"], []]
    assert p.categories == ["cs.CL", "cs.LG"] and p.primary_category == "cs.CL"
    assert p.published_at == datetime(2025, 3, 17, 17, 59)
    assert p.updated_at == datetime(2025, 3, 17, 9, 0)
    assert p.latest_version == 1
    assert p.versions == [{"version": 1, "created": "2025-03-17T17:59:00"}]
    assert (p.comments, p.journal_ref, p.doi, p.report_no) == ("12 pages", "ACL 2025", "10.1/x", "R-1")
    assert p.license.endswith("by/4.0/")
    assert (p.abs_url, p.pdf_url) == ("https://arxiv.org/abs/2503.13423", "https://arxiv.org/pdf/2503.13423")
    assert p.organization == "Meta" and p.base_upvotes == 7
    assert p.listed_on == date(2025, 3, 17)
    assert p.source == "arxiv-api"


def test_the_same_records_again_change_nothing(engine):
    upsert(engine, [record(), record("hep-th/9901001")])
    with engine.connect() as conn:
        before = conn.execute(sa.select(papers).order_by(papers.c.id)).all()
    counts = upsert(engine, [record(), record("hep-th/9901001")], now=datetime(2026, 5, 1))
    assert (counts.inserted, counts.updated, counts.unchanged) == (0, 0, 2)
    with engine.connect() as conn:
        assert conn.execute(sa.select(papers).order_by(papers.c.id)).all() == before


def test_a_newer_version_updates_metadata_but_not_the_listing_day(engine):
    upsert(engine, [record(listed_on=None)])
    counts = upsert(engine, [record(version=2, title="Byte Latent Transformer, revised", comments=None)])
    assert counts.updated == 1
    with engine.connect() as conn:
        p = get_paper(conn, "2503.13423")
    assert p.title == "Byte Latent Transformer, revised" and p.latest_version == 2
    assert p.comments is None  # a newer version may drop a comment
    assert p.listed_on == date(2025, 3, 17)


def test_an_older_version_never_overwrites_a_newer_one(engine):
    upsert(engine, [record(version=3, title="v3")])
    counts = upsert(engine, [record(version=1, title="v1")])
    assert counts.unchanged == 1
    with engine.connect() as conn:
        assert get_paper(conn, "2503.13423").title == "v3"


def test_what_a_poorer_source_lacks_is_kept(engine):
    history = [Version(1, datetime(2025, 3, 17)), Version(2, datetime(2025, 3, 18))]
    upsert(
        engine, [record(version=2, versions=history, organization="Meta", base_upvotes=12, listed_on=date(2026, 1, 2))]
    )
    # The same version again from the API: no history, no organization, no votes, no listing day.
    counts = upsert(engine, [record(version=2)])
    with engine.connect() as conn:
        p = get_paper(conn, "2503.13423")
    assert counts.unchanged == 1
    assert len(p.versions) == 2 and p.organization == "Meta" and p.base_upvotes == 12
    assert p.listed_on == date(2026, 1, 2)


def test_papers_without_affiliations_store_none(engine):
    upsert(engine, [record(authors=[Author("A. One"), Author("B. Two")])])
    with engine.connect() as conn:
        assert get_paper(conn, "2503.13423").affiliations is None


def test_a_kept_history_older_than_the_new_version_is_dropped_not_guessed(engine):
    upsert(engine, [record(version=1, versions=[Version(1, datetime(2025, 3, 17))])])
    upsert(engine, [record(version=3)])
    with engine.connect() as conn:
        p = get_paper(conn, "2503.13423")
    assert p.latest_version == 3 and p.versions is None


def test_rows_of_this_site_survive_an_update(engine):
    upsert(engine, [record()])
    with engine.connect() as conn:
        before = conn.execute(sa.select(papers.c.id, papers.c.created_at)).one()
    upsert(engine, [record(version=2)], now=datetime(2026, 6, 1))
    with engine.connect() as conn:
        after = conn.execute(sa.select(papers.c.id, papers.c.created_at, papers.c.modified_at)).one()
    assert (after.id, after.created_at) == tuple(before)
    assert after.modified_at == datetime(2026, 6, 1)


def test_duplicates_within_a_batch_keep_the_newest(engine):
    counts = upsert(engine, [record(version=2, title="new"), record(version=1, title="old")])
    assert (counts.inserted, counts.unchanged) == (1, 1)
    with engine.connect() as conn:
        assert get_paper(conn, "2503.13423").title == "new"


def test_latest_and_stats(engine):
    upsert(
        engine,
        [
            record("2401.00001", published_at=datetime(2024, 1, 1)),
            record("2401.00002", published_at=datetime(2024, 1, 2), categories=["math.CO"]),
            record("hep-th/9901001", published_at=datetime(1999, 1, 4), categories=["hep-th"]),
        ],
    )
    with engine.connect() as conn:
        listed, total = papers_listed(conn, date(1999, 1, 1), date(2030, 1, 1), sort="new", limit=2)
        assert [p.arxiv_id for p in listed] == ["2401.00002", "2401.00001"] and total == 3
        s = store_stats(conn)
        assert get_paper(conn, "hep-th/9901001").listed_on == date(1999, 1, 4)
        assert get_paper(conn, "9901001") is None
    assert s.papers == 3 and s.first_listed == date(1999, 1, 4) and s.last_listed == date(2024, 1, 2)
    assert s.by_source == {"arxiv-api": 3}
    assert s.top_categories[0] == ("cs.CL", 1) or ("cs.CL", 1) in s.top_categories


def test_text_with_markup_and_unicode_is_stored_verbatim(engine):
    title = "<script>alert('x')</script> ∮ E·da = Q/ε₀ 😀 \\'{e}"
    upsert(engine, [record(title=title)])
    with engine.connect() as conn:
        assert get_paper(conn, "2503.13423").title == title


def test_a_paper_another_writer_stores_meanwhile_is_theirs_and_the_rest_go_in(database_url):
    # PostgreSQL's COPY takes all rows or none: the batch must go in again, without the other writer's paper.
    engine, other = make_engine(database_url), make_engine(database_url)
    raced = []

    def store_it_meanwhile(conn, cursor, statement, *args):
        # Between the look-up of stored papers and the insert of the new ones.
        if not raced and statement.startswith("SELECT papers.id, papers.arxiv_id"):
            raced.append(upsert(other, [record("2401.00002", title="Theirs")], now=datetime(2026, 4, 7, 11, 59)))

    sa.event.listen(engine, "after_cursor_execute", store_it_meanwhile)
    counts = upsert(engine, [record("2401.00001"), record("2401.00002", title="Ours")])
    assert raced[0].inserted == 1
    assert (counts.inserted, counts.updated, counts.unchanged) == (1, 0, 1)
    with engine.connect() as conn:
        assert get_paper(conn, "2401.00002").title == "Theirs"
        assert get_paper(conn, "2401.00001") is not None
        names = conn.execute(sa.select(paper_authors.c.paper_id, paper_authors.c.name)).all()
    assert len(names) == 4  # each paper's two authors, written once, by whoever stored the paper
    engine.dispose()
    other.dispose()
