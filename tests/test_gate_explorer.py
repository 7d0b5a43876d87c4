"""The gate explorer: its pure function equals the package's cells, its presets tell their
stories, and its widget callbacks redraw the right numbers, at ordinary and extreme values."""

import math

import numpy as np
import pytest

from lstm_lesson import GRUCell, LSTMCell
from lstm_lesson.classroom.diagrams import stroke_width
from lstm_lesson.classroom.widgets.gate_explorer import (
    CELL_KINDS,
    PRESETS,
    GateExplorer,
    UnrollExplorer,
    describe_step,
    explore_gates,
    explorer_html,
    gate_traces,
    one_unit_cell,
    preset_values,
)


def sig(a):
    return 1.0 / (1.0 + math.exp(-a))


# ----- the numbers ------------------------------------------------------------------------
def test_lstm_values_are_the_hand_formulas_with_unit_weights():
    x, h, c = 0.4, -0.3, 0.7
    b = dict(i=0.1, f=1.0, g=-0.2, o=0.5)
    v = explore_gates("lstm", x, h, c, biases=b)
    i, f, g, o = sig(x + h + b["i"]), sig(x + h + b["f"]), math.tanh(x + h + b["g"]), sig(x + h + b["o"])
    assert (v["i"], v["f"], v["g"], v["o"]) == pytest.approx((i, f, g, o), abs=1e-12)
    assert v["c"] == pytest.approx(f * c + i * g, abs=1e-12)
    assert v["h"] == pytest.approx(o * math.tanh(f * c + i * g), abs=1e-12)
    assert v["a_f"] == pytest.approx(x + h + b["f"])


def test_the_notes_four_gates():
    v = explore_gates("lstm", 0.4, -0.3, 0.7, biases=dict(f=1.0))
    assert v["learn_gate"] == pytest.approx(v["i"] * v["g"])  # 学习门
    assert v["forget_gate"] == pytest.approx(v["f"] * v["c_prev"])  # 遗忘门
    assert v["remember_gate"] == pytest.approx(v["forget_gate"] + v["learn_gate"])  # 记忆门
    assert v["use_gate"] == pytest.approx(v["o"] * math.tanh(v["c"]))  # 使用门


def test_values_come_from_the_package_cell():
    cell = one_unit_cell("lstm", biases=dict(i=0.3, f=-0.2, g=0.1, o=0.0), weights=dict(x=0.5, h=-2.0))
    assert isinstance(cell, LSTMCell)
    assert cell.params["W_x"].tolist() == [[0.5] * 4] and cell.params["W_h"].tolist() == [[-2.0] * 4]
    assert cell.params["b"].tolist() == [0.3, -0.2, 0.1, 0.0]
    assert isinstance(one_unit_cell("gru"), GRUCell)


def test_peephole_gates_see_the_cell():
    plain = explore_gates("lstm", 0.2, 0.1, 2.0)
    peep = explore_gates("peephole", 0.2, 0.1, 2.0)
    assert peep["a_f"] == pytest.approx(plain["a_f"] + 2.0)  # p_f = 1 times c_prev
    assert peep["a_i"] == pytest.approx(plain["a_i"] + 2.0)
    assert peep["a_o"] == pytest.approx(plain["a_o"] + peep["c"])  # the output gate sees the NEW c
    assert peep["peep_o"] == pytest.approx(peep["c"])
    same_c = explore_gates("peephole", 0.2, 0.1, 0.0)
    assert same_c["f"] == pytest.approx(explore_gates("lstm", 0.2, 0.1, 0.0)["f"])


def test_gru_values():
    x, h = 0.5, 0.8
    b = dict(r=0.2, z=-0.4, n=0.1)
    v = explore_gates("gru", x, h, biases=b)
    r, z = sig(x + h + b["r"]), sig(x + h + b["z"])
    n = math.tanh(x + b["n"] + r * h)  # reset AFTER the matmul (PyTorch), b_h = 0
    assert (v["r"], v["z"], v["n"]) == pytest.approx((r, z, n), abs=1e-12)
    assert v["h"] == pytest.approx((1 - z) * n + z * h, abs=1e-12)
    assert v["keep"] + v["write"] == pytest.approx(v["h"])
    assert "c_prev" not in v


# ----- the presets tell their stories ------------------------------------------------------
def test_lstm_presets_tell_their_stories():
    forget = preset_values("lstm", "forget everything")
    assert forget["c_prev"] == 1.0 and abs(forget["c"]) < 0.01
    keep = preset_values("lstm", "keep everything")
    assert abs(keep["c"] - keep["c_prev"]) < 0.01
    write = preset_values("lstm", "write a new memory")
    assert write["c_prev"] < 0 < write["c"] and write["c"] == pytest.approx(write["g"], abs=0.02)
    read = preset_values("lstm", "read without writing")
    assert abs(read["c"] - read["c_prev"]) < 0.01 and read["h"] == pytest.approx(math.tanh(read["c"]), abs=0.01)
    hide = preset_values("lstm", "keep but hide")
    assert abs(hide["c"] - 1.0) < 0.01 and abs(hide["h"]) < 0.01
    add = preset_values("lstm", "add to memory")
    assert add["c"] == pytest.approx(add["c_prev"] + add["g"], abs=0.01)


def test_gru_presets_tell_their_stories():
    keep = preset_values("gru", "keep everything")
    assert keep["h"] == pytest.approx(keep["h_prev"], abs=0.01)
    over = preset_values("gru", "overwrite")
    assert over["h"] == pytest.approx(over["n"], abs=0.01) and over["h_prev"] < 0 < over["h"]
    reset = preset_values("gru", "reset: ignore the past")
    assert reset["n"] == pytest.approx(math.tanh(reset["x"]), abs=0.01)  # r ~ 0 hides h_prev from n
    half = preset_values("gru", "half and half")
    assert half["z"] == pytest.approx(0.5, abs=0.01)


def test_every_preset_of_every_cell_runs():
    for kind in CELL_KINDS:
        for name in PRESETS[kind]:
            v = preset_values(kind, name)
            assert all(np.isfinite(x) for k, x in v.items() if k != "cell")


# ----- extremes: no NaN, no warnings (pytest turns warnings into errors) -------------------
@pytest.mark.parametrize("kind", CELL_KINDS)
@pytest.mark.parametrize("x", [-1e4, 1e4])
@pytest.mark.parametrize("bias", [-50.0, 50.0])
def test_extreme_slider_values_stay_finite(kind, x, bias):
    biases = {g: bias for g in ("r", "z", "n")} if kind == "gru" else {g: bias for g in "ifgo"}
    for h in (-1.0, 1.0):
        for c in (-1e4, 1e4):
            v = explore_gates(kind, x, h, c, biases=biases)
            numbers = [val for k, val in v.items() if k != "cell"]
            assert all(np.isfinite(numbers))
            for gate in ("i", "f", "o", "r", "z"):
                if gate in v:
                    assert 0.0 <= v[gate] <= 1.0
            assert -1.0 <= v["h"] <= 1.0 or kind != "gru"
            html = explorer_html(v)
            assert "nan" not in html.lower().replace("nano", "")


def test_bad_arguments_name_themselves():
    with pytest.raises(ValueError, match="cell: expected one of"):
        explore_gates("rnn")
    with pytest.raises(ValueError, match="x: expected a finite number"):
        explore_gates("lstm", float("nan"))
    with pytest.raises(TypeError, match="h_prev: expected a real number"):
        explore_gates("lstm", 0.0, "big")
    with pytest.raises(ValueError, match=r"biases: expected keys among \('r', 'z', 'n'\)"):
        explore_gates("gru", biases=dict(f=1.0))
    with pytest.raises(ValueError, match=r"weights: expected keys among"):
        explore_gates("lstm", weights=dict(W=1.0))
    with pytest.raises(ValueError, match="name: expected one of"):
        preset_values("lstm", "remember the alamo")


def test_describe_step_says_what_each_gate_did():
    lines = describe_step(preset_values("lstm", "keep everything"))
    assert len(lines) == 4 and lines[0].startswith("遗忘门 forget: f = 1.00 keeps 100%")
    assert "学习门" in lines[1] and "记忆门" in lines[2] and "使用门" in lines[3]
    gru = describe_step(preset_values("gru", "keep everything"))
    assert "keep 100% of h_prev" in gru[2]


# ----- the widget: callbacks change the drawing -----------------------------------------------
def f_path_width(html):
    import re

    m = re.search(r'data-key="f" points="[^"]*" fill="none" stroke="[^"]*" stroke-width="([\d.]+)"', html)
    return float(m.group(1))


def test_explorer_slider_redraws_the_diagram():
    ex = GateExplorer("lstm")
    assert ex.preset.value == "(sliders)"
    ex.sliders["b_f"].value = 6.0
    v = ex.values()
    assert v["f"] > 0.99
    assert f_path_width(ex.html.value) == stroke_width(v["f"])
    ex.sliders["b_f"].value = -6.0
    assert f_path_width(ex.html.value) == pytest.approx(stroke_width(ex.values()["f"]))
    assert f_path_width(ex.html.value) < 1.1


def test_explorer_presets_move_the_sliders_and_a_slider_leaves_the_preset():
    ex = GateExplorer("lstm", preset="write a new memory")
    assert ex.sliders["x"].value == 1.5 and ex.sliders["b_f"].value == -6.0
    assert ex.html.value == explorer_html(preset_values("lstm", "write a new memory"))
    ex.preset.value = "keep everything"  # choosing from the menu
    assert ex.sliders["b_f"].value == 6.0 and ex.sliders["c_prev"].value == 1.0
    assert ex.values() == preset_values("lstm", "keep everything")
    ex.sliders["x"].value = 0.5
    assert ex.preset.value == "(sliders)"
    with pytest.raises(ValueError, match="name: expected one of"):
        ex.apply_preset("nope")


@pytest.mark.parametrize("kind", CELL_KINDS)
def test_explorer_at_slider_extremes(kind):
    ex = GateExplorer(kind)
    if kind == "gru":
        assert "c_prev" not in ex.sliders and {"b_r", "b_z", "b_n"} <= set(ex.sliders)
    for end in ("min", "max"):
        for s in ex.sliders.values():
            s.value = getattr(s, end)
        v = ex.values()
        assert all(np.isfinite([val for k, val in v.items() if k != "cell"]))
        assert ex.html.value == explorer_html(v)


def test_gate_traces_and_the_unroll_explorer():
    cell = LSTMCell(3, 4, seed=0)
    inputs = np.eye(3)[[0, 1, 2, 1, 0]]
    tr = gate_traces(cell, inputs)
    assert set(tr) == {"i", "f", "g", "o", "c", "h"} and tr["c"].shape == (5, 4)
    # equal to one dynamic unroll
    from lstm_lesson import dynamic_rnn

    outs, _ = dynamic_rnn(cell, inputs[None])
    np.testing.assert_allclose(tr["h"], outs[0])
    ux = UnrollExplorer(tr, "abcba")
    first = ux.html.value
    ux.slider.value = 3
    assert ux.html.value != first and "t = 3, input 'b'" in ux.html.value
    assert set(gate_traces(GRUCell(3, 2), inputs)) == {"r", "z", "n", "h"}
    with pytest.raises(TypeError, match="cell: expected an LSTMCell"):
        gate_traces("lstm", inputs)
