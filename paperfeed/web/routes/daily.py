"""The daily, weekly and monthly lists, trending, and the page that explains them."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response

from paperfeed.clock import now
from paperfeed.dates import next_month, parse_day, parse_month, parse_week, week_label
from paperfeed.deps import EngineDep
from paperfeed.search.keyphrases import keyphrases_of
from paperfeed.sources.sample import sample_notes
from paperfeed.store.listings import SORTS, latest_day, neighbour_days, papers_listed
from paperfeed.store.trending import trending_list
from paperfeed.text import date_span, nice_date
from paperfeed.web.deps import SharedVisitorDep, render, shown_votes

router = APIRouter()
PER_PAGE = 50
MAX_PAGE = 10_000
Page = Annotated[int, Query(ge=1, le=MAX_PAGE)]


def check_sort(sort: str) -> str:
    if sort not in SORTS:
        raise HTTPException(400, f"Sort by one of: {', '.join(SORTS)}.")
    return sort


def _with(base: str, **params: object) -> str:
    query = urlencode({k: v for k, v in params.items() if v not in (None, "", "votes", 1)})
    return f"{base}?{query}" if query else base


def _listing(
    request: Request,
    visitor,
    engine,
    *,
    first: date,
    last: date,
    sort: str,
    page: int,  # type: ignore[no-untyped-def]
    heading: str,
    base_url: str,
    tabs: list,
    prev: tuple[str, str] | None,
    nxt: tuple[str, str] | None,
    show_day: bool,
    subheading: str = "",
    latest: date | None = None,
) -> Response:
    with engine.connect() as conn:
        latest = latest or latest_day(conn)
        papers, total = papers_listed(conn, first, last, sort, PER_PAGE, (page - 1) * PER_PAGE)
        voted = shown_votes(conn, visitor, [p.id for p in papers])
        keywords = keyphrases_of(conn, [p.id for p in papers])
    pages = max(1, -(-total // PER_PAGE))
    return render(
        request,
        "daily.html",
        {
            "papers": papers,
            "sample_notes": sample_notes({p.source for p in papers}),
            "total": total,
            "voted": voted,
            "keywords": keywords,
            "sort": sort,
            "page": page,
            "pages": pages,
            "heading": heading,
            "subheading": subheading,
            "first": first,
            "last": last,
            "latest": latest,
            "past": last < now().date(),
            "base_url": base_url,
            "tabs": tabs,
            "show_day": show_day,
            "prev_url": prev[0] if prev else None,
            "prev_label": prev[1] if prev else "",
            "next_url": nxt[0] if nxt else None,
            "next_label": nxt[1] if nxt else "",
        },
    )


def _tabs(day: date, period: str, sort: str) -> list[tuple[str, str, bool]]:
    iso_day = day.isoformat()
    bases = {"day": f"/?date={iso_day}", "week": f"/week/{week_label(day)}", "month": f"/month/{day:%Y-%m}"}
    base = bases[period]
    sep = "&" if "?" in base else "?"
    return [
        ("Day", bases["day"], period == "day"),
        ("Week", bases["week"], period == "week"),
        ("Month", bases["month"], period == "month"),
        ("Most upvoted", base, sort == "votes"),
        ("Newest first", f"{base}{sep}sort=new", sort == "new"),
    ]


@router.get("/")
def daily(
    request: Request,
    visitor: SharedVisitorDep,
    engine: EngineDep,
    date: str | None = None,
    sort: str = "votes",
    page: Page = 1,
) -> Response:
    """The papers of one day: the latest day with papers unless ?date= says otherwise."""
    check_sort(sort)
    with engine.connect() as conn:
        latest = latest_day(conn)
        day = parse_day(date) if date else (latest or now().date())
        before, after = neighbour_days(conn, day)
    return _listing(
        request,
        visitor,
        engine,
        first=day,
        last=day,
        sort=sort,
        page=page,
        heading=f"Papers of {nice_date(day)}",
        base_url=_with("/", date=day.isoformat(), sort=sort),
        tabs=_tabs(day, "day", sort),
        prev=(_with("/", date=before.isoformat(), sort=sort), nice_date(before)) if before else None,
        nxt=(_with("/", date=after.isoformat(), sort=sort), nice_date(after)) if after else None,
        show_day=False,
        latest=latest,
    )


@router.get("/week/{week}")
def weekly(
    request: Request, visitor: SharedVisitorDep, engine: EngineDep, week: str, sort: str = "votes", page: Page = 1
) -> Response:
    check_sort(sort)
    monday = parse_week(week)
    label = week_label(monday)
    prev_monday, next_monday = monday - timedelta(days=7), monday + timedelta(days=7)
    return _listing(
        request,
        visitor,
        engine,
        first=monday,
        last=monday + timedelta(days=6),
        sort=sort,
        page=page,
        heading=f"Papers of {date_span(monday, monday + timedelta(days=6))}",
        subheading=f"Week {label}",
        base_url=_with(f"/week/{label}", sort=sort),
        tabs=_tabs(monday, "week", sort),
        prev=(_with(f"/week/{week_label(prev_monday)}", sort=sort), date_span(prev_monday, monday - timedelta(days=1))),
        nxt=(
            _with(f"/week/{week_label(next_monday)}", sort=sort),
            date_span(next_monday, next_monday + timedelta(days=6)),
        ),
        show_day=True,
    )


@router.get("/month/{month}")
def monthly(
    request: Request, visitor: SharedVisitorDep, engine: EngineDep, month: str, sort: str = "votes", page: Page = 1
) -> Response:
    check_sort(sort)
    first = parse_month(month)
    following = next_month(first)
    previous = (first - timedelta(days=1)).replace(day=1)
    return _listing(
        request,
        visitor,
        engine,
        first=first,
        last=following - timedelta(days=1),
        sort=sort,
        page=page,
        heading=f"Papers of {first:%B %Y}",
        base_url=_with(f"/month/{first:%Y-%m}", sort=sort),
        tabs=_tabs(first, "month", sort),
        prev=(_with(f"/month/{previous:%Y-%m}", sort=sort), f"{previous:%B %Y}"),
        nxt=(_with(f"/month/{following:%Y-%m}", sort=sort), f"{following:%B %Y}"),
        show_day=True,
    )


@router.get("/trending")
def trending_page(request: Request, visitor: SharedVisitorDep, engine: EngineDep) -> Response:
    with engine.connect() as conn:
        shown = trending_list(conn, now(), limit=PER_PAGE)
        ids = [p.id for p in shown.papers]
        voted = shown_votes(conn, visitor, ids)
    notes = sample_notes({p.source for p in shown.papers})
    return render(
        request,
        "trending.html",
        {"ranked": shown.ranked, "best": shown.standing_in, "voted": voted, "sample_notes": notes},
    )


@router.get("/about")
def about(request: Request, visitor: SharedVisitorDep) -> Response:
    return render(request, "about.html")


@router.get("/favicon.ico")
def favicon() -> Response:
    """Browsers and bots ask for /favicon.ico whatever the page says: send them to the site's icon."""
    return RedirectResponse("/static/favicon.svg", status_code=301)
