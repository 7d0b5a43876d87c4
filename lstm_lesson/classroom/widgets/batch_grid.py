"""The batch grid: which characters of a text land in which batch, row and column.

``batch_grid_svg(text, batch_size, n_steps)`` is a pure function that returns an SVG string
(fast, well under a millisecond for a short text, and the same string every time), drawn in two
parts:

1. the text as one line of cells, each colored by the batch its character goes to (grey: the
   dropped tail), with the row number under it;
2. the batches side by side: ``batch_size`` rows, and for each batch k a block of ``n_steps``
   columns showing the input x (large) and its target y, the next character (small). Reading a row
   from left to right across the blocks reads the text: row r of batch k continues row r of
   batch k-1, which is why the final state (h, c) of one batch is carried into the next (arrows).

``BatchGridWidget`` is the thin ipywidgets wrapper: two sliders and an HTML view whose value is
replaced by a new SVG string on every slider move. If the sliders ask for more than the text has,
the picture says so instead of raising.

Every cell is an SVG group with ``data-batch``, ``data-row``, ``data-col`` and ``data-pos``
attributes, so tests (and curious learners) can read back what was drawn.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

import ipywidgets as widgets

from ...core.batching import batch_layout, batch_plan
from ...core.language import say
from ...core.text import display_width

# Light tints (Okabe-Ito hues) so the black characters stay readable on a projector.
BATCH_COLOURS = ("#a6d3f0", "#f8cf8f", "#9fe0c8", "#f2b8d6", "#f3ec9b", "#c9b6e4", "#f7b69b", "#b9d9a6")
DROPPED_COLOUR = "#e6e6e6"
VISIBLE = {" ": "\u2423", "\n": "\u23ce", "\t": "\u21e5", "\r": "\u240d"}  # show blanks as symbols

SVG_NS = "http://www.w3.org/2000/svg"


def batch_color(k: int) -> str:
    """The fill color of batch k (grey for k < 0: the dropped tail)."""
    return DROPPED_COLOUR if k < 0 else BATCH_COLOURS[k % len(BATCH_COLOURS)]


def visible(ch: str) -> str:
    """A character as drawn: blanks become visible symbols (space -> ␣, newline -> ⏎)."""
    return VISIBLE.get(ch, ch)


def _text(x, y, s, size=12, fill="#000", anchor="middle", weight="normal"):
    return (f'<text x="{x:g}" y="{y:g}" font-size="{size}" fill="{fill}" text-anchor="{anchor}" '
            f'font-weight="{weight}">{escape(s)}</text>')


def _cell(cls, x, y, w, h, fill, attrs, big, small=None, small_fill="#555"):
    data = " ".join(f'data-{k}="{v}"' for k, v in attrs.items())
    parts = [f'<g class="{cls}" {data}>',
             f'<rect x="{x:g}" y="{y:g}" width="{w:g}" height="{h:g}" fill="{fill}" stroke="#fff"/>',
             f'<text class="x" x="{x + w / 2:g}" y="{y + 0.55 * w:g}" font-size="{0.7 * w:g}" '
             f'text-anchor="middle" font-family="monospace">{escape(big)}</text>']
    if small is not None:
        parts.append(f'<text class="y" x="{x + w / 2:g}" y="{y + h - 3:g}" font-size="{0.42 * w:g}" '
                     f'text-anchor="middle" font-family="monospace" fill="{small_fill}">{escape(small)}</text>')
    parts.append("</g>")
    return "".join(parts)


def batch_grid_svg(text: str, batch_size: int, n_steps: int, *, cell: int = 20, wrap: int = 40) -> str:
    """Draw how ``text`` is cut into ``(batch_size, n_steps)`` batches, as an SVG string.

    text: the characters (any str, Chinese too); batch_size, n_steps: the slider values;
    cell: the cell width in pixels; wrap: characters per line in the text strip.
    Bad slider values (too big for the text, or not positive) give a picture with a message,
    never an exception; a non-str ``text`` raises TypeError.
    """
    if not isinstance(text, str):
        raise TypeError(say(f"text: expected a str, got {type(text).__name__}",
                            f"text：应为 str，传入的是 {type(text).__name__}"))
    problem = None
    try:
        plan = batch_plan(len(text), batch_size, n_steps)
    except (TypeError, ValueError) as err:
        plan, problem = None, str(err)
    if plan is not None and plan.n_batches == 0:
        problem = say(f"No full batch: batch_size x n_steps + 1 = {plan.batch_size * plan.n_steps + 1} "
                      f"characters are needed, the text has {len(text)}. Lower n_steps or batch_size.",
                      f"凑不出一个完整的批次：需要 batch_size x n_steps + 1 = {plan.batch_size * plan.n_steps + 1} "
                      f"个字符，文本只有 {len(text)} 个。请调小 n_steps 或 batch_size。")
    layout = batch_layout(len(text), plan.batch_size, plan.n_steps) if plan else None

    c, gap, left = cell, 0.8 * cell, 3.2 * cell
    parts, y = [], 0.0

    # Title: the plan in one line.
    y += 16
    if plan is not None and problem is None:
        rows = "row" if plan.batch_size == 1 else "rows"
        batches = "batch" if plan.n_batches == 1 else "batches"
        title = say(f"{len(text)} characters \u2192 {plan.batch_size} {rows} of {plan.row_length} \u2192 "
                    f"{plan.n_batches} {batches} of ({plan.batch_size}, {plan.n_steps}); "
                    f"{plan.n_dropped} dropped at the end",
                    f"{len(text)} 个字符 \u2192 {plan.batch_size} 行，每行 {plan.row_length} 个 \u2192 "
                    f"{plan.n_batches} 个 ({plan.batch_size}, {plan.n_steps}) 的批次；"
                    f"末尾丢弃 {plan.n_dropped} 个")
    else:
        title = say(f"{len(text)} characters, batch_size={batch_size!r}, n_steps={n_steps!r}",
                    f"{len(text)} 个字符，batch_size={batch_size!r}，n_steps={n_steps!r}")
    parts.append(_text(0, y, title, size=14, anchor="start", weight="bold"))

    # Part 1: the text strip, wrapped, colored by batch, row number underneath.
    y += 12
    strip_h = 1.35 * c
    for p, ch in enumerate(text):
        line, col = divmod(p, wrap)
        k, r = (int(layout[p, 0]), int(layout[p, 1])) if layout is not None else (-1, -1)
        cx, cy = left + col * c, y + line * strip_h
        parts.append(_cell("text-cell", cx, cy, c, strip_h, batch_color(k), {"pos": p, "batch": k, "row": r},
                           visible(ch), "\u00d7" if k < 0 else f"r{r}", "#999" if k < 0 else "#333"))
        if layout is not None and k >= 0 and layout[p, 2] == 0 and layout[p, 0] == 0:  # a row starts here
            parts.append(f'<line class="row-start" x1="{cx:g}" y1="{cy:g}" x2="{cx:g}" y2="{cy + strip_h:g}" '
                         'stroke="#222" stroke-width="2"/>')
    n_lines = max(-(-len(text) // wrap), 1)
    parts.append(_text(left - 6, y + 0.6 * c, say("text", "文本"), size=11, anchor="end", fill="#555"))
    y += n_lines * strip_h + 10
    width = left + min(max(len(text), 1), wrap) * c

    if problem is not None:
        y += 22
        parts.append(f'<text class="message" x="0" y="{y:g}" font-size="14" fill="#b00020">{escape(problem)}</text>')
        y += 10
        width = max(width, 8.0 * display_width(problem))
    else:
        # Part 2: the batches side by side, x large, y (the next character) small.
        B, T, K = plan.batch_size, plan.n_steps, plan.n_batches
        block = T * c
        y += 22
        for k in range(K):
            bx = left + k * (block + gap)
            parts.append(f'<rect x="{bx:g}" y="{y - 16:g}" width="{block:g}" height="18" '
                         f'fill="{batch_color(k)}"/>')
            label = say(f"batch {k}", f"批次 {k}") if block >= 3 * c else str(k)  # narrow blocks: just the number
            parts.append(_text(bx + block / 2, y - 3, label, size=12, weight="bold"))
        y += 6
        grid_h = 1.35 * c
        row_len = plan.row_length
        for r in range(B):
            ry = y + r * grid_h
            parts.append(_text(left - 6, ry + 0.6 * c, say(f"row {r}", f"第 {r} 行"), size=11, anchor="end",
                               fill="#555"))
            for k in range(K):
                bx = left + k * (block + gap)
                for j in range(T):
                    p = r * row_len + k * T + j
                    parts.append(_cell("x-cell", bx + j * c, ry, c, grid_h, batch_color(k),
                                       {"pos": p, "batch": k, "row": r, "col": j},
                                       visible(text[p]), visible(text[p + 1])))
                if k + 1 < K:  # the state flows from this block's last column to the next block's first
                    parts.append(_text(bx + block + gap / 2, ry + 0.6 * c, "\u2192", size=int(0.8 * c), fill="#444"))
        y += B * grid_h + 18
        parts.append(_text(0, y, say("Large: the input x. Small: its target y, the next character.",
                                     "大字：输入 x。小字：它的目标 y，即下一个字符。"),
                           size=11, anchor="start", fill="#333"))
        y += 15
        parts.append(_text(0, y, say("\u2192 row r of batch k continues row r of batch k\u22121: "
                                     "its final state (h, c) is carried over.",
                                     "\u2192 批次 k 的第 r 行接着批次 k\u22121 的第 r 行："
                                     "它的最终状态 (h, c) 被带到下一个批次。"),
                           size=11, anchor="start", fill="#333"))
        y += 6
        width = max(width, left + K * block + (K - 1) * gap)
        if plan.n_dropped:
            dropped = "".join(visible(ch) for ch in text[plan.n_inputs:])
            y += 16
            parts.append(_text(0, y, say(f"Dropped (never an input): {dropped}", f"丢弃（从不作为输入）：{dropped}"),
                               size=11, anchor="start", fill="#777"))
            width = max(width, 7.0 * (27 + len(dropped)))

    height = y + 8
    width = max(width, 560)
    return (f'<svg xmlns="{SVG_NS}" class="batch-grid" width="{width:g}" height="{height:g}" '
            f'viewBox="0 0 {width:g} {height:g}" font-family="sans-serif">'
            # its own white paper, so the grey labels stay readable in JupyterLab's dark theme
            f'<rect width="{width:g}" height="{height:g}" fill="#ffffff"/>' + "".join(parts) + "</svg>")


class BatchGridWidget(widgets.VBox):
    """Two sliders (batch_size, n_steps) above the batch grid of a fixed text.

    ``update()`` is the sliders' callback: it replaces the HTML view's value with a new SVG string.
    """

    def __init__(self, text: str, batch_size: int = 3, n_steps: int = 6, *, max_batch_size: int = 12,
                 max_n_steps: int | None = None):
        if not isinstance(text, str):
            raise TypeError(say(f"text: expected a str, got {type(text).__name__}",
                                f"text：应为 str，传入的是 {type(text).__name__}"))
        self.text = text
        # n_steps reaches past what the text allows, so the learner meets the "no full batch" message.
        style = {"description_width": "80px"}
        self.batch_size = widgets.IntSlider(value=batch_size, min=1, max=max_batch_size,
                                            description="batch_size", style=style)
        self.n_steps = widgets.IntSlider(value=n_steps, min=1, max=max_n_steps or max(len(text), 2),
                                         description="n_steps", style=style)
        self.view = widgets.HTML()
        super().__init__([self.batch_size, self.n_steps, self.view])
        self.batch_size.observe(self.update, names="value")
        self.n_steps.observe(self.update, names="value")
        self.update()

    def update(self, change=None):
        """Redraw for the current slider values."""
        svg = batch_grid_svg(self.text, self.batch_size.value, self.n_steps.value)
        self.view.value = f'<div style="overflow-x:auto">{svg}</div>'
