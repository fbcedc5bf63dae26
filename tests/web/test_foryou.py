"""The "For you" tab through the site: picks with reasons, not interested and undo, the cold start."""

from __future__ import annotations

import re

import sqlalchemy as sa

from paperfeed.search.keyphrases import index_keyphrases
from paperfeed.search.vectors import save_vectors
from paperfeed.store.schema import papers
from tests.web.conftest import post, sign_up


def embed_sample(engine, sample_vectors) -> None:
    with engine.begin() as conn:
        rows = conn.execute(sa.select(papers.c.id, papers.c.arxiv_id, papers.c.content_hash)).all()
        save_vectors(conn, [(r.id, r.content_hash, sample_vectors[r.arxiv_id]) for r in rows])
        # Everything listed in the newest week, so that every paper is a candidate.
        newest = conn.execute(sa.select(sa.func.max(papers.c.listed_on))).scalar()
        conn.execute(papers.update().values(listed_on=newest))


def tokenizer_papers(engine) -> list[str]:
    with engine.connect() as conn:
        return list(
            conn.execute(
                sa.select(papers.c.arxiv_id).where(papers.c.title.ilike("%tokeniz%")).order_by(papers.c.id)
            ).scalars()
        )


def test_picks_come_with_reasons_and_can_be_dismissed_and_restored(client, engine, sample_vectors):
    embed_sample(engine, sample_vectors)
    sign_up(client, "reader")
    liked = tokenizer_papers(engine)[:3]
    for arxiv_id in liked:
        post(client, f"/papers/{arxiv_id}/vote")
    page = client.get("/for-you")
    assert page.status_code == 200 and 'aria-current="page">For you' in page.text
    assert "Close to" in page.text and "from your upvotes and collections" in page.text
    shown = re.findall(r'<li class="card" id="paper-([^"]+)"', page.text)
    assert shown and not set(shown) & {a.replace("/", "-") for a in liked}
    first = shown[0]
    assert post(client, f"/papers/{first}/dismiss").headers["location"] == f"/for-you?undo={first}"
    after = client.get(f"/for-you?undo={first}")
    assert "will not come back" in after.text
    assert f'id="paper-{first}"' not in after.text
    post(client, f"/papers/{first}/undismiss", headers={"referer": f"http://testserver/for-you?undo={first}"})
    assert f'id="paper-{first}"' in client.get("/for-you").text


def test_a_new_reader_gets_the_cold_start_then_picks(client, engine, sample_vectors):
    embed_sample(engine, sample_vectors)
    sign_up(client, "newcomer")
    page = client.get("/for-you")
    assert "Tell us what you follow" in page.text and 'name="categories"' in page.text
    assert (
        post(
            client,
            "/for-you/interests",
            {"categories": ["cs.CL"], "authors": "", "papers": tokenizer_papers(engine)[0]},
        ).status_code
        == 303
    )
    page = client.get("/for-you")
    assert "among what you follow" in page.text
    bad = post(client, "/for-you/interests", {"categories": ["<script>"]})
    assert bad.status_code == 400 and "<script>" not in bad.text


def test_for_you_needs_an_account(client):
    response = client.get("/for-you", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/signin")
    assert "For you" not in client.get("/").text


def test_on_a_quiet_site_a_new_reader_gets_many_picks_and_setting_them_aside_never_resets(
    client, engine, sample_vectors
):
    """The sample as it is: 44 papers on 43 days, the newest week holding one. Picks widen to every paper."""
    with engine.begin() as conn:
        rows = conn.execute(sa.select(papers.c.id, papers.c.arxiv_id, papers.c.content_hash)).all()
        save_vectors(conn, [(r.id, r.content_hash, sample_vectors[r.arxiv_id]) for r in rows])
        index_keyphrases(conn)
    sign_up(client, "quiet")
    post(client, "/for-you/interests", {"categories": ["cs.CL"], "authors": "", "papers": ""})
    page = client.get("/for-you").text
    shown = re.findall(r'<li class="card" id="paper-([^"]+)"', page)
    assert len(shown) >= 10, shown  # not the week's single paper
    assert "shared:" in page  # explanations name the key phrases a pick shares with its reasons
    assert "Change what you follow" in page
    for arxiv_id in shown:  # set every pick aside: the page says so, it never asks to start over
        post(client, f"/papers/{arxiv_id}/dismiss")
    emptied = client.get("/for-you").text
    assert "Tell us what you follow" not in emptied
    assert "Nothing new for you right now" in emptied or 'class="card"' in emptied
    assert 'value="cs.CL" checked' in emptied  # what they follow stays chosen in the form
