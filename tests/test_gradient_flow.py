"""The gradient-flow measurement: it must BE the Jacobian ∂h_T/∂s_t, and stay finite at any scale.

If these fail, the lesson-4 picture is wrong: a curve that is off by one step, that misses the
tanh derivative, that ignores the cell state c, or that overflows for large spectral scales.
"""

import re
import warnings
import xml.etree.ElementTree as ET

import numpy as np
import pytest

import lstm_lesson as L
from lstm_lesson.classroom.widgets.gradient_flow import (
    GradientFlowExplorer,
    flow_curves,
    flow_summary,
    power_of_ten,
)
from lstm_lesson.experiments.gradient_flow import (
    gradient_flow,
    jacobian_log_norms,
    largest_singular_value,
    set_spectral_scale,
)


def _rnn_trajectory(cell, x):
    h, hs = np.zeros((1, cell.hidden_size)), []
    for t in range(x.shape[1]):
        h, _ = cell.step(x[:, t], h)
        hs.append(h[0])
    return hs


def test_rnn_curve_is_the_product_of_jacobians():
    # ∂h_T/∂h_t = J_T J_{T-1} ... J_{t+1}, J_k = diag(1 - h_k^2) W_h.T, written out by hand
    cell = L.RNNCell(2, 3, seed=3)
    x = np.random.default_rng(0).standard_normal((1, 6, 2))
    hs = _rnn_trajectory(cell, x)
    got = jacobian_log_norms(cell, x)[0]
    J = np.eye(3)
    want = [np.log10(np.linalg.norm(J))]
    for k in range(5, -1, -1):  # step k maps h_{k-1} -> h_k (hs[k])
        J = J @ (np.diag(1 - hs[k] ** 2) @ cell.params["W_h"].T)
        want.append(np.log10(np.linalg.norm(J)))
    np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)


def _lstm_h_T(cell, x, t, state):
    """h_T of one sequence when the state after step t is replaced by ``state``."""
    s = cell.zero_state(1)
    for k in range(x.shape[1]):
        s, _ = cell.step(x[:, k], s)
        if k == t - 1:
            s = state
    return s.h[0]


@pytest.mark.parametrize("kind", ["lstm", "peephole"])
def test_lstm_curve_includes_the_cell_state(kind):
    # finite differences of h_T with respect to BOTH h_t and c_t; forgetting c would miss the carousel
    cell = L.make_cell(kind, 2, 3, seed=2, gate_bias=1.0)
    x = np.random.default_rng(1).standard_normal((1, 5, 2))
    T, t, eps = 5, 2, 1e-6
    s = cell.zero_state(1)
    for k in range(t):
        s, _ = cell.step(x[:, k], s)
    columns = []
    for part in (0, 1):
        for j in range(3):
            plus = [a.copy() for a in s]
            minus = [a.copy() for a in s]
            plus[part][0, j] += eps
            minus[part][0, j] -= eps
            columns.append((_lstm_h_T(cell, x, t, L.LSTMState(*plus)) - _lstm_h_T(cell, x, t, L.LSTMState(*minus)))
                           / (2 * eps))
    numeric = np.log10(np.linalg.norm(np.array(columns)))
    got = jacobian_log_norms(cell, x)[0, T - t]
    assert abs(got - numeric) < 1e-6
    # and the h part alone is not enough: the c columns carry most of the gradient here
    assert np.linalg.norm(np.array(columns[3:])) > 0.1 * np.linalg.norm(np.array(columns))


def test_lag_zero_is_the_identity():
    for kind in ("rnn", "lstm", "gru"):
        lags, curve = gradient_flow(kind, length=5, hidden_size=4, sequences=2)
        assert lags.tolist() == list(range(6))
        assert curve[0] == 0.0


def test_pascanu_bound_holds_at_every_lag():
    # λ1 < 1 with tanh (γ = 1): ‖∂h_T/∂h_t‖_2 <= λ1^(T-t); Frobenius / sqrt(H) <= spectral norm
    lags, curve = gradient_flow("rnn", spectral_scale=0.9, length=60)
    assert np.all(curve <= lags * np.log10(0.9) + 1e-9), "a ratio above λ1^lag: the curve is not the Jacobian"


def test_rnn_and_lstm_curves_order_as_in_the_lesson():
    ratio = {s: gradient_flow("rnn", spectral_scale=s)[1][99] for s in (0.9, 1.5, 5.0)}
    assert ratio[0.9] < ratio[1.5] < 0 < ratio[5.0]  # vanishes faster for smaller λ1; explodes at 5
    lstm = {b: gradient_flow("lstm", gate_bias=b)[1][99] for b in (0.0, 1.0, 3.0)}
    assert lstm[0.0] < lstm[1.0] < lstm[3.0]
    assert lstm[3.0] > -3 and lstm[0.0] < -10  # forget bias 3 keeps the error, bias 0 loses it


@pytest.mark.parametrize("scale", [0.01, 10.0, 50.0])
def test_extreme_scales_stay_finite_without_warnings(scale):
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("error")
        lags, curve = gradient_flow("rnn", spectral_scale=scale, length=300, hidden_size=8, sequences=2)
    assert np.all(np.isfinite(curve))
    if scale < 1:
        assert curve[-1] < -300  # far below float64's smallest number: only the log form can say it


def test_a_gradient_that_is_exactly_zero_is_reported_finite():
    cell = L.RNNCell(2, 3)
    set_spectral_scale(cell, 0.0)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        out = jacobian_log_norms(cell, np.ones((1, 4, 2)))
    assert np.all(np.isfinite(out)) and out[0, 1] < -300


def test_set_spectral_scale():
    cell = L.RNNCell(3, 7, seed=0)
    set_spectral_scale(cell, 2.5)
    assert largest_singular_value(cell.params["W_h"]) == pytest.approx(2.5, rel=1e-12)
    with pytest.raises(TypeError, match="cell: expected an RNNCell"):
        set_spectral_scale(L.LSTMCell(3, 7), 1.0)
    with pytest.raises(ValueError, match="spectral_scale: expected a number >= 0"):
        set_spectral_scale(cell, -1.0)
    with pytest.raises(ValueError, match="spectral_scale: only the plain RNN"):
        gradient_flow("lstm", spectral_scale=1.0, length=3)


def test_power_of_ten_never_computes_the_power():
    assert power_of_ten(-31.2) == "6e-32"
    assert power_of_ten(2.9999999) == "1e+3"
    assert power_of_ten(-4000.0) == "1e-4000"
    curves = {"lags": np.arange(3), "rnn": np.array([0.0, -1.0, -2.0]), "lstm": np.array([0.0, 0.5, 1.0])}
    assert flow_summary(curves) == "after 2 steps back: RNN × 1e-2, LSTM × 1e+1"


# ----- the widget: callbacks at the slider extremes ------------------------------------------
def test_flow_curves_at_slider_extremes():
    from lstm_lesson.classroom.widgets.gradient_flow import BIAS_RANGE, SCALE_RANGE
    for scale in SCALE_RANGE:
        for bias in BIAS_RANGE:
            c = flow_curves(scale, bias, length=100)
            assert all(np.all(np.isfinite(c[k])) for k in ("rnn", "lstm"))
    assert flow_curves(10.0, 0.0)["rnn"][-1] > 10  # spectral scale 10 over 100 steps: explodes, finite
    with pytest.raises(ValueError, match="spectral_scale: expected a positive number"):
        flow_curves(0.0, 1.0)


def _live_points(svg):
    root = ET.fromstring(svg)
    return [[tuple(map(float, p.split(","))) for p in e.get("points").split()]
            for e in root.iter("{http://www.w3.org/2000/svg}polyline") if e.get("class") == "live"]


def test_explorer_redraws_only_the_live_lines():
    e = GradientFlowExplorer(sequences=2)
    background = e.plot.background
    first = e.html.value
    assert first.startswith(background) and len(_live_points(first)) == 2
    e.scale.value = 10.0
    e.bias.value = -3.0
    assert e.plot.background is background, "the frame must be drawn once, not per update"
    rnn, lstm = _live_points(e.html.value)
    assert len(rnn) == len(lstm) == 101
    assert e.curves["rnn"][-1] > 0 > e.curves["lstm"][-1]
    assert rnn[-1][1] < rnn[0][1], "an exploding RNN curve must rise (smaller SVG y) with the lag"
    assert lstm[-1][1] > lstm[0][1], "a vanishing LSTM curve must fall with the lag"
    assert e.html.value != first
    assert re.search(r"RNN × \de\+\d+, LSTM × \de-\d+", e.html.value)  # the caption follows the sliders
    e.scale.value = 0.1
    e.bias.value = 8.0
    assert np.all(np.isfinite(e.curves["lstm"])) and e.curves["rnn"][-1] < -40


def test_benchmark_update_moves_a_slider_each_call():
    import lstm_lesson.classroom.widgets.gradient_flow as gf

    made = []
    real_init = gf.GradientFlowExplorer.__init__

    def spy(self, *args, **kwargs):
        real_init(self, *args, **kwargs)
        made.append(self)

    gf.GradientFlowExplorer.__init__ = spy
    try:
        update = gf.benchmark_update()
    finally:
        gf.GradientFlowExplorer.__init__ = real_init
    (explorer,) = made
    seen = [(explorer.scale.value, explorer.bias.value, explorer.html.value)]
    for _ in range(4):
        update()
        seen.append((explorer.scale.value, explorer.bias.value, explorer.html.value))
    for a, b in zip(seen, seen[1:]):
        assert a[:2] != b[:2], "every call must move a slider"
        assert a[2] != b[2], "every slider move must redraw the plot"


def test_flow_curves_cache_hands_out_copies():
    first = flow_curves(1.0, 1.0, length=20, hidden_size=4, sequences=1)
    first["rnn"][:] = 99.0  # a caller scribbling on the result must not change the next one
    again = flow_curves(1.0, 1.0, length=20, hidden_size=4, sequences=1)
    assert again["rnn"][0] == 0.0 and np.all(again["rnn"] < 1)
