"""The model's five best guesses under each character of a text (after Karpathy's blog post).

Each column shows one character of the text, colored by the probability the model gave it
before seeing it (white: sure, red: surprised), and under it the five characters the model
thought most likely, best first. Plain HTML: it works in a notebook, a slide and a handout.
"""

from __future__ import annotations

import html

import numpy as np

from ..core.activations import softmax


def top_guesses(model, vocab, text, k=5):
    """For every position t >= 1 of text: (the character, p given to it, the k best guesses with p).

    Returns a list of (char, p_char, [(guess, p), ...]) of length len(text) - 1, read from the zero state.
    """
    ids = vocab.encode(text)
    logits, _, _ = model.forward(ids[None, :-1])
    p = softmax(logits[0].astype(np.float64))
    rows = []
    for t in range(len(ids) - 1):
        best = np.argsort(-p[t], kind="stable")[:k]
        rows.append((text[t + 1], float(p[t, ids[t + 1]]), [(vocab.chars[j], float(p[t, j])) for j in best]))
    return rows


def _show(c):
    return {" ": "␣", "\n": "↵"}.get(c, html.escape(c))


def top_guesses_html(rows, *, title=""):
    """An HTML table: one column per character, its color = how surprised the model was, top-k below."""
    heads = []
    for char, p_char, _ in rows:
        red = int(255 * p_char)  # p = 1: white; p = 0: red
        heads.append(f'<td style="background:rgb(255,{red},{red});font-weight:bold">{_show(char)}</td>')
    table = ['<table style="border-collapse:collapse;font-family:monospace;text-align:center">']
    table.append("<tr>" + "".join(heads) + "</tr>")
    for k in range(len(rows[0][2]) if rows else 0):
        cells = []
        for char, _, guesses in rows:
            g, q = guesses[k]
            style = "font-weight:bold;color:#000" if g == char else "color:#888"
            cells.append(f'<td style="{style};font-size:70%">{_show(g)}<br>{q:.0%}</td>')
        table.append("<tr>" + "".join(cells) + "</tr>")
    table.append("</table>")
    caption = f"<div><b>{html.escape(title)}</b></div>" if title else ""
    return caption + "".join(table)
