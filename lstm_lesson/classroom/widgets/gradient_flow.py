"""The gradient-flow explorer: how far back the error reaches, for an RNN and an LSTM, live.

Two sliders: the RNN's spectral scale (λ1, the largest singular value of W_h) and the LSTM's
forget-gate bias. Both curves are ‖∂h_T/∂s_t‖ against the lag T - t on a log scale, measured with
the cells' own backward pass (``lstm_lesson.experiments.gradient_flow``).

``flow_curves`` is the pure function of the slider values (tests call it directly);
``GradientFlowExplorer`` keeps one SVG plot whose frame is drawn once; an update writes the two
curves as polylines (under a millisecond, where a matplotlib PNG re-render costs 50-100 ms).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from ...core import validate as check
from ...core.language import say
from ...experiments.gradient_flow import gradient_flow
from ..plots import SvgLinePlot

SCALE_RANGE = (0.1, 10.0)  # λ1 of the RNN's W_h
BIAS_RANGE = (-3.0, 8.0)  # the LSTM's forget-gate bias
Y_RANGE = (-80.0, 25.0)  # log10 of the ratio; beyond it the curve leaves the plot (the title still says)


def flow_curves(spectral_scale=1.0, forget_bias=1.0, *, length=100, hidden_size=32, sequences=4, seed=0) -> dict:
    """log10(‖∂h_T/∂s_t‖ / ‖∂h_T/∂s_T‖) against the lag for an RNN with W_h scaled to λ1 =
    ``spectral_scale`` and an LSTM with forget bias ``forget_bias``.

    Returns a dict with ``lags`` (length + 1,), ``rnn`` and ``lstm`` (same shape, finite floats).
    """
    spectral_scale = check.real_number("spectral_scale", spectral_scale)
    forget_bias = check.real_number("forget_bias", forget_bias)
    if spectral_scale <= 0:
        raise ValueError(say(f"spectral_scale: expected a positive number, got {spectral_scale}",
                             f"spectral_scale：应为正数，传入的是 {spectral_scale}"))
    common = (length, hidden_size, sequences, seed)
    # Keys rounded to 1e-9: a slider sends 1.2000000000000002 after 1.1 + 0.1 but 1.2 when typed,
    # and the two must hit the same cache entry.
    return {"lags": np.arange(length + 1), "rnn": _curve("rnn", round(spectral_scale, 9), *common).copy(),
            "lstm": _curve("lstm", round(forget_bias, 9), *common).copy()}


@lru_cache(maxsize=512)  # every position of both sliders (100 + 45) fits: going back is always a hit
def _curve(kind, value, length, hidden_size, sequences, seed):
    # a slider move changes one of the two curves: the other comes from this cache
    knob = {"spectral_scale": value} if kind == "rnn" else {"gate_bias": value}
    return gradient_flow(kind, length=length, hidden_size=hidden_size, sequences=sequences, seed=seed, **knob)[1]


def power_of_ten(log10_value) -> str:
    """A ratio written from its log10, e.g. -31.2 -> '6e-32', without ever computing 10**-400."""
    exponent = int(np.floor(log10_value))
    mantissa = 10 ** (log10_value - exponent)
    if round(mantissa) == 10:
        mantissa, exponent = 1.0, exponent + 1
    return f"{mantissa:.0f}e{exponent:+d}"


def flow_summary(curves) -> str:
    """One sentence: the ratio after the longest lag for both cells."""
    lag = int(curves["lags"][-1])
    return say(f"after {lag} steps back: RNN × {power_of_ten(curves['rnn'][-1])}, "
               f"LSTM × {power_of_ten(curves['lstm'][-1])}",
               f"回溯 {lag} 步后：RNN × {power_of_ten(curves['rnn'][-1])}，"
               f"LSTM × {power_of_ten(curves['lstm'][-1])}")


class GradientFlowExplorer:
    """Sliders for the RNN's spectral scale and the LSTM's forget bias; the two curves redrawn live.

    ``explorer.widget`` is the ipywidgets box; ``explorer.curves`` the last computed curves;
    ``explorer.html.value`` the SVG shown (what the tests read). The axes are drawn once
    (``explorer.plot``); an update recomputes only the curve whose slider moved (the other is
    cached) and writes two polylines.
    """

    def __init__(self, *, spectral_scale=1.0, forget_bias=1.0, length=100, hidden_size=32, sequences=2):
        import ipywidgets as widgets

        self.options = dict(length=length, hidden_size=hidden_size, sequences=sequences)
        self.scale = widgets.FloatSlider(value=spectral_scale, min=SCALE_RANGE[0], max=SCALE_RANGE[1], step=0.1,
                                         description="RNN λ1")
        self.bias = widgets.FloatSlider(value=forget_bias, min=BIAS_RANGE[0], max=BIAS_RANGE[1], step=0.25,
                                        description="LSTM b_f")
        self.plot = SvgLinePlot((0, length), Y_RANGE, x_label=say("lag T − t (steps back)", "间隔 T − t（回溯的步数）"),
                                y_label="‖∂h_T/∂s_t‖ / ‖∂h_T/∂s_T‖", y_ticks=range(-80, 21, 20),
                                y_tick_label=lambda v: f"1e{v:+d}", width=620, height=320,
                                note=say("beyond the frame the curve runs along its edge",
                                         "超出边框的部分沿边框画出"))
        self.plot.add_background([0, length], [0.0, 0.0], label="×1")
        self.html = widgets.HTML()
        self.scale.observe(lambda change: self.update(), names="value")
        self.bias.observe(lambda change: self.update(), names="value")
        self.widget = widgets.VBox([widgets.HBox([self.scale, self.bias]), self.html])
        self.update()

    def update(self):
        """Recompute the curves at the slider values and redraw the two lines."""
        self.curves = c = flow_curves(self.scale.value, self.bias.value, **self.options)
        self.html.value = self.plot.render(
            [(c["lags"], c["rnn"], "#d55e00",
              say(f"RNN, λ1 = {self.scale.value:.1f}", f"RNN，λ1 = {self.scale.value:.1f}")),
             (c["lags"], c["lstm"], "#0072b2", say(f"LSTM, forget bias {self.bias.value:+.2f}",
                                                   f"LSTM，遗忘门偏置 {self.bias.value:+.2f}"))],
            flow_summary(c))

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


def benchmark_update():
    """A callable doing one slider move of a live explorer (computation of the moved curve and redraw);
    the values cycle through more settings than the cache keeps, so each move is a real one."""
    explorer = GradientFlowExplorer()
    biases = np.arange(BIAS_RANGE[0], BIAS_RANGE[1] + 1e-9, 0.25)
    scales = np.round(np.arange(SCALE_RANGE[0], SCALE_RANGE[1] + 1e-9, 0.1), 1)
    count = [0]

    def update():
        count[0] += 1
        if count[0] % 2:
            explorer.bias.value = float(biases[count[0] % len(biases)])
        else:
            explorer.scale.value = float(scales[count[0] % len(scales)])

    return update


def gradient_flow_explorer(**kwargs) -> GradientFlowExplorer:
    """The gradient-flow explorer (see ``GradientFlowExplorer``)."""
    return GradientFlowExplorer(**kwargs)
