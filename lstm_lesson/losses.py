"""The output layer and the loss: a dense layer to vocabulary logits, softmax cross-entropy."""

from __future__ import annotations

import numpy as np

from . import _validate as check
from .activations import log_softmax
from .cells import _matmul


class Dense:
    """y = h W + b applied at every time step. h: (..., in_size) -> y: (..., out_size).

    params: W (in_size, out_size), b (out_size,).
    """

    def __init__(self, in_size, out_size, *, seed=0, dtype=np.float64):
        self.in_size = check.positive_int("in_size", in_size)
        self.out_size = check.positive_int("out_size", out_size)
        self.dtype = check.float_dtype("dtype", dtype)
        rng = np.random.default_rng(seed)
        bound = 1.0 / np.sqrt(self.in_size)
        self.params = {"W": rng.uniform(-bound, bound, (self.in_size, self.out_size)).astype(self.dtype),
                       "b": np.zeros(self.out_size, self.dtype)}

    def forward(self, h):
        """h: (..., in_size) -> (..., out_size)."""
        h = np.asarray(h)
        if np.ndim(h) < 1 or np.shape(h)[-1] != self.in_size:
            raise ValueError(f"h: expected shape (..., in_size={self.in_size}), got {np.shape(h)}")
        return _matmul(h, self.params["W"]) + self.params["b"]

    def backward(self, h, d_y):
        """Given the forward input h: (..., in_size) and dL/dy: (..., out_size), return
        (dL/dh (..., in_size), grads {W: (in_size, out_size), b: (out_size,)})."""
        h, d_y = np.asarray(h), np.asarray(d_y)
        if h.shape[:-1] != d_y.shape[:-1] or h.shape[-1:] != (self.in_size,) or d_y.shape[-1:] != (self.out_size,):
            raise ValueError(f"h, d_y: expected shapes (..., {self.in_size}) and (..., {self.out_size}) with the "
                             f"same leading axes, got {h.shape} and {d_y.shape}")
        hf = h.reshape(-1, self.in_size)
        df = d_y.reshape(-1, self.out_size)
        grads = {"W": hf.T @ df, "b": df.sum(axis=0)}
        return _matmul(d_y, self.params["W"].T), grads


def softmax_cross_entropy(logits, targets):
    """Mean negative log-probability of the targets, in nats per prediction.

    logits: (..., vocab) real; targets: (...) integer ids in [0, vocab).
    Returns ``(loss, d_logits)`` where d_logits = (softmax(logits) - one_hot(targets)) / count.
    """
    logits = np.asarray(logits)
    if logits.ndim < 1:
        raise ValueError(f"logits: expected shape (..., vocab), got {logits.shape}")
    targets = check.integer_array("targets", targets, ndim=logits.ndim - 1, high=logits.shape[-1])
    if targets.shape != logits.shape[:-1]:
        raise ValueError(f"targets: expected shape {logits.shape[:-1]} (logits without the vocab axis), "
                         f"got {targets.shape}")
    V = logits.shape[-1]
    logp = log_softmax(logits).reshape(-1, V)
    t = targets.reshape(-1)
    n = t.size
    rows = np.arange(n)
    loss = -logp[rows, t].mean()
    d = np.exp(logp)
    d[rows, t] -= 1.0
    d /= n
    return float(loss), d.reshape(logits.shape)
