"""Cell diagrams as SVG text: the same drawing for the live gate explorer, the slides and handouts.

Every function returns a deterministic SVG string (same arguments, same bytes: coordinates and
numbers are formatted with fixed precision, nothing random, no dates), so the drawings can be
written to files, compared in tests and shown in a notebook with ``IPython.display.SVG``.

Without ``values`` a diagram is the static picture for print: dark paths labelled with symbols.
With ``values`` (a dict such as ``explore_gates`` returns) every path is drawn by the number it
carries: its width grows with the size (1 px + 4 px per unit, capped at 1.5), its color says the
sign (orange positive, purple negative, grey near zero), and the number is written beside it.
So a closed gate is a thin grey line and a full memory a thick orange one.

Labels come in two vocabularies, chosen with ``vocabulary``:
``"standard"`` the papers' and PyTorch's i, f, g, o (input, forget, candidate, output);
``"notes"`` the lesson notes' four gates 学习门 learn, 遗忘门 forget, 记忆门 remember, 使用门 use;
``"both"`` (the default) both, the notes' names in teal.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

import numpy as np

from ..core import validate as check
from ..core.language import say

VOCABULARIES = ("standard", "notes", "both")
POSITIVE = (230, 97, 1)  # orange
NEGATIVE = (94, 60, 153)  # purple: orange/purple stays distinct for red-green color blindness
NEUTRAL = (170, 170, 170)
STATIC = (60, 60, 60)  # paths of a diagram drawn without values
STATIC_HEX, NEUTRAL_HEX = "#3c3c3c", "#aaaaaa"
NOTES_COLOUR = "#00796b"
# CJK-capable fonts after the Latin ones, so 学习门 renders on Windows, macOS and Linux alike
FONTS = "DejaVu Sans, Arial, Noto Sans CJK SC, Microsoft YaHei, PingFang SC, sans-serif"
# In Chinese the labels are mostly CJK: the same Latin fonts first (symbols and numbers look the
# same in both editions), then every common CJK font, so a browser finds one on any system.
FONTS_ZH = "DejaVu Sans, Arial, Noto Sans CJK SC, Source Han Sans SC, PingFang SC, Microsoft YaHei, sans-serif"
MONO_FONTS = "DejaVu Sans Mono, monospace"
MONO_FONTS_ZH = ("DejaVu Sans Mono, Noto Sans Mono CJK SC, Noto Sans CJK SC, Source Han Sans SC, PingFang SC, "
                 "Microsoft YaHei, monospace")
WIDTH_CAP = 1.5

# The Chinese of every English label drawn below (d2l-zh's terms; the notes' words for the notes'
# gates), read at draw time by ``_tr``. Symbols and formulas are the same in both languages.
LABELS_ZH = {
    # the LSTM's nodes and legend
    "遗忘门 forget gate": "遗忘门",
    "记忆门 remember gate": "记忆门",
    "学习门 learn gate": "学习门",
    "使用门 use gate": "使用门",
    "f forget": "f 遗忘门",
    "i input": "i 输入门",
    "g candidate": "g 候选记忆元",
    "o output": "o 输出门",
    "boxes: layers with weights on [hₜ₋₁, xₜ]; circles: pointwise operations":
        "方框：作用于 [hₜ₋₁, xₜ] 的带权重的层；圆圈：逐元素运算",
    "teal: the notes' four gates (学习门, 遗忘门, 记忆门, 使用门)":
        "青色：笔记里的四个门（学习门、遗忘门、记忆门、使用门）",
    "dashed: peepholes 窥视孔 (Gers & Schmidhuber 2000): gates read the cell state":
        "虚线：窥视孔连接（Gers & Schmidhuber 2000）：门读取单元状态（记忆元）",
    # the GRU
    "keep z·hₜ₋₁": "保留 z·hₜ₋₁",
    "write (1−z)·n": "写入 (1−z)·n",
    "r reset": "r 重置门",
    "z update": "z 更新门",
    "n candidate": "n 候选隐状态",
    "PyTorch's GRU (reset after the matmul): hₜ = (1−z)·n + z·hₜ₋₁":
        "PyTorch 的 GRU（矩阵乘法之后重置）：hₜ = (1−z)·n + z·hₜ₋₁",
    "门限回归单元 GRU: no separate cell state, z both forgets and writes":
        "门限回归单元（门控循环单元，GRU）：没有单独的单元状态，z 既遗忘也写入",
    # titles and notes
    "LSTM cell": "LSTM 单元",
    "LSTM with peephole connections": "带窥视孔连接的 LSTM",
    "GRU cell": "GRU 单元",
    "width: size · orange +, purple −": "线宽：大小 · 橙色 +，紫色 −",
    # the gate bars
    "gate values at this step": "这一步的门值",
    "i input (σ)": "i 输入门 (σ)",
    "f forget (σ)": "f 遗忘门 (σ)",
    "g candidate (tanh)": "g 候选记忆元 (tanh)",
    "o output (σ)": "o 输出门 (σ)",
    "c new cell": "c 新单元状态",
    "h new hidden": "h 新隐层状态",
    "r reset (σ)": "r 重置门 (σ)",
    "z update (σ)": "z 更新门 (σ)",
    "n candidate (tanh)": "n 候选隐状态 (tanh)",
}


def _tr(text: str) -> str:
    """A drawn label in the language in use (a symbol or formula without Chinese stays as it is)."""
    return say(text, LABELS_ZH.get(text, text))


# ----- how a value becomes a stroke ---------------------------------------------------------
def stroke_width(value) -> float:
    """Path width in px for a value: 1 + 4 * min(|value|, 1.5); a gate at 1 is 5 px, at 0 is 1 px."""
    return round(1.0 + 4.0 * min(abs(float(value)), WIDTH_CAP), 2)


def stroke_color(value) -> str:
    """Hex color for a value: grey at 0, blending to orange (positive) or purple (negative) at |value| >= 1."""
    v = float(value)
    t = min(abs(v), 1.0)
    full = POSITIVE if v >= 0 else NEGATIVE
    rgb = tuple(round(n + t * (f - n)) for n, f in zip(NEUTRAL, full))
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def format_value(value) -> str:
    """A value as written on a path: two decimals, or scientific notation when it is huge."""
    v = float(value)
    if abs(v) >= 1000:
        return f"{v:+.1e}"
    text = f"{v:+.2f}"
    return "+0.00" if text == "-0.00" else text


# ----- a diagram is nodes and edges ---------------------------------------------------------
@dataclass(frozen=True)
class Node:
    """An operation drawn at (x, y): kind is "sigmoid", "tanh" (boxes: layers with weights),
    "times", "plus", "one_minus" (circles: pointwise operations) or "tanh_op" (a pointwise tanh)."""

    kind: str
    x: float
    y: float
    standard: str = ""  # caption in the standard vocabulary
    notes: str = ""  # caption in the notes' vocabulary
    caption_at: tuple = (0.0, 0.0)  # caption offset from the node


@dataclass(frozen=True)
class Edge:
    """A path through ``points``; ``key`` names the value it carries (None: a plain wire)."""

    key: str | None
    points: tuple
    symbol: str = ""  # what the path is called when no value is drawn
    label_at: tuple | None = None  # where its symbol / number is written
    arrow: bool = True
    dashed: bool = False
    label_anchor: str = "middle"


BOX_W, BOX_H, RADIUS = 44, 32, 12
_BOX_TEXT = {"sigmoid": "σ", "tanh": "tanh", "times": "×", "plus": "+", "one_minus": "1−", "tanh_op": "tanh"}


def _f(v) -> str:
    return f"{v:.1f}".rstrip("0").rstrip(".")


def _text(x, y, text, *, size=12, anchor="middle", color="#222", weight="normal", style="normal"):
    return (f'<text x="{_f(x)}" y="{_f(y)}" font-size="{size}" text-anchor="{anchor}" fill="{color}" '
            f'font-weight="{weight}" font-style="{style}">{escape(text)}</text>')


def _arrowhead(p, q, color, width):
    """A filled triangle at q pointing along p -> q (drawn, not a marker, so it takes the path's color)."""
    dx, dy = q[0] - p[0], q[1] - p[1]
    n = math.hypot(dx, dy) or 1.0
    ux, uy = dx / n, dy / n
    size = 6 + width
    bx, by = q[0] - ux * size, q[1] - uy * size
    half = 3 + width / 2
    pts = [(q[0], q[1]), (bx - uy * half, by + ux * half), (bx + uy * half, by - ux * half)]
    return f'<polygon points="{" ".join(f"{_f(a)},{_f(b)}" for a, b in pts)}" fill="{color}"/>'


def _edge_svg(edge, values):
    static = values is None
    if static or edge.key is None or edge.key not in values:
        plain_wire = not static and edge.key is None
        width, color = (1.5, NEUTRAL_HEX) if plain_wire else (2.0, STATIC_HEX)
        label = edge.symbol if static else ""
    else:
        value = values[edge.key]
        width, color = stroke_width(value), stroke_color(value)
        label = format_value(value)
    pts = " ".join(f"{_f(x)},{_f(y)}" for x, y in edge.points)
    dash = ' stroke-dasharray="6 4"' if edge.dashed else ""
    key = f' data-key="{escape(edge.key)}"' if edge.key else ""
    parts = [
        # a white halo under every path makes crossings read as bridges
        f'<polyline points="{pts}" fill="none" stroke="#ffffff" stroke-width="{_f(width + 4)}" '
        f'stroke-linejoin="round"/>',
        f'<polyline class="path"{key} points="{pts}" fill="none" stroke="{color}" '
        f'stroke-width="{width:g}" stroke-linejoin="round" stroke-linecap="round"{dash}/>',
    ]
    if edge.arrow:
        parts.append(_arrowhead(edge.points[-2], edge.points[-1], color, width))
    if label and edge.label_at is not None:
        parts.append(_text(*edge.label_at, label, size=11, anchor=edge.label_anchor,
                           color="#333" if static else color, weight="normal" if static else "bold"))
    return parts


def _node_svg(node, vocabulary):
    x, y = node.x, node.y
    if node.kind in ("sigmoid", "tanh"):
        shape = (f'<rect x="{_f(x - BOX_W / 2)}" y="{_f(y - BOX_H / 2)}" width="{BOX_W}" height="{BOX_H}" '
                 f'rx="4" fill="#fdd835" stroke="#555" stroke-width="1.2"/>')
    elif node.kind == "tanh_op":
        shape = (f'<ellipse cx="{_f(x)}" cy="{_f(y)}" rx="22" ry="{RADIUS}" fill="#f8bbd0" '
                 f'stroke="#555" stroke-width="1.2"/>')
    else:
        shape = f'<circle cx="{_f(x)}" cy="{_f(y)}" r="{RADIUS}" fill="#f8bbd0" stroke="#555" stroke-width="1.2"/>'
    size = 13 if node.kind in ("sigmoid", "times", "plus") else 11
    parts = [shape, _text(x, y + 4.5, _BOX_TEXT[node.kind], size=size, weight="bold")]
    cx, cy = x + node.caption_at[0], y + node.caption_at[1]
    anchor = "start" if node.caption_at[0] > 0 else ("end" if node.caption_at[0] < 0 else "middle")
    lines = []
    if node.standard and vocabulary in ("standard", "both"):
        lines.append((_tr(node.standard), "#222", "normal"))
    if node.notes and vocabulary in ("notes", "both"):
        lines.append((_tr(node.notes), NOTES_COLOUR, "italic"))
    for k, (text, color, style) in enumerate(lines):
        parts.append(_text(cx, cy + 13 * k, text, size=11, anchor=anchor, color=color, style=style))
    return parts


def _check_vocabulary(vocabulary):
    if vocabulary not in VOCABULARIES:
        raise ValueError(say(f"vocabulary: expected one of {VOCABULARIES}, got {vocabulary!r}",
                             f"vocabulary：应为 {VOCABULARIES} 之一，传入的是 {vocabulary!r}"))


def _check_values(values):
    if values is None:
        return None
    if not isinstance(values, dict):
        raise TypeError(say("values: expected a dict of numbers (e.g. from explore_gates) or None, "
                            f"got {type(values).__name__}",
                            "values：应为数值的 dict（例如 explore_gates 的返回值）或 None，"
                            f"传入的是 {type(values).__name__}"))
    clean = {}
    for k, v in values.items():
        if isinstance(v, (int, float, np.floating, np.integer)) and not isinstance(v, bool):
            if not np.isfinite(v):
                raise ValueError(say(f"values[{k!r}]: expected a finite number, got {v}",
                                     f"values[{k!r}]：应为有限的数，传入的是 {v}"))
            clean[k] = float(v)
    return clean


def _render(title, width, height, nodes, edges, values, vocabulary, *, body, legend, extra=()):
    _check_vocabulary(vocabulary)
    values = _check_values(values)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" font-family="{say(FONTS, FONTS_ZH)}">',
             f'<rect width="{width}" height="{height}" fill="#ffffff"/>']
    if body:
        x0, y0, x1, y1 = body
        parts.append(f'<rect x="{x0}" y="{y0}" width="{x1 - x0}" height="{y1 - y0}" rx="18" '
                     f'fill="#f3f6f9" stroke="#9aa7b4" stroke-width="1.5"/>')
    parts.append(_text(width / 2, 24, title, size=14, weight="bold"))
    for e in edges:
        parts.extend(_edge_svg(e, values))
    for n in nodes:
        parts.extend(_node_svg(n, vocabulary))
    parts.extend(extra)
    if legend:
        lines = [legend[0]] if vocabulary == "standard" else list(legend)
        if vocabulary == "notes":
            lines = [legend[-1]]
        for k, text in enumerate(lines):
            color = NOTES_COLOUR if (vocabulary != "standard" and k == len(lines) - 1 and len(legend) > 1) else "#444"
            y = height - 12 - 14 * (len(lines) - 1 - k)
            parts.append(_text(12, y, _tr(text), size=11, anchor="start", color=color))
    if values is not None:
        parts.append(_text(width - 12, height - 12, _tr("width: size · orange +, purple −"), size=10,
                           anchor="end", color="#666"))
    parts.append("</svg>")
    return "\n".join(parts)


# ----- the LSTM -----------------------------------------------------------------------------
_LSTM_NODES = (
    Node("times", 200, 90, "", "遗忘门 forget gate", (-14, -20)),
    Node("plus", 340, 90, "", "记忆门 remember gate", (14, -20)),
    Node("times", 340, 160, "", "学习门 learn gate", (0, 32)),
    Node("tanh_op", 560, 160, "tanh(cₜ)", "", (28, 4)),
    Node("times", 560, 240, "", "使用门 use gate", (16, 26)),
    Node("sigmoid", 200, 240, "f forget", "", (6, 34)),
    Node("sigmoid", 290, 240, "i input", "", (6, 34)),
    Node("tanh", 390, 240, "g candidate", "", (6, 34)),
    Node("sigmoid", 480, 240, "o output", "", (6, 34)),
)

_LSTM_EDGES = (
    Edge("c_prev", ((10, 90), (188, 90)), "cₜ₋₁", (45, 80)),
    Edge("f", ((200, 224), (200, 102)), "fₜ", (216, 200)),
    Edge("forget_gate", ((212, 90), (328, 90)), "f·cₜ₋₁", (270, 80)),
    Edge("i", ((290, 224), (290, 160), (328, 160)), "iₜ", (284, 205), label_anchor="end"),
    Edge("g", ((390, 224), (390, 160), (352, 160)), "gₜ", (406, 200)),
    Edge("learn_gate", ((340, 148), (340, 102)), "i·g", (322, 130)),
    Edge("c", ((352, 90), (690, 90)), "cₜ", (665, 80)),
    Edge("c", ((560, 90), (560, 148)), "", None),
    Edge("tanh_c", ((560, 172), (560, 228)), "", (590, 205)),
    Edge("o", ((502, 240), (548, 240)), "oₜ", (525, 230)),
    Edge("h", ((560, 252), (560, 300), (690, 300)), "hₜ", (665, 290)),
    Edge("h", ((620, 300), (620, 10)), "", (626, 45), label_anchor="start"),
    Edge("h_prev", ((10, 300), (130, 300)), "hₜ₋₁", (45, 290), arrow=False),
    Edge("x", ((130, 390), (130, 300)), "xₜ", (112, 375), arrow=False),
    Edge(None, ((130, 300), (480, 300)), "", None, arrow=False),
    Edge(None, ((200, 300), (200, 256)), "", None),
    Edge(None, ((290, 300), (290, 256)), "", None),
    Edge(None, ((390, 300), (390, 256)), "", None),
    Edge(None, ((480, 300), (480, 256)), "", None),
)

_LSTM_LEGEND = ("boxes: layers with weights on [hₜ₋₁, xₜ]; circles: pointwise operations",
                "teal: the notes' four gates (学习门, 遗忘门, 记忆门, 使用门)")


def lstm_cell_svg(values=None, vocabulary="both", *, title=None):
    """The standard LSTM cell. ``values``: None (static, for print) or a dict with any of the keys
    x, h_prev, c_prev, i, f, g, o, forget_gate (f·c_prev), learn_gate (i·g), c, tanh_c, h.
    ``title``: None draws "LSTM cell" (in Chinese: LSTM 单元)."""
    title = _tr("LSTM cell") if title is None else title
    return _render(title, 700, 440, _LSTM_NODES, _LSTM_EDGES, values, vocabulary,
                   body=(70, 40, 640, 340), legend=_LSTM_LEGEND)


# ----- the peephole LSTM ------------------------------------------------------------------------
_PEEPHOLE_EDGES = _LSTM_EDGES + (
    Edge("peep_f", ((160, 90), (160, 240), (178, 240)), "p_f·cₜ₋₁", (156, 135), dashed=True, label_anchor="end"),
    Edge("peep_i", ((110, 90), (110, 206), (252, 206), (252, 240), (268, 240)), "p_i·cₜ₋₁", (106, 175),
         dashed=True, label_anchor="end"),
    Edge("peep_o", ((520, 90), (520, 190), (480, 190), (480, 224)), "p_o·cₜ", (526, 140), dashed=True,
         label_anchor="start"),
)


def peephole_cell_svg(values=None, vocabulary="both", *, title=None):
    """The peephole LSTM: the LSTM diagram plus dashed peepholes (the gates look at the cell):
    i and f see c_{t-1}, o sees the new c_t. Extra value keys: peep_i, peep_f, peep_o (p·c).
    ``title``: None draws "LSTM with peephole connections"."""
    title = _tr("LSTM with peephole connections") if title is None else title
    legend = (_LSTM_LEGEND[0], "dashed: peepholes 窥视孔 (Gers & Schmidhuber 2000): gates read the cell state",
              _LSTM_LEGEND[1])
    return _render(title, 700, 440, _LSTM_NODES, _PEEPHOLE_EDGES, values, vocabulary,
                   body=(70, 40, 640, 340), legend=legend)


# ----- the GRU ------------------------------------------------------------------------------
_GRU_NODES = (
    Node("times", 300, 90, "", "keep z·hₜ₋₁", (14, -20)),
    Node("plus", 520, 90, "", "", (0, 0)),
    Node("times", 180, 160, "r·(W_hn hₜ₋₁+b)", "", (16, -8)),
    Node("one_minus", 360, 200, "", "", (0, 0)),
    Node("times", 520, 200, "", "write (1−z)·n", (16, 4)),
    Node("sigmoid", 180, 240, "r reset", "", (6, 34)),
    Node("sigmoid", 300, 240, "z update", "", (6, 34)),
    Node("tanh", 440, 240, "n candidate", "", (6, 34)),
)

_GRU_EDGES = (
    Edge("h_prev", ((10, 90), (288, 90)), "hₜ₋₁", (45, 80)),
    Edge("keep", ((312, 90), (508, 90)), "z·hₜ₋₁", (420, 80)),
    Edge("h", ((532, 90), (690, 90)), "hₜ", (665, 80)),
    Edge("h", ((620, 90), (620, 10)), "", (626, 45), label_anchor="start"),
    Edge("h_prev", ((80, 90), (80, 300), (130, 300)), "", None, arrow=False),
    Edge("x", ((130, 390), (130, 300)), "xₜ", (112, 375), arrow=False),
    Edge(None, ((130, 300), (440, 300)), "", None, arrow=False),
    Edge(None, ((180, 300), (180, 256)), "", None),
    Edge(None, ((300, 300), (300, 256)), "", None),
    Edge(None, ((440, 300), (440, 256)), "", None),
    Edge("hn", ((180, 90), (180, 148)), "", (200, 125)),
    Edge("r", ((180, 224), (180, 172)), "rₜ", (196, 200)),
    Edge("reset_hn", ((192, 160), (400, 160), (400, 240), (418, 240)), "", (350, 150)),
    Edge("z", ((300, 224), (300, 102)), "zₜ", (316, 135)),
    Edge("z", ((300, 200), (348, 200)), "", None),
    Edge("one_minus_z", ((372, 200), (508, 200)), "1−z", (470, 190)),
    Edge("n", ((462, 240), (520, 240), (520, 212)), "nₜ", (545, 250)),
    Edge("write", ((520, 188), (520, 102)), "", (545, 150)),
)

_GRU_LEGEND = ("PyTorch's GRU (reset after the matmul): hₜ = (1−z)·n + z·hₜ₋₁",
               "门限回归单元 GRU: no separate cell state, z both forgets and writes")


def gru_cell_svg(values=None, vocabulary="both", *, title=None):
    """The GRU in PyTorch's convention. ``values`` keys: x, h_prev, r, z, n, hn (W_hn h + b_hn),
    reset_hn (r·hn), keep (z·h_prev), one_minus_z, write ((1−z)·n), h. ``title``: None draws "GRU cell"."""
    title = _tr("GRU cell") if title is None else title
    return _render(title, 700, 440, _GRU_NODES, _GRU_EDGES, values, vocabulary,
                   body=(60, 40, 640, 340), legend=_GRU_LEGEND)


CELL_DIAGRAMS = {"lstm": lstm_cell_svg, "peephole": peephole_cell_svg, "gru": gru_cell_svg}


def cell_diagram_svg(values, vocabulary="both"):
    """The diagram of ``values["cell"]`` ("lstm", "peephole" or "gru") drawn with those values."""
    if not isinstance(values, dict) or values.get("cell") not in CELL_DIAGRAMS:
        got = values.get("cell") if isinstance(values, dict) else type(values).__name__
        raise ValueError(say(f"values: expected a dict with 'cell' in {sorted(CELL_DIAGRAMS)}, got {got!r}",
                             f"values：应为 'cell' 取 {sorted(CELL_DIAGRAMS)} 之一的 dict，传入的是 {got!r}"))
    return CELL_DIAGRAMS[values["cell"]](values, vocabulary)


# ----- the plain RNN, unrolled ----------------------------------------------------------------
def unrolled_rnn_svg(steps=4, values=None, vocabulary="both"):
    """A plain RNN unrolled over ``steps`` time steps: the same cell, the state passed along.

    values: None, or a sequence of ``steps`` numbers (e.g. the size of h_t) drawn as the width of
    the state arrow leaving each step: a fading memory is a thinning arrow.
    """
    steps = check.positive_int("steps", steps)
    _check_vocabulary(vocabulary)
    if values is not None:
        values = np.asarray(values, dtype=np.float64)
        if values.shape != (steps,):
            raise ValueError(say(f"values: expected {steps} numbers (one per step), got shape {values.shape}",
                                 f"values：应为 {steps} 个数（每个时间步一个），传入的形状是 {values.shape}"))
        if not np.all(np.isfinite(values)):
            raise ValueError(say("values: expected finite numbers, got NaN or inf",
                                 "values：应为有限的数，传入的含有 NaN 或 inf"))
    box_w, gap, x0 = 90, 60, 70
    width = x0 + steps * (box_w + gap) + 20
    height = 330
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" font-family="{say(FONTS, FONTS_ZH)}">',
             f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
             _text(width / 2, 24, say("A plain RNN unrolled in time: one cell, reused at every step",
                                      "沿时间展开的普通 RNN：同一个单元，每个时间步都重复使用"), size=14,
                   weight="bold")]
    dark = STATIC_HEX
    prev_x = 10
    for t in range(steps):
        bx = x0 + t * (box_w + gap)
        cx = bx + box_w / 2
        if values is None:
            w_in, col_in = 2.0, dark
        else:
            v = values[t - 1] if t > 0 else 0.0
            w_in, col_in = stroke_width(v), stroke_color(v)
        label_in = "h₀ = 0" if t == 0 else f"h{_sub(t)}"
        parts.append(f'<polyline class="path" data-key="h{t}" points="{_f(prev_x)},150 {_f(bx)},150" fill="none" '
                     f'stroke="{col_in}" stroke-width="{w_in:g}"/>')
        parts.append(_arrowhead((prev_x, 150), (bx, 150), col_in, w_in))
        shown = label_in if values is None or t == 0 else format_value(values[t - 1])
        parts.append(_text((prev_x + bx) / 2, 140, shown, size=11))
        parts.append(f'<rect x="{bx}" y="115" width="{box_w}" height="70" rx="10" fill="#fdd835" stroke="#555"/>')
        parts.append(_text(cx, 146, "tanh", size=13, weight="bold"))
        parts.append(_text(cx, 164, "W, b", size=11))
        parts.append(f'<polyline points="{_f(cx)},255 {_f(cx)},185" fill="none" stroke="{dark}" stroke-width="2"/>')
        parts.append(_arrowhead((cx, 255), (cx, 185), dark, 2.0))
        parts.append(_text(cx, 272, f"x{_sub(t + 1)}", size=12))
        parts.append(f'<polyline points="{_f(cx)},115 {_f(cx)},55" fill="none" stroke="{dark}" stroke-width="2"/>')
        parts.append(_arrowhead((cx, 115), (cx, 55), dark, 2.0))
        parts.append(_text(cx, 48, say(f"h{_sub(t + 1)}  (output)", f"h{_sub(t + 1)}（输出）"), size=11))
        prev_x = bx + box_w
    last = values[-1] if values is not None else None
    w_out = 2.0 if last is None else stroke_width(last)
    col_out = dark if last is None else stroke_color(last)
    parts.append(f'<polyline class="path" data-key="h{steps}" points="{_f(prev_x)},150 {_f(width - 8)},150" '
                 f'fill="none" stroke="{col_out}" stroke-width="{w_out:g}"/>')
    if vocabulary in ("standard", "both"):
        parts.append(_text(12, height - 32, say("hₜ = tanh(W·[hₜ₋₁, xₜ] + b): the output is also the memory",
                                                "hₜ = tanh(W·[hₜ₋₁, xₜ] + b)：输出同时也是记忆"),
                           size=11, anchor="start", color="#444"))
    if vocabulary in ("notes", "both"):
        parts.append(_text(12, height - 12, "本次状态记忆 = 激活函数(上次状态记忆, 当前事件)", size=11, anchor="start",
                           color=NOTES_COLOUR, style="italic"))
    parts.append("</svg>")
    return "\n".join(parts)


_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def _sub(n: int) -> str:
    return str(n).translate(_SUBSCRIPTS)


# ----- gate values as bars, and gates over time as a heatmap ---------------------------------
# (name, low, high, caption): the range a value lives in sets its bar's scale.
GATE_ROWS = {
    "lstm": (("i", 0, 1, "i input (σ)"), ("f", 0, 1, "f forget (σ)"), ("g", -1, 1, "g candidate (tanh)"),
             ("o", 0, 1, "o output (σ)"), ("c", -2, 2, "c new cell"), ("h", -1, 1, "h new hidden")),
    "gru": (("r", 0, 1, "r reset (σ)"), ("z", 0, 1, "z update (σ)"), ("n", -1, 1, "n candidate (tanh)"),
            ("h", -1, 1, "h new hidden")),
}
GATE_ROWS["peephole"] = GATE_ROWS["lstm"]


def gate_bars_svg(values):
    """Each gate and output of one step as a bar on its own scale (σ: 0..1, tanh: −1..1, c: −2..2;
    a value beyond the scale ends in an arrow). ``values``: a dict from ``explore_gates``."""
    if not isinstance(values, dict) or values.get("cell") not in GATE_ROWS:
        raise ValueError(say(f"values: expected a dict from explore_gates with 'cell' in {sorted(GATE_ROWS)}",
                             f"values：应为 explore_gates 返回的 dict，其 'cell' 取 {sorted(GATE_ROWS)} 之一"))
    clean = _check_values(values)
    rows = GATE_ROWS[values["cell"]]
    width, row_h, x0, x1 = 330, 34, 130, 300
    height = 30 + row_h * len(rows)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" font-family="{say(FONTS, FONTS_ZH)}">',
             f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
             _text(width / 2, 18, _tr("gate values at this step"), size=12, weight="bold")]
    for k, (name, lo, hi, caption) in enumerate(rows):
        y = 30 + k * row_h
        v = clean[name]
        scale = (x1 - x0) / (hi - lo)
        zero = x0 + (0 - lo) * scale
        end = x0 + (min(max(v, lo), hi) - lo) * scale
        parts.append(_text(x0 - 6, y + 15, _tr(caption), size=11, anchor="end"))
        parts.append(f'<rect x="{x0}" y="{y + 4}" width="{x1 - x0}" height="14" fill="#eeeeee"/>')
        left, w = (zero, end - zero) if end >= zero else (end, zero - end)
        parts.append(f'<rect class="bar" data-key="{name}" x="{_f(left)}" y="{y + 4}" width="{_f(w)}" height="14" '
                     f'fill="{stroke_color(v)}"/>')
        parts.append(f'<line x1="{_f(zero)}" y1="{y + 1}" x2="{_f(zero)}" y2="{y + 21}" stroke="#444"/>')
        if v > hi or v < lo:  # off the scale: point the way
            tip = x1 + 8 if v > hi else x0 - 8
            base = x1 if v > hi else x0
            parts.append(f'<polygon points="{_f(tip)},{y + 11} {_f(base)},{y + 4} {_f(base)},{y + 18}" fill="#444"/>')
        parts.append(_text(x0, y + 31, f"{lo:g}", size=9, anchor="start", color="#777"))
        parts.append(_text(x1, y + 31, f"{hi:g}", size=9, anchor="end", color="#777"))
        parts.append(_text((x0 + x1) / 2, y + 31, format_value(v), size=10, weight="bold", color="#333"))
    parts.append("</svg>")
    return "\n".join(parts)


HEAT_HIGH = (179, 88, 6)  # dark orange: a gate wide open, a large positive value
HEAT_LOW = (84, 39, 136)  # dark purple: a large negative value


def _blend(t, far):
    return "#{:02x}{:02x}{:02x}".format(*(round(255 + t * (f - 255)) for f in far))


def heat_color(value, diverging=False) -> str:
    """Heatmap color. Gates (0..1): white at 0 to dark orange at 1. Diverging values (c, h):
    dark purple at -1, white at 0, dark orange at +1 (beyond +-1 the end colors)."""
    v = float(value)
    if not diverging:
        return _blend(min(max(v, 0.0), 1.0), HEAT_HIGH)
    return _blend(min(abs(v), 1.0), HEAT_HIGH if v >= 0 else HEAT_LOW)


def gate_heatmap_svg(traces, chars, t=None):
    """Gates over time: one panel per name in ``traces`` (e.g. i, f, o, c, h), units as rows and
    time steps as columns, each cell colored by its value; column ``t`` is outlined and read out.

    traces: dict name -> array (time, hidden); chars: the input characters, one per time step.
    """
    if not isinstance(traces, dict) or not traces:
        raise TypeError(say("traces: expected a non-empty dict name -> array (time, hidden)",
                            "traces：应为非空的 dict，名称 -> 数组 (time, hidden)"))
    arrays = {k: np.asarray(v, dtype=np.float64) for k, v in traces.items()}
    T, H = next(iter(arrays.values())).shape
    for k, a in arrays.items():
        if a.shape != (T, H):
            raise ValueError(say(f"traces[{k!r}]: expected shape ({T}, {H}) like the first trace, got {a.shape}",
                                 f"traces[{k!r}]：形状应与第一条轨迹一样为 ({T}, {H})，传入的是 {a.shape}"))
        if not np.all(np.isfinite(a)):
            raise ValueError(say(f"traces[{k!r}]: expected finite values, got NaN or inf",
                                 f"traces[{k!r}]：应为有限的值，传入的含有 NaN 或 inf"))
    if len(chars) != T:
        raise ValueError(say(f"chars: expected {T} characters (one per time step), got {len(chars)}",
                             f"chars：应为 {T} 个字符（每个时间步一个），传入的是 {len(chars)} 个"))
    if t is not None:
        t = int(t)
        if not 0 <= t < T:
            raise ValueError(say(f"t: expected a time step in [0, {T}), got {t}",
                                 f"t：应为 [0, {T}) 中的时间步，传入的是 {t}"))
    cell, x0, panel_gap = 16, 46, 14
    width = x0 + T * cell + 150
    panel_h = H * cell
    height = 40 + len(arrays) * (panel_h + panel_gap) + 24
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" font-family="{say(MONO_FONTS, MONO_FONTS_ZH)}">',
             f'<rect width="{width}" height="{height}" fill="#ffffff"/>']
    for j, ch in enumerate(chars):
        shown = "␣" if ch == " " else ("↵" if ch == "\n" else ch)
        weight = "bold" if j == t else "normal"
        parts.append(_text(x0 + j * cell + cell / 2, 20, shown, size=12, weight=weight))
    for p, (name, a) in enumerate(arrays.items()):
        y0 = 30 + p * (panel_h + panel_gap)
        diverging = name not in ("i", "f", "o", "r", "z")
        parts.append(_text(x0 - 8, y0 + panel_h / 2 + 4, name, size=13, anchor="end", weight="bold"))
        for j in range(T):
            for u in range(H):
                parts.append(f'<rect x="{x0 + j * cell}" y="{y0 + u * cell}" width="{cell - 1}" height="{cell - 1}" '
                             f'fill="{heat_color(a[j, u], diverging)}"/>')
        if t is not None:
            mean = float(a[t].mean())
            parts.append(_text(x0 + T * cell + 10, y0 + panel_h / 2 + 4,
                               say(f"mean {format_value(mean)}", f"均值 {format_value(mean)}"), size=11,
                               anchor="start"))
    parts.append(_text(x0, height - 8, say("gates: white 0 → orange 1 · c, h: purple −1 → white 0 → orange +1",
                                           "门：白 0 → 橙 1 · c、h：紫 −1 → 白 0 → 橙 +1"),
                       size=11, anchor="start", color="#555"))

    if t is not None:
        parts.append(f'<rect class="cursor" x="{x0 + t * cell - 1}" y="6" width="{cell + 1}" height="{height - 12}" '
                     f'fill="none" stroke="#222" stroke-width="2"/>')
    parts.append("</svg>")
    return "\n".join(parts)
