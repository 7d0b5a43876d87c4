"""Delayed recall: the experiment that measures how far back a recurrent network remembers.

The input is a stream of random signs x_t = +-1; the target at step t is the sign seen ``delay``
steps earlier, x_{t-delay}. Nothing in the input at step t says what x_{t-delay} was: the network
must carry it in its state for ``delay`` steps. Guessing gives 50%; a network whose memory
reaches ``delay`` steps back gets 100%.

The trainer is the whole loop in a few lines, with the package's parts: a cell unrolled by
``dynamic_rnn``, a ``Dense`` read-out, ``softmax_cross_entropy``, ``bptt``, gradient clipping
and ``Adam``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..core import validate as check
from ..core.dense import Dense
from ..core.language import say
from ..core.losses import softmax_cross_entropy
from ..core.model import make_cell
from ..core.optim import Adam, clip_by_global_norm
from ..core.unrolling import bptt, dynamic_rnn


def recall_batch(batch_size, seq_len, delay, *, rng):
    """One batch of the delayed-recall task.

    Returns ``(inputs, targets)``: inputs (batch, seq_len, 1) of +-1.0 and targets
    (batch, seq_len - delay) of class ids, 1 where x_{t-delay} was +1 and 0 where it was -1,
    for the steps t = delay .. seq_len-1 (earlier steps have nothing to recall).
    """
    batch_size = check.positive_int("batch_size", batch_size)
    seq_len = check.positive_int("seq_len", seq_len)
    delay = check.positive_int("delay", delay)
    if seq_len <= delay:
        raise ValueError(say(f"seq_len: expected more than delay={delay} steps, got {seq_len}",
                             f"seq_len：时间步应多于 delay={delay} 个，传入的是 {seq_len}"))

    signs = rng.integers(0, 2, size=(batch_size, seq_len))
    inputs = (2.0 * signs - 1.0)[:, :, None]
    return inputs, signs[:, : seq_len - delay]


@dataclass
class RecallResult:
    """What one training run measured."""

    cell: str
    delay: int
    accuracy: float  # fraction of recalled signs right on fresh test sequences
    losses: list = field(repr=False)  # training loss (nats) per step
    steps: int = 0


class RecallModel:
    """A cell followed by a two-class read-out at every step: "was it +1 or -1, delay steps ago?"."""

    def __init__(self, cell="rnn", hidden_size=32, *, seed=0, gate_bias=0.0):
        self.cell_type = cell
        self.cell = make_cell(cell, 1, hidden_size, seed=seed, gate_bias=gate_bias)
        self.out = Dense(hidden_size, 2, seed=seed + 1)
        self.params = {**{f"cell.{k}": v for k, v in self.cell.params.items()},
                       **{f"out.{k}": v for k, v in self.out.params.items()}}

    def logits(self, inputs, delay, *, return_cache=False):
        """inputs (batch, T, 1) -> logits (batch, T - delay, 2) for the steps that can recall."""
        hs, _, cache = dynamic_rnn(self.cell, inputs, return_cache=True)
        logits = self.out.forward(hs[:, delay:])
        return (logits, hs, cache) if return_cache else logits

    def loss_and_grads(self, inputs, targets, delay):
        logits, hs, cache = self.logits(inputs, delay, return_cache=True)
        loss, d_logits = softmax_cross_entropy(logits, targets)
        d_h_read, out_grads = self.out.backward(hs[:, delay:], d_logits)
        d_hs = np.zeros_like(hs)
        d_hs[:, delay:] = d_h_read  # the first `delay` outputs are not read: no gradient there
        _, _, cell_grads = bptt(self.cell, d_hs, cache)
        grads = {**{f"cell.{k}": v for k, v in cell_grads.items()},
                 **{f"out.{k}": v for k, v in out_grads.items()}}
        return loss, grads

    def accuracy(self, inputs, targets, delay) -> float:
        return float((self.logits(inputs, delay).argmax(-1) == targets).mean())


def train_recall(delay, *, cell="rnn", hidden_size=32, steps=600, batch_size=32, extra_steps=20,
                 lr=3e-3, max_norm=1.0, gate_bias=0.0, seed=0, test_size=256):
    """Train a fresh model to recall the sign seen ``delay`` steps back; return a ``RecallResult``.

    Each training sequence has ``delay + extra_steps`` steps (so ``extra_steps`` recalls each),
    drawn fresh every step: the network cannot memorise the data, only learn to remember.
    Accuracy is measured on ``test_size`` new sequences. Gradients are clipped to ``max_norm``.
    """
    delay = check.positive_int("delay", delay)
    steps = check.positive_int("steps", steps)
    extra_steps = check.positive_int("extra_steps", extra_steps)
    rng = np.random.default_rng(seed)
    model = RecallModel(cell, hidden_size, seed=seed, gate_bias=gate_bias)
    opt = Adam(model.params, lr=lr)
    losses = []
    for _ in range(steps):
        inputs, targets = recall_batch(batch_size, delay + extra_steps, delay, rng=rng)
        loss, grads = model.loss_and_grads(inputs, targets, delay)
        grads, _ = clip_by_global_norm(grads, max_norm)
        opt.step(grads)
        losses.append(loss)
    test_inputs, test_targets = recall_batch(test_size, delay + extra_steps, delay, rng=rng)
    acc = model.accuracy(test_inputs, test_targets, delay)
    return RecallResult(cell=cell, delay=delay, accuracy=acc, losses=losses, steps=steps)
