"""Recurrent cells: the plain RNN and the LSTM (GRU and peephole LSTM live in variants.py).

Every cell follows one protocol, so unrolling, stacking, training and the widgets treat them alike:

- ``cell.zero_state(batch_size)``: the state before the first step (an array ``(batch, hidden)``,
  or an ``LSTMState(h, c)`` pair for the LSTM family).
- ``new_state, record = cell.step(x, state)``: one time step; ``record`` names every intermediate.
- ``dx, d_prev_state, grads = cell.step_backward(d_new_state, record)``: its gradients.
- ``cell.dynamic_rnn`` / ``cell.bptt``: the same steps over ``(batch, time, input)``,
  with the input projection for all time steps done as one matmul before the time loop and the
  weight gradients as one matmul after it (that is where the speed comes from; the step itself is
  the same code, ``recur`` and ``recur_backward``).

Weights act on row vectors: ``x @ W_x`` with ``W_x: (input_size, gates * hidden_size)``, so a
batch is a stack of rows. Fused gate blocks are ordered like PyTorch's (LSTM: i, f, g, o).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from . import validate as check
from .activations import tanh_grad_from_output
from .dense import matmul_last_axis


class LSTMState(NamedTuple):
    """The LSTM's two memories: short-term ``h`` and long-term ``c``, each ``(batch, hidden)``."""

    h: np.ndarray
    c: np.ndarray


def _uniform(rng, shape, bound, dtype):
    return rng.uniform(-bound, bound, size=shape).astype(dtype)


def check_cache(cache):
    """The cache of ``dynamic_rnn(..., return_cache=True)``: (inputs, initial_state, outputs, records)."""
    if isinstance(cache, np.ndarray):
        raise TypeError("cache: expected the cache from dynamic_rnn(..., return_cache=True), got an array; "
                        "the order is bptt(cell, d_outputs, cache)")
    if not isinstance(cache, tuple) or len(cache) != 4:
        raise TypeError("cache: expected the cache from dynamic_rnn(..., return_cache=True), "
                        f"got {type(cache).__name__}")
    return cache


class Cell:
    """What every recurrent cell shares. Subclasses set ``n_blocks`` and write ``recur`` and
    ``recur_backward``; everything else (shapes, checks, sequences, weight gradients) is here.
    """

    n_blocks = 1  # how many hidden-sized blocks the fused pre-activation has
    hidden_bias = None  # name of a bias added after the recurrent matmul (GRU only)

    def __init__(self, input_size, hidden_size, *, seed=0, dtype=np.float64):
        self.input_size = check.positive_int("input_size", input_size)
        self.hidden_size = check.positive_int("hidden_size", hidden_size)
        self.dtype = check.float_dtype("dtype", dtype)
        rng = np.random.default_rng(check.seed("seed", seed))
        # PyTorch's default: U(-1/sqrt(H), 1/sqrt(H)) for every weight and bias.
        bound = 1.0 / np.sqrt(self.hidden_size)
        G = self.n_blocks * self.hidden_size
        self.params = {
            "W_x": _uniform(rng, (self.input_size, G), bound, self.dtype),
            "W_h": _uniform(rng, (self.hidden_size, G), bound, self.dtype),
        }
        if self.hidden_bias:
            self.params["b_x"] = _uniform(rng, (G,), bound, self.dtype)
            self.params[self.hidden_bias] = _uniform(rng, (G,), bound, self.dtype)
        else:
            self.params["b"] = _uniform(rng, (G,), bound, self.dtype)

    def __repr__(self):
        return (f"{type(self).__name__}(input_size={self.input_size}, hidden_size={self.hidden_size}, "
                f"dtype={self.dtype.name})")

    @property
    def input_bias(self):
        return "b_x" if self.hidden_bias else "b"

    def num_params(self) -> int:
        return sum(p.size for p in self.params.values())

    # ----- states -------------------------------------------------------------------------
    def zero_state(self, batch_size):
        """The all-zero state for ``batch_size`` sequences: ``(batch, hidden)``."""
        batch_size = check.positive_int("batch_size", batch_size)
        return np.zeros((batch_size, self.hidden_size), self.dtype)

    @staticmethod
    def hidden(state):
        """The part of a state that is the output (``h``)."""
        return state

    def check_state(self, name, state, batch_size):
        return self._check_array(name, state, (batch_size, self.hidden_size), ("batch", "hidden_size"))

    def _add_to_hidden(self, d_state, dh):
        return d_state + dh

    @staticmethod
    def copy_state(state):
        """An independent copy of a state (the records of a step keep references to theirs)."""
        return state.copy()

    def _check_array(self, name, value, shape, names):
        value = check.array(name, value, shape, names=names)
        if value.dtype != self.dtype:
            if value.dtype.kind == "f":
                raise TypeError(f"{name}: expected dtype {self.dtype} (the cell's dtype), got {value.dtype}")
            value = value.astype(self.dtype)
        return value

    # ----- one step -----------------------------------------------------------------------
    def project_inputs(self, x):
        """x @ W_x + b for one step ``(batch, input)`` or all steps ``(batch, time, input)`` at once."""
        return matmul_last_axis(x, self.params["W_x"]) + self.params[self.input_bias]

    def step(self, x, state=None):
        """One time step. x: (batch, input_size); state: the cell's state for that batch
        (zeros if None). Returns ``(new_state, record)``; ``record`` names every intermediate."""
        x = self._check_array("x", x, (None, self.input_size), ("batch", "input_size"))
        if state is None:
            state = self.zero_state(x.shape[0])
        # Copies in and out: the record must not change if the caller later edits x, the state it
        # passed in, or the state it got back in place (e.g. zeroing h at a document boundary).
        state = self.copy_state(self.check_state("state", state, x.shape[0]))
        new_state, record = self.recur(self.project_inputs(x), state)
        record.x = x.copy()
        return self.copy_state(new_state), record

    def step_backward(self, d_state, record):
        """Gradients of one step. d_state: dL/d(new state), same structure as the state.
        Returns ``(dx, d_prev_state, grads)`` with ``grads[name]`` shaped like ``params[name]``."""
        if getattr(record, "x", None) is None:
            raise ValueError("record: expected the record returned by cell.step (it keeps x), got one without x")
        d_state = self.check_state("d_state", d_state, record.x.shape[0])
        d_xp, d_hp, d_prev, extra = self.recur_backward(d_state, record)
        grads = self._weight_grads(record.x, self.hidden(record.prev), d_xp, d_hp)
        grads.update(extra)
        dx = d_xp @ self.params["W_x"].T
        return dx, d_prev, grads

    def recur(self, xp, state):  # pragma: no cover - every cell writes its own
        """One step of the recurrence, given the input already projected. The one method (with
        ``recur_backward``) a new cell must write; ``step``, ``dynamic_rnn`` and ``bptt`` call it.

        Parameters
        ----------
        xp : ndarray, shape (batch, n_blocks * hidden)
            ``x_t @ W_x + b`` (``b_x`` for the GRU): the input's share of every gate block, computed
            for all time steps at once before the time loop.
        state : the previous state: ndarray (batch, hidden), or ``LSTMState(h, c)`` for the LSTM family.

        Returns
        -------
        new_state : same structure and shapes as ``state``.
        record : the step's record (``RNNRecord``, ``LSTMRecord``, ...): every intermediate that
            ``recur_backward`` needs, each (batch, hidden), and ``prev``, the state passed in.
        """
        raise NotImplementedError

    def recur_backward(self, d_state, record):  # pragma: no cover
        """The gradients of one ``recur``, from the gradient on its new state.

        Parameters
        ----------
        d_state : dL/d(new_state), same structure and shapes as the state.
        record : the record that ``recur`` returned for this step.

        Returns
        -------
        d_xp : ndarray, shape (batch, n_blocks * hidden)
            dL/d(pre-activation) on the input side; ``Cell`` turns it into dL/dx, dL/dW_x and dL/db.
        d_hp : ndarray, shape (batch, n_blocks * hidden)
            dL/d(pre-activation) on the recurrent side, for dL/dW_h (and dL/db_h); the same array
            as ``d_xp`` except in the GRU, whose reset gate multiplies the recurrent part only.
        d_prev_state : dL/d(previous state), same structure as the state.
        extra : dict of the gradients of parameters that are neither W_x, W_h nor a bias
            (the peephole weights ``p_i``, ``p_f``, ``p_o``); ``{}`` for most cells.
        """
        raise NotImplementedError

    # ----- a whole sequence ---------------------------------------------------------------
    def dynamic_rnn(self, inputs, initial_state=None, *, return_cache=False):
        """Run the cell over ``inputs: (batch, time, input_size)``; the same as ``dynamic_rnn(cell, ...)``.

        initial_state: the cell's state for the batch, or None for zeros.
        Returns ``(outputs (batch, time, hidden), final_state)``, and with ``return_cache=True`` also
        the cache that ``bptt`` needs. The cache keeps ``inputs`` itself (not a copy, to stay fast):
        do not change that array in place before the backward pass.
        """
        state = initial_state
        inputs = self._check_array("inputs", inputs, (None, None, self.input_size),
                                   ("batch", "time", "input_size"))
        B, T, _ = inputs.shape
        if T == 0:
            raise ValueError("inputs: expected at least one time step, got shape "
                             f"({B}, 0, {self.input_size})")
        if state is None:
            state = self.zero_state(B)
        state = self.copy_state(self.check_state("initial_state", state, B))  # the cache keeps it
        xp = self.project_inputs(inputs)  # one matmul for every time step
        outputs = np.empty((B, T, self.hidden_size), self.dtype)
        records = []
        first = state
        for t in range(T):
            state, record = self.recur(xp[:, t], state)
            outputs[:, t] = self.hidden(state)
            records.append(record)
        # the returned final state is a copy: the last record still holds the original
        if return_cache:
            return outputs, self.copy_state(state), (inputs, first, outputs, records)
        return outputs, self.copy_state(state)

    def bptt(self, d_outputs, cache, d_final_state=None, *, truncate=None, input_grad=True):
        """Backpropagation through time over one ``dynamic_rnn``; the same as ``bptt(cell, ...)``.

        d_outputs: (batch, time, hidden), dL/d outputs; d_final_state: dL/d final state or None.
        truncate: if k, the gradient is cut every k steps (at t = k, 2k, ...), as if the sequence
        had been fed in windows of k steps with the state carried but not differentiated.
        input_grad: False skips d_inputs (returned as None), e.g. for one-hot characters.
        Returns ``(d_inputs, d_initial_state, grads)``.
        """
        inputs, first, outputs, records = check_cache(cache)
        B, T, _ = inputs.shape
        d_outputs = self._check_array("d_outputs", d_outputs, (B, T, self.hidden_size),
                                      ("batch", "time", "hidden_size"))
        if truncate is not None:
            truncate = check.positive_int("truncate", truncate)
        d_state = self.zero_state(B) if d_final_state is None else \
            self.check_state("d_final_state", d_final_state, B)
        G = self.n_blocks * self.hidden_size
        d_xp = np.empty((B, T, G), self.dtype)
        # Only the GRU's pre-activations differ between the input and the recurrent matmul.
        d_hp = d_xp if self.hidden_bias is None else np.empty((B, T, G), self.dtype)
        extras = {}
        for t in range(T - 1, -1, -1):
            d_state = self._add_to_hidden(d_state, d_outputs[:, t])
            dx_t, dh_t, d_state, extra = self.recur_backward(d_state, records[t])
            d_xp[:, t] = dx_t
            if d_hp is not d_xp:
                d_hp[:, t] = dh_t
            for k, v in extra.items():
                extras[k] = extras[k] + v if k in extras else v
            if truncate and t % truncate == 0 and t > 0:
                d_state = self._zero_like_state(d_state)
        h_prev = np.concatenate([self.hidden(first)[:, None], outputs[:, :-1]], axis=1)
        grads = self._weight_grads(inputs, h_prev, d_xp, d_hp)
        grads.update(extras)
        d_inputs = matmul_last_axis(d_xp, self.params["W_x"].T) if input_grad else None
        return d_inputs, d_state, grads

    def _zero_like_state(self, d_state):
        return np.zeros_like(d_state)

    def _weight_grads(self, x, h_prev, d_xp, d_hp):
        # Sum over batch and time in one matmul each: (features, B*T) @ (B*T, G).
        G = d_xp.shape[-1]
        xf = x.reshape(-1, self.input_size)
        hf = h_prev.reshape(-1, self.hidden_size)
        dxf = d_xp.reshape(-1, G)
        dhf = d_hp.reshape(-1, G)
        grads = {
            "W_x": xf.T @ dxf,
            "W_h": hf.T @ dhf,
            self.input_bias: dxf.sum(axis=0),
        }
        if self.hidden_bias:
            grads[self.hidden_bias] = dhf.sum(axis=0)
        return grads


# ==========================================================================================
@dataclass(eq=False)
class RNNRecord:
    """One plain-RNN step: h = tanh(x W_x + h_prev W_h + b)."""

    prev: np.ndarray  # h_{t-1}: (batch, hidden)
    h: np.ndarray  # h_t: (batch, hidden)
    x: np.ndarray | None = None


class RNNCell(Cell):
    """The plain (Elman) RNN: the new state is tanh of a linear mix of the last state and the input.

    h_t = tanh(x_t W_x + h_{t-1} W_h + b)   (the notes: 本次状态记忆 = 激活函数(上次状态记忆, 当前事件))
    params: W_x (input_size, hidden), W_h (hidden, hidden), b (hidden,).
    The readable version is ``reference.rnn_step`` (proven equal in tests/test_reference_steps.py);
    here the input projection of all time steps is one matmul before the time loop.
    """

    n_blocks = 1

    def recur(self, xp, h_prev):
        h = np.tanh(xp + h_prev @ self.params["W_h"])
        return h, RNNRecord(prev=h_prev, h=h)

    def recur_backward(self, dh, r):
        da = dh * tanh_grad_from_output(r.h)
        return da, da, da @ self.params["W_h"].T, {}


# ==========================================================================================
@dataclass(eq=False)
class LSTMRecord:
    """Every intermediate of one LSTM step, each ``(batch, hidden)``.

    Standard names: i (input gate), f (forget gate), g (candidate, d2l's "input node"),
    o (output gate), c (new cell state), h (new hidden state).
    The notes' four gates are properties: ``learn_gate`` = i*g, ``forget_gate`` = f*c_prev,
    ``remember_gate`` = c (their sum), ``use_gate`` = h.
    """

    prev: LSTMState
    i: np.ndarray
    f: np.ndarray
    g: np.ndarray
    o: np.ndarray
    c: np.ndarray
    tanh_c: np.ndarray
    h: np.ndarray
    x: np.ndarray | None = None
    act: np.ndarray | None = None  # (batch, 4H): i, f, g, o side by side (the views above)

    @property
    def h_prev(self):
        return self.prev.h

    @property
    def c_prev(self):
        return self.prev.c

    # the notes' vocabulary: 学习门, 遗忘门, 记忆门, 使用门
    @property
    def learn_gate(self):
        """学习门: what is learned now, the candidate N_t = g times the ignore factor i_t."""
        return self.i * self.g

    @property
    def forget_gate(self):
        """遗忘门: the long-term memory that is kept, c_{t-1} times the forget factor f_t."""
        return self.f * self.prev.c

    @property
    def remember_gate(self):
        """记忆门: the new long-term memory, forget gate output plus learn gate output."""
        return self.c

    @property
    def use_gate(self):
        """使用门: the new short-term memory and output, o_t * tanh(c_t)."""
        return self.h

    def as_dict(self, vocabulary: str = "standard") -> dict:
        """The intermediates by name: ``"standard"`` (i, f, g, o, c, h) or ``"notes"``."""
        if vocabulary == "standard":
            return {"i": self.i, "f": self.f, "g": self.g, "o": self.o, "c": self.c, "h": self.h}
        if vocabulary == "notes":
            return {"learn_gate": self.learn_gate, "forget_gate": self.forget_gate,
                    "remember_gate": self.remember_gate, "use_gate": self.use_gate}
        raise ValueError(f"vocabulary: expected 'standard' or 'notes', got {vocabulary!r}")


class LSTMCell(Cell):
    """The standard LSTM (Hochreiter & Schmidhuber 1997, with the forget gate of Gers et al. 2000).

        a = x_t W_x + h_{t-1} W_h + b          four blocks, in PyTorch's order i, f, g, o
        i = sigmoid(a_i)   f = sigmoid(a_f)   g = tanh(a_g)   o = sigmoid(a_o)
        c_t = f * c_{t-1} + i * g              long-term memory: an additive update
        h_t = o * tanh(c_t)                    short-term memory and output

    params: W_x (input_size, 4H), W_h (H, 4H), b (4H,). ``forget_bias`` is added to the forget
    block of ``b`` at initialisation (1.0 is the usual "remember by default").

    The readable version is ``reference.lstm_step``; tests/test_reference_steps.py proves this cell
    equal to it to 1e-12 (float64). What the fusion buys, measured side by side in one run (Intel
    Xeon, one BLAS thread, batch 32, H=128, float32): the gates from ONE tanh over all four blocks
    (below) cost 1/1.6 of three sigmoids and a tanh, and ``recur`` given the input projection runs
    1.6x as fast as ``lstm_step``. Over a whole sequence the forward pass, which also keeps every
    step's record for BPTT, ran at 0.7x the speed of a loop of ``lstm_step`` that keeps nothing.
    """

    n_blocks = 4

    def __init__(self, input_size, hidden_size, *, seed=0, dtype=np.float64, forget_bias=0.0):
        super().__init__(input_size, hidden_size, seed=seed, dtype=dtype)
        self.forget_bias = check.real_number("forget_bias", forget_bias)
        H = self.hidden_size
        self.params["b"][H:2 * H] += self.dtype.type(self.forget_bias)
        # sigmoid(a) = (1 + tanh(a/2)) / 2, so ONE tanh over all four blocks gives every gate:
        # act = tanh(a * scale) * scale + shift, with scale 1/2 and shift 1/2 on the sigmoid
        # blocks (i, f, o) and scale 1, shift 0 on the tanh block (g).
        scale = np.full(4 * H, 0.5, self.dtype)
        scale[2 * H:3 * H] = 1.0
        self._scale, self._shift = scale, (scale == 0.5).astype(self.dtype) * 0.5
        # derivative from the output: (1 - act) * (act + low) is s(1 - s) for a sigmoid (low 0)
        # and (1 - g)(1 + g) = 1 - g^2 for tanh (low 1).
        self._low = 1.0 - 2.0 * self._shift

    def zero_state(self, batch_size):
        batch_size = check.positive_int("batch_size", batch_size)
        z = np.zeros((batch_size, self.hidden_size), self.dtype)
        return LSTMState(z, z.copy())

    @staticmethod
    def hidden(state):
        return state.h

    def check_state(self, name, state, batch_size):
        if not isinstance(state, tuple) or len(state) != 2:
            raise TypeError(f"{name}: expected an LSTMState(h, c) pair, got {type(state).__name__}")
        shape, names = (batch_size, self.hidden_size), ("batch", "hidden_size")
        return LSTMState(self._check_array(f"{name}.h", state[0], shape, names),
                         self._check_array(f"{name}.c", state[1], shape, names))

    def _add_to_hidden(self, d_state, dh):
        return LSTMState(d_state.h + dh, d_state.c)

    @staticmethod
    def copy_state(state):
        return LSTMState(state.h.copy(), state.c.copy())

    def _zero_like_state(self, d_state):
        return LSTMState(np.zeros_like(d_state.h), np.zeros_like(d_state.c))

    def _gates(self, a):
        """Turn the pre-activation a: (batch, 4H) into the gates in place; returns act and its
        four views i, f, g, o."""
        H = self.hidden_size
        a *= self._scale
        np.tanh(a, out=a)
        a *= self._scale
        a += self._shift
        return a, a[:, :H], a[:, H:2 * H], a[:, 2 * H:3 * H], a[:, 3 * H:]

    def recur(self, xp, state):
        a = state.h @ self.params["W_h"]
        a += xp
        act, i, f, g, o = self._gates(a)
        c = f * state.c
        c += i * g
        tanh_c = np.tanh(c)
        h = o * tanh_c
        return LSTMState(h, c), LSTMRecord(prev=state, i=i, f=f, g=g, o=o, c=c, tanh_c=tanh_c, h=h, act=act)

    def recur_backward(self, d_state, r):
        H = self.hidden_size
        dh, dc = d_state
        # dc_total = dc + dh * o * (1 - tanh(c)^2): the cell's error from above plus from h
        dc_total = r.tanh_c * r.tanh_c
        np.subtract(1.0, dc_total, out=dc_total)
        dc_total *= r.o
        dc_total *= dh
        dc_total += dc
        # dL/d(gate value) for each block, then times the gate's derivative
        da = np.empty_like(r.act)
        np.multiply(dc_total, r.g, out=da[:, :H])  # c = f c_prev + i g  ->  dL/di = dc g
        np.multiply(dc_total, r.prev.c, out=da[:, H:2 * H])  # dL/df = dc c_prev
        np.multiply(dc_total, r.i, out=da[:, 2 * H:3 * H])  # dL/dg = dc i
        np.multiply(dh, r.tanh_c, out=da[:, 3 * H:])  # h = o tanh(c)  ->  dL/do = dh tanh(c)
        da *= (1.0 - r.act) * (r.act + self._low)
        # The carousel: the only path from c_t back to c_{t-1} is a multiplication by f.
        d_prev = LSTMState(da @ self.params["W_h"].T, dc_total * r.f)
        return da, da, d_prev, {}
