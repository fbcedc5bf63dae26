"""Paper vectors: stored in the database, searched in memory.

The store keeps one embedding per paper (with the content digest it was made
from, so a new version is embedded again). A web worker loads them into a
`VectorIndex`: exact search with numpy, which at 100,000 papers answers in a
few milliseconds. The interface is small on purpose, so an approximate index
(HNSW) or the database itself (pgvector) can stand behind it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from paperfeed.search.embedder import DIM, MODEL_NAME
from paperfeed.store.schema import embeddings, papers


def to_blob(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype=np.float32).tobytes()


def from_blob(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype=np.float32)


def pending_papers(conn: Connection, limit: int) -> list[sa.Row]:
    """Return papers without a current embedding, newest listing first (those readers see first)."""
    current = sa.and_(embeddings.c.paper_id == papers.c.id, embeddings.c.model == MODEL_NAME,
                      embeddings.c.content_hash == papers.c.content_hash)
    stmt = (
        sa.select(papers.c.id, papers.c.title, papers.c.abstract, papers.c.content_hash)
        .where(~sa.exists().where(current))
        .order_by(papers.c.listed_on.desc(), papers.c.id.desc())
        .limit(limit)
    )
    return list(conn.execute(stmt))


def count_pending(conn: Connection) -> int:
    current = sa.and_(embeddings.c.paper_id == papers.c.id, embeddings.c.model == MODEL_NAME,
                      embeddings.c.content_hash == papers.c.content_hash)
    return int(conn.execute(sa.select(sa.func.count()).select_from(papers).where(~sa.exists().where(current)))
               .scalar() or 0)


def save_vectors(conn: Connection, rows: list[tuple[int, str, np.ndarray]]) -> None:
    """Store (paper id, content digest, vector) triples, replacing older embeddings of those papers."""
    ids = [paper_id for paper_id, _, _ in rows]
    conn.execute(embeddings.delete().where(embeddings.c.paper_id.in_(ids)))
    conn.execute(embeddings.insert(), [
        {"paper_id": paper_id, "model": MODEL_NAME, "content_hash": digest, "vector": to_blob(vector)}
        for paper_id, digest, vector in rows
    ])


@dataclass
class VectorIndex:
    """Exact nearest-neighbour search over unit vectors (cosine = dot product)."""

    ids: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    matrix: np.ndarray = field(default_factory=lambda: np.zeros((0, DIM), dtype=np.float32))

    @classmethod
    def load(cls, conn: Connection) -> VectorIndex:
        rows = conn.execute(sa.select(embeddings.c.paper_id, embeddings.c.vector)
                            .where(embeddings.c.model == MODEL_NAME).order_by(embeddings.c.paper_id)).all()
        if not rows:
            return cls()
        ids = np.fromiter((r.paper_id for r in rows), dtype=np.int64, count=len(rows))
        matrix = np.frombuffer(b"".join(r.vector for r in rows), dtype=np.float32).reshape(len(rows), DIM)
        return cls(ids, matrix)

    def __len__(self) -> int:
        return len(self.ids)

    def vector_of(self, paper_id: int) -> np.ndarray | None:
        at = np.searchsorted(self.ids, paper_id)
        if at < len(self.ids) and self.ids[at] == paper_id:
            return self.matrix[at]
        return None

    def search(self, query: np.ndarray, k: int, exclude: int | None = None) -> list[tuple[int, float]]:
        """Return the k nearest papers as (paper id, cosine similarity), best first."""
        if not len(self.ids) or k <= 0:
            return []
        scores = self.matrix @ query.astype(np.float32)
        if exclude is not None:
            at = np.searchsorted(self.ids, exclude)
            if at < len(self.ids) and self.ids[at] == exclude:
                scores[at] = -np.inf
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top])]
        return [(int(self.ids[i]), float(scores[i])) for i in top if np.isfinite(scores[i])]
