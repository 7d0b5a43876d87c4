"""An LSTMVis-style viewer (after Strobelt et al.'s LSTMVis and Karpathy et al. 2015): pick a cell
and see the text colored by it, or pick a property of the text (inside quotes, bracket depth,
position in the line) and see the cells that follow it best, each beside the best cell of an
untrained model of the same size (a correlation means little until it beats that baseline).

``best_cells`` is the pure part (tests call it); ``CellViewer`` wires it to two dropdowns and a slider.
"""

from __future__ import annotations

import functools
import html

import numpy as np

from ...core.language import language, say
from ...core.text import bracket_depth, inside_quotes, line_position
from ...experiments.interpret import Trace, color_text_html, correlations

PROPERTIES = {"inside quotes": inside_quotes, "bracket depth": bracket_depth, "line position": line_position}


def property_name(prop: str) -> str:
    """A property's name as the learner reads it (the English key in English)."""
    return say(prop, {"inside quotes": "引号内", "bracket depth": "括号深度", "line position": "行内位置",
                      "a cell": "一个单元"}.get(prop, prop))


def _layer_cell(layer, unit) -> str:
    return say(f"layer {layer}, c[{unit}]", f"第 {layer} 层，c[{unit}]")


def best_cells(traced: Trace, target, k=5, name="c"):
    """The k units (layer, unit, r) whose ``name`` values correlate most with ``target``, by |r|."""
    if not isinstance(traced, Trace):
        got = type(traced).__name__
        raise TypeError(say(f"traced: expected a Trace (from experiments.interpret.trace), got {got}",
                            f"traced：应为 Trace（来自 experiments.interpret.trace），传入的是 {got}"))
    found = []
    for layer, values in enumerate(traced.layers):
        r = correlations(values[name], np.asarray(target, np.float64))
        found += [(layer, unit, float(r[unit])) for unit in range(len(r))]
    return sorted(found, key=lambda f: -abs(f[2]))[:k]


def property_report(trained: Trace, untrained: Trace, prop: str, k=5) -> str:
    """HTML: the property's best k trained cells and the untrained model's best one."""
    if prop not in PROPERTIES:
        raise ValueError(say(f"prop: expected one of {', '.join(PROPERTIES)}, got {prop!r}",
                             f"prop：应为 {', '.join(PROPERTIES)} 之一，传入的是 {prop!r}"))
    target = PROPERTIES[prop](trained.text)
    rows = "".join(f"<tr><td>{_layer_cell(layer, unit)}</td><td>{r:+.2f}</td></tr>"
                   for layer, unit, r in best_cells(trained, target, k))
    base = best_cells(untrained, target, 1)[0]
    return say(f"<b>{html.escape(prop)}</b>: the trained cells that follow it best (correlation r)"
               f"<table>{rows}</table>untrained baseline: best |r| = {abs(base[2]):.2f} "
               f"(layer {base[0]}, c[{base[1]}])",
               f"<b>{html.escape(property_name(prop))}</b>：训练后最能跟随它的单元（相关系数 r）"
               f"<table>{rows}</table>未训练的基线：最佳 |r| = {abs(base[2]):.2f}"
               f"（第 {base[0]} 层，c[{base[1]}]）")


class CellViewer:
    """Dropdown: color the text by a cell (the layer and unit sliders choose it) or by a property of
    the text, shown above the chosen cell, with the best cells listed against the untrained baseline."""

    def __init__(self, trained: Trace, untrained: Trace, *, chars=600):
        import ipywidgets as widgets

        self.trained, self.untrained, self.chars = trained, untrained, chars
        modes = ["a cell", *PROPERTIES]
        # in Chinese the menu shows Chinese names; its values stay the English keys of the API
        options = modes if language() == "en" else [(property_name(m), m) for m in modes]
        self.mode = widgets.Dropdown(options=options, value="inside quotes", description=say("color by", "着色依据"))
        self.layer = widgets.IntSlider(value=0, min=0, max=len(trained.layers) - 1, description=say("layer", "层"))
        self.unit = widgets.IntSlider(value=0, min=0, max=trained.values(0, "c").shape[1] - 1,
                                      description=say("cell", "单元"))
        self.html = widgets.HTML()
        for w in (self.mode, self.layer, self.unit):
            w.observe(lambda change: self.update(), names="value")
        self.widget = widgets.VBox([widgets.HBox([self.mode, self.layer, self.unit]), self.html])
        self.update()

    def update(self):
        text = self.trained.text[:self.chars]
        values = np.tanh(self.trained.values(self.layer.value, "c")[:self.chars, self.unit.value])
        cell = color_text_html(text, values, title=say(f"layer {self.layer.value}, cell {self.unit.value}: tanh(c)",
                                                       f"第 {self.layer.value} 层，单元 {self.unit.value}：tanh(c)"))
        if self.mode.value == "a cell":
            self.html.value = cell
            return
        # the property above the chosen cell, so the sliders always change what is compared with it
        above, below = self._property_parts(self.mode.value, language())
        self.html.value = above + cell + below

    @functools.lru_cache(maxsize=8)  # noqa: B019 (a few modes per viewer): the sliders only move the cell
    def _property_parts(self, mode, lang):
        """(the text colored by the property, its best cells against the untrained baseline): HTML."""
        target = PROPERTIES[mode](self.trained.text)
        shown = target[:self.chars] / max(float(np.abs(target).max()), 1e-12)
        return (color_text_html(self.trained.text[:self.chars], shown, vmin=-1.0, vmax=1.0, title=property_name(mode)),
                property_report(self.trained, self.untrained, mode))

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)
