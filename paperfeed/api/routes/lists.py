"""Lists of papers: a day, week or month (Hugging Face's daily papers), and the cursor walk over every paper."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import Response

from paperfeed.api import models
from paperfeed.api.errors import ERRORS, READ_TAGS
from paperfeed.api.respond import items_json, json_response
from paperfeed.api.shapes import paper_json, stamp
from paperfeed.clock import now
from paperfeed.dates import month_last, parse_day, parse_month, parse_week
from paperfeed.deps import MAX_ROW_ID, EngineDep
from paperfeed.records import is_category
from paperfeed.search.keyphrases import keyphrases_of
from paperfeed.store.listings import papers_page
from paperfeed.store.papers import papers_after
from paperfeed.store.trending import trending_list
from paperfeed.store.users import user_by_name

router = APIRouter(tags=READ_TAGS, responses=ERRORS)
MAX_LIMIT = 100  # larger limits are capped, not refused
MAX_PAGE = 10_000
MAX_WALK = 500
Limit = Annotated[int, Query(ge=1, description=f"How many (at most {MAX_LIMIT}; more is capped).")]


@router.get(
    "/api/daily_papers",
    response_model=list[models.DailyItem],
    summary="Papers listed on a day, week or month (Hugging Face compatible)",
)
def daily_papers(
    engine: EngineDep,
    date: str | None = None,
    week: str | None = None,
    month: str | None = None,
    submitter: Annotated[str | None, Query(max_length=40)] = None,
    sort: Literal["publishedAt", "trending"] = "publishedAt",
    p: Annotated[int, Query(ge=0, le=MAX_PAGE, description="Page, from 0.")] = 0,
    limit: Limit = 50,
) -> Response:
    """The papers of a day (`date`, YYYY-MM-DD), an ISO week (`week`, YYYY-Www) or a month (`month`, YYYY-MM);
    all papers when none is given. Newest first (`publishedAt`) or by upvotes (`trending`)."""
    limit = min(limit, MAX_LIMIT)
    first = last = None
    if date:
        first = last = parse_day(date)
    elif week:
        first = parse_week(week)
        last = first + timedelta(days=6)
    elif month:
        first = parse_month(month)
        last = month_last(first)
    with engine.connect() as conn:
        submitted_by = None
        if submitter:
            user = user_by_name(conn, submitter)
            if user is None:
                return json_response([])
            submitted_by = user.id
        if sort == "trending" and first is None and submitted_by is None:
            found = trending_list(conn, now(), limit * (p + 1)).papers[p * limit : (p + 1) * limit]
        else:
            found = papers_page(
                conn,
                first=first,
                last=last,
                submitted_by=submitted_by,
                sort="votes" if sort == "trending" else "new",
                limit=limit,
                offset=p * limit,
            )
        return json_response(items_json(conn, found))


@router.get("/api/papers", response_model=models.PaperPage, summary="Every paper, in a stable order, by cursor")
def all_papers(
    engine: EngineDep,
    cursor: Annotated[str | None, Query(max_length=20, pattern=r"^\d+$")] = None,
    category: Annotated[str | None, Query(max_length=40)] = None,
    after: Annotated[date | None, Query(description="Listed on or after this day.")] = None,
    before: Annotated[date | None, Query(description="Listed on or before this day.")] = None,
    limit: Annotated[int, Query(ge=1, description=f"At most {MAX_WALK}; more is capped.")] = 100,
) -> Response:
    """Walk over all papers (with their full metadata) to mirror a site: pass `nextCursor` back as `cursor`
    until it is null. Papers added meanwhile come at the end of the walk."""
    if category and not is_category(category):
        raise HTTPException(400, f"{category[:40]!r} is not an arXiv category such as cs.CL.")
    after_id = int(cursor or 0)
    if after_id > MAX_ROW_ID:
        raise HTTPException(400, "This cursor does not come from this site: pass back a nextCursor it gave.")
    limit = min(limit, MAX_WALK)
    with engine.connect() as conn:
        found = papers_after(conn, after_id, limit, category=category, first=after, last=before)
        words = keyphrases_of(conn, [p.id for p in found])
    out = []
    for paper in found:
        body = paper_json(paper, words.get(paper.id, []), None)
        body.update(
            updatedAt=stamp(paper.updated_at),
            versions=paper.versions,
            comments=paper.comments,
            journalRef=paper.journal_ref,
            doi=paper.doi,
            license=paper.license,
            listedOn=paper.listed_on.isoformat(),
            numComments=paper.comment_count,
            affiliations=paper.affiliations,
            primaryCategory=paper.primary_category,
        )
        out.append(body)
    next_cursor = str(found[-1].id) if len(found) == limit else None
    return json_response({"papers": out, "nextCursor": next_cursor})
