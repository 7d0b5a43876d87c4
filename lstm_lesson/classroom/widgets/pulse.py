"""Why a plain RNN's memory is short: feed one pulse and watch it fade from the state.

A tanh RNN with no bias gets one input x_0 = strength and zeros afterwards. Its recurrent matrix
is ``scale`` times an orthogonal matrix, so every singular value of W_h, the largest one λ₁
included, equals ``scale``. While the state is small, tanh is nearly the identity and
‖h_t‖ ≈ scale^t ‖h_0‖: below 1 the pulse fades geometrically, at 1 it lingers, above 1 it grows
until tanh saturates (and the state then carries the amplified pulse, not the later inputs).

``pulse_trace`` (``lstm_lesson.experiments.pulse``) is the pure computation; here
``PulsePlot`` is an SVG plot whose axes and reference curves are drawn once and kept, so that an
update only rewrites one polyline, and ``PulseExplorer`` the two sliders around them.
"""

from __future__ import annotations

import math

import numpy as np

from ...core import validate as check
from ...core.language import say
from ...experiments.pulse import FLOOR, describe_pulse, pulse_trace
from ..plots import SvgLinePlot


class PulsePlot(SvgLinePlot):
    """An SVG log-scale plot of pulse traces. The frame, ticks and the dashed reference curves are
    built once in ``__init__``; ``render(trace)`` only adds the live polyline and its caption."""

    def __init__(self, steps=50, *, references=(0.8, 1.0, 1.2), strength=1.0, width=560, height=300):
        self.steps = check.positive_int("steps", steps)
        lo = math.log10(FLOOR)
        super().__init__((0, self.steps), (lo, 1.0),
                         x_label=say("time step t after the pulse", "脉冲之后的时间步 t"),
                         y_label=say("size of the state ‖hₜ‖", "状态的大小 ‖hₜ‖"), y_ticks=range(int(lo), 2),
                         y_tick_label=lambda e: f"1e{e}", width=width, height=height,
                         note=say(f"dashed: fixed references, pulse {strength:g}",
                                  f"虚线：固定的参照曲线，脉冲 {strength:g}"))
        for s in references:
            self.add_background(range(self.steps + 1), self._log(pulse_trace(s, strength, steps=self.steps)),
                                label=f"λ₁={s:g}")

    @staticmethod
    def _log(trace):
        return np.log10(np.maximum(trace, FLOOR))  # below a millionth the pulse counts as gone

    def render(self, trace, caption=""):
        """The kept background plus the live trace (orange) and a caption: an SVG string."""
        trace = np.asarray(trace, dtype=np.float64)
        if trace.shape != (self.steps + 1,):
            raise ValueError(say(f"trace: expected shape ({self.steps + 1},), got {trace.shape}",
                                 f"trace：形状应为 ({self.steps + 1},)，传入的是 {trace.shape}"))
        if not np.all(np.isfinite(trace)):
            raise ValueError(say("trace: expected finite values, got NaN or inf",
                                 "trace：应为有限值，传入的有 NaN 或 inf"))
        return super().render([(range(self.steps + 1), self._log(trace), "#e66101", "")], caption)


class PulseExplorer:
    """Sliders for the recurrent scale λ₁ and the pulse strength; the trace redrawn live."""

    def __init__(self, *, steps=50, scale=0.9, strength=1.0):
        import ipywidgets as widgets

        self.plot = PulsePlot(steps, strength=strength)  # references at the starting pulse size
        self.scale = widgets.FloatSlider(value=scale, min=0.0, max=1.5, step=0.01,
                                         description=say("λ₁ scale", "λ₁ 缩放"), continuous_update=True)
        self.strength = widgets.FloatLogSlider(value=strength, base=10, min=-2, max=1, step=0.05,
                                               description=say("pulse", "脉冲"), continuous_update=True)
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
        scale, strength = self.scale.value, self.strength.value
        self.html.value = self.plot.render(tr, say(f"live: λ₁ = {scale:.2f}, pulse {strength:.3g}",
                                                   f"实时：λ₁ = {scale:.2f}，脉冲 {strength:.3g}"))
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
