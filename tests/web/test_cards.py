"""A card is kept by exactly what it shows: change any field it reads and it is drawn again."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta

import pytest

from paperfeed.settings import Settings
from paperfeed.store.models import Paper
from paperfeed.web.cards import card_key
from paperfeed.web.site import make_site

PAPER = Paper(
    id=1,
    arxiv_id="2604.02459",
    title="Sparse $\\alpha$-attention",
    abstract="We study attention. " * 20,
    authors=["Ada Lovelace", "Alan Turing"],
    affiliations=[["Analytical Engines"], []],
    categories=["cs.LG", "cs.CL"],
    primary_category="cs.LG",
    published_at=datetime(2026, 4, 1, 12),
    updated_at=datetime(2026, 4, 2, 12),
    latest_version=2,
    versions=[{"version": "v1", "created": "2026-04-01"}],
    comments="9 pages",
    journal_ref=None,
    doi=None,
    report_no=None,
    license=None,
    abs_url="https://arxiv.org/abs/2604.02459",
    pdf_url="https://arxiv.org/pdf/2604.02459",
    organization="Analytical Engines",
    listed_on=date(2026, 4, 1),
    base_upvotes=3,
    source="arxiv",
    fetched_at=None,
    code_url_found="https://github.com/ada/sparse",
    project_url_found=None,
    code_url=None,
    project_url=None,
    vote_count=2,
    comment_count=1,
    hidden=False,
    submitted_by=7,
    submitted_at=None,
    submitter="ada",
)


def changed(value: object) -> object:
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if isinstance(value, str):
        return value + "x"
    if isinstance(value, list):
        return [*value, ["x"] if value and isinstance(value[0], list) else "x"]
    if isinstance(value, datetime | date):
        return value + timedelta(days=1)
    return "https://example.org/x"  # None: a link or name appears


@pytest.fixture(scope="module")
def draw():
    site = make_site(Settings.from_env())
    module = site.templates.env.get_template("macros.html").module
    return lambda paper, show_day: str(module.card_article(paper, "h2", show_day, None, ["sparse attention"], None))


@pytest.mark.parametrize("field", [f.name for f in dataclasses.fields(Paper)])
@pytest.mark.parametrize("show_day", [False, True])
def test_every_field_a_card_shows_is_in_its_key(draw, field, show_day):
    other = dataclasses.replace(PAPER, **{field: changed(getattr(PAPER, field))})
    if draw(other, show_day) != draw(PAPER, show_day):
        assert card_key(other, "h2", show_day, None, ["sparse attention"]) != card_key(
            PAPER, "h2", show_day, None, ["sparse attention"]
        ), f"the card shows {field} but is not kept by it"


def test_the_kept_card_is_the_drawn_card(draw):
    site = make_site(Settings.from_env())
    bodies = site.templates.env.globals["card_body"]
    first = bodies(PAPER, "h2", True, None, ["sparse attention"])
    assert str(first) == draw(PAPER, True) and bodies(PAPER, "h2", True, None, ["sparse attention"]) is first
    renamed = dataclasses.replace(PAPER, title="Dense attention")
    assert "Dense attention" in bodies(renamed, "h2", True, None, ["sparse attention"])
