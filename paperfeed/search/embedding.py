"""Embedding jobs, in two passes, each newest first and in committed chunks.

A paper's full text (title and abstract, up to the model's 256 tokens) takes
about twenty times as long to embed as its title. So a large import is made
searchable by meaning with a quick pass over titles first, then embedded again
in full; both passes resume where a stopped run left off, and on PostgreSQL
any number of processes share them (vectors.claimed_papers).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.engine import Engine

from paperfeed.progress import progress_bar
from paperfeed.records import collapse_whitespace
from paperfeed.search.embedder import MiniLM, paper_text
from paperfeed.search.vectors import FULL, QUICK, claimed_papers, count_pending, save_vectors


@dataclass(frozen=True)
class Pass:
    stage: int
    name: str
    chunk: int  # papers embedded and committed at a time: a stopped run loses at most this
    text: Callable[[str, str], str]  # (title, abstract) -> the text embedded


PASSES = (
    Pass(QUICK, "titles", 2048, lambda title, abstract: collapse_whitespace(title)),
    Pass(FULL, "full text", 256, paper_text),
)


def embed_pending(
    engine: Engine, model: MiniLM, limit: int | None = None, on_chunk: Callable[[int], None] | None = None
) -> dict[str, int]:
    """Run both passes over every paper they have still to embed (at most `limit` each); return how many
    each pass embedded, by name."""
    return {p.name: embed_pass(engine, model, p, limit, on_chunk) for p in PASSES}


def embed_pass(
    engine: Engine, model: MiniLM, step: Pass, limit: int | None = None, on_chunk: Callable[[int], None] | None = None
) -> int:
    """Embed the papers one pass has still to do, newest first; return how many this process did."""
    with engine.connect() as conn:
        total = count_pending(conn, step.stage)
    if limit is not None:
        total = min(total, limit)
    done = 0
    with progress_bar(total, f"embedding {step.name}", "paper") as bar:
        while done < total:
            with claimed_papers(engine, min(step.chunk, total - done), step.stage) as rows:
                if not rows:
                    break  # nothing left, or every paper left is claimed by another process
                vectors = model.embed([step.text(r.title, r.abstract) for r in rows])
                with engine.begin() as conn:
                    save_vectors(
                        conn, [(r.id, r.content_hash, v) for r, v in zip(rows, vectors, strict=True)], stage=step.stage
                    )
            done += len(rows)
            bar.update(len(rows))
            if on_chunk:
                on_chunk(done)
    return done
