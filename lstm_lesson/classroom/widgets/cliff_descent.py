"""The cliff, interactive (after distill.pub's explorable descents): gradient descent drawn live on
Pascanu, Mikolov & Bengio's loss surface (2013, Fig. 6), with sliders for the learning rate, the
clipping threshold and the start point.

The surface E(w, b) is computed once and drawn once, as a PNG inside an SVG; a slider move
recomputes one path with ``experiments.cliff.descend`` (300 steps of one unit: about a
millisecond) and rewrites only the polyline. ``descent_summary`` is the pure part that tests call.
"""

from __future__ import annotations

import base64
import io
from functools import lru_cache

import numpy as np

from ...core import validate as check
from ...core.language import say
from ...experiments.cliff import cliff_loss, descend

W_RANGE, B_RANGE = (-2.0, 16.0), (-12.0, 4.0)
WIDTH, HEIGHT, PAD = 560, 420, 40


@lru_cache(maxsize=1)
def _surface_png() -> str:
    import matplotlib.image

    W, B = np.meshgrid(np.linspace(*W_RANGE, 361), np.linspace(*B_RANGE, 321))
    buf = io.BytesIO()
    matplotlib.image.imsave(buf, cliff_loss(W, B), cmap="viridis", origin="lower", format="png")
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _xy(w, b):
    x = PAD + (np.asarray(w) - W_RANGE[0]) / (W_RANGE[1] - W_RANGE[0]) * (WIDTH - 2 * PAD)
    y = HEIGHT - PAD - (np.asarray(b) - B_RANGE[0]) / (B_RANGE[1] - B_RANGE[0]) * (HEIGHT - 2 * PAD)
    return np.clip(x, 0, WIDTH), np.clip(y, 0, HEIGHT)


def descent_summary(w0, b0, lr, clip, steps=300):
    """One descent from (w0, b0): the path and what happened. clip: None or 0 for no clipping.

    Returns a dict with w, b (steps + 1,), final_loss, longest_step, left_view (did the path leave
    the drawn square) and a sentence.
    """
    w0, b0, lr = (check.real_number(n, v) for n, v in (("w0", w0), ("b0", b0), ("lr", lr)))
    clip = None if clip in (None, 0) else check.real_number("clip", clip)
    paths = descend(np.array(w0), np.array(b0), lr=lr, steps=steps, clip=clip)
    w, b = paths.w, paths.b
    left = bool(np.any((w < W_RANGE[0]) | (w > W_RANGE[1]) | (b < B_RANGE[0]) | (b > B_RANGE[1])))
    final = float(paths.loss[-1])
    text = say(f"{steps} steps, lr {lr:g}, " + (f"clipped at {clip:g}" if clip else "no clipping")
               + f": longest step {float(paths.jump):.3g} units, final E = {final:.4f}"
               + ("; the path left the picture" if left else ""),
               f"{steps} 步，lr {lr:g}，" + (f"裁剪阈值 {clip:g}" if clip else "不裁剪")
               + f"：最长的一步 {float(paths.jump):.3g} 个单位，最终 E = {final:.4f}"
               + ("；路径跑出了画面" if left else ""))
    return {"w": w, "b": b, "final_loss": final, "longest_step": float(paths.jump), "left_view": left,
            "text": text}


def descent_svg(summary) -> str:
    """The surface with the path drawn on it (white), its start a dot, its end a ring."""
    x, y = _xy(summary["w"], summary["b"])
    points = " ".join(f"{a:.1f},{c:.1f}" for a, c in zip(x, y))
    ticks = []
    for w in range(0, 17, 4):
        tx, _ = _xy(w, B_RANGE[0])
        ticks.append(f'<text x="{tx:.0f}" y="{HEIGHT - PAD + 16}" font-size="11" text-anchor="middle">{w}</text>')
    for b in range(-12, 5, 4):
        _, ty = _xy(W_RANGE[0], b)
        ticks.append(f'<text x="{PAD - 6}" y="{ty + 4:.0f}" font-size="11" text-anchor="end">{b}</text>')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" font-family="sans-serif">'
            f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#fff"/>'
            f'<image x="{PAD}" y="{PAD}" width="{WIDTH - 2 * PAD}" height="{HEIGHT - 2 * PAD}" '
            f'preserveAspectRatio="none" href="data:image/png;base64,{_surface_png()}"/>'
            + "".join(ticks)
            + f'<text x="{WIDTH / 2}" y="{HEIGHT - 6}" font-size="12" text-anchor="middle">w</text>'
            f'<text x="12" y="{HEIGHT / 2}" font-size="12">b</text>'
            f'<polyline points="{points}" fill="none" stroke="#fff" stroke-width="1.5"/>'
            f'<circle cx="{x[0]:.1f}" cy="{y[0]:.1f}" r="4" fill="#fff"/>'
            f'<circle cx="{x[-1]:.1f}" cy="{y[-1]:.1f}" r="5" fill="none" stroke="#f33" stroke-width="2"/>'
            f'<text x="{PAD}" y="{PAD - 10}" font-size="12">{summary["text"]}</text></svg>')


class CliffDescent:
    """Sliders: learning rate, clipping threshold (0 = off), start w and b; the path redrawn live."""

    def __init__(self, *, w0=6.0, b0=-3.0, lr=0.5, clip=0.0, steps=300):
        import ipywidgets as widgets

        self.steps = steps
        self.lr = widgets.FloatLogSlider(value=lr, base=10, min=-2, max=1, step=0.1, description="lr")
        self.clip = widgets.FloatSlider(value=clip, min=0.0, max=5.0, step=0.25,
                                        description=say("clip (0 off)", "裁剪（0 为关）"))
        self.w0 = widgets.FloatSlider(value=w0, min=0.0, max=16.0, step=0.1, description=say("start w", "起点 w"))
        self.b0 = widgets.FloatSlider(value=b0, min=-12.0, max=2.0, step=0.25, description=say("start b", "起点 b"))
        self.html = widgets.HTML()
        for s in (self.lr, self.clip, self.w0, self.b0):
            s.observe(lambda change: self.update(), names="value")
        self.widget = widgets.VBox([widgets.HBox([self.lr, self.clip]), widgets.HBox([self.w0, self.b0]),
                                    self.html])
        self.update()

    def update(self):
        self.summary = descent_summary(self.w0.value, self.b0.value, self.lr.value, self.clip.value, self.steps)
        self.html.value = descent_svg(self.summary)

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)
