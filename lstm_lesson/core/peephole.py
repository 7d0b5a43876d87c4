"""The LSTM with peephole connections, the notes' 窥视孔连接: the gates also look at the cell."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .activations import sigmoid_grad_from_output, tanh_grad_from_output
from .cells import LSTMCell, LSTMRecord, LSTMState


@dataclass(eq=False)
class PeepholeLSTMRecord(LSTMRecord):
    """An LSTM step whose gates also looked at the cell (same names as ``LSTMRecord``)."""


class PeepholeLSTMCell(LSTMCell):
    """The LSTM with peephole connections (Gers & Schmidhuber 2000, "Recurrent nets that time and count";
    used for precise timing by Gers, Schraudolph & Schmidhuber 2002).

    The gates see the long-term memory through diagonal weights (one number per unit):
        i = sigmoid(a_i + p_i * c_{t-1})     f = sigmoid(a_f + p_f * c_{t-1})
        g = tanh(a_g)                        c_t = f * c_{t-1} + i * g
        o = sigmoid(a_o + p_o * c_t)         h_t = o * tanh(c_t)
    The output gate peeks at the NEW cell c_t, the input and forget gates at the old one.
    params: those of ``LSTMCell`` plus p_i, p_f, p_o, each (H,).
    The readable version is ``reference.peephole_step`` (proven equal in tests/test_reference_steps.py).
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
        return LSTMState(h, c), PeepholeLSTMRecord(prev=state, i=i, f=f, g=g, o=o, c=c, tanh_c=tanh_c, h=h, act=act)

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
