"""Batching one long sequence: the notes' ``get_batches``, done so that every target is right.

A character model reads one long 1-D sequence ``s`` (character ids, or any values). To use
matrix arithmetic it reads ``batch_size`` pieces of the sequence in parallel: the sequence is cut
into ``batch_size`` contiguous rows, and the rows are read ``n_steps`` columns at a time::

    s = 0 1 2 ... 799 | 800 ... 999          the notes' example: 1,000 elements, batch 10, 20 steps
    x rows (10, 80):   row 0 = s[0:80], row 1 = s[80:160], ..., row 9 = s[720:800]
    y rows (10, 80):   row r = the same slice shifted by one, s[80 r + 1 : 80 r + 81]
    batch k = columns 20 k ... 20 k + 19 of x and of y: four (10, 20) windows

The invariant, always: every ``x`` and ``y`` has shape ``(batch_size, n_steps)`` and ``y[r, j]``
is the element that follows ``x[r, j]`` in ``s``. Because rows are contiguous, row r of batch k
starts exactly where row r of batch k-1 stopped, so the hidden state (h, c) at the end of one
batch is the right starting state for the next (stateful batching).

Why the notes' example gives 4 batches, not 5: the notes reshape all 1,000 elements to 10 x 100
and cut 5 windows of 20. Every input needs its successor as target, so a window needs
``n_steps + 1`` consecutive elements, and a full set of 10 x 100 inputs needs 1,001 elements:
the 1,000th element (index 999) has no successor, which is why the notes' last ``y`` is one
column short. Here the inputs come from the first ``len - 1`` elements (each has a successor),
and only whole batches are kept: ``(1000 - 1) // (10 * 20) = 4`` batches, 800 inputs
(indices 0..799) with targets 1..800. The remainder is the tail: indices 800..999 are never
inputs (200 elements), and 801..999 are used nowhere (199 elements; 800 is the last target).
With 1,001 elements the same code gives the notes' 5 batches.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from . import validate as check
from .language import say


class BatchPlan(NamedTuple):
    """How a sequence of ``length`` elements is cut into batches (see ``batch_plan``)."""

    length: int  # elements in the sequence
    batch_size: int  # rows read in parallel
    n_steps: int  # columns (time steps) per batch
    n_batches: int  # full batches
    row_length: int  # columns per row: n_batches * n_steps
    n_inputs: int  # elements used as inputs: batch_size * row_length, indices 0 .. n_inputs - 1
    n_dropped: int  # elements never used as inputs: indices n_inputs .. length - 1

    def describe(self) -> str:
        """One sentence a learner can read: what is kept, what is dropped, and why."""
        if self.n_batches == 0:
            return say(f"{self.length} elements are too few for one batch of {self.batch_size} x "
                       f"{self.n_steps}: it needs {self.batch_size * self.n_steps + 1} "
                       f"(batch_size x n_steps inputs, plus one successor for the last input).",
                       f"{self.length} 个元素不够组成一个 {self.batch_size} x {self.n_steps} 的批次："
                       f"需要 {self.batch_size * self.n_steps + 1} 个（batch_size x n_steps 个输入，"
                       f"再加最后一个输入的后继）。")
        unused = max(self.length - self.n_inputs - 1, 0)
        return say(f"{self.length} elements -> {self.batch_size} rows of {self.row_length} inputs -> "
                   f"{self.n_batches} batches of ({self.batch_size}, {self.n_steps}); inputs are indices "
                   f"0..{self.n_inputs - 1}, targets 1..{self.n_inputs}; the last {self.n_dropped} "
                   f"elements (indices {self.n_inputs}..{self.length - 1}) are never inputs and {unused} "
                   f"of them are used nowhere, because a further batch would need "
                   f"{self.n_inputs + self.batch_size * self.n_steps + 1} elements.",
                   f"{self.length} 个元素 -> {self.batch_size} 行、每行 {self.row_length} 个输入 -> "
                   f"{self.n_batches} 个形状为 ({self.batch_size}, {self.n_steps}) 的批次；输入是下标 "
                   f"0..{self.n_inputs - 1}，目标是 1..{self.n_inputs}；最后 {self.n_dropped} 个元素"
                   f"（下标 {self.n_inputs}..{self.length - 1}）从不作为输入，其中 {unused} 个哪里都没用上，"
                   f"因为再多一个批次需要 {self.n_inputs + self.batch_size * self.n_steps + 1} 个元素。")


def _sizes(batch_size, n_steps):
    return check.positive_int("batch_size", batch_size), check.positive_int("n_steps", n_steps)


def batch_plan(length, batch_size, n_steps) -> BatchPlan:
    """The cut of a sequence of ``length`` elements: full batches only, remainder at the tail.

    ``n_batches = (length - 1) // (batch_size * n_steps)``: the ``- 1`` because the last
    element has no successor and so cannot be an input.
    """
    if isinstance(length, (bool, np.bool_)) or not isinstance(length, (int, np.integer)):
        raise TypeError(say(f"length: expected a non-negative integer, got {length!r} ({type(length).__name__})",
                            f"length：应为非负整数，传入的是 {length!r}（{type(length).__name__}）"))
    if length < 0:
        raise ValueError(say(f"length: expected a non-negative integer, got {length}",
                             f"length：应为非负整数，传入的是 {length}"))
    length = int(length)
    batch_size, n_steps = _sizes(batch_size, n_steps)
    n_batches = max(length - 1, 0) // (batch_size * n_steps)
    row_length = n_batches * n_steps
    n_inputs = batch_size * row_length
    return BatchPlan(length, batch_size, n_steps, n_batches, row_length, n_inputs, length - n_inputs)


def num_batches(length, batch_size, n_steps) -> int:
    """How many full ``(batch_size, n_steps)`` batches ``get_batches`` yields for ``length`` elements.

    The notes' example: ``num_batches(1000, 10, 20) == 4`` (5 would need 1,001 elements).
    """
    return batch_plan(length, batch_size, n_steps).n_batches


def describe_batches(length, batch_size, n_steps) -> str:
    """A sentence saying how many batches, which indices are inputs and which are dropped."""
    return batch_plan(length, batch_size, n_steps).describe()


def _sequence(arr) -> np.ndarray:
    """A 1-D array from an array, a list, a tuple or a str (a str is its characters)."""
    if isinstance(arr, str):
        arr = list(arr)
    if not isinstance(arr, (np.ndarray, list, tuple)):
        raise TypeError(say(f"arr: expected a 1-D numpy array, list or str, got {type(arr).__name__}",
                            f"arr：应为一维 numpy 数组、list 或 str，传入的是 {type(arr).__name__}"))
    try:
        seq = np.asarray(arr)
    except ValueError as err:  # ragged nested lists
        raise ValueError(say(f"arr: expected a 1-D sequence, got a ragged nested list ({err})",
                             f"arr：应为一维序列，传入的是长短不齐的嵌套 list（{err}）")) from err
    if seq.ndim != 1:
        raise ValueError(say(f"arr: expected a 1-D sequence (length,), got shape {seq.shape}; "
                             "flatten it or pass one long sequence",
                             f"arr：应为一维序列 (length,)，传入的形状是 {seq.shape}；"
                             "请把它展平，或传入一条长序列"))
    if seq.dtype == object:
        raise TypeError(say("arr: expected numbers or characters, got Python objects (dtype object)",
                            "arr：应为数字或字符，传入的是 Python 对象（dtype object）"))
    return seq


def _check_enough(plan: BatchPlan):
    if plan.n_batches == 0:
        raise ValueError(say(f"arr: expected at least batch_size * n_steps + 1 = "
                             f"{plan.batch_size * plan.n_steps + 1} elements for one batch of "
                             f"({plan.batch_size}, {plan.n_steps}), got {plan.length}",
                             f"arr：一个 ({plan.batch_size}, {plan.n_steps}) 的批次至少需要 "
                             f"batch_size * n_steps + 1 = {plan.batch_size * plan.n_steps + 1} 个元素，"
                             f"传入的是 {plan.length} 个"))


def get_batches(arr, batch_size, n_steps):
    """Yield the ``(x, y)`` batches of one long sequence, in order (for stateful training).

    arr: a 1-D sequence of length L (numpy array, list, or str); batch_size: rows B;
    n_steps: columns T per batch.
    Yields ``num_batches(L, B, T)`` pairs ``(x, y)``, each of shape (B, T), where
    ``y[r, j]`` is the element that follows ``x[r, j]`` in ``arr``. Row r of batch k continues
    row r of batch k-1. Indices ``B * T * n_batches`` .. L-1 are the dropped remainder (see the
    module docstring: the notes' example, 1,000 elements with B=10, T=20, gives 4 batches and
    drops indices 800..999 as inputs).

    The arguments are checked when ``get_batches`` is called, not at the first ``next``.
    """
    seq = _sequence(arr)
    plan = batch_plan(len(seq), batch_size, n_steps)
    _check_enough(plan)
    x_rows = seq[:plan.n_inputs].reshape(plan.batch_size, plan.row_length)
    y_rows = seq[1:plan.n_inputs + 1].reshape(plan.batch_size, plan.row_length)
    return _windows(x_rows, y_rows, plan.n_batches, plan.n_steps)


def _windows(x_rows, y_rows, n_batches, n_steps):
    for k in range(n_batches):
        cols = slice(k * n_steps, (k + 1) * n_steps)
        yield x_rows[:, cols].copy(), y_rows[:, cols].copy()


def batch_layout(length, batch_size, n_steps) -> np.ndarray:
    """Where every element of the sequence lands, as data for pictures and tests.

    Returns an int array (length, 3): row p is ``(k, r, j)``, meaning element p is ``x[r, j]`` of
    batch k, or ``(-1, -1, -1)`` if p is in the dropped remainder (never an input).
    A sequence too short for one batch gives all -1 (no error: a picture can show that).
    """
    plan = batch_plan(length, batch_size, n_steps)
    out = np.full((plan.length, 3), -1, dtype=np.int64)
    p = np.arange(plan.n_inputs)
    if plan.n_inputs:
        r, col = np.divmod(p, plan.row_length)
        k, j = np.divmod(col, plan.n_steps)
        out[:plan.n_inputs] = np.stack([k, r, j], axis=1)
    return out


def random_windows(arr, batch_size, n_steps, seed=0, *, count=None):
    """Yield ``count`` batches of independent random windows (stateless batching).

    Each row of each batch is a window ``arr[s : s + T]`` with its own random start s (0 <= s <=
    L - T - 1), and ``y`` is ``arr[s + 1 : s + T + 1]``: the same invariant as ``get_batches``
    (shapes (B, T), ``y[r, j]`` follows ``x[r, j]``) but rows do not continue each other, so every
    batch must start from the zero state. count: batches to yield (default: as many as
    ``get_batches`` gives, so both read about the same number of characters).
    seed: an integer; the same seed gives the same windows.
    """
    seq = _sequence(arr)
    batch_size, n_steps = _sizes(batch_size, n_steps)
    if len(seq) < n_steps + 1:
        raise ValueError(say(f"arr: expected at least n_steps + 1 = {n_steps + 1} elements for one "
                             f"window, got {len(seq)}",
                             f"arr：一个窗口至少需要 n_steps + 1 = {n_steps + 1} 个元素，传入的是 {len(seq)} 个"))
    seed = check.seed("seed", seed, allow_none=False)
    if count is None:
        count = max(num_batches(len(seq), batch_size, n_steps), 1)
    count = check.positive_int("count", count)
    rng = np.random.default_rng(seed)
    return _random_windows(seq, batch_size, n_steps, count, rng)


def _random_windows(seq, batch_size, n_steps, count, rng):
    offsets = np.arange(n_steps)
    for _ in range(count):
        starts = rng.integers(0, len(seq) - n_steps, size=batch_size)  # high exclusive: s <= L-T-1
        idx = starts[:, None] + offsets
        yield seq[idx], seq[idx + 1]


def one_hot(ids, vocab_size, dtype=np.float32) -> np.ndarray:
    """Encode integer ids as one-hot vectors: ids (...) -> (..., vocab_size).

    ``one_hot(ids, V)[..., v]`` is 1 where ``ids == v`` and 0 elsewhere; ids must be in [0, V).
    dtype: float32 (default, the fast training dtype) or float64.
    """
    vocab_size = check.positive_int("vocab_size", vocab_size)
    dtype = check.float_dtype("dtype", dtype)
    ids = np.asarray(ids)
    if ids.dtype.kind not in "iu":
        raise TypeError(say(f"ids: expected integer ids, got dtype {ids.dtype}; "
                            "map characters to ids first (a vocabulary)",
                            f"ids：应为整数 id，传入的 dtype 是 {ids.dtype}；请先把字符映射成 id（用词表）"))
    if ids.size and (ids.min() < 0 or ids.max() >= vocab_size):
        raise ValueError(say(f"ids: expected ids in [0, {vocab_size}) for vocab_size={vocab_size}, "
                             f"got values from {ids.min()} to {ids.max()}",
                             f"ids：vocab_size={vocab_size} 时 id 应在 [0, {vocab_size}) 内，"
                             f"传入的值从 {ids.min()} 到 {ids.max()}"))
    out = np.zeros(ids.shape + (vocab_size,), dtype)
    # One 1 per position, at the id; not eye(V)[ids], which builds a V x V matrix first.
    np.put_along_axis(out, ids[..., None].astype(np.intp), 1, axis=-1)
    return out
