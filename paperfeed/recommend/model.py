"""A reader's model: L2-regularised logistic regression over paper embeddings.

Positives are the reader's papers; negatives their dismissals and a sample of
other papers (the background: what the site holds, which the reader has not
chosen). Fitted by Newton's method on 385 parameters, a few iterations over a
few hundred rows take a few milliseconds; scoring is one matrix product.
"""

from __future__ import annotations

import numpy as np

L2 = 1.0
ITERATIONS = 8


def train(
    positive: np.ndarray, negative: np.ndarray, background: np.ndarray, l2: float = L2, iterations: int = ITERATIONS
) -> np.ndarray:
    """Return weights (the last one the bias). The background counts, in all, as much as the positives."""
    parts = [positive, negative, background]
    x = np.vstack([p for p in parts if len(p)]).astype(np.float64)
    x = np.hstack([x, np.ones((len(x), 1))])
    y = np.concatenate([np.ones(len(positive)), np.zeros(len(negative) + len(background))])
    weight = np.concatenate(
        [np.ones(len(positive) + len(negative)), np.full(len(background), len(positive) / max(len(background), 1))]
    )
    w = np.zeros(x.shape[1])
    penalty = np.full(x.shape[1], l2)
    penalty[-1] = 0.0  # the bias is not shrunk
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-(x @ w)))
        gradient = x.T @ (weight * (p - y)) + penalty * w
        hessian = (x.T * (weight * p * (1 - p))) @ x + np.diag(penalty + 1e-9)
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-6:
            break
    return w


def score(w: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Return the model's log-odds for each row (higher: more the reader's)."""
    return x @ w[:-1] + w[-1]
