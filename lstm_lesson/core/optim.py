"""Optimizers that update parameter arrays in place, and gradient clipping by global norm."""

from __future__ import annotations

import numpy as np

from . import validate as check
from .language import say


def global_norm(grads: dict) -> float:
    """sqrt of the sum of squares of every gradient array (grads: name -> array of any shape),
    summed in float64 so that float32 gradients cannot overflow on the way."""
    if not isinstance(grads, dict):
        raise TypeError(say(f"grads: expected a dict name -> array, got {type(grads).__name__}",
                            f"grads：应为 dict（名字 -> 数组），传入的是 {type(grads).__name__}"))
    total = 0.0
    for g in grads.values():
        g = np.asarray(g, dtype=np.float64)
        total += float(np.vdot(g, g))
    return float(np.sqrt(total))


def clip_by_global_norm(grads: dict, max_norm: float):
    """Pascanu, Mikolov & Bengio 2013, Algorithm 1: if ||g|| >= max_norm, g <- max_norm * g / ||g||.

    The direction is kept, only the step length is capped. Returns ``(clipped_grads, norm)``
    where ``norm`` is the norm before clipping. The input dict is not modified.
    """
    max_norm = check.real_number("max_norm", max_norm)
    if max_norm <= 0:
        raise ValueError(say(f"max_norm: expected a positive number, got {max_norm}",
                             f"max_norm：应为正数，传入的是 {max_norm}"))
    norm = global_norm(grads)
    if not np.isfinite(norm):
        raise ValueError(say(f"grads: expected finite gradients, got a global norm of {norm} "
                             "(a NaN or inf came out of the backward pass: lower the learning rate)",
                             f"grads：梯度应为有限值，传入的全局范数是 {norm}"
                             "（反向传播算出了 NaN 或 inf：请调低学习率）"))
    if norm >= max_norm:
        scale = max_norm / norm
        return {k: g * g.dtype.type(scale) for k, g in grads.items()}, norm
    return dict(grads), norm


class _Optimizer:
    def __init__(self, params: dict, lr: float):
        if not isinstance(params, dict) or not params:
            raise TypeError(say(f"params: expected a non-empty dict of arrays, got {type(params).__name__}",
                                f"params：应为非空的数组 dict，传入的是 {type(params).__name__}"))
        self.params = params
        self.lr = check.real_number("lr", lr)
        if self.lr <= 0:
            raise ValueError(say(f"lr: expected a positive learning rate, got {self.lr}",
                                 f"lr：学习率应为正数，传入的是 {self.lr}"))

    def _check(self, grads):
        if not isinstance(grads, dict):
            raise TypeError(say(f"grads: expected a dict name -> array like params, got {type(grads).__name__}",
                                f"grads：应为和 params 一样的 dict（名字 -> 数组），传入的是 {type(grads).__name__}"))
        missing = set(self.params) - set(grads)
        if missing:
            raise ValueError(say(f"grads: expected a gradient for every parameter, missing {sorted(missing)}",
                                 f"grads：每个参数都应有梯度，缺少 {sorted(missing)}"))
        for k, p in self.params.items():
            if np.shape(grads[k]) != p.shape:
                raise ValueError(say(f"grads[{k!r}]: expected shape {p.shape}, got {np.shape(grads[k])}",
                                     f"grads[{k!r}]：形状应为 {p.shape}，传入的是 {np.shape(grads[k])}"))


class SGD(_Optimizer):
    """Plain gradient descent: p <- p - lr * g."""

    def step(self, grads: dict):
        self._check(grads)
        for k, p in self.params.items():
            p -= p.dtype.type(self.lr) * grads[k]


class Adam(_Optimizer):
    """Adam (Kingma & Ba 2015) with bias correction; moments kept per parameter name."""

    def __init__(self, params: dict, lr: float = 1e-3, betas=(0.9, 0.999), eps: float = 1e-8):
        super().__init__(params, lr)
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise TypeError(say(f"betas: expected a pair (beta1, beta2), got {betas!r}",
                                f"betas：应为一对数 (beta1, beta2)，传入的是 {betas!r}"))
        self.b1, self.b2 = (check.real_number("betas[0]", betas[0]), check.real_number("betas[1]", betas[1]))
        for name, b in (("betas[0]", self.b1), ("betas[1]", self.b2)):
            if not 0.0 <= b < 1.0:
                raise ValueError(say(f"{name}: expected a number in [0, 1), got {b}",
                                     f"{name}：应为 [0, 1) 内的数，传入的是 {b}"))
        self.eps = check.real_number("eps", eps)
        if self.eps <= 0:
            raise ValueError(say(f"eps: expected a positive number (it keeps the step finite), got {self.eps}",
                                 f"eps：应为正数（它让步长保持有限），传入的是 {self.eps}"))
        self.m = {k: np.zeros_like(p) for k, p in params.items()}
        self.v = {k: np.zeros_like(p) for k, p in params.items()}
        self.t = 0

    def step(self, grads: dict):
        self._check(grads)
        self.t += 1
        # Fold both bias corrections into the step size (the paper's efficient form).
        lr_t = self.lr * np.sqrt(1 - self.b2 ** self.t) / (1 - self.b1 ** self.t)
        for k, p in self.params.items():
            g, m, v = grads[k], self.m[k], self.v[k]
            m *= self.b1
            m += (1 - self.b1) * g
            v *= self.b2
            v += (1 - self.b2) * (g * g)
            p -= p.dtype.type(lr_t) * m / (np.sqrt(v) + p.dtype.type(self.eps))
