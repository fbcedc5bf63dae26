"""Atom and RSS feeds of the daily list, trending, a category, a search, and a reader's private feed.

Every feed answers conditional GETs: its ETag is a digest of the body, its
Last-Modified the newest change among its papers (a new version, or a vote
that may have reordered them).
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Path, Query, Request
from fastapi.responses import Response

from paperfeed.clock import now
from paperfeed.deps import EngineDep, public_base, settings_of, vectors_of
from paperfeed.feeds.build import FORMATS, Feed, newest_date, render_feed, shown_as_page
from paperfeed.recommend.personal import current_picks
from paperfeed.records import is_category
from paperfeed.search.hybrid import hybrid_search
from paperfeed.search.query import parse_query
from paperfeed.store.listings import latest_day, papers_in_categories, papers_listed
from paperfeed.store.papers import papers_by_ids
from paperfeed.store.signals import reader_categories
from paperfeed.store.trending import trending_list
from paperfeed.store.users import user_by_feed_token
from paperfeed.store.votes import latest_vote_at
from paperfeed.web.deps import render

router = APIRouter()
ENTRIES = 50
Format = Annotated[Literal["atom", "rss"], Query()]


def _not_modified(request: Request, etag: str, modified: datetime) -> bool:
    """RFC 9110: If-None-Match decides when present; else If-Modified-Since."""
    match = request.headers.get("if-none-match")
    if match is not None:
        tags = {t.strip().removeprefix("W/") for t in match.split(",")}
        return etag in tags or "*" in tags
    since = request.headers.get("if-modified-since")
    if since:
        try:
            return modified.replace(microsecond=0) <= parsedate_to_datetime(since)
        except (TypeError, ValueError, IndexError):
            return False
    return False


def _answer(request: Request, engine, feed: Feed, fmt: str, *, private: bool = False) -> Response:  # type: ignore[no-untyped-def]
    if "format" not in request.query_params and shown_as_page(request.headers.get("accept", "")):
        address = feed.self_url + ("&" if "?" in feed.self_url else "?") + "format=atom"
        headers = {"Vary": "Accept", "Cache-Control": "private, max-age=0" if private else "public, max-age=300"}
        return render(request, "feed.html", {"feed": feed, "address": address}, headers=headers)
    with engine.connect() as conn:
        voted = latest_vote_at(conn, [p.id for p in feed.papers])
    modified = newest_date(feed.papers)
    if voted is not None:
        modified = max(modified, voted.replace(tzinfo=UTC))
    body = render_feed(feed, public_base(request), fmt, updated=modified)
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    headers = {
        "Vary": "Accept",
        "ETag": etag,
        "Last-Modified": format_datetime(modified, usegmt=True),
        "Cache-Control": f"{'private' if private else 'public'}, max-age=300",
    }
    if _not_modified(request, etag, modified):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=FORMATS[fmt], headers=headers)


def _feed(request: Request, title: str, description: str, page: str, papers: list) -> Feed:  # type: ignore[type-arg]
    base = public_base(request)
    query = request.url.query
    return Feed(
        f"{title} · {settings_of(request).site_name}",
        description,
        f"{base}{request.url.path}{'?' + query if query else ''}",
        f"{base}{page}",
        papers,
    )


@router.get("/feeds")
def feeds_page(request: Request) -> Response:
    return render(request, "feeds.html", {})


@router.get("/feeds/daily")
def daily_feed(request: Request, engine: EngineDep, format: Format = "atom") -> Response:
    with engine.connect() as conn:
        day = latest_day(conn)
        papers = papers_listed(conn, day, day, "votes", ENTRIES)[0] if day else []
    return _answer(
        request,
        engine,
        _feed(request, "Daily papers", "The papers of the latest day, most upvoted first.", "/", papers),
        format,
    )


@router.get("/feeds/trending")
def trending_feed(request: Request, engine: EngineDep, format: Format = "atom") -> Response:
    with engine.connect() as conn:
        papers = trending_list(conn, now(), ENTRIES).papers
    return _answer(
        request,
        engine,
        _feed(request, "Trending papers", "What readers upvote most, lately.", "/trending", papers),
        format,
    )


@router.get("/feeds/categories/{category}")
def category_feed(
    request: Request, engine: EngineDep, category: Annotated[str, Path(max_length=40)], format: Format = "atom"
) -> Response:
    if not is_category(category):
        raise HTTPException(400, f"{category[:40]!r} is not an arXiv category such as cs.CL or hep-th.")
    with engine.connect() as conn:
        papers = papers_in_categories(conn, [category], limit=ENTRIES, sort="new")
    return _answer(
        request,
        engine,
        _feed(request, f"New in {category}", f"The newest papers in {category}.", f"/categories/{category}", papers),
        format,
    )


@router.get("/feeds/search")
def search_feed(
    request: Request, engine: EngineDep, q: Annotated[str, Query(max_length=1000)] = "", format: Format = "atom"
) -> Response:
    if not q.strip():
        raise HTTPException(400, "A search feed needs a query: /feeds/search?q=...")
    query = parse_query(q)
    model, vectors = vectors_of(request).get()
    with engine.connect() as conn:
        papers = [h.paper for h in hybrid_search(conn, query, vectors, model, ENTRIES).hits]
    return _answer(
        request,
        engine,
        _feed(request, f"Search: {q[:100]}", f"Papers matching {q[:200]}", "/search?" + urlencode({"q": q}), papers),
        format,
    )


@router.get("/feeds/private/{token}")
def private_feed(
    request: Request, engine: EngineDep, token: Annotated[str, Path(max_length=64)], format: Format = "atom"
) -> Response:
    """A reader's own feed: their picks (recommend/); before they have any, new papers in the categories
    they upvote and collect, or trending."""
    with engine.connect() as conn:
        user = user_by_feed_token(conn, token)
    if user is None:
        raise HTTPException(404, "There is no feed at this address (it may have been renewed).")
    chosen = current_picks(engine, user.id, now())
    with engine.connect() as conn:
        if chosen:
            papers = papers_by_ids(conn, [c.paper_id for c in chosen[:ENTRIES]])
        elif categories := reader_categories(conn, user.id):
            papers = papers_in_categories(conn, categories, limit=ENTRIES, sort="new")
        else:
            papers = trending_list(conn, now(), ENTRIES).papers
    return _answer(
        request,
        engine,
        _feed(
            request,
            f"Papers for {user.display_name}",
            "Papers picked for you from what you upvote and collect.",
            "/for-you",
            papers,
        ),
        format,
        private=True,
    )
