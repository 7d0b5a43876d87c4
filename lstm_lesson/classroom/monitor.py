"""The live view of a running ``train``: a progress bar, a status line and a loss curve.

Use: ``monitor = TrainingMonitor(); display(monitor.widget); train(..., callback=monitor)``.
The curve is an SVG string, so an update costs well under a millisecond and no figure is re-created.
"""

from __future__ import annotations

import html
import time

import numpy as np

from ..core import validate as check
from ..core.language import say


def status_text(history):
    """One line about a (running or finished) training: step, time, losses, speed."""
    parts = [say(f"step {history.steps}/{history.max_steps}", f"第 {history.steps}/{history.max_steps} 步"),
             say(f"{history.seconds:.1f} s", f"{history.seconds:.1f} 秒")]
    if history.train_loss:
        parts.append(say(f"train {history.recent_train_loss():.2f}", f"训练 {history.recent_train_loss():.2f}"))
    if history.val_loss:
        parts.append(say(f"validation {history.val_loss[-1]:.2f} nats/char",
                         f"验证 {history.val_loss[-1]:.2f} 奈特/字符"))
    parts.append(say(f"{history.chars_per_second:,.0f} chars/s", f"{history.chars_per_second:,.0f} 字符/秒"))
    if history.stopped_by == "max_seconds":
        parts.append(say("stopped: time budget reached", "已停止：用完了时间预算"))
    elif history.stopped_by == "max_steps":
        parts.append(say("done", "完成"))
    return " · ".join(parts)


def loss_curve_svg(history, *, width=480, height=200, y_max=None):
    """The training loss (grey, per step; dark: a running mean) and validation loss (orange dots)
    against the step, as an SVG string. Pure and deterministic: the same history, the same SVG."""
    width = check.positive_int("width", width)
    height = check.positive_int("height", height)
    left, right, top, bottom = 44, 10, 10, 28
    pw, ph = width - left - right, height - top - bottom
    losses = np.asarray(history.train_loss, dtype=np.float64)
    n = max(history.max_steps, history.steps, 1)
    top_loss = y_max if y_max is not None else (float(np.max(losses[:5])) * 1.05 if losses.size else 5.0)
    top_loss = max(float(top_loss), 1e-3)

    def xy(step, loss):
        x = left + pw * step / n
        y = top + ph * (1.0 - min(max(loss, 0.0), top_loss) / top_loss)
        return f"{x:.1f},{y:.1f}"

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="11">',
           f'<rect x="{left}" y="{top}" width="{pw}" height="{ph}" fill="white" stroke="#999"/>']
    for k in range(5):  # horizontal grid lines with loss labels
        value = top_loss * k / 4
        y = top + ph * (1 - k / 4)
        out.append(f'<line x1="{left}" x2="{left + pw}" y1="{y:.1f}" y2="{y:.1f}" stroke="#eee"/>')
        out.append(f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end">{value:.1f}</text>')
    out.append(f'<text x="{left}" y="{height - 8}">{say("step 0", "第 0 步")}</text>')
    out.append(f'<text x="{left + pw}" y="{height - 8}" text-anchor="end">{n}</text>')
    legend = say("loss (nats/char) · train (grey), running mean (black), validation (orange)",
                 "损失（奈特/字符）· 训练（灰）、滑动平均（黑）、验证（橙）")
    out.append(f'<text x="{left + pw / 2:.1f}" y="{height - 8}" text-anchor="middle">{legend}</text>')
    if losses.size:
        stride = max(1, losses.size // 400)  # at most ~400 points: the string stays small
        steps = np.arange(1, losses.size + 1)
        pts = " ".join(xy(s, v) for s, v in zip(steps[::stride], losses[::stride]))
        out.append(f'<polyline points="{pts}" fill="none" stroke="#bbb" stroke-width="1"/>')
        window = min(20, losses.size)
        mean = np.convolve(losses, np.ones(window) / window, mode="valid")
        pts = " ".join(xy(s, v) for s, v in zip(steps[window - 1:][::stride], mean[::stride]))
        out.append(f'<polyline points="{pts}" fill="none" stroke="black" stroke-width="1.5"/>')
    for s, v in zip(history.val_steps, history.val_loss):
        x, y = xy(s, v).split(",")
        out.append(f'<circle cx="{x}" cy="{y}" r="3" fill="darkorange"/>')
    out.append("</svg>")
    return "".join(out)


class TrainingMonitor:
    """A progress bar, a status line and a loss curve that update while ``train`` runs.

    Use: ``monitor = TrainingMonitor(); display(monitor.widget); train(..., callback=monitor)``.
    Redraws at most every ``every_seconds`` (and always at the end), so drawing never slows
    training down: an update sets three widget values, which the notebook shows at once.
    """

    def __init__(self, *, every_seconds=0.25, width=480, height=200, title=None):
        import ipywidgets as widgets

        if title is None:  # "training", in the language of the lesson
            title = say("training", "训练")

        self.every_seconds = check.real_number("every_seconds", every_seconds)
        self.width, self.height = width, height
        self.bar = widgets.IntProgress(value=0, min=0, max=1, description=title, bar_style="info")
        self.status = widgets.HTML(value=say("waiting to start", "等待开始"))
        self.curve = widgets.HTML(value="")
        self.widget = widgets.VBox([widgets.HBox([self.bar, self.status]), self.curve])
        self.updates = 0
        self._last = None

    def __call__(self, history):
        now = time.perf_counter()
        if history.finished or self._last is None or now - self._last >= self.every_seconds:
            self.update(history)
            self._last = now

    def update(self, history):
        """Show ``history`` now: bar position, status line, curve."""
        self.bar.max = max(history.max_steps, 1)
        self.bar.value = min(history.steps, self.bar.max)
        if history.finished:
            self.bar.bar_style = "success" if history.stopped_by == "max_steps" else "warning"
        self.status.value = html.escape(status_text(history))
        self.curve.value = loss_curve_svg(history, width=self.width, height=self.height)
        self.updates += 1

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)
