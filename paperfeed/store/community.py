"""What users attach to papers: votes, comments, collections and authorship claims.

Counters on `papers` (vote_count, comment_count) change in the same
transaction as the row they count, with UPDATE … SET n = n + 1, so they stay
exact however many people vote at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from paperfeed.store.db import upsert
from paperfeed.store.schema import (
    authorship_claims,
    collection_items,
    collections,
    comments,
    papers,
    users,
    votes,
)

MAX_COMMENT = 5000
MAX_COLLECTION_NAME = 100
MAX_DESCRIPTION = 1000


class CommunityError(ValueError):
    """An action that is not allowed or not possible; the message is for the user."""


# Votes


def toggle_vote(conn: Connection, user_id: int, paper_id: int, now: datetime) -> tuple[bool, int]:
    """Add the user's vote or take it back; return (voted now, the paper's total votes)."""
    # RETURNING says whether the row went in (rowcount is not reliable for ON CONFLICT on every driver).
    added = conn.execute(
        upsert(conn, votes).values(user_id=user_id, paper_id=paper_id, created_at=now)
        .on_conflict_do_nothing().returning(votes.c.user_id)
    ).first() is not None
    if added:
        delta = 1
    else:
        conn.execute(votes.delete().where(votes.c.user_id == user_id, votes.c.paper_id == paper_id))
        delta = -1
    total = conn.execute(
        papers.update().where(papers.c.id == paper_id)
        .values(vote_count=papers.c.vote_count + delta)
        .returning(papers.c.base_upvotes + papers.c.vote_count)
    ).scalar_one()
    return bool(added), int(total)


def voted_papers(conn: Connection, user_id: int, paper_ids: list[int]) -> set[int]:
    """Return which of these papers the user has voted for."""
    if not paper_ids:
        return set()
    return set(conn.execute(sa.select(votes.c.paper_id).where(
        votes.c.user_id == user_id, votes.c.paper_id.in_(paper_ids))).scalars())


# Comments


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


def add_comment(conn: Connection, paper_id: int, user_id: int, body: str, now: datetime,
                parent_id: int | None = None) -> int:
    """Add a comment (a reply when parent_id is given; replies are one level deep); return its id."""
    body = _check_body(body)
    if parent_id is not None:
        parent = conn.execute(sa.select(comments.c.paper_id, comments.c.parent_id)
                              .where(comments.c.id == parent_id)).first()
        if parent is None or parent.paper_id != paper_id:
            raise CommunityError("That comment does not exist on this paper.")
        if parent.parent_id is not None:
            parent_id = parent.parent_id  # a reply to a reply joins the same thread
    comment_id = conn.execute(comments.insert().values(
        paper_id=paper_id, user_id=user_id, parent_id=parent_id, body=body, created_at=now)
    ).inserted_primary_key[0]
    conn.execute(papers.update().where(papers.c.id == paper_id)
                 .values(comment_count=papers.c.comment_count + 1))
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
    conn.execute(comments.update().where(comments.c.id == comment_id)
                 .values(body=_check_body(body), edited_at=now))


def _visible_change(conn: Connection, row: sa.Row, delta: int) -> None:
    if not row.deleted and not row.hidden:
        conn.execute(papers.update().where(papers.c.id == row.paper_id)
                     .values(comment_count=papers.c.comment_count + delta))


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
        conn.execute(papers.update().where(papers.c.id == row.paper_id)
                     .values(comment_count=papers.c.comment_count + (-1 if hidden else 1)))
    conn.execute(comments.update().where(comments.c.id == comment_id).values(hidden=hidden))


def paper_comments(conn: Connection, paper_id: int, *, include_hidden: bool = False) -> list[Comment]:
    """Return a paper's comments, oldest first (threads are assembled by the view)."""
    confirmed = (
        sa.select(authorship_claims.c.user_id)
        .where(authorship_claims.c.paper_id == paper_id, authorship_claims.c.status == "confirmed")
    )
    stmt = (
        sa.select(comments, users.c.username, users.c.display_name,
                  comments.c.user_id.in_(confirmed).label("by_author"))
        .join(users, users.c.id == comments.c.user_id)
        .where(comments.c.paper_id == paper_id)
        .order_by(comments.c.id)
    )
    if not include_hidden:
        stmt = stmt.where(comments.c.hidden.is_(False))
    return [
        Comment(r.id, r.paper_id, r.user_id, r.username, r.display_name, r.parent_id, r.body, r.created_at,
                r.edited_at, bool(r.deleted), bool(r.hidden), bool(r.by_author))
        for r in conn.execute(stmt)
    ]


# Collections


@dataclass(frozen=True, slots=True)
class Collection:
    id: int
    user_id: int
    username: str
    name: str
    description: str
    is_public: bool
    size: int


def _collection_select():  # type: ignore[no-untyped-def]
    size = (sa.select(sa.func.count()).where(collection_items.c.collection_id == collections.c.id)
            .scalar_subquery())
    return sa.select(collections, users.c.username, size.label("size")).join(users, users.c.id == collections.c.user_id)


def _collection(row: sa.Row) -> Collection:
    return Collection(row.id, row.user_id, row.username, row.name, row.description, bool(row.is_public),
                      int(row.size))


def create_collection(conn: Connection, user_id: int, name: str, description: str, is_public: bool,
                      now: datetime) -> int:
    name = " ".join(name.split())
    if not name:
        raise CommunityError("A collection needs a name.")
    if len(name) > MAX_COLLECTION_NAME:
        raise CommunityError(f"A collection's name has at most {MAX_COLLECTION_NAME} characters.")
    if len(description) > MAX_DESCRIPTION:
        raise CommunityError(f"A description has at most {MAX_DESCRIPTION} characters.")
    return int(conn.execute(collections.insert().values(
        user_id=user_id, name=name, description=description.strip(), is_public=is_public, created_at=now)
    ).inserted_primary_key[0])


def get_collection(conn: Connection, collection_id: int) -> Collection | None:
    row = conn.execute(_collection_select().where(collections.c.id == collection_id)).first()
    return _collection(row) if row else None


def user_collections(conn: Connection, user_id: int, *, public_only: bool = False) -> list[Collection]:
    stmt = _collection_select().where(collections.c.user_id == user_id).order_by(collections.c.name)
    if public_only:
        stmt = stmt.where(collections.c.is_public.is_(True))
    return [_collection(r) for r in conn.execute(stmt)]


def _owned(conn: Connection, collection_id: int, user_id: int) -> Collection:
    found = get_collection(conn, collection_id)
    if found is None:
        raise CommunityError("That collection does not exist.")
    if found.user_id != user_id:
        raise CommunityError("You can only change your own collections.")
    return found


def update_collection(conn: Connection, collection_id: int, user_id: int, *, name: str, description: str,
                      is_public: bool) -> None:
    _owned(conn, collection_id, user_id)
    name = " ".join(name.split())
    if not name or len(name) > MAX_COLLECTION_NAME or len(description) > MAX_DESCRIPTION:
        raise CommunityError("A collection needs a name of at most 100 characters and a description of at "
                             "most 1000.")
    conn.execute(collections.update().where(collections.c.id == collection_id)
                 .values(name=name, description=description.strip(), is_public=is_public))


def delete_collection(conn: Connection, collection_id: int, user_id: int) -> None:
    _owned(conn, collection_id, user_id)
    conn.execute(collection_items.delete().where(collection_items.c.collection_id == collection_id))
    conn.execute(collections.delete().where(collections.c.id == collection_id))


def add_to_collection(conn: Connection, collection_id: int, user_id: int, paper_id: int, now: datetime) -> None:
    _owned(conn, collection_id, user_id)
    conn.execute(upsert(conn, collection_items)
                 .values(collection_id=collection_id, paper_id=paper_id, added_at=now).on_conflict_do_nothing())


def remove_from_collection(conn: Connection, collection_id: int, user_id: int, paper_id: int) -> None:
    _owned(conn, collection_id, user_id)
    conn.execute(collection_items.delete().where(collection_items.c.collection_id == collection_id,
                                                 collection_items.c.paper_id == paper_id))


def collection_paper_ids(conn: Connection, collection_id: int) -> list[int]:
    """Return the papers of a collection, most recently added first."""
    return list(conn.execute(
        sa.select(collection_items.c.paper_id).where(collection_items.c.collection_id == collection_id)
        .order_by(collection_items.c.added_at.desc(), collection_items.c.paper_id.desc())).scalars())


# Authorship claims


@dataclass(frozen=True, slots=True)
class Claim:
    id: int
    user_id: int
    username: str
    paper_id: int
    arxiv_id: str
    title: str
    author_name: str
    status: str


def claim_authorship(conn: Connection, user_id: int, paper_id: int, author_name: str, now: datetime) -> None:
    """Record a user's claim to be one of a paper's authors, for an admin to confirm."""
    authors = conn.execute(sa.select(papers.c.authors).where(papers.c.id == paper_id)).scalar()
    if authors is None or author_name not in authors:
        raise CommunityError("Pick one of the paper's authors.")
    existing = conn.execute(sa.select(authorship_claims.c.status).where(
        authorship_claims.c.user_id == user_id, authorship_claims.c.paper_id == paper_id)).scalar()
    if existing:
        raise CommunityError(f"You have already claimed this paper ({existing}).")
    conn.execute(authorship_claims.insert().values(user_id=user_id, paper_id=paper_id, author_name=author_name,
                                                   status="pending", created_at=now))


def _claims_select():  # type: ignore[no-untyped-def]
    return (
        sa.select(authorship_claims, users.c.username, papers.c.arxiv_id, papers.c.title)
        .join(users, users.c.id == authorship_claims.c.user_id)
        .join(papers, papers.c.id == authorship_claims.c.paper_id)
    )


def _claim(r: sa.Row) -> Claim:
    return Claim(r.id, r.user_id, r.username, r.paper_id, r.arxiv_id, r.title, r.author_name, r.status)


def pending_claims(conn: Connection) -> list[Claim]:
    return [_claim(r) for r in conn.execute(
        _claims_select().where(authorship_claims.c.status == "pending").order_by(authorship_claims.c.id))]


def user_claims(conn: Connection, user_id: int, status: str | None = None) -> list[Claim]:
    stmt = _claims_select().where(authorship_claims.c.user_id == user_id).order_by(authorship_claims.c.id.desc())
    if status:
        stmt = stmt.where(authorship_claims.c.status == status)
    return [_claim(r) for r in conn.execute(stmt)]


def decide_claim(conn: Connection, claim_id: int, confirm: bool, now: datetime) -> None:
    done = conn.execute(authorship_claims.update()
                        .where(authorship_claims.c.id == claim_id, authorship_claims.c.status == "pending")
                        .values(status="confirmed" if confirm else "rejected", decided_at=now)).rowcount
    if not done:
        raise CommunityError("That claim does not exist or was already decided.")


def is_confirmed_author(conn: Connection, user_id: int, paper_id: int) -> bool:
    return conn.execute(sa.select(authorship_claims.c.id).where(
        authorship_claims.c.user_id == user_id, authorship_claims.c.paper_id == paper_id,
        authorship_claims.c.status == "confirmed")).first() is not None


def reader_categories(conn: Connection, user_id: int, limit: int = 5) -> list[str]:
    """Return the categories a user upvotes and collects most, most first."""
    kept = sa.union_all(
        sa.select(votes.c.paper_id).where(votes.c.user_id == user_id),
        sa.select(collection_items.c.paper_id).join(collections, collections.c.id == collection_items.c.collection_id)
        .where(collections.c.user_id == user_id),
    ).subquery()
    rows = conn.execute(sa.select(papers.c.primary_category, sa.func.count().label("n"))
                        .join(kept, kept.c.paper_id == papers.c.id)
                        .where(papers.c.primary_category.is_not(None))
                        .group_by(papers.c.primary_category).order_by(sa.desc("n"), papers.c.primary_category)
                        .limit(limit))
    return [r.primary_category for r in rows]


def latest_vote_at(conn: Connection, paper_ids: list[int]) -> datetime | None:
    """Return when any of these papers was last upvoted (feeds change when their order may)."""
    if not paper_ids:
        return None
    return conn.execute(sa.select(sa.func.max(votes.c.created_at)).where(votes.c.paper_id.in_(paper_ids))).scalar()
