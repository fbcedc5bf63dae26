"""Comments on papers: one level of replies, edits and deletions by their owner, hiding by admins.

The paper's comment_count counts visible comments and changes in the same
transaction as the comment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from paperfeed.store.errors import CommunityError
from paperfeed.store.quotas import take
from paperfeed.store.schema import authorship_claims, comments, papers, users

MAX_COMMENT = 5000


@dataclass(frozen=True, slots=True)
class Comment:
    id: int
    paper_id: int
    user_id: int
    username: str
    display_name: str
    parent_id: int | None
    body: str
    created_at: datetime
    edited_at: datetime | None
    deleted: bool
    hidden: bool
    by_author: bool  # the commenter is a confirmed author of the paper


def _check_body(body: str) -> str:
    body = body.replace("\r\n", "\n").strip()
    if not body:
        raise CommunityError("A comment cannot be empty.")
    if len(body) > MAX_COMMENT:
        raise CommunityError(f"A comment has at most {MAX_COMMENT} characters.")
    return body


def add_comment(
    conn: Connection, paper_id: int, user_id: int, body: str, now: datetime, parent_id: int | None = None
) -> int:
    """Add a comment (a reply when parent_id is given; replies are one level deep); return its id."""
    body = _check_body(body)
    take(conn, "comment", f"user:{user_id}", now)
    if parent_id is not None:
        parent = conn.execute(
            sa.select(comments.c.paper_id, comments.c.parent_id).where(comments.c.id == parent_id)
        ).first()
        if parent is None or parent.paper_id != paper_id:
            raise CommunityError("That comment does not exist on this paper.")
        if parent.parent_id is not None:
            parent_id = parent.parent_id  # a reply to a reply joins the same thread
    comment_id = conn.execute(
        comments.insert().values(paper_id=paper_id, user_id=user_id, parent_id=parent_id, body=body, created_at=now)
    ).inserted_primary_key[0]  # type: ignore[index]  # never None for an INSERT
    conn.execute(papers.update().where(papers.c.id == paper_id).values(comment_count=papers.c.comment_count + 1))
    return int(comment_id)


def _own_comment(conn: Connection, comment_id: int, user_id: int) -> sa.Row:
    row = conn.execute(sa.select(comments).where(comments.c.id == comment_id)).first()
    if row is None or row.deleted:
        raise CommunityError("That comment does not exist.")
    if row.user_id != user_id:
        raise CommunityError("You can only change your own comments.")
    return row


def edit_comment(conn: Connection, comment_id: int, user_id: int, body: str, now: datetime) -> None:
    _own_comment(conn, comment_id, user_id)
    take(conn, "comment-edit", f"user:{user_id}", now)
    conn.execute(comments.update().where(comments.c.id == comment_id).values(body=_check_body(body), edited_at=now))


def _visible_change(conn: Connection, row: sa.Row, delta: int) -> None:
    if not row.deleted and not row.hidden:
        conn.execute(
            papers.update().where(papers.c.id == row.paper_id).values(comment_count=papers.c.comment_count + delta)
        )


def delete_comment(conn: Connection, comment_id: int, user_id: int) -> None:
    """Delete one's own comment: its text goes; its replies stay under a placeholder."""
    row = _own_comment(conn, comment_id, user_id)
    _visible_change(conn, row, -1)
    conn.execute(comments.update().where(comments.c.id == comment_id).values(deleted=True, body=""))


def set_comment_hidden(conn: Connection, comment_id: int, hidden: bool) -> None:
    """Hide or show a comment (admins)."""
    row = conn.execute(sa.select(comments).where(comments.c.id == comment_id)).first()
    if row is None:
        raise CommunityError("That comment does not exist.")
    if bool(row.hidden) == hidden:
        return
    if not row.deleted:
        conn.execute(
            papers.update()
            .where(papers.c.id == row.paper_id)
            .values(comment_count=papers.c.comment_count + (-1 if hidden else 1))
        )
    conn.execute(comments.update().where(comments.c.id == comment_id).values(hidden=hidden))


_CONFIRMED = sa.select(authorship_claims.c.user_id).where(
    authorship_claims.c.paper_id == sa.bindparam("paper_id"), authorship_claims.c.status == "confirmed"
)
# Built once, as every paper page asks (building it cost more than running it: bench/pages.py, profiled).
_ALL_COMMENTS = (
    sa.select(comments, users.c.username, users.c.display_name, comments.c.user_id.in_(_CONFIRMED).label("by_author"))
    .join(users, users.c.id == comments.c.user_id)
    .where(comments.c.paper_id == sa.bindparam("paper_id"))
    .order_by(comments.c.id)
)
_SHOWN_COMMENTS = _ALL_COMMENTS.where(comments.c.hidden.is_(False))


def paper_comments(conn: Connection, paper_id: int, *, include_hidden: bool = False) -> list[Comment]:
    """Return a paper's comments, oldest first (threads are assembled by the view)."""
    stmt = _ALL_COMMENTS if include_hidden else _SHOWN_COMMENTS
    return [
        Comment(
            r.id,
            r.paper_id,
            r.user_id,
            r.username,
            r.display_name,
            r.parent_id,
            r.body,
            r.created_at,
            r.edited_at,
            bool(r.deleted),
            bool(r.hidden),
            bool(r.by_author),
        )
        for r in conn.execute(stmt, {"paper_id": paper_id})
    ]
