"""Unrolling a cell over time, backpropagation through time, and stacking cells.

The names are the notes' TensorFlow 1 words, kept on purpose: ``dynamic_rnn`` runs a cell over
every time step (today: ``nn.LSTM(batch_first=True)`` in PyTorch, ``keras.layers.LSTM(return_sequences=True)``),
and ``MultiRNNCell`` stacks cells into layers (today: ``num_layers=2``, or stacked Keras layers).
"""

from __future__ import annotations

import numpy as np

from . import validate as check
from .cells import Cell
from .language import say


def _check_cell(cell):
    if not isinstance(cell, (Cell, MultiRNNCell)):
        raise TypeError(say(f"cell: expected an RNNCell, LSTMCell, GRUCell, PeepholeLSTMCell or "
                            f"MultiRNNCell, got {type(cell).__name__}",
                            f"cell：应为 RNNCell、LSTMCell、GRUCell、PeepholeLSTMCell 或 MultiRNNCell，"
                            f"传入的是 {type(cell).__name__}"))


def dynamic_rnn(cell, inputs, initial_state=None, *, return_cache=False):
    """Run ``cell`` over every time step of ``inputs``.

    inputs: (batch, time, input_size); initial_state: the cell's state or None for zeros.
    Returns ``(outputs, final_state)`` with outputs (batch, time, hidden); with
    ``return_cache=True`` also the cache that ``bptt`` needs.
    """
    _check_cell(cell)
    return cell.dynamic_rnn(inputs, initial_state, return_cache=return_cache)


def bptt(cell, d_outputs, cache, d_final_state=None, *, truncate=None):
    """Backpropagation through time over the unrolling that produced ``cache``.

    d_outputs: (batch, time, hidden), the loss gradient on every output; cache: from
    ``dynamic_rnn(..., return_cache=True)``; d_final_state: dL/d(final state) or None.
    truncate: cut the gradient every ``truncate`` steps (None: the full sequence).
    Returns ``(d_inputs (batch, time, input_size), d_initial_state, grads)`` with ``grads[name]``
    shaped like ``cell.params[name]``.
    """
    _check_cell(cell)
    return cell.bptt(d_outputs, cache, d_final_state, truncate=truncate)


class MultiRNNCell:
    """Cells stacked in layers: the outputs of layer k are the inputs of layer k+1.

    Works everywhere a single cell does. Its state is a tuple with one state per layer; its
    parameters are the layers' parameters under the names ``"l0.W_x"``, ``"l1.W_x"``, ...
    (the same arrays, so an optimizer updating them updates the layers).
    """

    def __init__(self, cells):
        cells = list(cells) if isinstance(cells, (list, tuple)) else cells
        if not isinstance(cells, list) or not cells:
            raise ValueError(say(f"cells: expected a non-empty list of cells, got {cells!r}",
                                 f"cells：应为非空的单元 list，传入的是 {cells!r}"))
        for k, c in enumerate(cells):
            if not isinstance(c, Cell):
                raise TypeError(say(f"cells[{k}]: expected a cell (RNNCell, LSTMCell, ...), got {type(c).__name__}",
                                    f"cells[{k}]：应为一个单元（RNNCell、LSTMCell 等），传入的是 {type(c).__name__}"))
        for k in range(1, len(cells)):
            if any(cells[k] is c for c in cells[:k]):
                raise ValueError(say(f"cells[{k}]: the same cell object appears twice; create one cell per layer",
                                     f"cells[{k}]：同一个单元对象出现了两次；每层请各建一个单元"))
            if cells[k].input_size != cells[k - 1].hidden_size:
                raise ValueError(say(f"cells[{k}].input_size: expected {cells[k - 1].hidden_size} "
                                     f"(the hidden_size of cells[{k - 1}]), got {cells[k].input_size}",
                                     f"cells[{k}].input_size：应为 {cells[k - 1].hidden_size}"
                                     f"（cells[{k - 1}] 的 hidden_size），传入的是 {cells[k].input_size}"))
            if cells[k].dtype != cells[0].dtype:
                raise TypeError(say(f"cells[{k}].dtype: expected {cells[0].dtype} like cells[0], got {cells[k].dtype}",
                                    f"cells[{k}].dtype：应与 cells[0] 一样是 {cells[0].dtype}，"
                                    f"传入的是 {cells[k].dtype}"))
        self.cells = cells
        self.input_size = cells[0].input_size
        self.hidden_size = cells[-1].hidden_size
        self.dtype = cells[0].dtype
        self.params = {f"l{k}.{name}": p for k, c in enumerate(cells) for name, p in c.params.items()}

    def __repr__(self):
        return "MultiRNNCell([" + ", ".join(repr(c) for c in self.cells) + "])"

    def __len__(self):
        return len(self.cells)

    def num_params(self) -> int:
        return sum(c.num_params() for c in self.cells)

    def zero_state(self, batch_size):
        return tuple(c.zero_state(batch_size) for c in self.cells)

    def hidden(self, state):
        return self.cells[-1].hidden(state[-1])

    def check_state(self, name, state, batch_size):
        if not isinstance(state, tuple) or len(state) != len(self.cells):
            got = got_zh = type(state).__name__
            if isinstance(state, (tuple, list)):
                got += f" of length {len(state)}"
                got_zh += f"（长度 {len(state)}）"
            raise TypeError(say(f"{name}: expected a tuple of {len(self.cells)} layer states, got {got}",
                                f"{name}：应为 {len(self.cells)} 层状态组成的 tuple，传入的是 {got_zh}"))
        return tuple(c.check_state(f"{name}[{k}]", s, batch_size) for k, (c, s) in enumerate(zip(self.cells, state)))

    def _split(self, grads_per_layer):
        return {f"l{k}.{name}": g for k, grads in enumerate(grads_per_layer) for name, g in grads.items()}

    # ----- one step -----------------------------------------------------------------------
    def step(self, x, state=None):
        """One time step through every layer. Returns ``(new_state, records)``, a record per layer."""
        if state is None:
            x = check.array("x", x, (None, self.input_size), names=("batch", "input_size"))
            state = self.zero_state(x.shape[0])
        state = self.check_state("state", state, np.shape(x)[0])
        new_state, records = [], []
        for c, s in zip(self.cells, state):
            s, rec = c.step(x, s)
            x = c.hidden(s)
            new_state.append(s)
            records.append(rec)
        return tuple(new_state), records

    def step_backward(self, d_state, records):
        d_state = self.check_state("d_state", d_state, records[0].x.shape[0])
        d_prev, grads = [None] * len(self.cells), [None] * len(self.cells)
        dx = None
        for k in range(len(self.cells) - 1, -1, -1):
            c, d = self.cells[k], d_state[k]
            if dx is not None:  # the layer above read our h as its input
                d = c._add_to_hidden(d, dx)
            dx, d_prev[k], grads[k] = c.step_backward(d, records[k])
        return dx, tuple(d_prev), self._split(grads)

    # ----- a whole sequence ---------------------------------------------------------------
    def dynamic_rnn(self, inputs, initial_state=None, *, return_cache=False):
        """Every layer over the whole sequence; the same as ``dynamic_rnn(stack, ...)``."""
        inputs = self.cells[0].check_inputs(inputs)  # floats (batch, time, input) or ids (batch, time)
        state = initial_state
        if state is None:
            state = self.zero_state(inputs.shape[0])
        state = self.check_state("initial_state", state, inputs.shape[0])
        finals, caches = [], []
        x = inputs
        for c, s in zip(self.cells, state):
            # without return_cache, no layer keeps records (inference)
            x, s, *cache = c.dynamic_rnn(x, s, return_cache=return_cache)
            finals.append(s)
            caches.extend(cache)
        if return_cache:
            return x, tuple(finals), caches
        return x, tuple(finals)

    def bptt(self, d_outputs, cache, d_final_state=None, *, truncate=None, input_grad=True):
        """BPTT through every layer, top to bottom; the same as ``bptt(stack, ...)``."""
        if not isinstance(cache, list) or len(cache) != len(self.cells):
            raise TypeError(say(f"cache: expected the cache from dynamic_rnn(stack, ..., return_cache=True), "
                                f"got {type(cache).__name__}; the order is bptt(cell, d_outputs, cache)",
                                f"cache：应为 dynamic_rnn(stack, ..., return_cache=True) 返回的 cache，"
                                f"传入的是 {type(cache).__name__}；参数顺序是 bptt(cell, d_outputs, cache)"))
        n = len(self.cells)
        if d_final_state is not None:
            batch = cache[0][0].shape[0]
            d_final_state = self.check_state("d_final_state", d_final_state, batch)
        d_init, grads = [None] * n, [None] * n
        d = d_outputs
        for k in range(n - 1, -1, -1):
            d_fin = None if d_final_state is None else d_final_state[k]
            d, d_init[k], grads[k] = self.cells[k].bptt(
                d, cache[k], d_fin, truncate=truncate, input_grad=input_grad or k > 0)
        return d, tuple(d_init), self._split(grads)
