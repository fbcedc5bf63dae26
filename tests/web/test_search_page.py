import re
from datetime import datetime

import pytest


def test_search_page_highlights_and_filters(client):
    page = client.get("/search?q=byte+level+tokenizer")
    assert page.status_code == 200
    assert "<mark>" in page.text and "papers match" in page.text
    filtered = client.get("/search?q=language&category=cs.CV")
    assert filtered.status_code == 200 and "cs.CV" in filtered.text
    dated = client.get("/search?q=language&after=2026-01-01&before=2026-12-31")
    assert "listed Jan" in dated.text or "listed Feb" in dated.text or "listed Mar" in dated.text


def test_every_page_has_a_search_box(client):
    for url in ("/", "/about", "/papers/2604.02459"):
        assert 'role="search"' in client.get(url).text


@pytest.mark.parametrize("q", ['"', "NEAR(", "AND(", "x" * 5000, "😀", "((", "*", "author:", "%00"])
def test_hostile_queries_answer_normally(client, q):
    page = client.get("/search", params={"q": q})
    assert page.status_code == 200


def test_bad_dates_and_pages_are_clear(client):
    assert client.get("/search?q=a&after=soon").status_code == 400
    assert client.get("/search?q=a&page=0").status_code == 400
    assert client.get("/search", params={"q": "x" * 5001}).status_code == 400
    empty = client.get("/search")
    assert empty.status_code == 200 and "Type a few words" not in empty.text
    assert "Type a few words" in client.get("/search?q=%20").text


def test_related_papers_and_meaning_search_with_embeddings(engine, sample_vectors, client):
    import sqlalchemy as sa

    from paperfeed.search.vectors import save_vectors
    from paperfeed.store.schema import papers

    with engine.begin() as conn:
        rows = conn.execute(sa.select(papers.c.id, papers.c.arxiv_id, papers.c.content_hash)).all()
        save_vectors(conn, [(r.id, r.content_hash, sample_vectors[r.arxiv_id]) for r in rows])
    page = client.get("/papers/2603.15953").text
    related = page.split('id="related-h"')[1].split("</section>")[0]
    assert related.count("<li>") == 6 and "2603.15953" not in related
    found = client.get("/search?q=models+that+read+raw+bytes+instead+of+tokens").text
    assert any(i in found for i in ("2410.09303", "2501.10322", "2601.21768"))


def test_a_query_nothing_matches_says_so_everywhere(client):
    page = client.get("/search", params={"q": "zzzzqqq"})
    assert page.status_code == 200 and "No papers match “zzzzqqq”" in page.text and 'class="card"' not in page.text
    assert client.get("/api/papers/search", params={"q": "zzzzqqq"}).json() == []
    feed = client.get("/feeds/search", params={"q": "zzzzqqq"})
    assert feed.status_code == 200 and "<entry>" not in feed.text
    filtered = client.get("/search", params={"q": "zzzzqqq", "category": "cs.CL"})
    assert "Search without the filters" in filtered.text


def test_the_matches_newest_first_and_pages_labelled_for_relevance(client):
    best = client.get("/search", params={"q": "tokenization"}).text
    assert 'aria-current="true">Best match</a>' in best and "More matches →" in best
    newest = client.get("/search", params={"q": "tokenization", "sort": "new"}).text
    assert 'aria-current="true">Newest first</a>' in newest and "Older →" in newest
    assert re.search(r"(\d+) papers match", best).group(1) == re.search(r"(\d+) papers match", newest).group(1)
    listed = re.findall(r'<p class="meta">[^<]*· listed (\w{3} \d{1,2}, \d{4})</p>', newest)
    stamps = [datetime.strptime(d, "%b %d, %Y") for d in listed]
    assert len(stamps) >= 5 and stamps == sorted(stamps, reverse=True)
    assert client.get("/search", params={"q": "x", "sort": "oldest"}).status_code == 400


def test_the_search_page_and_the_api_share_the_answer_of_a_repeated_query(engine, sample_vectors, client, monkeypatch):
    import sqlalchemy as sa

    from paperfeed.search import hybrid
    from paperfeed.search.vectors import save_vectors
    from paperfeed.store.schema import papers
    from tests.web.conftest import post, sign_up

    with engine.begin() as conn:
        rows = conn.execute(sa.select(papers.c.id, papers.c.arxiv_id, papers.c.content_hash)).all()
        save_vectors(conn, [(r.id, r.content_hash, sample_vectors[r.arxiv_id]) for r in rows])
    asked = []
    real = hybrid._hybrid_matches
    monkeypatch.setattr(hybrid, "_hybrid_matches", lambda *a, **k: asked.append(a[1]) or real(*a, **k))
    q = "models that read raw bytes instead of tokens"
    page = client.get("/search", params={"q": q}).text
    api = client.get("/api/papers/search", params={"q": q, "limit": 5}).json()
    second = client.get("/search", params={"q": q, "page": 2})
    assert len(asked) == 1 and second.status_code == 200  # one ranking, three answers cut from it
    assert api and api[0]["paper"]["id"] in page
    sign_up(client, "writer")
    post(client, "/collections", {"name": "A write"})  # what this worker shows must not lag behind a write
    client.get("/api/papers/search", params={"q": q})
    assert len(asked) == 2
