"""Why a plain RNN's memory is short: feed one pulse and watch it fade from the state.

A tanh RNN with no bias gets one input x_0 = strength and zeros afterwards. Its recurrent matrix
is ``scale`` times an orthogonal matrix, so every singular value of W_h, the largest one λ₁
included, equals ``scale``. While the state is small, tanh is nearly the identity and
‖h_t‖ ≈ scale^t ‖h_0‖: below 1 the pulse fades geometrically, at 1 it lingers, above 1 it grows
until tanh saturates (and the state then carries the amplified pulse, not the later inputs).

``pulse_trace`` is the pure computation (the package's ``RNNCell`` and ``dynamic_rnn``),
``PulsePlot`` an SVG plot whose axes and reference curves are drawn once and kept, so that an
update only rewrites one polyline, and ``PulseExplorer`` the two sliders around them.
"""

from __future__ import annotations

import math

import numpy as np

from .. import _validate as check
from ..cells import RNNCell
from ..diagrams import FONTS
from ..unrolling import dynamic_rnn

FLOOR = 1e-6  # the plot's lowest value: a pulse below a millionth counts as gone


def recurrent_matrix(hidden_size, scale, *, seed=0):
    """``scale`` times a random orthogonal (hidden, hidden) matrix: all singular values = scale."""
    hidden_size = check.positive_int("hidden_size", hidden_size)
    scale = check.real_number("scale", scale)
    if scale < 0:
        raise ValueError(f"scale: expected a non-negative number (a singular value), got {scale}")
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
        raise ValueError(f"trace: expected a 1-D array of at least 2 steps, got shape {trace.shape}")
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
        return "No pulse (strength 0): the state stays exactly 0."
    ratio = trace[-1] / trace[0]
    head = f"λ₁ = {scale:.2f}, pulse {strength:.3g}: after {steps} steps the state is {100 * ratio:.3g}% of its start"
    if span is not None:
        return head + f"; it fell below 1% at step {span}."
    if scale > 1:
        return head + "; it never fades: W_h amplifies the state and only tanh's cap holds it."
    return head + f"; it has not faded below 1% within {steps} steps."


class PulsePlot:
    """An SVG log-scale plot of pulse traces. The frame, ticks and the dashed reference curves are
    built once in ``__init__``; ``render(trace)`` only adds the live polyline and its caption."""

    def __init__(self, steps=50, *, references=(0.8, 1.0, 1.2), strength=1.0, width=560, height=300):
        self.steps = check.positive_int("steps", steps)
        self.width, self.height = width, height
        self.x0, self.x1, self.y0, self.y1 = 60, width - 70, 30, height - 45
        self.lo, self.hi = math.log10(FLOOR), 1.0
        parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
                 f'viewBox="0 0 {width} {height}" font-family="{FONTS}">',
                 f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
                 f'<rect x="{self.x0}" y="{self.y0}" width="{self.x1 - self.x0}" height="{self.y1 - self.y0}" '
                 f'fill="#fafafa" stroke="#888"/>']
        for e in range(int(self.lo), int(self.hi) + 1):
            y = self._y(10.0 ** e)
            parts.append(f'<line x1="{self.x0}" y1="{y:.1f}" x2="{self.x1}" y2="{y:.1f}" stroke="#e3e3e3"/>')
            parts.append(f'<text x="{self.x0 - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end">1e{e}</text>')
        for t in range(0, self.steps + 1, 10):
            x = self._x(t)
            parts.append(f'<text x="{x:.1f}" y="{self.y1 + 16}" font-size="11" text-anchor="middle">{t}</text>')
        parts.append(f'<text x="{(self.x0 + self.x1) / 2:.1f}" y="{height - 8}" font-size="12" '
                     f'text-anchor="middle">time step t after the pulse</text>')
        parts.append(f'<text x="14" y="{(self.y0 + self.y1) / 2:.1f}" font-size="12" text-anchor="middle" '
                     f'transform="rotate(-90 14 {(self.y0 + self.y1) / 2:.1f})">size of the state ‖hₜ‖</text>')
        parts.append(f'<text x="{self.x1}" y="{self.y0 - 10}" font-size="11" fill="#777" text-anchor="end">'
                     f'dashed: fixed references, pulse {strength:g}</text>')
        for s in references:
            tr = pulse_trace(s, strength, steps=self.steps)
            parts.append(f'<polyline points="{self._points(tr)}" fill="none" stroke="#9e9e9e" stroke-width="1.2" '
                         f'stroke-dasharray="5 4"/>')
            parts.append(f'<text x="{self.x1 + 4}" y="{self._y(tr[-1]) + 4:.1f}" font-size="11" fill="#777">'
                         f'λ₁={s:g}</text>')
        self.background = "\n".join(parts)

    def _x(self, t):
        return self.x0 + (self.x1 - self.x0) * t / self.steps

    def _y(self, v):
        lv = math.log10(max(float(v), FLOOR))
        lv = min(lv, self.hi)
        return self.y1 - (self.y1 - self.y0) * (lv - self.lo) / (self.hi - self.lo)

    def _points(self, trace):
        return " ".join(f"{self._x(t):.1f},{self._y(v):.1f}" for t, v in enumerate(trace))

    def render(self, trace, caption=""):
        """The kept background plus the live trace (orange) and a caption: an SVG string."""
        trace = np.asarray(trace, dtype=np.float64)
        if trace.shape != (self.steps + 1,):
            raise ValueError(f"trace: expected shape ({self.steps + 1},), got {trace.shape}")
        if not np.all(np.isfinite(trace)):
            raise ValueError("trace: expected finite values, got NaN or inf")
        return (f'{self.background}\n<polyline class="live" points="{self._points(trace)}" fill="none" '
                f'stroke="#e66101" stroke-width="2.5"/>\n'
                f'<text x="{self.x0 + 6}" y="{self.y0 - 10}" font-size="12">{caption}</text>\n</svg>')


class PulseExplorer:
    """Sliders for the recurrent scale λ₁ and the pulse strength; the trace redrawn live."""

    def __init__(self, *, steps=50, scale=0.9, strength=1.0):
        import ipywidgets as widgets

        self.plot = PulsePlot(steps, strength=strength)  # references at the starting pulse size
        self.scale = widgets.FloatSlider(value=scale, min=0.0, max=1.5, step=0.01, description="λ₁ scale",
                                         continuous_update=True)
        self.strength = widgets.FloatLogSlider(value=strength, base=10, min=-2, max=1, step=0.05,
                                               description="pulse", continuous_update=True)
        self.html = widgets.HTML()
        self.readout = widgets.HTML()
        for s in (self.scale, self.strength):
            s.observe(lambda change: self.update(), names="value")
        self.widget = widgets.VBox([widgets.HBox([self.scale, self.strength]), self.html, self.readout])
        self.update()

    def trace(self):
        return pulse_trace(self.scale.value, self.strength.value, steps=self.plot.steps)

    def update(self):
        tr = self.trace()
        self.html.value = self.plot.render(tr, f"live: λ₁ = {self.scale.value:.2f}, pulse {self.strength.value:.3g}")
        self.readout.value = f"<p>{describe_pulse(self.scale.value, self.strength.value, tr)}</p>"

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


def benchmark_update():
    """A callable doing one slider move of a live pulse explorer (computation and redraw)."""
    explorer = PulseExplorer()
    scales = np.linspace(0.5, 1.4, 25)
    count = [0]

    def update():
        count[0] += 1
        explorer.scale.value = float(scales[count[0] % 25])

    return update
