"""What is a member's own on a page: who they are, which of its papers they upvoted, and on a paper's
page their collections and claim. One small read per request, so that the rest of the page can be the
copy every member shares (web/personal.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Connection

from paperfeed.store.claims import Claim, user_claims
from paperfeed.store.collections import Collection, user_collections
from paperfeed.store.users import User, session_user
from paperfeed.store.votes import voted_papers


@dataclass(frozen=True, slots=True)
class MemberView:
    user: User
    voted: set[int]  # of the page's papers, those this member upvoted
    collections: list[Collection]  # theirs, read only for a paper's page
    claims: dict[int, Claim]  # their claims on the page's detailed papers, by paper id
    confirmed: set[int]  # the detailed papers they are a confirmed author of


def member_view(
    conn: Connection, session_token: str, now: datetime, paper_ids: list[int], detailed: list[int]
) -> MemberView | None:
    """Return the member a live session belongs to with their part of a page, or None for no such session.

    `paper_ids` are the papers with vote buttons on the page; `detailed` the papers shown in full (a
    paper's page), for which their collections and claims are read too.
    """
    user = session_user(conn, session_token, now)
    if user is None:
        return None
    voted = voted_papers(conn, user.id, paper_ids)
    if not detailed:
        return MemberView(user, voted, [], {}, set())
    wanted = set(detailed)
    claims = {c.paper_id: c for c in user_claims(conn, user.id) if c.paper_id in wanted}
    confirmed = {paper_id for paper_id, c in claims.items() if c.status == "confirmed"}
    return MemberView(user, voted, user_collections(conn, user.id), claims, confirmed)


def may_edit_links(user: User | None, submitted_by: int | None, confirmed_author: bool) -> bool:
    """Who may change a paper's code and project links: its submitter, a confirmed author, an admin."""
    if user is None:
        return False
    return user.is_admin or submitted_by == user.id or confirmed_author
