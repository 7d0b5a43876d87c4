"""The squashing functions of the lesson: sigmoid gates live in (0, 1), tanh values in (-1, 1).

All three are written so that no input overflows: ``np.exp(1e4)`` would be ``inf`` and warn,
so sigmoid goes through tanh and softmax subtracts the row maximum first.
"""

from __future__ import annotations

import numpy as np


def sigmoid(x):
    """Logistic sigmoid 1 / (1 + e^-x), computed as (1 + tanh(x/2)) / 2.

    The identity is exact, never overflows (tanh saturates to +-1) and costs one
    transcendental call, which is why the cells use it for their gates.
    x: any shape; returns the same shape and dtype (ints become float64).
    """
    x = np.asarray(x)
    if x.dtype.kind != "f":
        x = x.astype(np.float64)
    half = x.dtype.type(0.5)  # a typed constant keeps float32 float32 under numpy 1.x casting too
    return half * np.tanh(half * x) + half


def tanh(x):
    """Hyperbolic tangent, values in (-1, 1); numpy's is already overflow-safe."""
    x = np.asarray(x)
    if x.dtype.kind != "f":
        x = x.astype(np.float64)
    return np.tanh(x)


def softmax(logits, axis: int = -1):
    """Softmax along ``axis``: exp(z - max z) / sum exp(z - max z).

    Subtracting the maximum changes nothing mathematically and keeps every exp <= 1.
    logits: any shape; returns probabilities of the same shape summing to 1 along ``axis``.
    """
    z = np.asarray(logits)
    if z.dtype.kind != "f":
        z = z.astype(np.float64)
    z = z - z.max(axis=axis, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=axis, keepdims=True)


def log_softmax(logits, axis: int = -1):
    """log(softmax(logits)), computed without taking the log of a tiny number."""
    z = np.asarray(logits)
    if z.dtype.kind != "f":
        z = z.astype(np.float64)
    z = z - z.max(axis=axis, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=axis, keepdims=True))


def sigmoid_grad_from_output(s):
    """d sigmoid / dx written with the output s = sigmoid(x): s (1 - s), at most 1/4."""
    return s * (1.0 - s)


def tanh_grad_from_output(t):
    """d tanh / dx written with the output t = tanh(x): 1 - t^2, at most 1."""
    return 1.0 - t * t
