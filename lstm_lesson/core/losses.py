"""The loss: softmax cross-entropy over vocabulary logits."""

from __future__ import annotations

import numpy as np

from . import validate as check
from .activations import log_softmax
from .language import say


def softmax_cross_entropy(logits, targets):
    """Mean negative log-probability of the targets, in nats per prediction.

    logits: (..., vocab) real; targets: (...) integer ids in [0, vocab).
    Returns ``(loss, d_logits)`` where d_logits = (softmax(logits) - one_hot(targets)) / count.
    """
    logits = np.asarray(logits)
    if logits.ndim < 1:
        raise ValueError(say(f"logits: expected shape (..., vocab), got {logits.shape}",
                             f"logits：形状应为 (..., vocab)，传入的是 {logits.shape}"))
    targets = check.integer_array("targets", targets, ndim=logits.ndim - 1, high=logits.shape[-1])
    if targets.shape != logits.shape[:-1]:
        raise ValueError(say(f"targets: expected shape {logits.shape[:-1]} (logits without the vocab axis), "
                             f"got {targets.shape}",
                             f"targets：形状应为 {logits.shape[:-1]}（logits 去掉 vocab 轴），"
                             f"传入的是 {targets.shape}"))
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
