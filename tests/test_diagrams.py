"""The SVG diagrams: valid, deterministic, labelled in both vocabularies, and drawn by the values."""

import xml.etree.ElementTree as ET

import numpy as np
import pytest

from lstm_lesson.classroom.diagrams import (
    cell_diagram_svg,
    format_value,
    gate_bars_svg,
    gate_heatmap_svg,
    gru_cell_svg,
    heat_color,
    lstm_cell_svg,
    peephole_cell_svg,
    stroke_color,
    stroke_width,
    unrolled_rnn_svg,
)
from lstm_lesson.classroom.widgets.gate_explorer import explore_gates, preset_values

SVG = "{http://www.w3.org/2000/svg}"
DRAWERS = {"lstm": lstm_cell_svg, "peephole": peephole_cell_svg, "gru": gru_cell_svg}


def parse(svg):
    return ET.fromstring(svg)  # raises if the SVG is not well-formed XML


def paths(svg, key):
    """The drawn polylines that carry the value ``key``."""
    return [e for e in parse(svg).iter(f"{SVG}polyline") if e.get("data-key") == key]


# ----- the value -> stroke mapping -------------------------------------------------------------
def test_stroke_width_grows_with_size_and_is_capped():
    assert stroke_width(0) == 1.0
    assert stroke_width(0.5) == 3.0
    assert stroke_width(1) == 5.0
    assert stroke_width(-1) == 5.0  # the size, not the sign
    assert stroke_width(1.5) == stroke_width(1e4) == 7.0


def test_stroke_color_encodes_the_sign_and_fades_to_grey():
    assert stroke_color(0) == "#aaaaaa"
    assert stroke_color(1) == "#e66101" == stroke_color(50)
    assert stroke_color(-1) == "#5e3c99"
    half = stroke_color(0.5)
    assert half not in ("#aaaaaa", "#e66101")


def test_format_value_is_short_and_has_no_negative_zero():
    assert format_value(0.12345) == "+0.12"
    assert format_value(-1e-9) == "+0.00"
    assert format_value(-12345.0) == "-1.2e+04"


# ----- static diagrams for slides and handouts -------------------------------------------------
@pytest.mark.parametrize("kind", sorted(DRAWERS))
def test_static_diagrams_are_valid_deterministic_svg(kind):
    a, b = DRAWERS[kind](), DRAWERS[kind]()
    assert a == b
    root = parse(a)
    assert root.tag == f"{SVG}svg"
    # without values every carried path is drawn the same: dark, 2 px
    widths = {e.get("stroke-width") for e in root.iter(f"{SVG}polyline") if e.get("data-key")}
    assert widths == {"2"}


def test_lstm_diagram_vocabularies():
    both, standard, notes = lstm_cell_svg(), lstm_cell_svg(vocabulary="standard"), lstm_cell_svg(vocabulary="notes")
    for word in ("学习门", "遗忘门", "记忆门", "使用门"):
        assert word in both and word in notes and word not in standard
    for word in ("f forget", "i input", "g candidate", "o output"):
        assert word in both and word in standard and word not in notes
    with pytest.raises(ValueError, match="vocabulary: expected one of"):
        lstm_cell_svg(vocabulary="chinese")


def test_peephole_diagram_adds_three_dashed_peepholes_to_the_lstm():
    svg = peephole_cell_svg()
    for key in ("peep_i", "peep_f", "peep_o"):
        (p,) = paths(svg, key)
        assert p.get("stroke-dasharray")
    assert not paths(lstm_cell_svg(), "peep_f")


def test_gru_diagram_has_its_own_gates_and_no_cell_state():
    svg = gru_cell_svg()
    for key in ("r", "z", "n", "keep", "write", "h"):
        assert paths(svg, key), key
    assert not paths(svg, "c")


# ----- diagrams drawn by their values ----------------------------------------------------------
@pytest.mark.parametrize("kind", sorted(DRAWERS))
def test_every_path_is_drawn_by_its_value(kind):
    values = explore_gates(kind, 0.7, -0.3, 0.9, biases=None)
    svg = cell_diagram_svg(values)
    drawn = 0
    for e in parse(svg).iter(f"{SVG}polyline"):
        key = e.get("data-key")
        if key in values:
            assert float(e.get("stroke-width")) == stroke_width(values[key]), key
            assert e.get("stroke") == stroke_color(values[key]), key
            drawn += 1
    assert drawn >= 10


def test_forget_everything_draws_a_thin_grey_memory_and_keep_everything_a_thick_one():
    forgot = preset_values("lstm", "forget everything")
    forget = paths(lstm_cell_svg(forgot), "c")
    keep = paths(lstm_cell_svg(preset_values("lstm", "keep everything")), "c")
    assert len(forget) == len(keep) == 2  # the cell line and its branch to tanh
    assert all(float(p.get("stroke-width")) < 1.1 for p in forget)
    assert all(float(p.get("stroke-width")) > 4.9 for p in keep)
    assert forget[0].get("stroke") == stroke_color(forgot["c"]) == "#aaaaaa"  # c = 0.002 rounds to grey
    assert keep[0].get("stroke") == stroke_color(1.0)


def test_a_negative_memory_is_purple():
    v = explore_gates("lstm", 0.0, 0.0, -1.0, biases=dict(f=6.0, i=-6.0))
    (p,) = paths(lstm_cell_svg(v), "c_prev")
    assert p.get("stroke") == stroke_color(-1.0) == "#5e3c99"


def test_values_are_written_on_the_paths():
    v = preset_values("lstm", "write a new memory")
    svg = lstm_cell_svg(v)
    for key in ("f", "i", "g", "o", "c", "h"):
        assert f">{format_value(v[key])}<" in svg, key


def test_extreme_values_give_finite_capped_strokes():
    v = explore_gates("lstm", 1e4, -1.0, -1e4, biases=dict(i=50.0, f=-50.0, g=-50.0, o=50.0))
    drawn = [e for e in parse(lstm_cell_svg(v)).iter(f"{SVG}polyline") if e.get("class") == "path"]
    assert len(drawn) > 10
    for e in drawn:
        assert 1.0 <= float(e.get("stroke-width")) <= 7.0


def test_bad_values_name_the_key():
    with pytest.raises(ValueError, match=r"values\['f'\]: expected a finite number"):
        lstm_cell_svg({"f": float("nan")})
    with pytest.raises(TypeError, match="values: expected a dict"):
        lstm_cell_svg([1, 2])
    with pytest.raises(ValueError, match="values: expected a dict with 'cell'"):
        cell_diagram_svg({"cell": "rnn"})


# ----- the unrolled RNN ----------------------------------------------------------------------
def test_unrolled_rnn_has_one_box_per_step_and_both_equations():
    svg = unrolled_rnn_svg(5)
    boxes = [r for r in parse(svg).iter(f"{SVG}rect") if r.get("fill") == "#fdd835"]
    assert len(boxes) == 5
    assert "本次状态记忆" in svg and "tanh(W·[hₜ₋₁, xₜ] + b)" in svg
    assert "本次状态记忆" not in unrolled_rnn_svg(5, vocabulary="standard")


def test_unrolled_rnn_draws_a_fading_memory_as_thinning_arrows():
    svg = unrolled_rnn_svg(3, values=[1.0, 0.5, 0.1])
    widths = [float(paths(svg, f"h{t}")[0].get("stroke-width")) for t in (1, 2, 3)]
    assert widths == [5.0, 3.0, 1.4]
    with pytest.raises(ValueError, match=r"values: expected 3 numbers"):
        unrolled_rnn_svg(3, values=[1.0, 0.5])
    with pytest.raises(ValueError, match="steps: expected a positive integer"):
        unrolled_rnn_svg(0)


# ----- bars and heatmap ----------------------------------------------------------------------
def bars(svg):
    return {r.get("data-key"): r for r in parse(svg).iter(f"{SVG}rect") if r.get("class") == "bar"}


def test_gate_bars_are_proportional_on_each_scale():
    v = preset_values("lstm", "keep everything")
    b = bars(gate_bars_svg(v))
    full = 300 - 130
    assert float(b["f"].get("width")) == pytest.approx(full * v["f"], abs=0.1)
    assert float(b["i"].get("width")) == pytest.approx(full * v["i"], abs=0.1)
    # g lives in -1..1: its bar starts at the middle
    assert float(b["g"].get("width")) == pytest.approx(full / 2 * abs(v["g"]), abs=0.1)


def test_off_scale_cell_state_is_clipped_with_an_arrow():
    v = explore_gates("lstm", 0.0, 0.0, 1e4, biases=dict(f=50.0))
    svg = gate_bars_svg(v)
    assert float(bars(svg)["c"].get("width")) == pytest.approx((300 - 130) / 2, abs=0.1)
    assert "<polygon" in svg


def test_gru_bars_show_r_z_n_h():
    assert set(bars(gate_bars_svg(preset_values("gru", "overwrite")))) == {"r", "z", "n", "h"}


def test_heatmap_draws_every_unit_at_every_step_and_the_cursor():
    rng = np.random.default_rng(0)
    traces = {"f": rng.uniform(0, 1, (6, 3)), "c": rng.standard_normal((6, 3))}
    svg = gate_heatmap_svg(traces, "hello ", t=2)
    cells = [r for r in parse(svg).iter(f"{SVG}rect") if r.get("width") == "15"]
    assert len(cells) == 2 * 6 * 3
    (cursor,) = [r for r in parse(svg).iter(f"{SVG}rect") if r.get("class") == "cursor"]
    assert float(cursor.get("x")) == 46 + 2 * 16 - 1
    assert "␣" in svg  # the space is shown
    with pytest.raises(ValueError, match=r"t: expected a time step in \[0, 6\)"):
        gate_heatmap_svg(traces, "hello ", t=6)
    with pytest.raises(ValueError, match="chars: expected 6 characters"):
        gate_heatmap_svg(traces, "hi", t=0)


def test_heat_colors():
    assert heat_color(0.0) == "#ffffff" and heat_color(1.0) == "#b35806" == heat_color(7.0)
    assert heat_color(-1.0, diverging=True) == "#542788" and heat_color(0.0, diverging=True) == "#ffffff"
    assert heat_color(0.5) != heat_color(0.6)  # gates in the middle stay distinguishable


def test_heatmap_cells_are_colored_by_their_values():
    traces = {"f": np.array([[0.0, 1.0]]), "c": np.array([[-1.0, 0.5]])}
    fills = [r.get("fill") for r in parse(gate_heatmap_svg(traces, "a")).iter(f"{SVG}rect") if r.get("width") == "15"]
    assert fills == [heat_color(0.0), heat_color(1.0), heat_color(-1.0, True), heat_color(0.5, True)]
