"""What a submission does, wherever it comes from (the site's form, the API): one function for both.

A member names an arXiv paper; it is fetched through the shared, polite arXiv
client, stored, listed today as theirs, and indexed at once for keywords, key
phrases and meaning, so it can be found the moment it is listed.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.engine import Engine

from paperfeed.records import PaperRecord, parse_arxiv_id
from paperfeed.search.upkeep import update_indexes
from paperfeed.settings import Settings
from paperfeed.sources import arxiv_api
from paperfeed.sources.http import Polite, SourceError
from paperfeed.store.papers import get_paper, mark_submitted, upsert_papers


def submit_paper(engine: Engine, arxiv: Polite, settings: Settings, raw_id: str, user_id: int, now: datetime) -> str:
    """Fetch, store, list today and index the paper a member submits; return its id (SubmitError if it cannot)."""
    key = fetch_and_list(engine, arxiv, settings.arxiv_api_url, raw_id, user_id, now)
    # Newest listing first: the paper just listed is the one embedded.
    update_indexes(engine, settings.data_dir, embed_limit=1)
    return key


class SubmitError(ValueError):
    """A submission that cannot be listed; the message is for the person submitting."""


def fetch_and_list(engine: Engine, http: Polite, url: str, raw_id: str, user_id: int, now: datetime) -> str:
    """Fetch a paper a user submits, list it today as theirs, and return its id.

    Refuses a malformed id, an id arXiv does not know, and a paper already listed here.
    """
    try:
        arxiv_id = parse_arxiv_id(raw_id)[0]
    except ValueError as exc:
        raise SubmitError(str(exc)) from exc
    with engine.connect() as conn:
        existing = get_paper(conn, arxiv_id, include_hidden=True)
    if existing is not None:
        raise SubmitError(f"{arxiv_id} is already listed, on {existing.listed_on.isoformat()}.")
    try:
        found = [r for r in arxiv_api.fetch_ids(http, url, [arxiv_id]) if isinstance(r, PaperRecord)]
    except SourceError as exc:
        raise SubmitError(f"arXiv could not be asked just now ({exc}). Try again in a minute.") from exc
    if not found:
        raise SubmitError(f"arXiv has no paper {arxiv_id}.")
    record = found[0]
    record.listed_on = now.date()
    with engine.begin() as conn:
        if upsert_papers(conn, [record], now).inserted != 1:
            raise SubmitError(f"{arxiv_id} was listed a moment ago by someone else.")
        paper = get_paper(conn, arxiv_id, include_hidden=True)
        assert paper is not None
        mark_submitted(conn, paper.id, user_id, now)
    return arxiv_id
