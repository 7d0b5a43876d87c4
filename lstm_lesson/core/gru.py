"""The gated recurrent unit, the notes' 门限回归单元 (standard Chinese: 门控循环单元)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import validate as check
from .activations import sigmoid_grad_from_output, tanh_grad_from_output
from .cells import Cell
from .language import say


@dataclass(eq=False)
class GRURecord:
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
            raise ValueError(say(f"vocabulary: expected 'standard' (the GRU has no notes' names), got {vocabulary!r}",
                                 f"vocabulary：应为 'standard'（笔记没有给 GRU 的门起名字），传入的是 {vocabulary!r}"))
        return {"r": self.r, "z": self.z, "n": self.n, "h": self.h}


class GRUCell(Cell):
    """The gated recurrent unit (Cho et al. 2014), in PyTorch's convention (reset AFTER the matmul):

        r = sigmoid(x W_xr + b_xr + h_{t-1} W_hr + b_hr)      reset gate
        z = sigmoid(x W_xz + b_xz + h_{t-1} W_hz + b_hz)      update gate
        n = tanh(x W_xn + b_xn + r * (h_{t-1} W_hn + b_hn))   candidate
        h_t = (1 - z) * n + z * h_{t-1}

    Cho et al.'s arXiv 1406.1078v1 resets after the matmul too; v3 applies r before it,
    (r * h_{t-1}) W_hn (Keras reset_after=False); the two differ only in that line. We follow
    PyTorch/cuDNN so weights move between them exactly; that needs the second bias b_hn.
    params: W_x (input_size, 3H), W_h (H, 3H), b_x (3H,), b_h (3H,), blocks in order r, z, n.
    ``update_bias`` is added to the z block of b_x: positive values make the cell keep its state
    by default (the GRU's "remember by default", like the LSTM's forget_bias).
    The readable version is ``reference.gru_step`` (proven equal in tests/test_reference_steps.py);
    here r and z come from one tanh over both blocks, sigmoid(a) = (1 + tanh(a/2)) / 2.
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
        return h, GRURecord(prev=h_prev, r=r, z=z, n=n, hn=hn, h=h)

    def recur_backward(self, dh, s):
        da_n = dh * (1.0 - s.z) * tanh_grad_from_output(s.n)
        da_r = da_n * s.hn * sigmoid_grad_from_output(s.r)
        da_z = dh * (s.prev - s.n) * sigmoid_grad_from_output(s.z)
        d_xp = np.concatenate([da_r, da_z, da_n], axis=1)
        d_hp = np.concatenate([da_r, da_z, da_n * s.r], axis=1)
        dh_prev = dh * s.z + d_hp @ self.params["W_h"].T
        return d_xp, d_hp, dh_prev, {}
