"""The gradient-flow explorer: how far back the error reaches, for an RNN and an LSTM, live.

Two sliders: the RNN's spectral scale (λ1, the largest singular value of W_h) and the LSTM's
forget-gate bias. Both curves are ‖∂h_T/∂s_t‖ against the lag T - t on a log scale, measured with
the cells' own backward pass (``lstm_lesson.gradient_flow``).

``flow_curves`` is the pure function of the slider values (tests call it directly);
``GradientFlowExplorer`` draws into ONE matplotlib figure whose two lines are moved with
``set_ydata`` and whose PNG bytes go into one ``widgets.Image``: no figure is re-created.
"""

from __future__ import annotations

import io
from functools import lru_cache

import numpy as np

from .. import _validate as check
from ..gradient_flow import gradient_flow

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
        raise ValueError(f"spectral_scale: expected a positive number, got {spectral_scale}")
    common = (length, hidden_size, sequences, seed)
    return {"lags": np.arange(length + 1), "rnn": _curve("rnn", spectral_scale, *common).copy(),
            "lstm": _curve("lstm", forget_bias, *common).copy()}


@lru_cache(maxsize=128)
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
    return (f"after {lag} steps back: RNN × {power_of_ten(curves['rnn'][-1])}, "
            f"LSTM × {power_of_ten(curves['lstm'][-1])}")


class GradientFlowExplorer:
    """Sliders for the RNN's spectral scale and the LSTM's forget bias; the two curves redrawn live.

    ``explorer.widget`` is the ipywidgets box; ``explorer.curves`` the last computed curves;
    ``explorer.image.value`` the PNG shown (what the tests read).
    """

    def __init__(self, *, spectral_scale=1.0, forget_bias=1.0, length=100, hidden_size=32, sequences=4):
        import ipywidgets as widgets
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
        from matplotlib.ticker import FuncFormatter

        self.options = dict(length=length, hidden_size=hidden_size, sequences=sequences)
        self.scale = widgets.FloatSlider(value=spectral_scale, min=SCALE_RANGE[0], max=SCALE_RANGE[1], step=0.1,
                                         description="RNN λ1", continuous_update=False)
        self.bias = widgets.FloatSlider(value=forget_bias, min=BIAS_RANGE[0], max=BIAS_RANGE[1], step=0.25,
                                        description="LSTM b_f", continuous_update=False)
        self.image = widgets.Image(format="png")
        self.figure = Figure(figsize=(7, 3.6), dpi=72)
        FigureCanvasAgg(self.figure)
        ax = self.figure.add_subplot()
        lags = np.arange(length + 1)
        zeros = np.zeros(length + 1)
        # the two persistent lines: every update only moves their y data
        (self.rnn_line,) = ax.plot(lags, zeros, color="#d55e00", lw=2, label="RNN")
        (self.lstm_line,) = ax.plot(lags, zeros, color="#0072b2", lw=2, label="LSTM")
        ax.axhline(0.0, color="grey", lw=0.8, ls=":")
        ax.set_xlim(0, length)
        ax.set_ylim(*Y_RANGE)
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"1e{v:+.0f}"))
        ax.set_xlabel("lag T − t (steps back)")
        ax.set_ylabel("‖∂h_T/∂s_t‖ / ‖∂h_T/∂s_T‖")
        ax.legend(loc="lower left")
        self.title = ax.set_title("after 100 steps back: RNN × 1e+00, LSTM × 1e+00")  # room for the real one
        self.figure.tight_layout()
        self.scale.observe(lambda change: self.update(), names="value")
        self.bias.observe(lambda change: self.update(), names="value")
        self.widget = widgets.VBox([widgets.HBox([self.scale, self.bias]), self.image])
        self.update()

    def update(self):
        """Recompute both curves at the slider values and redraw the two lines."""
        self.curves = flow_curves(self.scale.value, self.bias.value, **self.options)
        self.rnn_line.set_ydata(self.curves["rnn"])
        self.lstm_line.set_ydata(self.curves["lstm"])
        self.rnn_line.set_label(f"RNN, λ1 = {self.scale.value:.1f}")
        self.lstm_line.set_label(f"LSTM, forget bias {self.bias.value:+.2f}")
        self.rnn_line.axes.legend(loc="lower left")
        self.title.set_text(flow_summary(self.curves))
        buffer = io.BytesIO()
        self.figure.savefig(buffer, format="png")
        self.image.value = buffer.getvalue()

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


def gradient_flow_explorer(**kwargs) -> GradientFlowExplorer:
    """The gradient-flow explorer (see ``GradientFlowExplorer``)."""
    return GradientFlowExplorer(**kwargs)
