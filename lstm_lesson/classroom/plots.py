"""A small SVG line plot for live widgets: the frame, ticks and fixed curves are drawn once,
and each update only writes the live polylines (well under a millisecond, no figure re-created).
"""

from __future__ import annotations

import numpy as np

from ..core.language import say
from . import fonts
from .diagrams import FONTS


class SvgLinePlot:
    """Axes from ``x_range`` and ``y_range`` (in plotted units: pass log10 values for a log plot).

    y_ticks: the y values to label; y_tick_label: how a tick is written (e.g. ``lambda v: f"1e{v:.0f}"``).
    ``add_background(xs, ys, label)`` adds a fixed dashed curve; ``render(lines, caption)`` returns
    the SVG string with the live ``lines``: a list of ``(xs, ys, color, label)``.
    """

    def __init__(self, x_range, y_range, *, x_label, y_label, y_ticks, y_tick_label=str, x_step=10,
                 width=560, height=300, note=""):
        self.x_range, self.y_range = tuple(map(float, x_range)), tuple(map(float, y_range))
        self.width, self.height = width, height
        self.x0, self.x1, self.y0, self.y1 = 60, width - 70, 30, height - 45
        p = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" font-family="{FONTS}">',
             f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
             f'<rect x="{self.x0}" y="{self.y0}" width="{self.x1 - self.x0}" height="{self.y1 - self.y0}" '
             f'fill="#fafafa" stroke="#888"/>']
        for v in y_ticks:
            y = self.y(v)
            p.append(f'<line x1="{self.x0}" y1="{y:.1f}" x2="{self.x1}" y2="{y:.1f}" stroke="#e3e3e3"/>')
            p.append(f'<text x="{self.x0 - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end">'
                     f'{y_tick_label(v)}</text>')
        for t in np.arange(self.x_range[0], self.x_range[1] + 1e-9, x_step):
            p.append(f'<text x="{self.x(t):.1f}" y="{self.y1 + 16}" font-size="11" text-anchor="middle">{t:g}</text>')
        mid_y = (self.y0 + self.y1) / 2
        p.append(f'<text x="{(self.x0 + self.x1) / 2:.1f}" y="{height - 8}" font-size="12" '
                 f'text-anchor="middle">{x_label}</text>')
        p.append(f'<text x="14" y="{mid_y:.1f}" font-size="12" text-anchor="middle" '
                 f'transform="rotate(-90 14 {mid_y:.1f})">{y_label}</text>')
        if note:
            p.append(f'<text x="{self.x1}" y="{self.y0 - 10}" font-size="11" fill="#777" text-anchor="end">'
                     f'{note}</text>')
        self._parts = p
        self._background = None

    @property
    def background(self) -> str:
        """Everything but the live lines, joined once (an update reuses the same string)."""
        if self._background is None:
            self._background = "\n".join(self._parts)
        return self._background

    def x(self, v):
        lo, hi = self.x_range
        return self.x0 + (self.x1 - self.x0) * (float(v) - lo) / (hi - lo)

    def y(self, v):
        lo, hi = self.y_range
        v = min(max(float(v), lo), hi)  # beyond the range the curve runs along the frame
        return self.y1 - (self.y1 - self.y0) * (v - lo) / (hi - lo)

    def points(self, xs, ys):
        return " ".join(f"{self.x(a):.1f},{self.y(b):.1f}" for a, b in zip(xs, ys))

    def add_background(self, xs, ys, label=""):
        """A fixed dashed grey curve with its label at the right end."""
        self._background = None
        self._parts.append(f'<polyline points="{self.points(xs, ys)}" fill="none" stroke="#9e9e9e" '
                           f'stroke-width="1.2" stroke-dasharray="5 4"/>')
        if label:
            self._parts.append(f'<text x="{self.x1 + 4}" y="{self.y(ys[-1]) + 4:.1f}" font-size="11" '
                               f'fill="#777">{label}</text>')

    def render(self, lines, caption=""):
        """The kept background plus the live ``lines`` [(xs, ys, color, label)] and a caption."""
        out = [self.background]
        for k, (xs, ys, color, label) in enumerate(lines):
            ys = np.asarray(ys, dtype=np.float64)
            if not np.all(np.isfinite(ys)):
                raise ValueError(say(f"lines[{k}]: expected finite values, got NaN or inf",
                                     f"lines[{k}]：应为有限值，传入的有 NaN 或 inf"))
            out.append(f'<polyline class="live" points="{self.points(xs, ys)}" fill="none" '
                       f'stroke="{color}" stroke-width="2.5"/>')
            if label:
                out.append(f'<text x="{self.x0 + 8}" y="{self.y1 - 10 - 16 * (len(lines) - 1 - k)}" '
                           f'font-size="12" fill="{color}">{label}</text>')
        out.append(f'<text x="{self.x0 + 6}" y="{self.y0 - 10}" font-size="12">{caption}</text>\n</svg>')
        return "\n".join(out)


def plot_history(history, ax=None, *, label=None):
    """A static matplotlib picture of a finished training: running-mean train loss and
    validation loss against characters seen. Returns the axes.

    In Chinese the labels are Chinese, drawn with a CJK font (``fonts.figure_fonts``); without
    one installed they stay English (and the learner is told once how to install one)."""
    import matplotlib.pyplot as plt

    chinese, font = fonts.figure_fonts()

    def text(en, zh):
        return zh if chinese else en

    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3))
    losses = np.asarray(history.train_loss)
    per_step = history.chars / max(history.steps, 1)
    window = max(1, min(20, losses.size))
    mean = np.convolve(losses, np.ones(window) / window, mode="valid")
    steps = np.arange(window, losses.size + 1)
    name = text(f"{label}: ", f"{label}：") if label else ""
    ax.plot(steps * per_step, mean, label=text(f"{name}train (running mean)", f"{name}训练（滑动平均）"))
    if history.val_loss:
        ax.plot(np.asarray(history.val_steps) * per_step, history.val_loss, "o--",
                label=text(f"{name}validation", f"{name}验证"))
    ax.set_xlabel(text("characters seen", "已读字符数"), **font)
    ax.set_ylabel(text("loss (nats/char)", "损失（奈特/字符）"), **font)
    if font:
        ax.legend(prop={"family": font["fontfamily"], "size": 8})
    else:
        ax.legend(fontsize=8)
    return ax
