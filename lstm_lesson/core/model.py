"""A character-level language model: one-hot characters -> stacked cells -> dense -> softmax."""

from __future__ import annotations

import numpy as np

from . import validate as check
from .activations import softmax
from .cells import LSTMCell, RNNCell
from .dense import Dense
from .gru import GRUCell
from .language import say
from .losses import softmax_cross_entropy
from .peephole import PeepholeLSTMCell
from .unrolling import MultiRNNCell

CELL_TYPES = {"rnn": RNNCell, "lstm": LSTMCell, "gru": GRUCell, "peephole": PeepholeLSTMCell}


def make_cell(cell, input_size, hidden_size, *, seed=0, dtype=np.float64, gate_bias=0.0):
    """Build a cell by name. ``gate_bias`` is the "remember by default" bias: the LSTM's
    forget_bias or the GRU's update_bias (ignored by the plain RNN, which has no gate)."""
    if not isinstance(cell, str) or cell not in CELL_TYPES:
        raise ValueError(say(f"cell: expected one of {sorted(CELL_TYPES)}, got {cell!r}",
                             f"cell：应为 {sorted(CELL_TYPES)} 之一，传入的是 {cell!r}"))
    cls = CELL_TYPES[cell]
    if cell in ("lstm", "peephole"):
        return cls(input_size, hidden_size, seed=seed, dtype=dtype, forget_bias=gate_bias)
    if cell == "gru":
        return cls(input_size, hidden_size, seed=seed, dtype=dtype, update_bias=gate_bias)
    return cls(input_size, hidden_size, seed=seed, dtype=dtype)


class CharModel:
    """Predict the next character: x_t one-hot -> MultiRNNCell -> Dense -> softmax.

    ``params`` is one flat dict (``"rnn.l0.W_x"``, ..., ``"out.W"``, ``"out.b"``) of the live arrays.
    """

    def __init__(self, vocab_size, hidden_size, num_layers=2, *, cell="lstm", seed=0,
                 dtype=np.float32, gate_bias=1.0):
        self.vocab_size = check.positive_int("vocab_size", vocab_size)
        self.hidden_size = check.positive_int("hidden_size", hidden_size)
        self.num_layers = check.positive_int("num_layers", num_layers)
        self.cell_type = cell
        self.dtype = check.float_dtype("dtype", dtype)
        seed = check.seed("seed", seed)
        cells = [make_cell(cell, vocab_size if k == 0 else hidden_size, hidden_size,
                           seed=None if seed is None else seed + k, dtype=dtype, gate_bias=gate_bias)
                 for k in range(self.num_layers)]
        self.rnn = MultiRNNCell(cells)
        self.out = Dense(hidden_size, vocab_size, seed=None if seed is None else seed + 1000, dtype=dtype)
        self._eye = np.eye(vocab_size, dtype=self.dtype)

    @property
    def params(self) -> dict:
        p = {f"rnn.{k}": v for k, v in self.rnn.params.items()}
        p.update({f"out.{k}": v for k, v in self.out.params.items()})
        return p

    def num_params(self) -> int:
        return sum(v.size for v in self.params.values())

    def zero_state(self, batch_size):
        return self.rnn.zero_state(batch_size)

    def one_hot(self, ids):
        return self._eye[ids]

    def forward(self, x_ids, state=None):
        """x_ids: (batch, time) ids -> (logits (batch, time, vocab), final_state, cache)."""
        x_ids = check.integer_array("x_ids", x_ids, ndim=2, high=self.vocab_size)
        # the ids themselves, not one_hot(x_ids): the first cell gathers rows of W_x (the same
        # numbers; see Cell.project_inputs)
        hs, final, rnn_cache = self.rnn.dynamic_rnn(x_ids, state, return_cache=True)
        return self.out.forward(hs), final, (hs, rnn_cache)

    def predict(self, x_ids, state=None):
        """Inference: x_ids (batch, time) -> (logits (batch, time, vocab), final_state), keeping
        nothing for a backward pass (cheaper than ``forward``)."""
        x_ids = check.integer_array("x_ids", x_ids, ndim=2, high=self.vocab_size)
        hs, final = self.rnn.dynamic_rnn(x_ids, state)
        return self.out.forward(hs), final

    def loss_and_grads(self, x_ids, y_ids, state=None, *, truncate=None):
        """One forward and backward pass over a batch of windows.

        x_ids, y_ids: (batch, time) ids, y the characters that follow x.
        Returns ``(loss in nats/char, grads (same keys as params), final_state)``; pass
        ``final_state`` as the next window's state to carry memory across windows.
        """
        logits, final, (hs, rnn_cache) = self.forward(x_ids, state)
        loss, d_logits = softmax_cross_entropy(logits, y_ids)
        d_logits = d_logits.astype(self.dtype, copy=False)
        d_hs, out_grads = self.out.backward(hs, d_logits)
        # no gradient for the one-hot characters themselves
        _, _, rnn_grads = self.rnn.bptt(d_hs, rnn_cache, truncate=truncate, input_grad=False)
        grads = {f"rnn.{k}": v for k, v in rnn_grads.items()}
        grads.update({f"out.{k}": v for k, v in out_grads.items()})
        return loss, grads, final

    def sample(self, start_ids, length, *, temperature=1.0, seed=0):
        """Generate ``length`` ids after priming with ``start_ids`` (a list of ids).

        temperature < 1 sharpens the distribution (safer text), > 1 flattens it (wilder text).
        """
        length = check.positive_int("length", length) if length else 0
        temperature = check.real_number("temperature", temperature)
        if temperature < 1e-3:
            raise ValueError(say(f"temperature: expected a positive number >= 0.001, got {temperature}",
                                 f"temperature：应为 >= 0.001 的正数，传入的是 {temperature}"))
        if isinstance(start_ids, (str, bytes)) or not hasattr(start_ids, "__len__"):
            raise TypeError(say(f"start_ids: expected a list of ids, got {type(start_ids).__name__}",
                                f"start_ids：应为 id 的 list，传入的是 {type(start_ids).__name__}"))
        start_ids = check.integer_array("start_ids", list(start_ids), ndim=1, high=self.vocab_size)
        if start_ids.size == 0:
            raise ValueError(say("start_ids: expected at least one id to start from, got none",
                                 "start_ids：至少应有一个起始 id，传入的一个也没有"))
        rng = np.random.default_rng(seed)
        state = self.zero_state(1)
        for t in start_ids[:-1]:
            state, _ = self.rnn.step(self._eye[[t]], state)
        out, current = [], int(start_ids[-1])
        for _ in range(length):
            state, _ = self.rnn.step(self._eye[[current]], state)
            logits = self.out.forward(self.rnn.hidden(state))[0].astype(np.float64)
            p = softmax(logits / temperature)
            current = int(rng.choice(self.vocab_size, p=p))
            out.append(current)
        return out

    def save(self, path):
        """Write the parameters and the configuration to an .npz file (no pickle)."""
        meta = np.array([self.vocab_size, self.hidden_size, self.num_layers])
        np.savez(path, __meta__=meta, __cell__=np.array(self.cell_type),
                 __dtype__=np.array(self.dtype.name), **self.params)

    @classmethod
    def load(cls, path):
        """Read a model written by ``save``; ``allow_pickle=False``, so a file cannot run code."""
        path = str(path)
        if not path.endswith(".npz"):
            path += ".npz"  # np.savez added it on save
        with np.load(path, allow_pickle=False) as data:
            vocab, hidden, layers = (int(v) for v in data["__meta__"])
            model = cls(vocab, hidden, layers, cell=str(data["__cell__"]), dtype=str(data["__dtype__"]))
            for k, p in model.params.items():
                if data[k].shape != p.shape:
                    raise ValueError(say(f"{path}: parameter {k} has shape {data[k].shape}, expected {p.shape}",
                                         f"{path}：参数 {k} 的形状是 {data[k].shape}，应为 {p.shape}"))
                p[...] = data[k]
        return model
