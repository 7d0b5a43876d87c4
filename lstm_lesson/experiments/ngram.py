"""Character n-gram models: the baseline a character LSTM must beat to show it uses memory.

An order-n model predicts the next character from the n - 1 characters before it and nothing
else, by counting. Two estimates: add-k, p(c | context) = (count(context + c) + k) / (count(context)
+ k·V) (k = 0.1 by default), simple but poor for long contexts whose counts are sparse; and
interpolated Witten-Bell, p_n = λ·count(context + c)/count(context) + (1 − λ)·p_{n−1} with
λ = count(context) / (count(context) + distinct followers), which falls back on shorter contexts
where the long one was rarely seen. Order 1 ignores the past (character frequencies). Whatever a
well-estimated order-5 model cannot predict needs more than 4 characters of memory.
"""

from __future__ import annotations

from collections import Counter, defaultdict

import numpy as np

from ..core import validate as check
from ..core.language import say


class NGramModel:
    """Counts of (n - 1 characters, next character) from a training text.

    order: n >= 1; vocab: the characters a prediction may be (all of the training text's by default).
    """

    def __init__(self, text: str, order: int, *, k: float = 0.1, vocab=None, smoothing: str = "add-k"):
        if not isinstance(text, str) or len(text) < order:
            raise TypeError(say(f"text: expected a string of at least order={order} characters, "
                                f"got {type(text).__name__}",
                                f"text：应为至少 order={order} 个字符的字符串，传入的是 {type(text).__name__}"))
        self.order = check.positive_int("order", order)
        self.k = check.real_number("k", k)
        if self.k <= 0:
            raise ValueError(say(f"k: expected a positive smoothing count, got {k}",
                                 f"k：应为正的平滑计数，传入的是 {k}"))
        if smoothing not in ("add-k", "witten-bell"):
            raise ValueError(say(f"smoothing: expected 'add-k' or 'witten-bell', got {smoothing!r}",
                                 f"smoothing：应为 'add-k' 或 'witten-bell'，传入的是 {smoothing!r}"))

        self.smoothing = smoothing
        self.vocab = sorted(set(text) if vocab is None else set(vocab))
        self._index = {c: i for i, c in enumerate(self.vocab)}
        orders = range(1, self.order + 1) if smoothing == "witten-bell" else (self.order,)
        self._counts = {}
        for m in orders:
            counts = self._counts[m] = defaultdict(Counter)
            for t in range(m - 1, len(text)):
                counts[text[t - m + 1:t]][text[t]] += 1

    def _counted(self, context, m):
        counts = self._counts[m].get(context[len(context) - m + 1:] if m > 1 else "", Counter())
        p = np.zeros(len(self.vocab))
        for c, n in counts.items():
            p[self._index[c]] += n
        return p, len(counts)

    def probabilities(self, context: str) -> np.ndarray:
        """p(next = vocab[j] | the last order - 1 characters of context), shape (V,)."""
        if self.smoothing == "add-k":
            p, _ = self._counted(context, self.order)
            return (p + self.k) / (p + self.k).sum()
        p = np.full(len(self.vocab), 1.0 / len(self.vocab))  # order 0: uniform
        for m in range(1, self.order + 1):
            counts, types = self._counted(context, m)
            total = counts.sum()
            if total:
                lam = total / (total + types)
                p = lam * counts / total + (1 - lam) * p
        return p

    def char_losses(self, text: str) -> np.ndarray:
        """-ln p(text[t + 1] | text[: t + 1]) for every t, shape (len - 1,), like ``training.char_losses``."""
        out = np.empty(len(text) - 1)
        for t in range(1, len(text)):
            context = text[max(0, t - self.order + 1):t]
            out[t - 1] = -np.log(self.probabilities(context)[self._index[text[t]]])
        return out
