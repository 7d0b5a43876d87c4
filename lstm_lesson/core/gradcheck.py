"""Finite-difference gradient checking: the test every backward pass in this package passes."""

from __future__ import annotations

import numpy as np

from . import validate as check
from .language import say


def relative_error(analytic, numeric):
    """|a - n| / max(|a| + |n|, 1e-8), elementwise: 0 is perfect, 1e-6 is excellent in float64."""
    a, n = np.asarray(analytic, np.float64), np.asarray(numeric, np.float64)
    return np.abs(a - n) / np.maximum(np.abs(a) + np.abs(n), 1e-8)


def numerical_gradient(f, x, *, eps=1e-4, indices=None):
    """Central differences (f(x + eps) - f(x - eps)) / (2 eps) for entries of the array ``x``.

    f: a function of no arguments returning a float; it must read ``x`` (which is changed in
    place and restored). eps = 1e-4 balances the truncation error (~eps^2) against round-off
    (~1e-16 |f| / eps): with 1e-6, gradients of size 1e-6 already show relative errors of 1e-5.
    indices: flat indices to check, or None for every entry.
    Returns an array like ``x`` (unchecked entries are NaN).
    """
    grad = np.full(x.shape, np.nan)
    flat = x.reshape(-1)  # a view: writing to it changes x
    if not np.shares_memory(flat, x):
        raise ValueError(say("x: expected a contiguous array that can be perturbed in place",
                             "x：应为内存连续、可以原地扰动的数组"))
    for j in range(flat.size) if indices is None else indices:
        old = flat[j]
        flat[j] = old + eps
        f_plus = f()
        flat[j] = old - eps
        f_minus = f()
        flat[j] = old
        grad.reshape(-1)[j] = (f_plus - f_minus) / (2 * eps)
    return grad


def gradcheck(f, arrays: dict, grads: dict, *, eps=1e-4, max_checks=None, seed=0) -> dict:
    """Compare analytic gradients with central differences, array by array.

    f: function of no arguments returning the scalar loss computed from ``arrays`` (perturbed
    in place). arrays: name -> float64 array; grads: name -> analytic dL/d array (same shapes).
    max_checks: check at most this many randomly chosen entries per array (None: all).
    Returns name -> the largest relative error over the checked entries.
    """
    if not isinstance(arrays, dict) or not isinstance(grads, dict):
        raise TypeError(say("arrays, grads: expected two dicts name -> array",
                            "arrays, grads：应为两个 dict（名字 -> 数组）"))
    eps = check.real_number("eps", eps)
    rng = np.random.default_rng(seed)
    errors = {}
    for name, x in arrays.items():
        if name not in grads:
            raise ValueError(say(f"grads: expected a gradient named {name!r}, got names {sorted(grads)}",
                                 f"grads：应有名为 {name!r} 的梯度，传入的名字是 {sorted(grads)}"))
        if np.shape(grads[name]) != x.shape:
            raise ValueError(say(f"grads[{name!r}]: expected shape {x.shape}, got {np.shape(grads[name])}",
                                 f"grads[{name!r}]：形状应为 {x.shape}，传入的是 {np.shape(grads[name])}"))
        if x.dtype != np.float64:
            raise TypeError(say(f"arrays[{name!r}]: expected float64 (finite differences need it), got {x.dtype}",
                                f"arrays[{name!r}]：应为 float64（有限差分需要它），传入的是 {x.dtype}"))
        idx = None
        if max_checks is not None and x.size > max_checks:
            idx = rng.choice(x.size, size=max_checks, replace=False)
        num = numerical_gradient(f, x, eps=eps, indices=idx)
        ana = np.asarray(grads[name]).reshape(-1)
        sel = np.arange(x.size) if idx is None else idx
        errors[name] = float(relative_error(ana[sel], num.reshape(-1)[sel]).max())
    return errors
