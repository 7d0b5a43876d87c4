"""The gate explorer: sliders over one cell's inputs and gate biases, the cell redrawn live.

The logic is two pure functions of the slider values, so tests (and the printed handouts) call
them without a browser:

- ``explore_gates(cell, x, h_prev, c_prev, biases=..., weights=...)`` runs ONE step of the
  package's own cell (``LSTMCell``, ``PeepholeLSTMCell`` or ``GRUCell``) with one unit and one
  input, and returns every number of that step as a dict of floats;
- ``explorer_html(values)`` draws them: the cell diagram with paths as wide as their values,
  the gate bars, and a sentence per gate saying what it did.

``GateExplorer`` only wires sliders to those two functions and writes the HTML string into one
``widgets.HTML``: no figure is re-created, an update costs well under a millisecond to draw.
``UnrollExplorer`` does the same for a whole sequence: a heatmap of the gates over time with
a time slider.

The one unit has input weight 1 and recurrent weight 1 for every gate (peepholes also 1), so each
pre-activation is simply a = x + h_prev + bias, easy to check by hand; ``weights`` changes them.
"""

from __future__ import annotations

from contextlib import contextmanager

import numpy as np

from ...core import validate as check
from ...core.cells import LSTMCell, LSTMState
from ...core.gru import GRUCell
from ...core.language import language, say
from ...core.peephole import PeepholeLSTMCell
from ..diagrams import cell_diagram_svg, format_value, gate_bars_svg, gate_heatmap_svg

CELL_KINDS = ("lstm", "peephole", "gru")
GATE_NAMES = {"lstm": ("i", "f", "g", "o"), "peephole": ("i", "f", "g", "o"), "gru": ("r", "z", "n")}
DEFAULT_WEIGHTS = {"x": 1.0, "h": 1.0, "peephole": 1.0}


def _check_kind(cell):
    if cell not in CELL_KINDS:
        raise ValueError(say(f"cell: expected one of {CELL_KINDS}, got {cell!r}",
                             f"cell：应为 {CELL_KINDS} 之一，传入的是 {cell!r}"))


def _check_biases(cell, biases):
    names = GATE_NAMES[cell]
    if biases is None:
        return dict.fromkeys(names, 0.0)
    if not isinstance(biases, dict):
        raise TypeError(say(f"biases: expected a dict gate -> bias (gates {names}), got {type(biases).__name__}",
                            f"biases：应为 dict（门 -> 偏置，门为 {names}），传入的是 {type(biases).__name__}"))
    unknown = set(biases) - set(names)
    if unknown:
        raise ValueError(say(f"biases: expected keys among {names} for a {cell} cell, got {sorted(unknown)}",
                             f"biases：{cell} 单元的键应在 {names} 之中，传入的是 {sorted(unknown)}"))
    return {k: check.real_number(f"biases[{k!r}]", biases.get(k, 0.0)) for k in names}


def _check_weights(weights):
    if weights is None:
        return dict(DEFAULT_WEIGHTS)
    if not isinstance(weights, dict):
        raise TypeError(say(f"weights: expected a dict with keys among {sorted(DEFAULT_WEIGHTS)}, "
                            f"got {type(weights).__name__}",
                            f"weights：应为 dict，键在 {sorted(DEFAULT_WEIGHTS)} 之中，"
                            f"传入的是 {type(weights).__name__}"))
    unknown = set(weights) - set(DEFAULT_WEIGHTS)
    if unknown:
        raise ValueError(say(f"weights: expected keys among {sorted(DEFAULT_WEIGHTS)}, got {sorted(unknown)}",
                             f"weights：键应在 {sorted(DEFAULT_WEIGHTS)} 之中，传入的是 {sorted(unknown)}"))
    return {k: check.real_number(f"weights[{k!r}]", weights.get(k, d)) for k, d in DEFAULT_WEIGHTS.items()}


def one_unit_cell(cell="lstm", *, biases=None, weights=None):
    """A package cell with one input and one unit whose weights are ``weights`` and biases ``biases``.

    LSTM/peephole: W_x = [w_x]*4, W_h = [w_h]*4, b = [b_i, b_f, b_g, b_o] (peepholes p = w_peephole).
    GRU: W_x = [w_x]*3, W_h = [w_h]*3, b_x = [b_r, b_z, b_n], b_h = 0.
    """
    _check_kind(cell)
    b, w = _check_biases(cell, biases), _check_weights(weights)
    names = GATE_NAMES[cell]
    if cell == "gru":
        c = GRUCell(1, 1)
        c.params["b_x"][:] = [b[k] for k in names]
        c.params["b_h"][:] = 0.0
    else:
        c = (LSTMCell if cell == "lstm" else PeepholeLSTMCell)(1, 1)
        c.params["b"][:] = [b[k] for k in names]
        if cell == "peephole":
            for p in ("p_i", "p_f", "p_o"):
                c.params[p][:] = w["peephole"]
    c.params["W_x"][:] = w["x"]
    c.params["W_h"][:] = w["h"]
    return c


def explore_gates(cell="lstm", x=0.0, h_prev=0.0, c_prev=0.0, *, biases=None, weights=None) -> dict:
    """One step of a one-unit cell at these slider values; every number of the step, by name.

    cell: "lstm", "peephole" or "gru". x, h_prev, c_prev: the input and the two memories (c_prev is
    ignored by the GRU, which has no cell state). biases: dict gate -> bias (LSTM: i, f, g, o;
    GRU: r, z, n), missing gates 0. weights: dict with x, h, peephole (defaults 1).

    Returns a dict of floats. LSTM keys: x, h_prev, c_prev, a_i, a_f, a_g, a_o (pre-activations),
    i, f, g, o, c, tanh_c, h, and the notes' four gates learn_gate = i·g, forget_gate = f·c_prev,
    remember_gate = c, use_gate = h (peephole adds peep_i, peep_f, peep_o: p·c). GRU keys: x,
    h_prev, a_r, a_z, r, z, hn, reset_hn, n, keep, one_minus_z, write, h. Plus "cell": the kind.
    """
    _check_kind(cell)
    x, h_prev = check.real_number("x", x), check.real_number("h_prev", h_prev)
    c_prev = check.real_number("c_prev", c_prev)
    unit = one_unit_cell(cell, biases=biases, weights=weights)
    p = unit.params
    xs, hs = np.array([[x]]), np.array([[h_prev]])
    if cell == "gru":
        _, r = unit.step(xs, hs)
        a = (xs @ p["W_x"] + p["b_x"] + hs @ p["W_h"] + p["b_h"])[0]
        out = {"cell": cell, "x": x, "h_prev": h_prev, "a_r": a[0], "a_z": a[1],
               "r": r.r, "z": r.z, "hn": r.hn, "reset_hn": r.r * r.hn, "n": r.n,
               "keep": r.z * h_prev, "one_minus_z": 1.0 - r.z, "write": (1.0 - r.z) * r.n, "h": r.h}
    else:
        _, r = unit.step(xs, LSTMState(hs, np.array([[c_prev]])))
        a = (xs @ p["W_x"] + hs @ p["W_h"] + p["b"])[0]
        out = {"cell": cell, "x": x, "h_prev": h_prev, "c_prev": c_prev,
               "a_i": a[0], "a_f": a[1], "a_g": a[2], "a_o": a[3],
               "i": r.i, "f": r.f, "g": r.g, "o": r.o, "c": r.c, "tanh_c": r.tanh_c, "h": r.h,
               "learn_gate": r.learn_gate, "forget_gate": r.forget_gate,
               "remember_gate": r.remember_gate, "use_gate": r.use_gate}
        if cell == "peephole":
            out["a_i"] += p["p_i"][0] * c_prev
            out["a_f"] += p["p_f"][0] * c_prev
            out["a_o"] += p["p_o"][0] * float(r.c[0, 0])
            out.update(peep_i=p["p_i"] * c_prev, peep_f=p["p_f"] * c_prev, peep_o=p["p_o"] * r.c)
    return {k: v if isinstance(v, str) else float(np.asarray(v).reshape(-1)[0]) for k, v in out.items()}


def _pct(v):
    return f"{100 * v:.0f}%"


def describe_step(values) -> list:
    """One plain sentence per gate saying what it did at this step (for the explorer and handouts)."""
    v = values
    if language() == "zh":
        return _describe_step_zh(v)
    if v["cell"] == "gru":
        return [
            f"reset r = {v['r']:.2f}: the candidate sees {_pct(v['r'])} of the old state's contribution "
            f"({format_value(v['hn'])}).",
            f"candidate n = tanh(x + b_n + r·{format_value(v['hn'])}) = {format_value(v['n'])}.",
            f"update z = {v['z']:.2f}: keep {_pct(v['z'])} of h_prev = {format_value(v['h_prev'])}, "
            f"write {_pct(1 - v['z'])} of n.",
            f"new h = {format_value(v['keep'])} + {format_value(v['write'])} = {format_value(v['h'])}.",
        ]
    return [
        f"遗忘门 forget: f = {v['f']:.2f} keeps {_pct(v['f'])} of the old long-term memory: "
        f"f·c_prev = {format_value(v['forget_gate'])}.",
        f"学习门 learn: i = {v['i']:.2f} lets {_pct(v['i'])} of the candidate g = {format_value(v['g'])} in: "
        f"i·g = {format_value(v['learn_gate'])}.",
        f"记忆门 remember: new long-term memory c = {format_value(v['forget_gate'])} + "
        f"{format_value(v['learn_gate'])} = {format_value(v['c'])}.",
        f"使用门 use: o = {v['o']:.2f} shows {_pct(v['o'])} of tanh(c) = {format_value(v['tanh_c'])}: "
        f"new short-term memory h = {format_value(v['h'])}.",
    ]


def _describe_step_zh(v) -> list:
    """``describe_step`` in Chinese: the same numbers, the notes' gate names (学习门, 遗忘门, ...)."""
    if v["cell"] == "gru":
        return [
            f"重置门 r = {v['r']:.2f}：候选隐状态看到旧状态贡献（{format_value(v['hn'])}）的 {_pct(v['r'])}。",
            f"候选隐状态 n = tanh(x + b_n + r·{format_value(v['hn'])}) = {format_value(v['n'])}。",
            f"更新门 z = {v['z']:.2f}：保留 h_prev = {format_value(v['h_prev'])} 的 {_pct(v['z'])}，"
            f"写入 n 的 {_pct(1 - v['z'])}。",
            f"新的 h = {format_value(v['keep'])} + {format_value(v['write'])} = {format_value(v['h'])}。",
        ]
    return [
        f"遗忘门 f = {v['f']:.2f}：保留旧长期记忆的 {_pct(v['f'])}："
        f"f·c_prev = {format_value(v['forget_gate'])}。",
        f"学习门 i = {v['i']:.2f}：让候选记忆元 g = {format_value(v['g'])} 的 {_pct(v['i'])} 进入："
        f"i·g = {format_value(v['learn_gate'])}。",
        f"记忆门：新的长期记忆 c = {format_value(v['forget_gate'])} + "
        f"{format_value(v['learn_gate'])} = {format_value(v['c'])}。",
        f"使用门 o = {v['o']:.2f}：输出 tanh(c) = {format_value(v['tanh_c'])} 的 {_pct(v['o'])}："
        f"新的短期记忆 h = {format_value(v['h'])}。",
    ]


def explorer_html(values, vocabulary="both") -> str:
    """What the explorer shows for ``values`` (from ``explore_gates``): diagram, bars, sentences."""
    sentences = "".join(f"<li>{s}</li>" for s in describe_step(values))
    # the 700 x 440 diagram drawn at 600 px so that it and the bars fit side by side on a projector
    diagram = cell_diagram_svg(values, vocabulary).replace('width="700" height="440"', 'width="600" height="377"', 1)
    return ('<div style="display:flex;flex-wrap:wrap;align-items:flex-start;gap:8px">'
            f"<div>{diagram}</div><div>{gate_bars_svg(values)}"
            f'<ul style="width:310px;font-size:13px;margin:6px 0;padding-left:18px">{sentences}</ul></div></div>')


# ----- presets: the stories a teacher starts from -----------------------------------------
# Each preset sets inputs and biases; +-6 makes a sigmoid 0.998 or 0.002: a gate open or shut.
_LSTM_PRESETS = {
    "forget everything": dict(x=0.0, h_prev=0.0, c_prev=1.0, biases=dict(i=-6.0, f=-6.0, g=0.0, o=0.0)),
    "keep everything": dict(x=0.0, h_prev=0.0, c_prev=1.0, biases=dict(i=-6.0, f=6.0, g=0.0, o=0.0)),
    "write a new memory": dict(x=1.5, h_prev=0.0, c_prev=-1.0, biases=dict(i=6.0, f=-6.0, g=0.0, o=0.0)),
    "read without writing": dict(x=0.0, h_prev=0.0, c_prev=1.0, biases=dict(i=-6.0, f=6.0, g=0.0, o=6.0)),
    "keep but hide": dict(x=0.0, h_prev=0.0, c_prev=1.0, biases=dict(i=-6.0, f=6.0, g=0.0, o=-6.0)),
    "add to memory": dict(x=1.0, h_prev=0.0, c_prev=0.8, biases=dict(i=6.0, f=6.0, g=0.0, o=0.0)),
}
# The presets' names in Chinese, for the menu (the API keeps the English names).
PRESET_NAMES_ZH = {
    "(sliders)": "（滑块）",
    "forget everything": "全部忘掉", "keep everything": "全部保留", "write a new memory": "写入新记忆",
    "read without writing": "只读不写", "keep but hide": "保留但不输出", "add to memory": "加进记忆",
    "overwrite": "覆盖", "reset: ignore the past": "重置：不看过去", "half and half": "一半一半",
}
PRESETS = {
    "lstm": _LSTM_PRESETS,
    "peephole": _LSTM_PRESETS,
    "gru": {
        "keep everything": dict(x=0.0, h_prev=0.8, biases=dict(r=0.0, z=6.0, n=0.0)),
        "overwrite": dict(x=1.5, h_prev=-0.8, biases=dict(r=0.0, z=-6.0, n=0.0)),
        "reset: ignore the past": dict(x=0.5, h_prev=0.8, biases=dict(r=-6.0, z=-6.0, n=0.0)),
        "half and half": dict(x=1.0, h_prev=0.8, biases=dict(r=0.0, z=-1.8, n=0.0)),
    },
}


def preset_values(cell, name) -> dict:
    """``explore_gates`` at a named preset (see ``PRESETS[cell]``)."""
    _check_kind(cell)
    if name not in PRESETS[cell]:
        raise ValueError(say(f"name: expected one of {sorted(PRESETS[cell])} for a {cell} cell, got {name!r}",
                             f"name：{cell} 单元应为 {sorted(PRESETS[cell])} 之一，传入的是 {name!r}"))
    kw = dict(PRESETS[cell][name])
    if cell == "gru":
        kw.pop("c_prev", None)
    return explore_gates(cell, **kw)


# ----- the widgets ----------------------------------------------------------------------------
SLIDER_RANGES = {"x": (-3.0, 3.0), "h_prev": (-1.0, 1.0), "c_prev": (-3.0, 3.0), "bias": (-8.0, 8.0)}


class GateExplorer:
    """Sliders for x_t, h_{t-1}, c_{t-1} (not for the GRU) and each gate bias, a preset menu,
    and one HTML view redrawn from ``explore_gates`` at every change.

    ``explorer.widget`` is the ipywidgets box (the explorer also displays itself in a notebook);
    ``explorer.values()`` and ``explorer.html.value`` are what the tests read.
    """

    def __init__(self, cell="lstm", *, vocabulary="both", preset=None):
        import ipywidgets as widgets  # imported here so the pure functions need no widget library

        _check_kind(cell)
        self.cell, self.vocabulary = cell, vocabulary
        self._holding = False
        lay = widgets.Layout(width="300px")
        names = ["x", "h_prev"] + ([] if cell == "gru" else ["c_prev"])
        labels = {"x": say("xₜ input", "xₜ 输入"), "h_prev": say("hₜ₋₁ short-term", "hₜ₋₁ 短期记忆"),
                  "c_prev": say("cₜ₋₁ long-term", "cₜ₋₁ 长期记忆")}
        self.sliders = {}
        for n in names:
            lo, hi = SLIDER_RANGES[n]
            self.sliders[n] = widgets.FloatSlider(value=0.0, min=lo, max=hi, step=0.05, description=labels[n],
                                                  continuous_update=True, layout=lay,
                                                  style={"description_width": "100px"})
        for g in GATE_NAMES[cell]:
            lo, hi = SLIDER_RANGES["bias"]
            self.sliders[f"b_{g}"] = widgets.FloatSlider(value=0.0, min=lo, max=hi, step=0.1,
                                                         description=say(f"bias b_{g}", f"偏置 b_{g}"),
                                                         continuous_update=True, layout=lay,
                                                         style={"description_width": "100px"})
        stories = ["(sliders)"] + list(PRESETS[cell])
        # in Chinese the menu shows Chinese names; its values stay the English names of the API
        options = stories if language() == "en" else [(PRESET_NAMES_ZH.get(s, s), s) for s in stories]
        self.preset = widgets.Dropdown(options=options, value="(sliders)", description=say("story", "情景"),
                                       layout=lay, style={"description_width": "100px"})
        self.html = widgets.HTML()
        for s in self.sliders.values():
            s.observe(self._on_slider, names="value")
        self.preset.observe(self._on_preset, names="value")
        inputs = [self.sliders[n] for n in names]
        biases = [self.sliders[f"b_{g}"] for g in GATE_NAMES[cell]]
        controls = widgets.HBox([widgets.VBox([self.preset, *inputs]), widgets.VBox(biases)])
        self.widget = widgets.VBox([controls, self.html])
        if preset is not None:
            self.apply_preset(preset)
        else:
            self.update()

    def values(self) -> dict:
        """``explore_gates`` at the current slider values."""
        s = {k: w.value for k, w in self.sliders.items()}
        biases = {g: s[f"b_{g}"] for g in GATE_NAMES[self.cell]}
        return explore_gates(self.cell, s["x"], s["h_prev"], s.get("c_prev", 0.0), biases=biases)

    def update(self):
        """Recompute and redraw: one string assignment to the HTML view."""
        self.html.value = explorer_html(self.values(), self.vocabulary)

    @contextmanager
    def _hold(self):
        self._holding = True
        try:
            yield
        finally:
            self._holding = False

    def _on_slider(self, change):
        if not self._holding:
            if self.preset.value != "(sliders)":
                with self._hold():
                    self.preset.value = "(sliders)"
            self.update()

    def _on_preset(self, change):
        if not self._holding and change["new"] != "(sliders)":
            self.apply_preset(change["new"])

    def apply_preset(self, name):
        """Move the sliders to a named story (e.g. "forget everything") and redraw once."""
        if name not in PRESETS[self.cell]:
            raise ValueError(say(f"name: expected one of {sorted(PRESETS[self.cell])}, got {name!r}",
                                 f"name：应为 {sorted(PRESETS[self.cell])} 之一，传入的是 {name!r}"))
        p = PRESETS[self.cell][name]
        with self._hold():
            for k in ("x", "h_prev", "c_prev"):
                if k in self.sliders:
                    self.sliders[k].value = p.get(k, 0.0)
            for g, b in p["biases"].items():
                self.sliders[f"b_{g}"].value = b
            self.preset.value = name
        self.update()

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


def gate_explorer(cell="lstm", **kwargs) -> GateExplorer:
    """The gate explorer for a "lstm", "peephole" or "gru" cell (see ``GateExplorer``)."""
    return GateExplorer(cell, **kwargs)


# ----- gates over a sequence -----------------------------------------------------------------
def gate_traces(cell, inputs) -> dict:
    """Run ``cell`` over one sequence ``inputs: (time, input_size)`` step by step and collect
    every gate: a dict name -> array (time, hidden). LSTM family: i, f, g, o, c, h; GRU: r, z, n, h."""
    if not isinstance(cell, (LSTMCell, GRUCell)):
        raise TypeError(say(f"cell: expected an LSTMCell, PeepholeLSTMCell or GRUCell, got {type(cell).__name__}",
                            f"cell：应为 LSTMCell、PeepholeLSTMCell 或 GRUCell，传入的是 {type(cell).__name__}"))
    inputs = check.array("inputs", inputs, (None, cell.input_size), names=("time", "input_size"))
    state = cell.zero_state(1)
    rows = []
    for t in range(inputs.shape[0]):
        state, record = cell.step(inputs[t:t + 1].astype(cell.dtype), state)
        rows.append(record.as_dict())
    return {k: np.concatenate([r[k] for r in rows], axis=0) for k in rows[0]}


class UnrollExplorer:
    """A heatmap of gates over a character sequence with a time slider that moves the cursor."""

    def __init__(self, traces, chars, *, names=("i", "f", "o", "c", "h")):
        import ipywidgets as widgets

        missing = [n for n in names if n not in traces]
        if missing:
            raise ValueError(say(f"names: expected gates present in traces ({sorted(traces)}), got missing {missing}",
                                 f"names：应为 traces 里有的门（{sorted(traces)}），传入的 {missing} 不在其中"))
        self.traces = {n: np.asarray(traces[n]) for n in names}
        self.chars = list(chars)
        T = len(self.chars)
        self.slider = widgets.IntSlider(value=0, min=0, max=T - 1, description=say("time t", "时间步 t"),
                                        continuous_update=True)
        self.html = widgets.HTML()
        self.slider.observe(lambda change: self.update(), names="value")
        self.widget = widgets.VBox([self.slider, self.html])
        self.update()

    def render(self, t) -> str:
        """The heatmap with column ``t`` outlined, and a line reading out that step."""
        readout = ", ".join(f"{n} = [{' '.join(f'{v:+.2f}' for v in a[t][:4])}{' …' if a.shape[1] > 4 else ''}]"
                            for n, a in self.traces.items())
        ch = self.chars[t]
        return (f"<div>{gate_heatmap_svg(self.traces, self.chars, t)}"
                f"<p style='font-family:monospace;font-size:12px'>"
                + say(f"t = {t}, input {ch!r}: {readout}", f"t = {t}，输入 {ch!r}：{readout}") + "</p></div>")

    def update(self):
        self.html.value = self.render(self.slider.value)

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


def benchmark_update(cell="lstm"):
    """A callable doing one slider move of a live explorer: computation and redraw (for the
    benchmark scripts; each call moves the forget bias to the next of 25 values)."""
    explorer = GateExplorer(cell)
    biases = np.linspace(-6.0, 6.0, 25)
    count = [0]

    def update():
        count[0] += 1
        explorer.sliders[f"b_{GATE_NAMES[cell][1]}"].value = float(biases[count[0] % 25])

    return update
