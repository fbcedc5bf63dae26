import pytest


def test_search_page_highlights_and_filters(client):
    page = client.get("/search?q=byte+level+tokenizer")
    assert page.status_code == 200
    assert "<mark>" in page.text and "papers found" in page.text
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
