"""Papers, users and comments in the JSON shapes of the Hugging Face papers API.

The shapes follow what that API serves and what its Python client
(`huggingface_hub`) reads: datetimes as 2026-04-06T00:00:00.000Z only; the
fields the client reads from the top level of an item (title, upvotes,
numComments, ai_keywords, organization, githubRepo, projectPage) are there as
well as inside `paper`; a user's name is under `user`.
"""

from __future__ import annotations

import html
import re
from datetime import date, datetime, time
from typing import Any

from markupsafe import Markup

from paperfeed.records import collapse_whitespace
from paperfeed.store.comments import Comment
from paperfeed.store.models import Paper
from paperfeed.text import readable
from paperfeed.trending import listed_at

_MARK = re.compile(r"(<mark>.*?</mark>)", re.S)


def stamp(value: datetime | date | None) -> str | None:
    """Return a time as 2026-04-06T12:00:00.000Z (naive values are UTC), the one format the client parses."""
    if value is None:
        return None
    if not isinstance(value, datetime):
        value = datetime.combine(value, time())
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def user_json(username: str, fullname: str) -> dict[str, Any]:
    return {"user": username, "fullname": fullname, "avatarUrl": "", "isPro": False, "type": "user"}


def organization_json(name: str | None) -> dict[str, Any] | None:
    if not name:
        return None
    return {"name": name, "fullname": name, "avatar": ""}


def paper_json(paper: Paper, keywords: list[str], submitter: dict[str, Any] | None) -> dict[str, Any]:
    """The paper object: nested in list items, at the top level of /api/papers/{id}."""
    return {
        "id": paper.arxiv_id,
        "authors": [{"name": collapse_whitespace(a), "hidden": False} for a in paper.authors],
        "publishedAt": stamp(paper.published_at or paper.listed_on),
        "title": collapse_whitespace(paper.title),
        "summary": collapse_whitespace(paper.abstract),
        "upvotes": paper.upvotes,
        "discussionId": paper.arxiv_id,
        "ai_keywords": keywords,
        "githubRepo": paper.code_link,
        "projectPage": paper.project_link,
        "organization": organization_json(paper.organization),
        "submittedOnDailyAt": stamp(listed_at(paper.listed_on, paper.submitted_at)),
        "submittedOnDailyBy": submitter,
        "categories": paper.categories,
        "arxivUrl": paper.abs_url or f"https://arxiv.org/abs/{paper.arxiv_id}",
        "pdfUrl": paper.pdf_url or f"https://arxiv.org/pdf/{paper.arxiv_id}",
    }


def item_json(paper: Paper, keywords: list[str]) -> dict[str, Any]:
    """One entry of /api/daily_papers and /api/papers/search."""
    submitter = user_json(paper.submitter, paper.submitter) if paper.submitter else None
    inner = paper_json(paper, keywords, submitter)
    return {
        "paper": inner,
        "title": inner["title"],
        "summary": inner["summary"],
        "publishedAt": inner["submittedOnDailyAt"],  # when it was listed here, as that API means it
        "thumbnail": None,
        "numComments": paper.comment_count,
        "submittedBy": submitter,
        "isAuthorParticipating": False,
        "upvotes": paper.upvotes,
        "ai_keywords": keywords,
        "organization": inner["organization"],
        "githubRepo": inner["githubRepo"],
        "projectPage": inner["projectPage"],
    }


def paper_info_json(paper: Paper, keywords: list[str]) -> dict[str, Any]:
    """The body of /api/papers/{id}: the paper object at the top level, with counts of linked repos."""
    submitter = user_json(paper.submitter, paper.submitter) if paper.submitter else None
    return {
        **paper_json(paper, keywords, submitter),
        "numComments": paper.comment_count,
        "linkedModels": [],
        "numTotalModels": 0,
        "linkedDatasets": [],
        "numTotalDatasets": 0,
        "linkedSpaces": [],
        "numTotalSpaces": 0,
    }


def highlights(marked: Markup) -> list[dict[str, str]]:
    """Turn escaped text with <mark> elements into that API's [{type, text}] segments."""
    out = []
    for piece in _MARK.split(str(marked)):
        if not piece:
            continue
        if piece.startswith("<mark>") and piece.endswith("</mark>"):
            out.append({"type": "highlight", "text": html.unescape(piece[6:-7])})
        else:
            out.append({"type": "text", "text": html.unescape(piece)})
    return out


def comment_json(comment: Comment) -> dict[str, Any]:
    return {
        "id": comment.id,
        "parentId": comment.parent_id,
        "author": user_json(comment.username, comment.display_name),
        "text": "" if comment.deleted else comment.body,
        "deleted": comment.deleted,
        "createdAt": stamp(comment.created_at),
        "editedAt": stamp(comment.edited_at),
        "isAuthor": comment.by_author,
    }


def paper_markdown(paper: Paper, base_url: str) -> str:
    """The paper as markdown: title, authors, abstract, links."""
    lines = [
        f"# {readable(paper.title)}",
        "",
        f"**Authors:** {', '.join(collapse_whitespace(a) for a in paper.authors)}",
        "",
    ]
    if paper.organization:
        lines += [f"**Organization:** {paper.organization}", ""]
    lines += [
        "## Abstract",
        "",
        readable(paper.abstract),
        "",
        "## Links",
        "",
        f"- arXiv: {paper.abs_url or f'https://arxiv.org/abs/{paper.arxiv_id}'}",
        f"- PDF: {paper.pdf_url or f'https://arxiv.org/pdf/{paper.arxiv_id}'}",
        f"- Discussion: {base_url}/papers/{paper.arxiv_id}",
    ]
    if paper.code_link:
        lines.append(f"- Code: {paper.code_link}")
    if paper.project_link:
        lines.append(f"- Project: {paper.project_link}")
    return "\n".join(lines) + "\n"
