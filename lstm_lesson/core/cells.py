"""Recurrent cells: the plain RNN and the LSTM (GRU and peephole LSTM live in variants.py).

Every cell follows one protocol, so unrolling, stacking, training and the widgets treat them alike:

- ``cell.zero_state(batch_size)``: the state before the first step (an array ``(batch, hidden)``,
  or an ``LSTMState(h, c)`` pair for the LSTM family).
- ``new_state, record = cell.step(x, state)``: one time step; ``record`` names every intermediate.
- ``dx, d_prev_state, grads = cell.step_backward(d_new_state, record)``: its gradients.
- ``cell.dynamic_rnn`` / ``cell.bptt``: the same steps over ``(batch, time, input)``,
  with the input projection for all time steps done as one matmul before the time loop and the
  weight gradients as one matmul after it (that is where the speed comes from; the step itself is
  the same code, ``recur`` and ``recur_backward``). ``LSTMCell`` alone runs a fused version of
  that loop (the same equations over buffers allocated once per sequence; see its docstring).
  Without ``return_cache`` no record is kept: that is inference.

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
from .language import say


class LSTMState(NamedTuple):
    """The LSTM's two memories: short-term ``h`` and long-term ``c``, each ``(batch, hidden)``."""

    h: np.ndarray
    c: np.ndarray


def _input_weight_grad(x, d_xp_rows, input_size, dtype):
    """dL/dW_x = x^T @ d_xp summed over batch and time; d_xp_rows: (n, G) in the order of ``x``'s
    rows. Integer ids are one-hot rows: the matmul with a one-hot matrix is the sparse sum of
    d_xp's rows per id, and still the fastest way to it in numpy (at vocab 65, B*T=1600, G=512:
    one-hot matmul 1.0 ms, np.add.at 5.2 ms, sort + np.add.reduceat 6.0 ms, measured)."""
    if x.dtype.kind in "iu":
        return np.eye(input_size, dtype=dtype)[x.reshape(-1)].T @ d_xp_rows
    return x.reshape(-1, input_size).T @ d_xp_rows


def _uniform(rng, shape, bound, dtype):
    return rng.uniform(-bound, bound, size=shape).astype(dtype)


def check_cache(cache):
    """The cache of ``dynamic_rnn(..., return_cache=True)``: (inputs, initial_state, outputs, records)."""
    if isinstance(cache, np.ndarray):
        raise TypeError(say("cache: expected the cache from dynamic_rnn(..., return_cache=True), got an array; "
                            "the order is bptt(cell, d_outputs, cache)",
                            "cache：应为 dynamic_rnn(..., return_cache=True) 返回的 cache，传入的是一个数组；"
                            "参数顺序是 bptt(cell, d_outputs, cache)"))
    if not isinstance(cache, tuple) or len(cache) != 4:
        raise TypeError(say("cache: expected the cache from dynamic_rnn(..., return_cache=True), "
                            f"got {type(cache).__name__}",
                            "cache：应为 dynamic_rnn(..., return_cache=True) 返回的 cache，"
                            f"传入的是 {type(cache).__name__}"))
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
                raise TypeError(say(f"{name}: expected dtype {self.dtype} (the cell's dtype), got {value.dtype}",
                                    f"{name}：dtype 应为 {self.dtype}（单元的 dtype），传入的是 {value.dtype}"))
            value = value.astype(self.dtype)
        return value

    # ----- one step -----------------------------------------------------------------------
    def project_inputs(self, x):
        """x @ W_x + b for one step ``(batch, input)`` or all steps ``(batch, time, input)`` at once.

        Integer ids ``(batch, time)`` stand for one-hot rows: one_hot(ids) @ W_x + b is row ``id`` of
        (W_x + b), so it is gathered instead of multiplied (the same numbers; at B*T=1600, vocab 65:
        0.19 ms against 1.19 ms for the one-hot build and matmul, measured).
        """
        if x.dtype.kind in "iu":
            return (self.params["W_x"] + self.params[self.input_bias])[x]
        return matmul_last_axis(x, self.params["W_x"]) + self.params[self.input_bias]

    def check_inputs(self, inputs):
        """``inputs`` checked: floats ``(batch, time, input_size)``, or integer ids ``(batch, time)``
        in ``[0, input_size)`` that stand for one-hot rows (characters)."""
        if isinstance(inputs, np.ndarray) and inputs.dtype.kind in "iu" and inputs.ndim == 2:
            inputs = check.integer_array("inputs", inputs, ndim=2, high=self.input_size)
        else:
            inputs = self._check_array("inputs", inputs, (None, None, self.input_size),
                                       ("batch", "time", "input_size"))
        B, T = inputs.shape[:2]
        if T == 0:
            raise ValueError(say("inputs: expected at least one time step, got shape "
                                 f"({B}, 0, {self.input_size})",
                                 f"inputs：至少应有一个时间步，传入的形状是 ({B}, 0, {self.input_size})"))
        return inputs

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
            raise ValueError(say("record: expected the record returned by cell.step (it keeps x), got one without x",
                                 "record：应为 cell.step 返回的 record（它保存了 x），传入的 record 没有 x"))
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

        inputs may also be integer ids ``(batch, time)`` standing for one-hot rows (characters):
        the same numbers, faster (see ``project_inputs``).
        initial_state: the cell's state for the batch, or None for zeros.
        Returns ``(outputs (batch, time, hidden), final_state)``, and with ``return_cache=True`` also
        the cache that ``bptt`` needs. Without it no step's record is kept (inference). The cache
        keeps ``inputs`` itself (not a copy, to stay fast): do not change that array in place
        before the backward pass.
        """
        state = initial_state
        inputs = self.check_inputs(inputs)
        B, T = inputs.shape[:2]
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
            if return_cache:
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
        B, T = inputs.shape[:2]
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
        d_inputs = matmul_last_axis(d_xp, self.params["W_x"].T) if input_grad and inputs.ndim == 3 else None
        return d_inputs, d_state, grads

    def _zero_like_state(self, d_state):
        return np.zeros_like(d_state)

    def _weight_grads(self, x, h_prev, d_xp, d_hp):
        # Sum over batch and time in one matmul each: (features, B*T) @ (B*T, G).
        G = d_xp.shape[-1]
        hf = h_prev.reshape(-1, self.hidden_size)
        dxf = d_xp.reshape(-1, G)
        dhf = d_hp.reshape(-1, G)
        grads = {"W_x": _input_weight_grad(x, dxf, self.input_size, self.dtype), "W_h": hf.T @ dhf}
        # every one-hot row holds exactly one 1, so the bias gradient is the sum of W_x's rows
        # (a (vocab, G) sum instead of a (batch*time, G) one: 0.02 ms against 0.22 ms, measured)
        grads[self.input_bias] = grads["W_x"].sum(axis=0) if x.dtype.kind in "iu" else dxf.sum(axis=0)
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
        raise ValueError(say(f"vocabulary: expected 'standard' or 'notes', got {vocabulary!r}",
                             f"vocabulary：应为 'standard' 或 'notes'，传入的是 {vocabulary!r}"))


class _LSTMRecords:
    """The records of a fused LSTM sequence (``records[t]`` is an ``LSTMRecord``), made on demand as
    views into the per-sequence buffers (time, batch, features): building 50 records per window
    costs nothing unless read. The buffers are the backward pass's cache: read, do not write."""

    def __init__(self, buffers, hidden_size):
        self.buffers, self.hidden_size = buffers, hidden_size

    def __len__(self):
        return self.buffers[0].shape[1]

    def __getitem__(self, t):
        if isinstance(t, slice):
            return [self[k] for k in range(*t.indices(len(self)))]
        T = len(self)
        if not -T <= t < T:
            raise IndexError(say(f"record index {t} out of range for {T} steps",
                                 f"record 下标 {t} 超出了 {T} 个时间步的范围"))
        t %= T
        A, C, TC, HS = self.buffers  # A: (4, T, B, H), one block per gate
        H = self.hidden_size
        a = A[:, t].transpose(1, 0, 2).reshape(-1, 4 * H)  # a copy: (batch, 4H) like recur's record
        return LSTMRecord(prev=LSTMState(HS[t], C[t]), i=a[:, :H], f=a[:, H:2 * H], g=a[:, 2 * H:3 * H],
                          o=a[:, 3 * H:], c=C[t + 1], tanh_c=TC[t], h=HS[t + 1], act=a)

    def repeat_rows(self, n):
        """These records as if each sequence of the batch had been run n times side by side."""
        A, C, TC, HS = self.buffers
        return _LSTMRecords((np.repeat(A, n, axis=2),) + tuple(np.repeat(b, n, axis=1) for b in (C, TC, HS)),
                            self.hidden_size)

    def __iter__(self):
        return (self[t] for t in range(len(self)))


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
    1.6x as fast as ``lstm_step``.

    Over a whole sequence (``dynamic_rnn`` / ``bptt``) the cell runs a fused loop of the same
    equations: time-major buffers allocated once per sequence and written with ``out=``, the 1/2 of
    the sigmoid gates folded into the weights, character ids gathered as rows of W_x, no record
    objects (``records[t]`` is made on demand as views). tests/test_fast_paths.py proves it equal to
    the loop over ``recur`` / ``recur_backward`` (float64, 1e-12). What it buys, side by side with
    torch.nn.LSTM in one run: benchmarks/run.py; where the time goes: benchmarks/profile_step.py.
    Against a plain loop of ``lstm_step`` in the same run (batch 32, T=50, H=128, float32, load ~2.4
    on 2 cores): the fused forward is 1.07x as fast without records and 0.95x keeping them; what the
    fusion buys is a backward pass (the readable step has none) and the training step's speed.
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
            raise TypeError(say(f"{name}: expected an LSTMState(h, c) pair, got {type(state).__name__}",
                                f"{name}：应为 LSTMState(h, c) 二元组，传入的是 {type(state).__name__}"))
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

    # ----- the fused sequence: the same equations as recur / recur_backward over a whole sequence,
    # in buffers allocated once per sequence and written with out=. The four gate blocks lie side
    # by side as (4, ..., batch, H) instead of (batch, 4H), so that each gate of a step is one
    # contiguous block: numpy's elementwise ops run 3-4x faster on a contiguous (32, 128) block
    # than on the same block cut out of (32, 512) (0.8 vs 2.6-3.8 µs, measured), and the recurrent
    # matmul as 4 stacked (H, H) blocks costs no more than one (H, 4H). What each trick buys is
    # measured at H=128, T=50, B=32, float32, one thread (benchmarks/profile_step.py);
    # tests/test_fast_paths.py proves the loop equal to recur / recur_backward (float64, 1e-12).
    def _fused(self):
        # a subclass with its own step (the peephole LSTM) must use that step
        return type(self).recur is LSTMCell.recur and type(self).recur_backward is LSTMCell.recur_backward

    def _blocks(self, w, scale=True):
        """(rows, 4H) -> (4, rows, H): one matrix per gate. With ``scale``, the 1/2 that
        sigmoid(a) = (1 + tanh(a/2)) / 2 needs on the i, f, o blocks is folded in (exact: a power
        of two), which saves one pass over the gates per step (~10 µs a step, measured)."""
        H = self.hidden_size
        w = w * self._scale if scale else w
        return np.ascontiguousarray(w.reshape(-1, 4, H).transpose(1, 0, 2))

    def _projection(self, inputs):
        """x W_x + b for every step, per gate, scaled: (4, T, B, H)."""
        p, H = self.params, self.hidden_size
        if inputs.ndim == 2:  # ids: rows of (W_x + b) gathered (a one-hot matmul gives the same numbers)
            return self._blocks(p["W_x"] + p["b"])[:, inputs.T]
        B, T, n_in = inputs.shape
        # [x, 1] @ [W_x; b]: the bias rides in the matmul as one more input, instead of a pass over
        # (4, T, B, H) (the time-major copy of x is made anyway; the projection 6% faster, measured)
        x1 = np.empty((T, B, n_in + 1), self.dtype)
        x1[:, :, :n_in] = inputs.transpose(1, 0, 2)
        x1[:, :, n_in] = 1.0
        return np.matmul(x1.reshape(T * B, n_in + 1), self._blocks(np.vstack([p["W_x"], p["b"]]))).reshape(4, T, B, H)

    def _run(self, inputs, state, keep):
        """The forward loop. keep=True fills and returns the buffers a backward pass needs:
        A (4, T, B, H) gate values, C (T+1, B, H) cells with c_0 first, TC (T, B, H) tanh(c),
        HS (T+1, B, H) hidden states with h_0 first. keep=False (inference) reuses one step's."""
        B, T = inputs.shape[:2]
        H, dt = self.hidden_size, self.dtype
        xp, w_h = self._projection(inputs), self._blocks(self.params["W_h"])  # (4, T, B, H), (4, H, H)
        n = T if keep else 1
        A, C, TC = np.empty((4, n, B, H), dt), np.empty((n + 1, B, H), dt), np.empty((n, B, H), dt)
        HS = np.empty((T + 1, B, H), dt)
        C[0], HS[0] = state.c, state.h
        ig = np.empty((B, H), dt)
        for t in range(T):
            k = t if keep else 0
            a, c = A[:, k], C[k + 1]
            np.matmul(HS[t], w_h, out=a)  # 4 stacked matmuls, one per gate; out=: no allocation
            a += xp[:, t]
            np.tanh(a, out=a)  # ONE tanh for all four gates (see _gates)
            i, f, g, o = a
            for s in (a[:2], o):  # the sigmoid gates i, f and o: (1 + tanh) / 2
                s *= 0.5
                s += 0.5
            np.multiply(f, C[k], out=c)  # c = f * c_prev + i * g
            np.multiply(i, g, out=ig)
            c += ig
            np.tanh(c, out=TC[k])
            np.multiply(o, TC[k], out=HS[t + 1])  # h = o * tanh(c)
            if not keep:
                C[0] = c
        return LSTMState(HS[T].copy(), C[n].copy()), (A, C, TC, HS)

    def dynamic_rnn(self, inputs, initial_state=None, *, return_cache=False):
        if not self._fused():
            return super().dynamic_rnn(inputs, initial_state, return_cache=return_cache)
        inputs = self.check_inputs(inputs)
        B = inputs.shape[0]
        state = self.zero_state(B) if initial_state is None else \
            self.check_state("initial_state", initial_state, B)
        final, buffers = self._run(inputs, state, keep=return_cache)
        HS = buffers[3]
        outputs = np.ascontiguousarray(HS[1:].transpose(1, 0, 2))  # batch-first, like the API
        if not return_cache:
            return outputs, final
        first = LSTMState(HS[0], buffers[1][0])
        return outputs, final, (inputs, first, outputs, _LSTMRecords(buffers, self.hidden_size))

    dynamic_rnn.__doc__ = Cell.dynamic_rnn.__doc__

    def bptt(self, d_outputs, cache, d_final_state=None, *, truncate=None, input_grad=True):
        inputs, _, _, records = check_cache(cache)
        if not self._fused() or not isinstance(records, _LSTMRecords):
            return super().bptt(d_outputs, cache, d_final_state, truncate=truncate, input_grad=input_grad)
        A, C, TC, HS = records.buffers
        _, T, B, H = A.shape
        dt = self.dtype
        d_outputs = self._check_array("d_outputs", d_outputs, (B, T, H), ("batch", "time", "hidden_size"))
        if truncate is not None:
            truncate = check.positive_int("truncate", truncate)
        if d_final_state is None:
            dh_next, dc = np.zeros((B, H), dt), np.zeros((B, H), dt)
        else:
            d_final_state = self.check_state("d_final_state", d_final_state, B)
            dh_next, dc = d_final_state.h.copy(), d_final_state.c.copy()
        d_hs = np.ascontiguousarray(d_outputs.transpose(1, 0, 2))  # time-major: each step one block
        # dL/dh_prev = sum over gates of da_k @ W_h[:, block k]^T: 4 stacked (H, H) matrices
        w_hT = np.ascontiguousarray(self.params["W_h"].reshape(H, 4, H).transpose(1, 2, 0))
        low = self._low.reshape(4, 1, H)  # 0 on the sigmoid gates, 1 on g (see __init__)
        dA = np.empty((4, T, B, H), dt)
        dh, dct, dh4 = np.empty((B, H), dt), np.empty((B, H), dt), np.empty((4, B, H), dt)
        d_act, tmp = np.empty((4, B, H), dt), np.empty((4, B, H), dt)
        for t in range(T - 1, -1, -1):
            a, da = A[:, t], dA[:, t]
            i, f, g, o = a
            np.add(d_hs[t], dh_next, out=dh)
            tc = TC[t]
            np.multiply(tc, tc, out=dct)  # dc_total = dc + dh * o * (1 - tanh(c)^2)
            np.subtract(1.0, dct, out=dct)
            dct *= o
            dct *= dh
            dct += dc
            np.multiply(dct, g, out=da[0])  # c = f c_prev + i g  ->  dL/di = dc g
            np.multiply(dct, C[t], out=da[1])  # dL/df = dc c_prev
            np.multiply(dct, i, out=da[2])  # dL/dg = dc i
            np.multiply(dh, tc, out=da[3])  # h = o tanh(c)  ->  dL/do = dh tanh(c)
            # times the gates' derivatives (1 - act)(act + low), per step while a is in cache (for all
            # steps at once before the loop: 9% slower, measured; the passes over memory cost more)
            np.subtract(1.0, a, out=d_act)
            np.add(a, low, out=tmp)
            d_act *= tmp
            da *= d_act
            np.matmul(da, w_hT, out=dh4)
            np.sum(dh4, axis=0, out=dh_next)
            np.multiply(dct, f, out=dc)  # the carousel: dc_prev = dc f
            if truncate and t % truncate == 0 and t > 0:
                dh_next[...] = 0.0
                dc[...] = 0.0
        # weight gradients: sums over time and batch, one stacked matmul each, rows in (t, b) order
        dA_rows = dA.reshape(4, T * B, H)
        if inputs.ndim == 2:
            x_rows = np.eye(self.input_size, dtype=dt)[inputs.T.reshape(-1)]  # one-hot rows (see _input_weight_grad)
        else:
            x_rows = inputs.transpose(1, 0, 2).reshape(T * B, -1)
        g_x = np.matmul(x_rows.T, dA_rows)  # (4, input, H)
        g_h = np.matmul(HS[:-1].reshape(T * B, H).T, dA_rows)  # (4, H, H); HS starts with h_0
        grads = {"W_x": g_x.transpose(1, 0, 2).reshape(-1, 4 * H), "W_h": g_h.transpose(1, 0, 2).reshape(H, 4 * H)}
        # every one-hot row holds exactly one 1: the bias gradient is the sum of W_x's rows (0.02
        # against 0.22 ms, measured)
        grads["b"] = grads["W_x"].sum(axis=0) if inputs.ndim == 2 else dA_rows.sum(axis=1).reshape(4 * H)
        d_inputs = None
        if input_grad and inputs.ndim == 3:  # sum over gates of dA_k @ W_x[:, block k]^T
            w_xT = self._blocks(self.params["W_x"], scale=False).transpose(0, 2, 1)
            d_inputs = np.ascontiguousarray(np.matmul(dA_rows, w_xT).sum(axis=0).reshape(T, B, -1).transpose(1, 0, 2))
        return d_inputs, LSTMState(dh_next, dc), grads

    bptt.__doc__ = Cell.bptt.__doc__

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
