"""Looking inside a trained character model, after Karpathy, Johnson & Fei-Fei (2015).

- ``trace``: run the model over a text and keep every gate and memory of every layer at every
  character (from the ``LSTMRecord`` records the cells produce while stepping).
- ``color_text_html``: the text with each character's background colored by one cell's value.
- ``find_tracking_cell``: the cell whose value correlates best with a property of the text, e.g.
  ``inside_quotes`` or ``line_position`` from ``lstm_lesson.core.text``. Compare with an untrained
  model of the same size: random cells correlate a little with anything that changes slowly.
- ``saturation``: how often each gate is nearly shut (< 0.1) or wide open (> 0.9).
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import numpy as np

from ..core import validate as check
from ..core.cells import LSTMRecord
from ..core.language import say
from ..core.model import CharModel

GATES = ("i", "f", "o")  # the sigmoid gates whose saturation is counted
LOW, HIGH = 0.1, 0.9  # "nearly shut" and "wide open"


@dataclass
class Trace:
    """Every intermediate of a model run over ``text``: ``layers[k][name]`` is (len(text), hidden).

    LSTM layers have i, f, g, o, c, h (c is the cell, the long-term memory); GRU layers r, z, n, h;
    plain RNN layers h. Row t is the value right after reading ``text[t]``.
    """

    text: str
    layers: list

    def values(self, layer, name):
        """The (len(text), hidden) array of ``name`` in ``layer``."""
        if not isinstance(layer, (int, np.integer)) or not 0 <= layer < len(self.layers):
            raise ValueError(say(f"layer: expected an integer in [0, {len(self.layers)}), got {layer!r}",
                                 f"layer：应为 [0, {len(self.layers)}) 中的整数，传入的是 {layer!r}"))
        if name not in self.layers[layer]:
            have = sorted(self.layers[layer])
            raise ValueError(say(f"name: expected one of {have} for layer {layer}, got {name!r}",
                                 f"name：第 {layer} 层应为 {have} 之一，传入的是 {name!r}"))
        return self.layers[layer][name]


def _record_values(record):
    if isinstance(record, LSTMRecord):
        return {"i": record.i, "f": record.f, "g": record.g, "o": record.o, "c": record.c, "h": record.h}
    if hasattr(record, "as_dict"):
        return record.as_dict()
    return {"h": record.h}


def trace(model, vocab, text):
    """Run ``model`` over ``text`` from the zero state (batch of one) and keep every intermediate.

    The cells step through the text and leave one record per character and layer (``LSTMRecord``
    for an LSTM); their values are stacked into a ``Trace``. Cost: one forward pass.
    """
    if not isinstance(model, CharModel):
        raise TypeError(say(f"model: expected a CharModel, got {type(model).__name__}",
                            f"model：应为 CharModel，传入的是 {type(model).__name__}"))
    if not isinstance(text, str) or not text:
        raise ValueError(say(f"text: expected a non-empty str, got {text!r:.40}",
                             f"text：应为非空的 str，传入的是 {text!r:.40}"))
    if vocab.size != model.vocab_size:
        raise ValueError(say(f"vocab: expected {model.vocab_size} characters (the model's vocab_size), "
                             f"got {vocab.size}",
                             f"vocab：应有 {model.vocab_size} 个字符（模型的 vocab_size），传入的是 {vocab.size}"))
    ids = vocab.encode(text)[None, :]
    _, _, (_, rnn_cache) = model.forward(ids)
    layers = []
    for _, _, _, records in rnn_cache:
        names = _record_values(records[0]).keys()
        per_step = [_record_values(r) for r in records]
        layers.append({name: np.stack([v[name][0] for v in per_step]).astype(np.float64) for name in names})
    return Trace(text=text, layers=layers)


# ---------------------------------------------------------------------------------------------
# Which cell tracks what
# ---------------------------------------------------------------------------------------------

def correlations(values, target):
    """Pearson correlation of every column of ``values`` (T, H) with ``target`` (T,): shape (H,).

    A column (or target) that never changes has correlation 0 (nothing to correlate).
    """
    values = check.array("values", values, (None, None), names=("time", "hidden")).astype(np.float64)
    target = check.array("target", target, (values.shape[0],), names=("time",)).astype(np.float64)
    v = values - values.mean(axis=0)
    t = target - target.mean()
    norms = np.sqrt((v * v).sum(axis=0)) * np.sqrt((t * t).sum())
    out = np.zeros(values.shape[1])
    ok = norms > 0
    out[ok] = (t @ v[:, ok]) / norms[ok]
    return out


@dataclass(frozen=True)
class CellFinding:
    """The cell that best tracks a target: ``trace.values(layer, name)[:, unit]``."""

    layer: int
    name: str
    unit: int
    correlation: float  # Pearson r, signed: negative means the cell goes DOWN where the target is high

    def describe(self, target_name=None):
        """One line: which cell tracks ``target_name`` (None: "the target") and how closely."""
        tracked = "the target" if target_name is None else target_name
        tracked_zh = "目标" if target_name is None else f" {target_name}"  # a space only before Latin text
        return say(f"layer {self.layer}, {self.name}[{self.unit}] tracks {tracked} with "
                   f"correlation {self.correlation:+.2f}",
                   f"第 {self.layer} 层的 {self.name}[{self.unit}] 跟踪{tracked_zh}，相关系数 {self.correlation:+.2f}")


def find_tracking_cell(traced, target, names=("c",)):
    """Search every unit of every layer (values ``names``, default the cell state c) for the
    largest |correlation| with ``target`` (one number per character, e.g. ``inside_quotes(text)``)."""
    _check_trace(traced)
    target = check.array("target", target, (len(traced.text),), names=("len(text)",))
    best = None
    for k, layer in enumerate(traced.layers):
        for name in names:
            if name not in layer:
                continue
            r = correlations(layer[name], target)
            unit = int(np.argmax(np.abs(r)))
            if best is None or abs(r[unit]) > abs(best.correlation):
                best = CellFinding(k, name, unit, float(r[unit]))
    if best is None:
        have = sorted({n for layer in traced.layers for n in layer})
        raise ValueError(say(f"names: expected some of {have}, got {tuple(names)!r}",
                             f"names：应取自 {have}，传入的是 {tuple(names)!r}"))
    return best


def _check_trace(traced):
    if not isinstance(traced, Trace):
        raise TypeError(say(f"traced: expected a Trace (from interpret.trace), got {type(traced).__name__}",
                            f"traced：应为 Trace（来自 interpret.trace），传入的是 {type(traced).__name__}"))


# ---------------------------------------------------------------------------------------------
# Coloring text by a cell
# ---------------------------------------------------------------------------------------------

def _color(value):
    """-1 -> blue, 0 -> white, +1 -> red (as in Karpathy et al.'s figures), as an rgb() string."""
    v = float(np.clip(value, -1.0, 1.0))
    fade = int(round(255 * (1 - abs(v))))
    return f"rgb(255,{fade},{fade})" if v >= 0 else f"rgb({fade},{fade},255)"


def color_text_html(text, values, *, vmin=-1.0, vmax=1.0, title=None):
    """The text as HTML, each character on a background colored by ``values`` (one per character;
    neighbours of the same color share a span).

    ``values`` are mapped linearly from [vmin, vmax] to [-1, 1]: blue for low, white for the middle,
    red for high. Line breaks are kept. Deterministic: the same inputs give the same string.
    """
    if not isinstance(text, str):
        raise TypeError(say(f"text: expected a str, got {type(text).__name__}",
                            f"text：应为 str，传入的是 {type(text).__name__}"))
    values = check.array("values", values, (len(text),), names=("len(text)",)).astype(np.float64)
    vmin, vmax = check.real_number("vmin", vmin), check.real_number("vmax", vmax)
    if not vmax > vmin:
        raise ValueError(say(f"vmax: expected a number above vmin={vmin}, got {vmax}",
                             f"vmax：应为大于 vmin={vmin} 的数，传入的是 {vmax}"))
    scaled = 2 * (values - vmin) / (vmax - vmin) - 1
    # one span per run of characters with the same color, not per character: the same pixels, and
    # for a property such as "inside quotes" a tenth of the HTML for the browser to lay out
    spans, run, run_color = [], [], None
    for ch, v in zip(text, scaled):
        color = _color(v)
        if color != run_color and run:
            spans.append(f'<span style="background:{run_color}">{"".join(run)}</span>')
            run = []
        run.append(html.escape(ch))
        run_color = color
    if run:
        spans.append(f'<span style="background:{run_color}">{"".join(run)}</span>')
    head = f"<div><b>{html.escape(title)}</b></div>" if title else ""
    return (f'{head}<div style="font-family:monospace;white-space:pre-wrap;line-height:1.35">'
            + "".join(spans) + "</div>")


# ---------------------------------------------------------------------------------------------
# Gate saturation
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Saturation:
    """How often one gate of one layer is nearly shut (< 0.1) or wide open (> 0.9).

    ``low``/``high``: per unit, the fraction of characters with the gate below 0.1 / above 0.9.
    """

    layer: int
    gate: str
    low: np.ndarray
    high: np.ndarray

    @property
    def fraction_low(self):
        return float(self.low.mean())

    @property
    def fraction_high(self):
        return float(self.high.mean())


def saturation(traced, gates=GATES):
    """Saturation statistics of the sigmoid gates (default i, f, o) of every LSTM layer."""
    _check_trace(traced)
    out = []
    for k, layer in enumerate(traced.layers):
        for gate in gates:
            if gate not in layer:
                raise ValueError(say(f"gates: {gate!r} is not in layer {k}, which has {sorted(layer)}",
                                     f"gates：第 {k} 层没有 {gate!r}，它有 {sorted(layer)}"))
            g = layer[gate]
            out.append(Saturation(k, gate, (g < LOW).mean(axis=0), (g > HIGH).mean(axis=0)))
    return out


def saturation_table(stats):
    """The saturation statistics as a small text table (percentages rounded to whole numbers)."""
    # the Chinese header keeps the columns: a CJK character is two columns wide in a monospace font
    lines = [say("layer gate   < 0.1   > 0.9   in between", "   层   门   < 0.1   > 0.9   两者之间")]

    for s in stats:
        mid = 1 - s.fraction_low - s.fraction_high
        lines.append(f"{s.layer:>5} {s.gate:>4} {s.fraction_low:>7.0%} {s.fraction_high:>7.0%} {mid:>10.0%}")
    return "\n".join(lines)
