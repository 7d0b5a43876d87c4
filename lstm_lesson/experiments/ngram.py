"""Character n-gram models: the baseline a character LSTM must beat to show it uses memory.

An order-n model predicts the next character from the n - 1 characters before it and nothing
else, by counting: p(c | context) = (count(context + c) + k) / (count(context) + k·V), with add-k
smoothing (k = 0.1 by default) so an unseen pair costs a finite amount. Order 1 ignores the past
(character frequencies). Whatever an order-5 model cannot predict needs more than 4 characters
of memory.
"""

from __future__ import annotations

from collections import Counter, defaultdict

import numpy as np

from ..core import validate as check


class NGramModel:
    """Counts of (n - 1 characters, next character) from a training text.

    order: n >= 1; vocab: the characters a prediction may be (all of the training text's by default).
    """

    def __init__(self, text: str, order: int, *, k: float = 0.1, vocab=None):
        if not isinstance(text, str) or len(text) < order:
            raise TypeError(f"text: expected a string of at least order={order} characters, got {type(text).__name__}")
        self.order = check.positive_int("order", order)
        self.k = check.real_number("k", k)
        if self.k <= 0:
            raise ValueError(f"k: expected a positive smoothing count, got {k}")
        self.vocab = sorted(set(text) if vocab is None else set(vocab))
        self._index = {c: i for i, c in enumerate(self.vocab)}
        n = self.order - 1
        self._counts = defaultdict(Counter)
        for t in range(n, len(text)):
            self._counts[text[t - n:t]][text[t]] += 1

    def probabilities(self, context: str) -> np.ndarray:
        """p(next = vocab[j] | the last order - 1 characters of context), shape (V,)."""
        counts = self._counts.get(context[len(context) - self.order + 1:] if self.order > 1 else "", Counter())
        p = np.full(len(self.vocab), self.k)
        for c, n in counts.items():
            p[self._index[c]] += n
        return p / p.sum()

    def char_losses(self, text: str) -> np.ndarray:
        """-ln p(text[t + 1] | text[: t + 1]) for every t, shape (len - 1,), like ``training.char_losses``."""
        out = np.empty(len(text) - 1)
        for t in range(1, len(text)):
            context = text[max(0, t - self.order + 1):t]
            out[t - 1] = -np.log(self.probabilities(context)[self._index[text[t]]])
        return out
