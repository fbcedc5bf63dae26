from datetime import datetime

import pytest
from fastapi.testclient import TestClient

from paperfeed.ingest import load_sample
from paperfeed.records import Author, PaperRecord
from paperfeed.settings import Settings
from paperfeed.store.papers import upsert_papers
from paperfeed.web.app import create_app


@pytest.fixture
def client(engine, database_url):
    load_sample(engine)
    with TestClient(create_app(Settings(database_url=database_url))) as c:
        yield c


def test_front_page_lists_the_latest_papers(client):
    page = client.get("/")
    assert page.status_code == 200
    assert "On the Geometric Structure of Layer Updates in Deep Language Models" in page.text
    assert page.text.index("2604.02459") < page.text.index("2603.")  # newest listing day first


def test_paper_page_by_id_and_versioned_id(client):
    assert "Jun-Sik Yoo" in client.get("/papers/2604.02459").text
    assert client.get("/papers/2604.02459v2").status_code == 200


def test_old_style_ids_work_in_urls(client, engine):
    with engine.begin() as conn:
        upsert_papers(conn, [PaperRecord(arxiv_id="hep-th/9901001", title="Large N", abstract="", authors=[],
                                         categories=["hep-th"], source="test",
                                         published_at=datetime(1999, 1, 4))], datetime(2026, 1, 1))
    assert "Large N" in client.get("/papers/hep-th/9901001").text


def test_unknown_and_malformed_ids_are_404(client):
    assert client.get("/papers/2604.99999").status_code == 404
    assert client.get("/papers/<script>").status_code == 404


def test_markup_in_titles_and_names_is_inert(client, engine):
    with engine.begin() as conn:
        upsert_papers(conn, [PaperRecord(arxiv_id="2609.00001", title="<script>alert(1)</script>",
                                         abstract="<img src=x onerror=alert(2)>",
                                         authors=[Author("<b>Mallory</b>")], categories=["cs.CR"], source="test",
                                         published_at=datetime(2030, 1, 1))], datetime(2026, 1, 1))
    for url in ("/", "/papers/2609.00001"):
        text = client.get(url).text
        assert "<script>alert(1)" not in text and "&lt;script&gt;alert(1)" in text
    assert "<img src=x" not in client.get("/papers/2609.00001").text
