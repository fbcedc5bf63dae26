"""What is a member's own on a page: who they are, which of its papers they upvoted, and on a paper's
page their collections and claim. One small read per request, so that the rest of the page can be the
copy every member shares (web/personal.py); every signed-in request makes it, so it runs on the
driver's cursor (store/db.driver_rows)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Connection

from paperfeed.store.db import driver_rows, stored_time
from paperfeed.store.users import User, session_user, token_hash


@dataclass(frozen=True, slots=True)
class CollectionChoice:
    """A collection as the "add to a collection" choice shows it."""

    id: int
    name: str


@dataclass(frozen=True, slots=True)
class ClaimState:
    """The member's claim on a paper as its page shows it."""

    author_name: str
    status: str  # pending, confirmed, rejected


@dataclass(frozen=True, slots=True)
class MemberView:
    user: User
    voted: set[int]  # of the page's papers, those this member upvoted
    collections: list[CollectionChoice]  # theirs, read only for a paper's page
    claims: dict[int, ClaimState]  # their claims on the page's detailed papers, by paper id
    confirmed: set[int]  # the detailed papers they are a confirmed author of


def member_view(
    conn: Connection, session_token: str, now: datetime, paper_ids: list[int], detailed: list[int]
) -> MemberView | None:
    """Return the member a live session belongs to with their part of a page, or None for no such session.

    `paper_ids` are the papers with vote buttons on the page; `detailed` the papers shown in full (a
    paper's page), for which their collections and claims are read too.
    """
    if not paper_ids:
        user = session_user(conn, session_token, now)
        if user is None:
            return None
        voted: set[int] = set()
    else:
        # One statement: the session's user, then the page's papers they upvoted (a round trip fewer).
        ids = ",".join(str(int(i)) for i in paper_ids)
        rows = driver_rows(
            conn,
            "SELECT 0, u.id, u.username, u.display_name, u.is_admin FROM users u"
            " JOIN sessions s ON s.user_id = u.id WHERE s.token_hash = ? AND s.expires_at > ?"
            " UNION ALL SELECT 1, v.paper_id, NULL, NULL, NULL FROM votes v"
            " JOIN sessions s ON s.user_id = v.user_id WHERE s.token_hash = ? AND s.expires_at > ?"
            f" AND v.paper_id IN ({ids})",
            (token_hash(session_token), stored_time(conn, now)) * 2,
        )
        found = [r for r in rows if r[0] == 0]
        if not found:
            return None
        user = User(found[0][1], found[0][2], found[0][3], bool(found[0][4]))
        voted = {r[1] for r in rows if r[0] == 1}
    if not detailed:
        return MemberView(user, voted, [], {}, set())
    ids = ",".join(str(int(i)) for i in detailed)
    claims = {
        paper_id: ClaimState(name, status)
        for paper_id, name, status in driver_rows(
            conn,
            "SELECT paper_id, author_name, status FROM authorship_claims"
            f" WHERE user_id = ? AND paper_id IN ({ids}) ORDER BY id",
            (user.id,),
        )
    }
    confirmed = {paper_id for paper_id, c in claims.items() if c.status == "confirmed"}
    collections = [
        CollectionChoice(i, name)
        for i, name in driver_rows(conn, "SELECT id, name FROM collections WHERE user_id = ? ORDER BY name", (user.id,))
    ]
    return MemberView(user, voted, collections, claims, confirmed)


def may_edit_links(user: User | None, submitted_by: int | None, confirmed_author: bool) -> bool:
    """Who may change a paper's code and project links: its submitter, a confirmed author, an admin."""
    if user is None:
        return False
    return user.is_admin or submitted_by == user.id or confirmed_author
