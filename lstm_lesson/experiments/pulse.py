"""Why a plain RNN's memory is short: feed one pulse and watch it fade from the state.

A tanh RNN with no bias gets one input x_0 = strength and zeros afterwards. Its recurrent matrix
is ``scale`` times an orthogonal matrix, so every singular value of W_h, the largest one λ₁
included, equals ``scale``. While the state is small, tanh is nearly the identity and
‖h_t‖ ≈ scale^t ‖h_0‖: below 1 the pulse fades geometrically, at 1 it lingers, above 1 it grows
until tanh saturates (and the state then carries the amplified pulse, not the later inputs).

``pulse_trace`` runs the package's own ``RNNCell`` with ``dynamic_rnn``; the slider around it is
``lstm_lesson.classroom.widgets.pulse``.
"""

from __future__ import annotations

import numpy as np

from ..core import validate as check
from ..core.cells import RNNCell
from ..core.language import say
from ..core.unrolling import dynamic_rnn

FLOOR = 1e-6  # the plot's lowest value: a pulse below a millionth counts as gone


def recurrent_matrix(hidden_size, scale, *, seed=0):
    """``scale`` times a random orthogonal (hidden, hidden) matrix: all singular values = scale."""
    hidden_size = check.positive_int("hidden_size", hidden_size)
    scale = check.real_number("scale", scale)
    if scale < 0:
        raise ValueError(say(f"scale: expected a non-negative number (a singular value), got {scale}",
                             f"scale：应为非负数（一个奇异值），传入的是 {scale}"))
    q, r = np.linalg.qr(np.random.default_rng(seed).standard_normal((hidden_size, hidden_size)))
    return scale * q * np.sign(np.diag(r))  # the sign fix makes Q uniformly random


def pulse_trace(scale, strength=1.0, *, steps=50, hidden_size=16, seed=0):
    """‖h_t‖ for t = 0..steps after a single input pulse of size ``strength`` at t = 0.

    scale: the largest singular value λ₁ of W_h (>= 0); strength: the pulse x_0 (any real);
    returns an array of shape (steps + 1,). The input weights are a random unit vector and the
    bias is 0, so without the pulse the state would stay exactly 0.
    """
    strength = check.real_number("strength", strength)
    steps = check.positive_int("steps", steps)
    cell = RNNCell(1, hidden_size, seed=seed)
    cell.params["W_h"][...] = recurrent_matrix(hidden_size, scale, seed=seed)
    w = np.random.default_rng(seed + 1).standard_normal(hidden_size)
    cell.params["W_x"][...] = w / np.linalg.norm(w)
    cell.params["b"][...] = 0.0
    inputs = np.zeros((1, steps + 1, 1))
    inputs[0, 0, 0] = strength
    outputs, _ = dynamic_rnn(cell, inputs)
    return np.linalg.norm(outputs[0], axis=1)


def memory_span(trace, fraction=0.01):
    """The first step at which the pulse fell below ``fraction`` of its size at t = 0, or None
    if it never did within the trace (it lingered or grew)."""
    trace = np.asarray(trace, dtype=np.float64)
    if trace.ndim != 1 or trace.size < 2:
        raise ValueError(say(f"trace: expected a 1-D array of at least 2 steps, got shape {trace.shape}",
                             f"trace：应为至少 2 个时间步的一维数组，传入的形状是 {trace.shape}"))
    fraction = check.real_number("fraction", fraction)
    if trace[0] == 0:
        return 0
    below = np.nonzero(trace < fraction * trace[0])[0]
    return int(below[0]) if below.size else None


def describe_pulse(scale, strength, trace) -> str:
    """A sentence for the readout: where the pulse ended after the last step."""
    span = memory_span(trace)
    steps = len(trace) - 1
    if trace[0] == 0:
        return say("No pulse (strength 0): the state stays exactly 0.", "没有脉冲（强度为 0）：状态一直恰好是 0。")
    ratio = trace[-1] / trace[0]
    head = say(f"λ₁ = {scale:.2f}, pulse {strength:.3g}: after {steps} steps the state is {100 * ratio:.3g}% "
               "of its start",
               f"λ₁ = {scale:.2f}，脉冲 {strength:.3g}：{steps} 步之后，状态是起始时的 {100 * ratio:.3g}%")
    if span is not None:
        return head + say(f"; it fell below 1% at step {span}.", f"；它在第 {span} 步降到了 1% 以下。")
    if scale > 1:
        return head + say("; it never fades: W_h amplifies the state and only tanh's cap holds it.",
                          "；它永远不会消退：W_h 放大状态，只有 tanh 的上限把它挡住。")
    return head + say(f"; it has not faded below 1% within {steps} steps.",
                      f"；{steps} 步之内它没有降到 1% 以下。")

