"""Print the key-phrase chips of 50 papers of a store, for judging by hand (bench/keyphrases-judged.md).

    python bench/keyphrases.py [--store URL] [--repick]

The papers are every fifth by id (the first 50); --repick picks every paper's chips again first, with the
code as it is now, in a copy of a SQLite store (the store given is left as it was).
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

from paperfeed.search.keyphrases import WATERMARK, index_keyphrases, keyphrases_of
from paperfeed.store.index_state import forget_state
from paperfeed.store.schema import papers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", default="sqlite:///data/paperfeed.db")
    parser.add_argument("--repick", action="store_true")
    args = parser.parse_args()
    url = args.store
    if args.repick:
        source = Path(sa.engine.make_url(url).database or "")
        copy = Path(tempfile.mkdtemp()) / "copy.db"
        shutil.copy(source, copy)
        url = f"sqlite:///{copy}"
    engine = sa.create_engine(url)
    if args.repick:
        with engine.begin() as conn:
            forget_state(conn, WATERMARK)
            started = time.perf_counter()
            n = index_keyphrases(conn)
        print(f"# picked again for {n} papers in {time.perf_counter() - started:.1f} s")
    with engine.connect() as conn:
        ids = list(conn.execute(sa.select(papers.c.id).order_by(papers.c.id)).scalars())[::5][:50]
        chips = keyphrases_of(conn, ids)
        for row in conn.execute(sa.select(papers.c.id, papers.c.arxiv_id, papers.c.title).where(papers.c.id.in_(ids))):
            print(f"{row.arxiv_id}\t{row.title[:60]}\t{' | '.join(chips.get(row.id, []))}")


if __name__ == "__main__":
    main()
