"""Collections: named lists of papers a user keeps, public or private, changed only by their owner."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from paperfeed.store.db import upsert
from paperfeed.store.errors import CommunityError
from paperfeed.store.quotas import take
from paperfeed.store.schema import collection_items, collections, users

MAX_COLLECTION_NAME = 100
MAX_DESCRIPTION = 1000


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
    size = sa.select(sa.func.count()).where(collection_items.c.collection_id == collections.c.id).scalar_subquery()
    return sa.select(collections, users.c.username, size.label("size")).join(users, users.c.id == collections.c.user_id)


def _collection(row: sa.Row) -> Collection:
    return Collection(row.id, row.user_id, row.username, row.name, row.description, bool(row.is_public), int(row.size))


def create_collection(
    conn: Connection, user_id: int, name: str, description: str, is_public: bool, now: datetime
) -> int:
    name = " ".join(name.split())
    if not name:
        raise CommunityError("A collection needs a name.")
    if len(name) > MAX_COLLECTION_NAME:
        raise CommunityError(f"A collection's name has at most {MAX_COLLECTION_NAME} characters.")
    if len(description) > MAX_DESCRIPTION:
        raise CommunityError(f"A description has at most {MAX_DESCRIPTION} characters.")
    take(conn, "collection", f"user:{user_id}", now)
    return int(
        conn.execute(
            collections.insert().values(
                user_id=user_id, name=name, description=description.strip(), is_public=is_public, created_at=now
            )
        ).inserted_primary_key[0]  # type: ignore[index]  # never None for an INSERT
    )  # type: ignore[index]


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
    if found is None or found.user_id != user_id:
        # One answer for both: someone else's private collection must not be told apart from none.
        raise CommunityError("You have no collection with that number.")
    return found


def update_collection(
    conn: Connection, collection_id: int, user_id: int, *, name: str, description: str, is_public: bool
) -> None:
    _owned(conn, collection_id, user_id)
    name = " ".join(name.split())
    if not name or len(name) > MAX_COLLECTION_NAME or len(description) > MAX_DESCRIPTION:
        raise CommunityError("A collection needs a name of at most 100 characters and a description of at most 1000.")
    conn.execute(
        collections.update()
        .where(collections.c.id == collection_id)
        .values(name=name, description=description.strip(), is_public=is_public)
    )


def delete_collection(conn: Connection, collection_id: int, user_id: int) -> None:
    _owned(conn, collection_id, user_id)
    conn.execute(collection_items.delete().where(collection_items.c.collection_id == collection_id))
    conn.execute(collections.delete().where(collections.c.id == collection_id))


def add_to_collection(conn: Connection, collection_id: int, user_id: int, paper_id: int, now: datetime) -> None:
    _owned(conn, collection_id, user_id)
    take(conn, "collect", f"user:{user_id}", now)
    conn.execute(
        upsert(conn, collection_items)
        .values(collection_id=collection_id, paper_id=paper_id, added_at=now)
        .on_conflict_do_nothing()
    )


def remove_from_collection(conn: Connection, collection_id: int, user_id: int, paper_id: int) -> None:
    _owned(conn, collection_id, user_id)
    conn.execute(
        collection_items.delete().where(
            collection_items.c.collection_id == collection_id, collection_items.c.paper_id == paper_id
        )
    )


def collection_paper_ids(conn: Connection, collection_id: int) -> list[int]:
    """Return the papers of a collection, most recently added first."""
    return list(
        conn.execute(
            sa.select(collection_items.c.paper_id)
            .where(collection_items.c.collection_id == collection_id)
            .order_by(collection_items.c.added_at.desc(), collection_items.c.paper_id.desc())
        ).scalars()
    )
