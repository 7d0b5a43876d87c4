"""Lesson 4's "Try it" questions, checked: where the RNN turns from vanishing to exploding, and
which forget bias keeps 1% of the error after 99 steps back. The answer depends on the random draw
of the weights, so it is measured with ``gradient_flow`` over 8 draws (seeds 0-7), not stored."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from ...experiments.gradient_flow import gradient_flow
from .feedback import Feedback, verdict

SCALES = (1, 2, 3, 4, 5)
BIASES = (0, 1, 2, 3, 4)
DRAWS = range(8)
LAG = 99  # the error at h_T carried back 99 steps, to h_1 (T = 100)


@lru_cache(maxsize=1)
def measured():
    """log10 of the error kept after ``LAG`` steps back, per setting: arrays over the 8 draws."""
    rnn = {s: np.array([gradient_flow("rnn", spectral_scale=float(s), length=100, seed=k)[1][LAG] for k in DRAWS])
           for s in SCALES}
    lstm = {b: np.array([gradient_flow("lstm", gate_bias=float(b), length=100, seed=k)[1][LAG] for k in DRAWS])
            for b in BIASES}
    return rnn, lstm


def answers():
    """(largest λ1 at which all 8 draws vanish below 1e-2, smallest λ1 at which all 8 grow above 1,
    smallest forget bias at which all 8 keep at least 1e-2)."""
    rnn, lstm = measured()
    vanish = max(s for s in SCALES if rnn[s].max() < -2)
    grow = min(s for s in SCALES if rnn[s].min() > 0)
    bias = min(b for b in BIASES if lstm[b].min() >= -2)
    return vanish, grow, bias


def _choice(name, value, options):
    if value is None:
        return Feedback(False, f"Not yet: set {name} to one of {', '.join(map(str, options))} "
                               "(read it off the widget, trying a few settings), then run the cell again.")
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value not in options:
        return Feedback(False, f"Not yet: {name} should be one of {', '.join(map(str, options))}, got {value!r}.")
    return None


def check_try_it(always_vanishes, always_grows, bias_for_1_percent) -> Feedback:
    """always_vanishes: the largest λ1 in 1..5 at which every draw keeps less than 1e-2 after 99 steps;
    always_grows: the smallest λ1 at which every draw keeps more than 1; bias_for_1_percent: the
    smallest forget bias in 0..4 at which every draw keeps at least 1e-2."""
    for name, value, options in (("my_always_vanishes", always_vanishes, SCALES),
                                 ("my_always_grows", always_grows, SCALES),
                                 ("my_bias_for_1_percent", bias_for_1_percent, BIASES)):
        bad = _choice(name, value, options)
        if bad is not None:
            return bad
    rnn, lstm = measured()
    vanish, grow, bias = answers()
    span = lambda a: f"1e{a.min():+.1f} to 1e{a.max():+.1f}"  # noqa: E731 - one line of wording
    if always_vanishes != vanish:
        return verdict(False, f"at λ1 = {always_vanishes:g} the 8 draws keep {span(rnn[always_vanishes])} "
                              "after 99 steps: look for the largest λ1 where even the largest is below 1e-2")
    if always_grows != grow:
        return verdict(False, f"at λ1 = {always_grows:g} the 8 draws keep {span(rnn[always_grows])}: look for "
                              "the smallest λ1 where even the smallest is above 1")
    if bias_for_1_percent != bias:
        return verdict(False, f"forget bias {bias_for_1_percent:g} keeps {span(lstm[bias_for_1_percent])} "
                              "over the 8 draws: look for the smallest bias where even the smallest is 1e-2 or more")
    return verdict(True, f"up to λ1 = {vanish} every draw vanishes, from λ1 = {grow} every draw explodes, and in "
                         f"between it depends on the draw (λ1 = {vanish + 1}: {span(rnn[vanish + 1])}); forget bias "
                         f"{bias} keeps {span(lstm[bias])}")
