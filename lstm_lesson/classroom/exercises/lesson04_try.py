"""Lesson 4's "Try it" questions, checked: where the RNN turns from vanishing to exploding, and
which forget bias keeps 1% of the error after 99 steps back. The answer depends on the random draw
of the weights, so it is measured with ``gradient_flow`` over 8 draws (seeds 0-7), not stored."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from ...core.language import say
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
    listed = ", ".join(map(str, options))
    if value is None:
        return verdict(False, say(f"set {name} to one of {listed} "
                                  "(read it off the widget, trying a few settings), then run the cell again.",
                                  f"把 {name} 设为 {listed} 之一（多试几个设置，从小部件上读出来），"
                                  "然后重新运行这个单元格。"))
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value not in options:
        return verdict(False, say(f"{name} should be one of {listed}, got {value!r}.",
                                  f"{name} 应当是 {listed} 之一，收到的是 {value!r}。"))
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
    span = lambda a: say(f"1e{a.min():+.1f} to 1e{a.max():+.1f}", f"1e{a.min():+.1f} 到 1e{a.max():+.1f}")  # noqa: E731
    if always_vanishes != vanish:
        return verdict(False, say(f"at λ1 = {always_vanishes:g} the 8 draws keep {span(rnn[always_vanishes])} "
                                  "after 99 steps: look for the largest λ1 where even the largest is below 1e-2",
                                  f"λ1 = {always_vanishes:g} 时，8 组随机权重在 99 步后保留 "
                                  f"{span(rnn[always_vanishes])}：要找的是连最大值都低于 1e-2 的最大 λ1。"))
    if always_grows != grow:
        return verdict(False, say(f"at λ1 = {always_grows:g} the 8 draws keep {span(rnn[always_grows])}: look for "
                                  "the smallest λ1 where even the smallest is above 1",
                                  f"λ1 = {always_grows:g} 时，8 组随机权重保留 {span(rnn[always_grows])}："
                                  "要找的是连最小值都大于 1 的最小 λ1。"))
    if bias_for_1_percent != bias:
        return verdict(False, say(f"forget bias {bias_for_1_percent:g} keeps {span(lstm[bias_for_1_percent])} "
                                  "over the 8 draws: look for the smallest bias where even the smallest is 1e-2 or "
                                  "more",
                                  f"遗忘门偏置为 {bias_for_1_percent:g} 时，8 组随机权重保留 "
                                  f"{span(lstm[bias_for_1_percent])}：要找的是连最小值都不低于 1e-2 的最小偏置。"))
    return verdict(True, say(f"up to λ1 = {vanish} every draw vanishes, from λ1 = {grow} every draw explodes, and in "
                             f"between it depends on the draw (λ1 = {vanish + 1}: {span(rnn[vanish + 1])}); forget "
                             f"bias {bias} keeps {span(lstm[bias])}",
                             f"λ1 不超过 {vanish} 时每组权重都消失，从 λ1 = {grow} 起每组权重都爆炸，"
                             f"介于两者之间时取决于具体是哪一组权重（λ1 = {vanish + 1}：{span(rnn[vanish + 1])}）；"
                             f"遗忘门偏置为 {bias} 时保留 {span(lstm[bias])}"))
