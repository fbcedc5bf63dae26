"""A paper and two members to attach votes, comments, collections and claims to."""

from __future__ import annotations

from datetime import datetime

from paperfeed.records import Author, PaperRecord
from paperfeed.store.papers import get_paper, upsert_papers
from paperfeed.store.users import create_user

NOW = datetime(2026, 4, 7, 12, 0)


def paper_and_members(engine) -> tuple[int, int, int]:
    """Store one paper and two accounts; return (paper id, first user id, second user id)."""
    record = PaperRecord(
        arxiv_id="2503.13423",
        title="Byte Latent Transformer",
        abstract="Bytes.",
        authors=[Author("Ada Lovelace"), Author("Alan Turing")],
        categories=["cs.CL"],
        source="arxiv-api",
        published_at=datetime(2025, 3, 17, 17, 59),
    )
    with engine.begin() as conn:
        upsert_papers(conn, [record], NOW)
        paper = get_paper(conn, "2503.13423")
        ada = create_user(conn, "ada", "hash", NOW)
        alan = create_user(conn, "alan", "hash", NOW)
    assert paper is not None
    return paper.id, ada.id, alan.id
