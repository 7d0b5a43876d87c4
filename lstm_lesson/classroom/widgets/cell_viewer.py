"""An LSTMVis-style viewer (after Strobelt et al.'s LSTMVis and Karpathy et al. 2015): pick a cell
and see the text colored by it, or pick a property of the text (inside quotes, bracket depth,
position in the line) and see the cells that follow it best, each beside the best cell of an
untrained model of the same size (a correlation means little until it beats that baseline).

``best_cells`` is the pure part (tests call it); ``CellViewer`` wires it to two dropdowns and a slider.
"""

from __future__ import annotations

import html

import numpy as np

from ...core.text import bracket_depth, inside_quotes, line_position
from ...experiments.interpret import Trace, color_text_html, correlations

PROPERTIES = {"inside quotes": inside_quotes, "bracket depth": bracket_depth, "line position": line_position}


def best_cells(traced: Trace, target, k=5, name="c"):
    """The k units (layer, unit, r) whose ``name`` values correlate most with ``target``, by |r|."""
    if not isinstance(traced, Trace):
        raise TypeError(f"traced: expected a Trace (from experiments.interpret.trace), got {type(traced).__name__}")
    found = []
    for layer, values in enumerate(traced.layers):
        r = correlations(values[name], np.asarray(target, np.float64))
        found += [(layer, unit, float(r[unit])) for unit in range(len(r))]
    return sorted(found, key=lambda f: -abs(f[2]))[:k]


def property_report(trained: Trace, untrained: Trace, prop: str, k=5) -> str:
    """HTML: the property's best k trained cells and the untrained model's best one."""
    if prop not in PROPERTIES:
        raise ValueError(f"prop: expected one of {', '.join(PROPERTIES)}, got {prop!r}")
    target = PROPERTIES[prop](trained.text)
    rows = "".join(f"<tr><td>layer {layer}, c[{unit}]</td><td>{r:+.2f}</td></tr>"
                   for layer, unit, r in best_cells(trained, target, k))
    base = best_cells(untrained, target, 1)[0]
    return (f"<b>{html.escape(prop)}</b>: the trained cells that follow it best (correlation r)"
            f"<table>{rows}</table>untrained baseline: best |r| = {abs(base[2]):.2f} "
            f"(layer {base[0]}, c[{base[1]}])")


class CellViewer:
    """Dropdown: color the text by a cell (the layer and unit sliders choose it) or by a property of
    the text, shown above the chosen cell, with the best cells listed against the untrained baseline."""

    def __init__(self, trained: Trace, untrained: Trace, *, chars=600):
        import ipywidgets as widgets

        self.trained, self.untrained, self.chars = trained, untrained, chars
        self.mode = widgets.Dropdown(options=["a cell", *PROPERTIES], value="inside quotes", description="color by")
        self.layer = widgets.IntSlider(value=0, min=0, max=len(trained.layers) - 1, description="layer")
        self.unit = widgets.IntSlider(value=0, min=0, max=trained.values(0, "c").shape[1] - 1, description="cell")
        self.html = widgets.HTML()
        for w in (self.mode, self.layer, self.unit):
            w.observe(lambda change: self.update(), names="value")
        self.widget = widgets.VBox([widgets.HBox([self.mode, self.layer, self.unit]), self.html])
        self.update()

    def update(self):
        text = self.trained.text[:self.chars]
        values = np.tanh(self.trained.values(self.layer.value, "c")[:self.chars, self.unit.value])
        cell = color_text_html(text, values, title=f"layer {self.layer.value}, cell {self.unit.value}: tanh(c)")
        if self.mode.value == "a cell":
            self.html.value = cell
            return
        # the property above the chosen cell, so the sliders always change what is compared with it
        target = PROPERTIES[self.mode.value](self.trained.text)
        shown = target[:self.chars] / max(float(np.abs(target).max()), 1e-12)
        self.html.value = (color_text_html(text, shown, vmin=-1.0, vmax=1.0, title=self.mode.value) + cell
                           + property_report(self.trained, self.untrained, self.mode.value))

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)
