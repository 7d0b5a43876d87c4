"""The output layer: y = h W + b at every time step (to vocabulary logits, or to one number)."""

from __future__ import annotations

import numpy as np

from . import validate as check
from .language import say


def matmul_last_axis(a, w):
    """``a @ w`` for ``a: (..., n)`` and ``w: (n, m)`` -> ``(..., m)``, as ONE 2-D matmul: numpy multiplies
    a stacked 3-D array one matrix at a time, several times slower than one BLAS call."""
    return (a.reshape(-1, a.shape[-1]) @ w).reshape(*a.shape[:-1], w.shape[-1])


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
            raise ValueError(say(f"h: expected shape (..., in_size={self.in_size}), got {np.shape(h)}",
                                 f"h：形状应为 (..., in_size={self.in_size})，传入的是 {np.shape(h)}"))
        return matmul_last_axis(h, self.params["W"]) + self.params["b"]

    def backward(self, h, d_y):
        """Given the forward input h: (..., in_size) and dL/dy: (..., out_size), return
        (dL/dh (..., in_size), grads {W: (in_size, out_size), b: (out_size,)})."""
        h, d_y = np.asarray(h), np.asarray(d_y)
        if h.shape[:-1] != d_y.shape[:-1] or h.shape[-1:] != (self.in_size,) or d_y.shape[-1:] != (self.out_size,):
            raise ValueError(say(f"h, d_y: expected shapes (..., {self.in_size}) and (..., {self.out_size}) with the "
                                 f"same leading axes, got {h.shape} and {d_y.shape}",
                                 f"h, d_y：形状应为 (..., {self.in_size}) 和 (..., {self.out_size})，且前面的轴相同，"
                                 f"传入的是 {h.shape} 和 {d_y.shape}"))
        hf = h.reshape(-1, self.in_size)
        df = d_y.reshape(-1, self.out_size)
        grads = {"W": hf.T @ df, "b": df.sum(axis=0)}
        return matmul_last_axis(d_y, self.params["W"].T), grads
