"""How far back does the error reach? ‖∂h_T/∂s_t‖ against the lag T - t, measured.

The measurement uses the cells' own backward pass (``cell.recur_backward``, the step that
``bptt`` runs; its weight gradients are not needed here), not autograd and not
a formula. Backpropagating the H rows of the identity matrix from h_T gives the whole Jacobian
∂h_T/∂s_t at every earlier step (one row per output unit), where s_t is the cell's state:
h_t for the RNN and the GRU, the pair (h_t, c_t) for the LSTM family.

The Jacobians of a long product can reach 1e-300 or 1e+300. Because the backward pass is linear
in the gradient it carries, we divide the carried gradient by its norm after every step and add
the log of that norm instead: the result is exact and no number ever overflows or underflows.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from ..core import validate as check
from ..core.cells import LSTMCell, LSTMState, RNNCell
from ..core.language import say
from ..core.model import make_cell

TINY = np.finfo(np.float64).tiny  # a norm that is exactly zero is reported as this (1e-308)


def largest_singular_value(W) -> float:
    """λ1 of a matrix: the most any vector can be stretched by it (Pascanu et al.'s λ1)."""
    return float(np.linalg.svd(np.asarray(W, np.float64), compute_uv=False)[0])


def set_spectral_scale(cell, spectral_scale):
    """Rescale an RNN cell's recurrent matrix W_h so that its largest singular value is ``spectral_scale``."""
    if not isinstance(cell, RNNCell):
        raise TypeError(say(f"cell: expected an RNNCell (its W_h alone carries the state), got {type(cell).__name__}",
                            f"cell：应为 RNNCell（只有它的状态完全由 W_h 传递），传入的是 {type(cell).__name__}"))
    spectral_scale = check.real_number("spectral_scale", spectral_scale)
    if spectral_scale < 0:
        raise ValueError(say(f"spectral_scale: expected a number >= 0, got {spectral_scale}",
                             f"spectral_scale：应为 >= 0 的数，传入的是 {spectral_scale}"))
    W = cell.params["W_h"]
    W *= spectral_scale / largest_singular_value(W)
    return cell


def _state_rows(d_state):
    """The carried gradient as one (rows, features) array: h and c side by side for the LSTM."""
    if isinstance(d_state, LSTMState):
        return np.concatenate([d_state.h, d_state.c], axis=1)
    return d_state


def _repeat_rows(value, n):
    """Every row of a record's arrays (or of a state pair) repeated n times, in place of a forward
    pass over n identical copies."""
    if isinstance(value, np.ndarray):
        return np.repeat(value, n, axis=0)
    if isinstance(value, tuple):
        return type(value)(*(_repeat_rows(v, n) for v in value))
    return value


def _repeat_records(records, n):
    """The records of a forward pass, as if each sequence had been run n times side by side."""
    if hasattr(records, "repeat_rows"):  # the fused LSTM's records: views into per-sequence buffers
        return records.repeat_rows(n)
    return [dataclasses.replace(r, **{f.name: _repeat_rows(getattr(r, f.name), n) for f in dataclasses.fields(r)})
            for r in records]


def jacobian_log_norms(cell, inputs):
    """log10 ‖∂h_T/∂s_t‖_F for every t, for each sequence of ``inputs: (sequences, T, input_size)``.

    Returns an array (sequences, T + 1) whose column k is the lag k = T - t: column 0 is
    ∂h_T/∂s_T itself, whose norm is sqrt(hidden_size); column T reaches back to the initial state.
    """
    inputs = check.array("inputs", inputs, (None, None, cell.input_size),
                         names=("sequences", "time", "input_size")).astype(cell.dtype)
    S, T, _ = inputs.shape
    H = cell.hidden_size
    # H copies of each sequence: copy j carries the gradient of output unit j (row j of the identity)
    # The copies share one forward pass: run it once per sequence and repeat each record's rows
    # (the widget's update 16.7 -> 10.5 ms, measured; the same numbers bitwise).
    _, _, (_, _, _, records) = cell.dynamic_rnn(inputs, return_cache=True)  # keep every step's record
    records = _repeat_records(records, H)
    eye = np.tile(np.eye(H, dtype=cell.dtype), (S, 1))
    d = LSTMState(eye, np.zeros_like(eye)) if isinstance(cell, LSTMCell) else eye
    log_norms = np.empty((S, T + 1))
    log_scale = np.zeros(S)  # log10 of what the carried gradient has been divided by so far
    for lag in range(T + 1):
        if lag > 0:
            _, _, d, _ = cell.recur_backward(d, records[T - lag])
        rows = _state_rows(d).reshape(S, H, -1)
        norm = np.maximum(np.sqrt(np.einsum("sij,sij->s", rows, rows)), TINY)
        log_norms[:, lag] = log_scale + np.log10(norm)
        # renormalise: the backward pass is linear, so the next Jacobian is unchanged up to this factor
        log_scale += np.log10(norm)
        per_row = np.repeat(norm, H)[:, None].astype(cell.dtype)
        d = LSTMState(d.h / per_row, d.c / per_row) if isinstance(d, LSTMState) else d / per_row
    return log_norms


def gradient_flow(cell="rnn", *, spectral_scale=None, gate_bias=0.0, length=100, hidden_size=32,
                  input_size=8, sequences=4, seed=0):
    """The average decay of ‖∂h_T/∂s_t‖ with the lag, for a freshly initialised cell.

    cell: "rnn", "lstm", "peephole" or "gru". spectral_scale: for the RNN, the largest singular
    value λ1 given to W_h (None keeps the default initialisation). gate_bias: the LSTM's forget
    bias (GRU: update bias). Inputs are standard normal, ``sequences`` of them.
    Returns ``(lags (length + 1,), log10_ratio (length + 1,))``: the mean over sequences of
    log10(‖∂h_T/∂s_{T-lag}‖ / ‖∂h_T/∂s_T‖), so lag 0 is exactly 0 (a ratio of 1).
    """
    length = check.positive_int("length", length)
    sequences = check.positive_int("sequences", sequences)
    net = make_cell(cell, input_size, hidden_size, seed=seed, gate_bias=gate_bias)
    if spectral_scale is not None:
        if cell != "rnn":
            raise ValueError(say(f"spectral_scale: only the plain RNN is rescaled here, got cell={cell!r}",
                                 f"spectral_scale：这里只缩放普通 RNN，传入的是 cell={cell!r}"))

        set_spectral_scale(net, spectral_scale)
    inputs = np.random.default_rng([seed, 7]).standard_normal((sequences, length, input_size))
    log_norms = jacobian_log_norms(net, inputs)
    log_ratio = (log_norms - log_norms[:, :1]).mean(axis=0)
    return np.arange(length + 1), log_ratio
