"""Two LSTM relatives from the notes: the GRU (门限回归单元) and the peephole LSTM (窥视孔连接)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import _validate as check
from .activations import sigmoid_grad_from_output, tanh_grad_from_output
from .cells import Cell, LSTMCell, LSTMState, LSTMStep


# ==========================================================================================
@dataclass(eq=False)
class GRUStep:
    """Every intermediate of one GRU step, each ``(batch, hidden)``: reset gate r, update gate z,
    candidate n, ``hn`` = h_{t-1} W_hn + b_hn (kept because r multiplies it), new state h."""

    prev: np.ndarray
    r: np.ndarray
    z: np.ndarray
    n: np.ndarray
    hn: np.ndarray
    h: np.ndarray
    x: np.ndarray | None = None

    @property
    def h_prev(self):
        return self.prev

    def as_dict(self, vocabulary: str = "standard") -> dict:
        """The intermediates by name: r, z, n, h (the notes name no GRU gates of their own)."""
        if vocabulary != "standard":
            raise ValueError(f"vocabulary: expected 'standard' (the GRU has no notes' names), got {vocabulary!r}")
        return {"r": self.r, "z": self.z, "n": self.n, "h": self.h}


class GRUCell(Cell):
    """The gated recurrent unit (Cho et al. 2014), in PyTorch's convention (reset AFTER the matmul):

        r = sigmoid(x W_xr + b_xr + h_{t-1} W_hr + b_hr)      reset gate
        z = sigmoid(x W_xz + b_xz + h_{t-1} W_hz + b_hz)      update gate
        n = tanh(x W_xn + b_xn + r * (h_{t-1} W_hn + b_hn))   candidate
        h_t = (1 - z) * n + z * h_{t-1}

    Cho's paper applies r before the matmul, (r * h_{t-1}) W_hn; the two differ only in that
    line. We follow PyTorch/cuDNN so weights move between them exactly; that needs two biases.
    params: W_x (input_size, 3H), W_h (H, 3H), b_x (3H,), b_h (3H,), blocks in order r, z, n.
    ``update_bias`` is added to the z block of b_x: positive values make the cell keep its state
    by default (the GRU's "remember by default", like the LSTM's forget_bias).
    """

    n_blocks = 3
    hidden_bias = "b_h"

    def __init__(self, input_size, hidden_size, *, seed=0, dtype=np.float64, update_bias=0.0):
        super().__init__(input_size, hidden_size, seed=seed, dtype=dtype)
        self.update_bias = check.real_number("update_bias", update_bias)
        H = self.hidden_size
        self.params["b_x"][H:2 * H] += self.dtype.type(self.update_bias)

    def recur(self, xp, h_prev):
        H = self.hidden_size
        hp = h_prev @ self.params["W_h"] + self.params["b_h"]
        rz = 0.5 * np.tanh(0.5 * (xp[:, :2 * H] + hp[:, :2 * H])) + 0.5
        r, z = rz[:, :H], rz[:, H:]
        hn = hp[:, 2 * H:]
        n = np.tanh(xp[:, 2 * H:] + r * hn)
        h = (1.0 - z) * n + z * h_prev
        return h, GRUStep(prev=h_prev, r=r, z=z, n=n, hn=hn, h=h)

    def recur_backward(self, dh, s):
        da_n = dh * (1.0 - s.z) * tanh_grad_from_output(s.n)
        da_r = da_n * s.hn * sigmoid_grad_from_output(s.r)
        da_z = dh * (s.prev - s.n) * sigmoid_grad_from_output(s.z)
        d_xp = np.concatenate([da_r, da_z, da_n], axis=1)
        d_hp = np.concatenate([da_r, da_z, da_n * s.r], axis=1)
        dh_prev = dh * s.z + d_hp @ self.params["W_h"].T
        return d_xp, d_hp, dh_prev, {}


# ==========================================================================================
@dataclass(eq=False)
class PeepholeLSTMStep(LSTMStep):
    """An LSTM step whose gates also looked at the cell (same names as ``LSTMStep``)."""


class PeepholeLSTMCell(LSTMCell):
    """The LSTM with peephole connections (Gers, Schraudolph & Schmidhuber 2002).

    The gates see the long-term memory through diagonal weights (one number per unit):
        i = sigmoid(a_i + p_i * c_{t-1})     f = sigmoid(a_f + p_f * c_{t-1})
        g = tanh(a_g)                        c_t = f * c_{t-1} + i * g
        o = sigmoid(a_o + p_o * c_t)         h_t = o * tanh(c_t)
    The output gate peeks at the NEW cell c_t, the input and forget gates at the old one.
    params: those of ``LSTMCell`` plus p_i, p_f, p_o, each (H,).
    """

    def __init__(self, input_size, hidden_size, *, seed=0, dtype=np.float64, forget_bias=0.0):
        super().__init__(input_size, hidden_size, seed=seed, dtype=dtype, forget_bias=forget_bias)
        rng = np.random.default_rng(None if seed is None else seed + 1)
        bound = 1.0 / np.sqrt(self.hidden_size)
        for name in ("p_i", "p_f", "p_o"):
            self.params[name] = rng.uniform(-bound, bound, self.hidden_size).astype(self.dtype)

    def recur(self, xp, state):
        H, p = self.hidden_size, self.params
        a = xp + state.h @ p["W_h"]
        a[:, :H] += p["p_i"] * state.c
        a[:, H:2 * H] += p["p_f"] * state.c
        a_o = a[:, 3 * H:].copy()  # o must wait for the new c
        act, i, f, g, o = self._gates(a)
        c = f * state.c + i * g
        o[...] = 0.5 * np.tanh(0.5 * (a_o + p["p_o"] * c)) + 0.5
        tanh_c = np.tanh(c)
        h = o * tanh_c
        return LSTMState(h, c), PeepholeLSTMStep(prev=state, i=i, f=f, g=g, o=o, c=c, tanh_c=tanh_c, h=h, act=act)

    def recur_backward(self, d_state, r):
        p = self.params
        dh, dc = d_state
        da_o = dh * r.tanh_c * sigmoid_grad_from_output(r.o)
        dc = dc + dh * r.o * tanh_grad_from_output(r.tanh_c) + da_o * p["p_o"]
        da_i = dc * r.g * sigmoid_grad_from_output(r.i)
        da_f = dc * r.prev.c * sigmoid_grad_from_output(r.f)
        da_g = dc * r.i * tanh_grad_from_output(r.g)
        da = np.concatenate([da_i, da_f, da_g, da_o], axis=1)
        dc_prev = dc * r.f + da_i * p["p_i"] + da_f * p["p_f"]
        peep = {"p_i": (da_i * r.prev.c).sum(axis=0),
                "p_f": (da_f * r.prev.c).sum(axis=0),
                "p_o": (da_o * r.c).sum(axis=0)}
        return da, da, LSTMState(da @ p["W_h"].T, dc_prev), peep
