"""The adding problem of Hochreiter & Schmidhuber (1997, Experiment 4), and a small trainer for it.

Each time step shows the network a pair (value, marker). Values are uniform in [-1, 1]; exactly
two steps are marked with 1.0, the first and the last step carry the marker -1.0, all others 0.
At the end the network must output 0.5 + (X1 + X2) / 4, where X1 and X2 are the two marked values
(the sum scaled into [0, 1]). A sequence counts as right if the final absolute error is below 0.04.

The first mark falls in the first ten steps, the second in the first T/2 - 1 steps, so the
network must hold two numbers for at least T/2 steps while ignoring everything in between:
a long-lag task with one error signal at the very end. Two changes from the paper: all
sequences have the same length T (the paper drew lengths from [T, T + T/10]), and a marked first
pair has its value set to zero whichever mark hit it (the paper says so for X1).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from ..core import validate as check
from ..core.dense import Dense
from ..core.language import say
from ..core.model import CELL_TYPES, make_cell
from ..core.optim import SGD, Adam, clip_by_global_norm, global_norm
from .gradient_flow import set_spectral_scale

TOLERANCE = 0.04  # the paper's rule: a sequence is right if |prediction - target| < 0.04


def adding_batch(batch_size, length, rng):
    """Draw ``batch_size`` adding-problem sequences of ``length`` steps.

    rng: a ``numpy.random.Generator`` (or an int seed).
    Returns ``(inputs (batch, length, 2), targets (batch,))``: inputs[..., 0] the values,
    inputs[..., 1] the markers; targets = 0.5 + (X1 + X2) / 4.
    """
    B = check.positive_int("batch_size", batch_size)
    T = check.positive_int("length", length)
    if T < 6:
        raise ValueError(say(f"length: expected at least 6 steps (two marks in the first half), got {T}",
                             f"length：应至少有 6 个时间步（前半段要放两个标记），传入的是 {T}"))
    rng = np.random.default_rng(rng)
    values = rng.uniform(-1.0, 1.0, size=(B, T))
    markers = np.zeros((B, T))
    markers[:, 0] = markers[:, -1] = -1.0
    rows = np.arange(B)
    first = rng.integers(0, min(10, T // 2 - 1), size=B)
    # the second mark: one of the first T/2 - 1 positions that is not the first mark
    second = rng.integers(0, T // 2 - 1, size=B)
    second = second + (second >= first)
    markers[rows, first] = 1.0
    markers[rows, second] = 1.0
    # the paper sets X1 to zero when the first pair is marked; we do so for either mark
    values[markers[:, 0] == 1.0, 0] = 0.0
    targets = 0.5 + (values[rows, first] + values[rows, second]) / 4.0
    return np.stack([values, markers], axis=-1), targets


def fraction_correct(predictions, targets, tolerance=TOLERANCE):
    """The share of sequences with |prediction - target| < tolerance (the paper's success rule)."""
    predictions = np.asarray(predictions, np.float64)
    targets = np.asarray(targets, np.float64)
    if predictions.shape != targets.shape:
        raise ValueError(say(f"predictions: expected shape {targets.shape} like targets, got {predictions.shape}",
                             f"predictions：形状应与 targets 一样为 {targets.shape}，传入的是 {predictions.shape}"))
    return float(np.mean(np.abs(predictions - targets) < tolerance))


class AddingModel:
    """A recurrent cell read out once, at the last step: y = h_T W + b (one linear output unit).

    cell: "rnn", "lstm", "peephole" or "gru"; gate_bias: the forget bias (LSTM family) or the
    update bias (GRU), the "remember by default" knob. spectral_scale (RNN only): start with the
    largest singular value of W_h set to this. ``params`` holds the live arrays.
    """

    def __init__(self, cell="lstm", hidden_size=16, *, gate_bias=0.0, seed=0, spectral_scale=None):
        self.cell_type = cell
        self.cell = make_cell(cell, 2, hidden_size, seed=seed, gate_bias=gate_bias)
        if spectral_scale is not None:
            set_spectral_scale(self.cell, spectral_scale)
        self.out = Dense(self.cell.hidden_size, 1, seed=seed + 1000)
        self.params = {f"cell.{k}": v for k, v in self.cell.params.items()}
        self.params.update({f"out.{k}": v for k, v in self.out.params.items()})

    def predict(self, inputs):
        """inputs: (batch, time, 2) -> predictions (batch,)."""
        _, final = self.cell.dynamic_rnn(inputs)
        return self.out.forward(self.cell.hidden(final))[:, 0]

    def loss_and_grads(self, inputs, targets):
        """Half the mean squared error at the last step, and its gradients (keys like ``params``).

        inputs: (batch, time, 2); targets: (batch,). Returns ``(loss, grads, predictions)``.
        """
        outputs, final, cache = self.cell.dynamic_rnn(inputs, return_cache=True)
        h_last = self.cell.hidden(final)
        y = self.out.forward(h_last)[:, 0]
        err = y - targets
        loss = 0.5 * float(np.mean(err * err))
        d_h_last, out_grads = self.out.backward(h_last, (err / err.size)[:, None])
        d_outputs = np.zeros_like(outputs)
        d_outputs[:, -1] = d_h_last  # the only error signal is at the sequence end
        _, _, cell_grads = self.cell.bptt(d_outputs, cache)
        grads = {f"cell.{k}": v for k, v in cell_grads.items()}
        grads.update({f"out.{k}": v for k, v in out_grads.items()})
        return loss, grads, y


@dataclass
class AddingRun:
    """What one training run did.

    solved: the check set reached ``solved_at``; diverged: the loss passed ``DIVERGED`` and training
    stopped; steps, sequences: how many updates and training sequences it took;
    test_correct: share of the fresh test sequences right. history: (step, share of the check set
    right); losses, norms: the training loss and the gradient's global norm (before clipping) at
    every step.
    """

    cell: str
    gate_bias: float
    seed: int
    length: int
    hidden_size: int
    solved: bool
    diverged: bool
    steps: int
    sequences: int
    test_correct: float
    seconds: float
    history: list = field(default_factory=list)
    losses: list = field(default_factory=list)
    norms: list = field(default_factory=list)


DIVERGED = 1e6  # a loss this large (the targets lie in [0, 1]) means the weights were thrown away


def train_adding(cell="lstm", *, length=30, hidden_size=16, gate_bias=0.0, seed=0, batch_size=32,
                 optimizer="adam", lr=0.01, clip=1.0, max_steps=1000, check_every=25, solved_at=0.95,
                 check_size=256, test_size=2560, spectral_scale=None):
    """Train an ``AddingModel`` until it solves the adding problem, diverges or runs out of steps.

    Every ``check_every`` steps the model predicts a fixed check set of ``check_size`` sequences;
    it has *solved* the task when at least ``solved_at`` of them are right (|error| < 0.04), and
    training stops there (early stopping keeps the lesson within its time budget). Finally the
    share of right answers on ``test_size`` fresh sequences is measured.
    optimizer: "adam" or "sgd"; clip: the global-norm threshold of Pascanu et al.'s Algorithm 1
    (None: no clipping). The data depend only on ``seed``, so runs that differ in one setting
    see the same sequences. Returns an ``AddingRun``.
    """
    if cell not in CELL_TYPES:
        raise ValueError(say(f"cell: expected one of {sorted(CELL_TYPES)}, got {cell!r}",
                             f"cell：应为 {sorted(CELL_TYPES)} 之一，传入的是 {cell!r}"))
    if optimizer not in ("adam", "sgd"):
        raise ValueError(say(f"optimizer: expected 'adam' or 'sgd', got {optimizer!r}",
                             f"optimizer：应为 'adam' 或 'sgd'，传入的是 {optimizer!r}"))
    max_steps = check.positive_int("max_steps", max_steps)
    check_every = check.positive_int("check_every", check_every)
    batch_size = check.positive_int("batch_size", batch_size)
    solved_at = check.real_number("solved_at", solved_at)
    if clip is not None and check.real_number("clip", clip) <= 0:
        raise ValueError(say(f"clip: expected a positive threshold or None, got {clip}",
                             f"clip：应为正的阈值或 None，传入的是 {clip}"))

    start = time.perf_counter()
    model = AddingModel(cell, hidden_size, gate_bias=gate_bias, seed=seed, spectral_scale=spectral_scale)
    update = (Adam if optimizer == "adam" else SGD)(model.params, lr=lr)
    data = np.random.default_rng(seed)
    # separate streams, so the check and test sets do not depend on how long training ran
    check_x, check_y = adding_batch(check_size, length, np.random.default_rng([seed, 1]))
    history, losses, norms = [], [], []
    solved = diverged = False
    step = 0
    while step < max_steps and not solved and not diverged:
        x, y = adding_batch(batch_size, length, data)
        loss, grads, _ = model.loss_and_grads(x, y)
        losses.append(loss)
        if clip is not None:
            grads, norm = clip_by_global_norm(grads, clip)
        else:
            norm = global_norm(grads)
        norms.append(norm)
        diverged = not loss < DIVERGED
        if diverged:
            break  # one more step at this size could overflow; the run is lost anyway
        update.step(grads)
        step += 1
        if step % check_every == 0 or step == max_steps:
            right = fraction_correct(model.predict(check_x), check_y)
            history.append((step, right))
            solved = right >= solved_at
    test_x, test_y = adding_batch(test_size, length, np.random.default_rng([seed, 2]))
    test_correct = fraction_correct(model.predict(test_x), test_y)
    return AddingRun(cell=cell, gate_bias=float(gate_bias), seed=seed, length=length,
                     hidden_size=hidden_size, solved=solved, diverged=diverged, steps=step,
                     sequences=step * batch_size, test_correct=test_correct,
                     seconds=time.perf_counter() - start, history=history, losses=losses, norms=norms)


def race(cells, gate_biases, seeds, **train_kwargs):
    """Train every (cell, gate_bias, seed) combination with ``train_adding``; returns the runs."""
    return [train_adding(cell, gate_bias=bias, seed=seed, **train_kwargs)
            for cell in cells for bias in gate_biases for seed in seeds]


def race_table(runs):
    """One row per (cell, gate_bias): how many runs solved the task and how fast.

    Returns a list of dicts with cell, gate_bias, solved, runs, median_steps (over solved runs,
    None if none solved), median_sequences, mean_test_correct and seconds (total wall time).
    """
    rows = {}
    for r in runs:
        rows.setdefault((r.cell, r.gate_bias), []).append(r)
    table = []
    for (cell, bias), group in rows.items():
        done = [r for r in group if r.solved]
        table.append({"cell": cell, "gate_bias": bias, "solved": len(done), "runs": len(group),
                      "median_steps": int(np.median([r.steps for r in done])) if done else None,
                      "median_sequences": int(np.median([r.sequences for r in done])) if done else None,
                      "mean_test_correct": float(np.mean([r.test_correct for r in group])),
                      "seconds": float(sum(r.seconds for r in group))})
    return table
