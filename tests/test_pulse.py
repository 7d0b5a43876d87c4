"""The pulse widget: a pulse fades like scale^t below 1, lingers at 1, grows above 1; the plot
keeps its background and redraws only the live trace."""

import xml.etree.ElementTree as ET

import numpy as np
import pytest

from lstm_lesson.classroom.exercises.lesson01 import memory_span_reference
from lstm_lesson.classroom.widgets.pulse import PulseExplorer, PulsePlot
from lstm_lesson.experiments.pulse import FLOOR, describe_pulse, memory_span, pulse_trace, recurrent_matrix


def test_recurrent_matrix_has_every_singular_value_equal_to_the_scale():
    for scale in (0.0, 0.5, 1.0, 1.7):
        s = np.linalg.svd(recurrent_matrix(8, scale, seed=3), compute_uv=False)
        np.testing.assert_allclose(s, scale, atol=1e-12)
    with pytest.raises(ValueError, match="scale: expected a non-negative number"):
        recurrent_matrix(4, -1.0)


def test_a_small_pulse_fades_geometrically_below_one():
    tr = pulse_trace(0.8, 1e-3, steps=30)
    assert tr[0] == pytest.approx(1e-3)  # the input weights are a unit vector
    np.testing.assert_allclose(tr, 1e-3 * 0.8 ** np.arange(31), rtol=1e-5)


def test_memory_span_matches_the_formula_for_small_pulses():
    for scale in (0.5, 0.8, 0.9):
        assert memory_span(pulse_trace(scale, 1e-3)) == memory_span_reference(scale)


def test_at_one_it_lingers_and_above_one_it_grows_until_tanh_caps_it():
    at_one = pulse_trace(1.0, 0.1)
    assert at_one[-1] > 0.9 * at_one[0] and memory_span(at_one) is None
    above = pulse_trace(1.2, 0.1)
    assert above[-1] > 10 * above[0]
    assert above.max() <= np.sqrt(16)  # each of the 16 units is capped at 1 by tanh


@pytest.mark.parametrize("scale", [0.0, 1.5, 1e4])
@pytest.mark.parametrize("strength", [-1e4, 0.0, 1e4])
def test_extremes_are_finite(scale, strength):
    tr = pulse_trace(scale, strength)
    assert tr.shape == (51,) and np.all(np.isfinite(tr))
    assert describe_pulse(scale, strength, tr)


def test_zero_pulse_and_bad_input():
    assert memory_span(pulse_trace(0.9, 0.0)) == 0
    assert describe_pulse(0.9, 0.0, pulse_trace(0.9, 0.0)).startswith("No pulse")
    with pytest.raises(ValueError, match="strength: expected a finite number"):
        pulse_trace(0.9, float("inf"))
    with pytest.raises(ValueError, match="trace: expected a 1-D array"):
        memory_span([1.0])


def test_describe_pulse_sentences():
    assert "fell below 1% at step 44" in describe_pulse(0.9, 1e-3, pulse_trace(0.9, 1e-3))
    assert "never fades" in describe_pulse(1.2, 1.0, pulse_trace(1.2, 1.0))
    assert "has not faded below 1% within 50 steps" in describe_pulse(1.0, 1.0, pulse_trace(1.0, 1.0))


def points(svg):
    root = ET.fromstring(svg)
    (live,) = [e for e in root.iter("{http://www.w3.org/2000/svg}polyline") if e.get("class") == "live"]
    return [tuple(map(float, p.split(","))) for p in live.get("points").split()]


def test_plot_keeps_its_background_and_draws_the_trace_on_a_log_scale():
    plot = PulsePlot(50)
    tr = pulse_trace(0.5, 1.0)
    svg = plot.render(tr, "x")
    assert svg.startswith(plot.background)
    pts = points(svg)
    assert len(pts) == 51
    # equal ratios are equal distances on a log scale
    assert pts[1][1] - pts[0][1] == pytest.approx(pts[2][1] - pts[1][1], abs=0.3)
    # below the floor the trace sits on the bottom edge
    assert tr[-1] < FLOOR and pts[-1][1] == pytest.approx(plot.y1)
    with pytest.raises(ValueError, match=r"trace: expected shape \(51,\)"):
        plot.render(tr[:10])


def test_explorer_sliders_redraw_the_live_trace():
    ex = PulseExplorer()
    background = ex.plot.background
    before = points(ex.html.value)
    ex.scale.value = 0.5
    after = points(ex.html.value)
    assert after != before and ex.plot.background is background
    assert after == points(ex.plot.render(pulse_trace(0.5, ex.strength.value)))
    assert "fell below 1%" in ex.readout.value
    for s in (ex.scale, ex.strength):
        for end in (s.min, s.max):
            s.value = end if s is ex.scale else 10.0 ** end
            assert all(np.isfinite(points(ex.html.value)).ravel())
