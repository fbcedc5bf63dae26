"""Paper vectors: stored in the database, searched in memory.

The store keeps one embedding per paper (with the content digest it was made
from, so a new version is embedded again). A web worker searches them through
one protocol, `VectorIndex` (`search`, `vector_of`, `len`), behind which stand:

- `ExactIndex`: exact search with numpy, loaded from the database; at
  100,000 papers a query takes a few milliseconds, and it needs no file.
- `HnswIndex`: hnswlib's HNSW graph, for large sites (from HNSW_ABOVE papers),
  kept in a file beside the data and updated incrementally by `paperfeed index`
  (`--rebuild` starts it afresh); workers only load it.

- `PgVectorIndex`: on PostgreSQL with pgvector, the database searches its own HNSW index.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Protocol

import numpy as np
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from paperfeed.clock import now as clock_now
from paperfeed.search.embedder import DIM, MODEL_NAME
from paperfeed.store.db import has_pgvector
from paperfeed.store.schema import embeddings, papers


def to_blob(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype=np.float32).tobytes()


def from_blob(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype=np.float32)


QUICK, FULL = 1, 2  # the embedding passes: titles first (fast), then the full text (search/embedding.py)


def _current(stage: int) -> sa.ColumnElement[bool]:
    """A paper has an embedding of its present text from this pass or a later one."""
    return sa.exists().where(
        embeddings.c.paper_id == papers.c.id,
        embeddings.c.model == MODEL_NAME,
        embeddings.c.content_hash == papers.c.content_hash,
        embeddings.c.stage >= stage,
    )


def pending_papers(conn: Connection, limit: int, stage: int = FULL) -> list[sa.Row]:
    """Return papers this pass has still to embed, newest listing first (those readers see first)."""
    stmt = (
        sa.select(papers.c.id, papers.c.title, papers.c.abstract, papers.c.content_hash)
        .where(~_current(stage))
        .order_by(papers.c.listed_on.desc(), papers.c.id.desc())
        .limit(limit)
    )
    return list(conn.execute(stmt))


def count_pending(conn: Connection, stage: int = FULL) -> int:
    """How many papers this pass has still to embed."""
    return int(conn.execute(sa.select(sa.func.count()).select_from(papers).where(~_current(stage))).scalar() or 0)


CLAIM_WINDOW = 64  # chunks' worth of pending papers a PostgreSQL worker looks through for unclaimed ones
_CLAIM_CLASS = 0x7066  # the first key of the two-key advisory locks that claim papers for embedding


@contextmanager
def claimed_papers(engine: Engine, limit: int, stage: int) -> Iterator[list[sa.Row]]:
    """Yield up to `limit` pending papers that no other process is embedding, claimed for the block.

    On PostgreSQL each paper is claimed with a transaction-level advisory lock held
    until the block ends: any number of processes on any number of machines take
    disjoint papers, and a killed process's claims end with its connection, so its
    papers go to the next one. SQLite serves one machine: the papers are simply read.
    """
    if engine.dialect.name != "postgresql":
        with engine.connect() as conn:
            yield pending_papers(conn, limit, stage)
        return
    with engine.connect() as conn, conn.begin():
        window = (
            sa.select(papers.c.id, papers.c.listed_on)
            .where(~_current(stage))
            .order_by(papers.c.listed_on.desc(), papers.c.id.desc())
            .limit(limit * CLAIM_WINDOW)
            .offset(0)  # keeps PostgreSQL from pulling the lock below into the sort
            .subquery()
        )
        locked = [
            row.id
            for row in conn.execute(
                sa.select(window.c.id).where(sa.func.pg_try_advisory_xact_lock(_CLAIM_CLASS, window.c.id)).limit(limit)
            )
        ]
        # Another process may have finished one of these between our look and our lock: look again.
        rows = (
            list(
                conn.execute(
                    sa.select(papers.c.id, papers.c.title, papers.c.abstract, papers.c.content_hash)
                    .where(papers.c.id.in_(locked), ~_current(stage))
                    .order_by(papers.c.listed_on.desc(), papers.c.id.desc())
                )
            )
            if locked
            else []
        )
        yield rows


def save_vectors(
    conn: Connection, rows: list[tuple[int, str, np.ndarray]], now: datetime | None = None, *, stage: int = FULL
) -> None:
    """Store (paper id, content digest, vector) triples made by a pass, replacing older embeddings of those
    papers."""
    now = now or clock_now()
    ids = [paper_id for paper_id, _, _ in rows]
    conn.execute(embeddings.delete().where(embeddings.c.paper_id.in_(ids)))
    conn.execute(
        embeddings.insert(),
        [
            {
                "paper_id": paper_id,
                "model": MODEL_NAME,
                "content_hash": digest,
                "vector": to_blob(vector),
                "embedded_at": now,
                "stage": stage,
            }
            for paper_id, digest, vector in rows
        ],
    )
    if has_pgvector(conn):
        fill_pgvector(conn, ids)


def _literal(vector: np.ndarray) -> str:
    return "[" + ",".join(f"{x:.7g}" for x in np.asarray(vector, dtype=np.float32)) + "]"


def fill_pgvector(conn: Connection, ids: list[int] | None = None) -> int:
    """Copy embeddings into the pgvector column (these papers', or every one still missing); return how many."""
    stmt = sa.select(embeddings.c.paper_id, embeddings.c.vector)
    stmt = (
        stmt.where(embeddings.c.paper_id.in_(ids))
        if ids is not None
        else stmt.where(sa.literal_column("embedding").is_(None))
    )
    done = 0
    for chunk in _chunks(conn.execute(stmt).all(), 1000):
        conn.execute(
            sa.text("UPDATE embeddings SET embedding = CAST(:v AS vector) WHERE paper_id = :id"),
            [{"id": r.paper_id, "v": _literal(from_blob(r.vector))} for r in chunk],
        )
        done += len(chunk)
    return done


def _chunks(rows: Sequence[sa.Row], size: int) -> Iterator[Sequence[sa.Row]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


class VectorIndex(Protocol):
    """What every vector index answers: its size, a paper's vector, and the nearest papers to a vector."""

    def __len__(self) -> int: ...

    def vector_of(self, paper_id: int) -> np.ndarray | None: ...

    def search(self, query: np.ndarray, k: int, exclude: int | None = None) -> list[tuple[int, float]]:
        """Return the k nearest papers as (paper id, cosine similarity), best first."""
        ...


@dataclass
class ExactIndex:
    """Exact nearest-neighbour search over unit vectors (cosine = dot product)."""

    ids: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    matrix: np.ndarray = field(default_factory=lambda: np.zeros((0, DIM), dtype=np.float32))

    @classmethod
    def load(cls, conn: Connection) -> ExactIndex:
        rows = conn.execute(
            sa.select(embeddings.c.paper_id, embeddings.c.vector)
            .where(embeddings.c.model == MODEL_NAME)
            .order_by(embeddings.c.paper_id)
        ).all()
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


HNSW_ABOVE = 50_000  # papers; below this exact numpy search is as fast and needs no file
HNSW_M, HNSW_EF_CONSTRUCTION, HNSW_EF = 16, 100, 80


@dataclass
class HnswIndex:
    """Approximate nearest neighbours with hnswlib (inner product on unit vectors = cosine)."""

    graph: object  # hnswlib.Index

    def __len__(self) -> int:
        return int(self.graph.get_current_count())  # type: ignore[attr-defined]

    def vector_of(self, paper_id: int) -> np.ndarray | None:
        try:
            return np.asarray(self.graph.get_items([paper_id])[0], dtype=np.float32)  # type: ignore[attr-defined]
        except RuntimeError:
            return None

    def search(self, query: np.ndarray, k: int, exclude: int | None = None) -> list[tuple[int, float]]:
        if not len(self) or k <= 0:
            return []
        want = min(k + (exclude is not None), len(self))
        labels, distances = self.graph.knn_query(query.astype(np.float32), k=want)  # type: ignore[attr-defined]
        found = [(int(i), 1.0 - float(d)) for i, d in zip(labels[0], distances[0], strict=True) if i != exclude]
        return found[:k]


@dataclass
class PgVectorIndex:
    """Nearest neighbours searched inside PostgreSQL (pgvector's HNSW): every web worker shares one index."""

    engine: Engine
    count: int

    def __len__(self) -> int:
        return self.count

    def vector_of(self, paper_id: int) -> np.ndarray | None:
        with self.engine.connect() as conn:
            blob = conn.execute(sa.select(embeddings.c.vector).where(embeddings.c.paper_id == paper_id)).scalar()
        return from_blob(blob) if blob is not None else None

    def search(self, query: np.ndarray, k: int, exclude: int | None = None) -> list[tuple[int, float]]:
        if k <= 0:
            return []
        with self.engine.begin() as conn:
            # The graph search keeps ef_search candidates: at least as many as asked for.
            conn.exec_driver_sql(f"SET LOCAL hnsw.ef_search = {max(HNSW_EF, k + 1)}")
            rows = conn.execute(
                sa.text(
                    "SELECT paper_id, -(embedding <#> CAST(:q AS vector)) AS score FROM embeddings "
                    "WHERE embedding IS NOT NULL ORDER BY embedding <#> CAST(:q AS vector) LIMIT :k"
                ),
                {"q": _literal(query), "k": k + (exclude is not None)},
            ).all()
        return [(int(i), float(s)) for i, s in rows if i != exclude][:k]


def index_paths(data_dir: str) -> tuple[Path, Path]:
    folder = Path(data_dir) / "vectors"
    return folder / f"{MODEL_NAME}.hnsw", folder / f"{MODEL_NAME}.json"


def update_hnsw(conn: Connection, data_dir: str, rebuild: bool = False) -> int:
    """Add vectors embedded since the file was written (all of them when rebuilding); return how many."""
    import hnswlib

    graph_path, meta_path = index_paths(data_dir)
    total = int(
        conn.execute(
            sa.select(sa.func.count()).select_from(embeddings).where(embeddings.c.model == MODEL_NAME)
        ).scalar()
        or 0
    )
    meta = json.loads(meta_path.read_text()) if meta_path.exists() and not rebuild else None
    graph = hnswlib.Index(space="ip", dim=DIM)
    stmt = sa.select(embeddings.c.paper_id, embeddings.c.vector, embeddings.c.embedded_at).where(
        embeddings.c.model == MODEL_NAME
    )
    if meta and graph_path.exists():
        graph.load_index(str(graph_path), max_elements=max(total, 1))
        stmt = stmt.where(embeddings.c.embedded_at > datetime.fromisoformat(meta["through"]))
    else:
        graph.init_index(max_elements=max(total, 1), ef_construction=HNSW_EF_CONSTRUCTION, M=HNSW_M)
    added = 0
    through = datetime.fromisoformat(meta["through"]) if meta else datetime.min
    for chunk in conn.execute(stmt.execution_options(yield_per=10_000)).partitions():
        ids = np.fromiter((r.paper_id for r in chunk), dtype=np.int64, count=len(chunk))
        matrix = np.frombuffer(b"".join(r.vector for r in chunk), dtype=np.float32).reshape(len(chunk), DIM)
        graph.add_items(matrix, ids, num_threads=2, replace_deleted=False)  # a known label is updated
        added += len(chunk)
        through = max(through, max(r.embedded_at for r in chunk))
    graph_path.parent.mkdir(parents=True, exist_ok=True)
    graph.save_index(str(graph_path))
    meta_path.write_text(json.dumps({"model": MODEL_NAME, "through": through.isoformat(), "count": total}))
    return added


def load_index(conn: Connection, data_dir: str) -> VectorIndex | None:
    """Return the index a web worker should search: pgvector when the store has it, the HNSW file for
    large sites, else exact."""
    count = int(
        conn.execute(
            sa.select(sa.func.count()).select_from(embeddings).where(embeddings.c.model == MODEL_NAME)
        ).scalar()
        or 0
    )
    if not count:
        return None
    if has_pgvector(conn):
        return PgVectorIndex(conn.engine, count)
    graph_path, _ = index_paths(data_dir)
    if count >= HNSW_ABOVE and graph_path.exists():
        import hnswlib

        graph = hnswlib.Index(space="ip", dim=DIM)
        graph.load_index(str(graph_path))
        graph.set_ef(HNSW_EF)
        return HnswIndex(graph)
    return ExactIndex.load(conn)


@dataclass(frozen=True)
class Coverage:
    """How much of the store is searchable by meaning: papers in all, with a current vector from each pass."""

    papers: int
    quick: int
    full: int

    def describe(self) -> str:
        searchable = self.quick + self.full
        return f"{searchable} of {self.papers} papers ({self.full} embedded in full, {self.quick} by title so far)"


def coverage(conn: Connection) -> Coverage:
    """Count the papers with a current embedding, by the pass that made it."""
    current = sa.and_(
        embeddings.c.paper_id == papers.c.id,
        embeddings.c.model == MODEL_NAME,
        embeddings.c.content_hash == papers.c.content_hash,
    )
    by_stage: dict[int, int] = dict(
        conn.execute(
            sa.select(embeddings.c.stage, sa.func.count())
            .select_from(embeddings.join(papers, current))
            .group_by(embeddings.c.stage)
        ).all()
    )
    total = int(conn.execute(sa.select(sa.func.count()).select_from(papers)).scalar() or 0)
    return Coverage(total, int(by_stage.get(QUICK, 0)), int(by_stage.get(FULL, 0)))
