"""Embedding jobs: every paper without a current embedding is embedded, newest first, in committed chunks."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.engine import Engine

from paperfeed.progress import progress_bar
from paperfeed.search.embedder import MiniLM, paper_text
from paperfeed.search.vectors import count_pending, pending_papers, save_vectors

EMBED_CHUNK = 256  # papers embedded and committed at a time: an interrupted run loses at most this


def embed_pending(
    engine: Engine, model: MiniLM, limit: int | None = None, on_chunk: Callable[[int], None] | None = None
) -> int:
    """Embed every paper without a current embedding, newest first; return how many.

    Each chunk is committed on its own, so the job can stop anywhere and resume.
    """
    with engine.connect() as conn:
        total = count_pending(conn)
    if limit is not None:
        total = min(total, limit)
    done = 0
    with progress_bar(total, "embedding", "paper") as bar:
        while done < total:
            with engine.connect() as conn:
                rows = pending_papers(conn, min(EMBED_CHUNK, total - done))
            if not rows:
                break
            vectors = model.embed([paper_text(r.title, r.abstract) for r in rows])
            with engine.begin() as conn:
                save_vectors(conn, [(r.id, r.content_hash, v) for r, v in zip(rows, vectors, strict=True)])
            done += len(rows)
            bar.update(len(rows))
            if on_chunk:
                on_chunk(done)
    return done
