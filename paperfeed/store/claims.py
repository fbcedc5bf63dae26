"""Authorship claims: a user says they are one of a paper's authors; an admin confirms or refuses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from paperfeed.store.errors import CommunityError
from paperfeed.store.quotas import take
from paperfeed.store.schema import authorship_claims, papers, users


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
    existing = conn.execute(
        sa.select(authorship_claims.c.status).where(
            authorship_claims.c.user_id == user_id, authorship_claims.c.paper_id == paper_id
        )
    ).scalar()
    if existing:
        raise CommunityError(f"You have already claimed this paper ({existing}).")
    take(conn, "claim", f"user:{user_id}", now)
    conn.execute(
        authorship_claims.insert().values(
            user_id=user_id, paper_id=paper_id, author_name=author_name, status="pending", created_at=now
        )
    )


def _claims_select():  # type: ignore[no-untyped-def]
    return (
        sa.select(authorship_claims, users.c.username, papers.c.arxiv_id, papers.c.title)
        .join(users, users.c.id == authorship_claims.c.user_id)
        .join(papers, papers.c.id == authorship_claims.c.paper_id)
    )


def _claim(r: sa.Row) -> Claim:
    return Claim(r.id, r.user_id, r.username, r.paper_id, r.arxiv_id, r.title, r.author_name, r.status)


def pending_claims(conn: Connection) -> list[Claim]:
    return [
        _claim(r)
        for r in conn.execute(
            _claims_select().where(authorship_claims.c.status == "pending").order_by(authorship_claims.c.id)
        )
    ]


def user_claims(conn: Connection, user_id: int, status: str | None = None) -> list[Claim]:
    stmt = _claims_select().where(authorship_claims.c.user_id == user_id).order_by(authorship_claims.c.id.desc())
    if status:
        stmt = stmt.where(authorship_claims.c.status == status)
    return [_claim(r) for r in conn.execute(stmt)]


def decide_claim(conn: Connection, claim_id: int, confirm: bool, now: datetime) -> None:
    done = conn.execute(
        authorship_claims.update()
        .where(authorship_claims.c.id == claim_id, authorship_claims.c.status == "pending")
        .values(status="confirmed" if confirm else "rejected", decided_at=now)
    ).rowcount
    if not done:
        raise CommunityError("That claim does not exist or was already decided.")


def is_confirmed_author(conn: Connection, user_id: int, paper_id: int) -> bool:
    return (
        conn.execute(
            sa.select(authorship_claims.c.id).where(
                authorship_claims.c.user_id == user_id,
                authorship_claims.c.paper_id == paper_id,
                authorship_claims.c.status == "confirmed",
            )
        ).first()
        is not None
    )
