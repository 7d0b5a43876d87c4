"""Pascanu, Mikolov & Bengio's cliff (2013, Fig. 6): one recurrent unit, one wall in the loss.

    x_t = w · sigmoid(x_{t-1}) + b,   x_0 = 0.5,   E(w, b) = (sigmoid(x_50) - 0.7)^2

For some (w, b) the unit has two stable states and x_50 switches between them when b crosses a
line: E jumps there, and its gradient is enormous on the wall and tiny on either side. A plain
gradient step taken on the wall throws the parameters far away; clipping the gradient's norm
(their Algorithm 1) keeps the direction and caps the step.

Everything here is vectorised over arrays of (w, b), so a whole grid of starting points runs at once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..core import validate as check
from ..core.activations import sigmoid
from ..core.language import say

STEPS = 50
X0 = 0.5
TARGET = 0.7


def cliff_loss(w, b, steps=STEPS):
    """E(w, b) = (sigmoid(x_steps) - 0.7)^2 for arrays w, b of the same shape (or broadcastable)."""
    steps = check.positive_int("steps", steps)
    w, b = np.broadcast_arrays(np.asarray(w, np.float64), np.asarray(b, np.float64))
    x = np.full(w.shape, X0)
    for _ in range(steps):
        x = w * sigmoid(x) + b
    return (sigmoid(x) - TARGET) ** 2


def cliff_loss_and_grad(w, b, steps=STEPS):
    """E and its gradient (dE/dw, dE/db) by backpropagation through the ``steps`` time steps.

    w, b: arrays of one shape. Returns ``(E, dE_dw, dE_db)``, each that shape.
    """
    steps = check.positive_int("steps", steps)
    w, b = np.broadcast_arrays(np.asarray(w, np.float64), np.asarray(b, np.float64))
    s = [sigmoid(np.full(w.shape, X0))]  # s[t] = sigmoid(x_t)
    for _ in range(steps):
        s.append(sigmoid(w * s[-1] + b))
    E = (s[-1] - TARGET) ** 2
    dx = 2.0 * (s[-1] - TARGET) * s[-1] * (1.0 - s[-1])  # dE/dx_steps
    dw = np.zeros(w.shape)
    db = np.zeros(w.shape)
    for t in range(steps, 0, -1):
        # x_t = w s_{t-1} + b: every step adds its share to dw and db, then the error moves back
        dw += dx * s[t - 1]
        db += dx
        dx = dx * w * s[t - 1] * (1.0 - s[t - 1])  # the factor w·sigmoid' that vanishes or explodes
    return E, dw, db


def _sigmoid_scalar(z: float) -> float:
    """``sigmoid`` for one float: the same formula and numpy's own tanh (math.tanh differs in the last
    bit for a quarter of inputs, and the cliff's wall amplifies such bits into different paths)."""
    return 0.5 * float(np.tanh(0.5 * z)) + 0.5


def _loss_and_grad_scalar(w: float, b: float, steps: int = STEPS) -> tuple[float, float, float]:
    """``cliff_loss_and_grad`` for one (w, b), in Python floats: the same sums in the same order.

    What it buys: one descent of 300 steps (the widget's slider) in 4.7 ms instead of 84 ms (Intel
    Xeon, one run), because every numpy operation on a 0-d array costs about a microsecond.
    """
    s = [_sigmoid_scalar(X0)]
    for _ in range(steps):
        s.append(_sigmoid_scalar(w * s[-1] + b))
    E = (s[-1] - TARGET) ** 2
    dx = 2.0 * (s[-1] - TARGET) * s[-1] * (1.0 - s[-1])
    dw = db = 0.0
    for t in range(steps, 0, -1):
        dw += dx * s[t - 1]
        db += dx
        dx = dx * w * s[t - 1] * (1.0 - s[t - 1])
    return E, dw, db


def find_wall(w, b_low, b_high, *, iterations=60):
    """The b where E jumps, for a fixed w, by bisection between ``b_low`` and ``b_high``
    (which must lie on the two different plateaus). Returns a float."""
    w, lo, hi = (check.real_number(n, v) for n, v in (("w", w), ("b_low", b_low), ("b_high", b_high)))
    low_side = cliff_loss(w, lo) > 0.25  # the plateau where sigmoid(x_50) is near 0 (E near 0.49)
    if (cliff_loss(w, hi) > 0.25) == low_side:
        raise ValueError(say(f"b_low, b_high: expected b values on the two sides of the wall, got {lo} and {hi} "
                             "(the loss is on the same plateau at both)",
                             f"b_low, b_high：应为悬崖两侧的 b 值，传入的是 {lo} 和 {hi}（两处的损失在同一个平台上）"))
    for _ in range(iterations):
        mid = 0.5 * (lo + hi)
        if (cliff_loss(w, mid) > 0.25) == low_side:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def clip_update(dw, db, threshold):
    """Pascanu et al.'s Algorithm 1 on the gradient (dw, db): if its norm is at least ``threshold``,
    rescale it to length ``threshold``; the direction is kept. Returns the clipped (dw, db)."""
    norm = np.sqrt(dw * dw + db * db)
    scale = np.where(norm >= threshold, threshold / np.maximum(norm, threshold), 1.0)
    return dw * scale, db * scale


@dataclass
class DescentPaths:
    """Gradient descent from many starts. w, b, loss: (steps + 1, *starts shape); jump: the longest
    single step each path took, in parameter units (starts shape)."""

    w: np.ndarray
    b: np.ndarray
    loss: np.ndarray
    jump: np.ndarray


def descend(w0, b0, *, lr=0.5, steps=300, clip=None):
    """Plain gradient descent on E from every start (w0, b0) at once.

    clip: None for no clipping, or the norm threshold of Algorithm 1 (then no step is longer than
    lr * clip). Returns a ``DescentPaths``.
    """
    lr = check.real_number("lr", lr)
    steps = check.positive_int("steps", steps)
    if clip is not None:
        clip = check.real_number("clip", clip)
        if clip <= 0:
            raise ValueError(say(f"clip: expected a positive threshold or None, got {clip}",
                                 f"clip：应为正的阈值或 None，传入的是 {clip}"))

    w, b = np.broadcast_arrays(np.asarray(w0, np.float64), np.asarray(b0, np.float64))
    if w.size == 1:  # one start (the widget): the same descent in Python floats, 18x faster
        return _descend_one(float(w.flat[0]), float(b.flat[0]), w.shape, lr=lr, steps=steps, clip=clip)
    w, b = w.copy(), b.copy()
    ws, bs, losses = [w.copy()], [b.copy()], []
    jump = np.zeros(w.shape)
    for _ in range(steps):
        E, dw, db = cliff_loss_and_grad(w, b)
        if clip is not None:
            dw, db = clip_update(dw, db, clip)
        w -= lr * dw
        b -= lr * db
        jump = np.maximum(jump, lr * np.sqrt(dw * dw + db * db))
        losses.append(E)
        ws.append(w.copy())
        bs.append(b.copy())
    losses.append(cliff_loss(w, b))
    return DescentPaths(w=np.array(ws), b=np.array(bs), loss=np.array(losses), jump=jump)


def _descend_one(w: float, b: float, shape, *, lr: float, steps: int, clip: float | None) -> DescentPaths:
    """``descend`` from a single start, in Python floats (see ``_loss_and_grad_scalar``)."""
    ws, bs, losses, jump = [w], [b], [], 0.0
    for _ in range(steps):
        E, dw, db = _loss_and_grad_scalar(w, b)
        norm = math.sqrt(dw * dw + db * db)
        if clip is not None and norm >= clip:  # Algorithm 1, as in clip_update
            dw, db = dw * (clip / norm), db * (clip / norm)
            norm = math.sqrt(dw * dw + db * db)
        w -= lr * dw
        b -= lr * db
        jump = max(jump, lr * norm)
        losses.append(E)
        ws.append(w)
        bs.append(b)
    losses.append(_loss_and_grad_scalar(w, b)[0])
    as_paths = np.array  # (steps + 1,) then the start's own shape, as the array path returns
    return DescentPaths(w=as_paths(ws).reshape(-1, *shape), b=as_paths(bs).reshape(-1, *shape),
                        loss=as_paths(losses).reshape(-1, *shape), jump=np.full(shape, jump))
