"""Lesson 4's "Try it" questions, checked: where the RNN turns from vanishing to exploding, and
which forget bias keeps 1% of the error after 99 steps. The answers are measured with
``gradient_flow`` (the curves of section 3), not stored."""

from __future__ import annotations

from ...experiments.gradient_flow import gradient_flow
from .feedback import Feedback, verdict

SCALES = (1, 2, 3, 4, 5)
BIASES = (0, 1, 2, 3, 4)


def _measured():
    kept_rnn = {s: gradient_flow("rnn", spectral_scale=float(s), length=100)[1][99] for s in SCALES}
    kept_lstm = {b: gradient_flow("lstm", gate_bias=float(b), length=100)[1][99] for b in BIASES}
    return kept_rnn, kept_lstm


def _choice(name, value, options):
    if value is None:
        return None, Feedback(False, f"Not yet: set {name} to one of {', '.join(map(str, options))} "
                                     "(read it off the widget), then run the cell again.")
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value not in options:
        return None, Feedback(False, f"Not yet: {name} should be one of {', '.join(map(str, options))}, "
                                     f"got {value!r}.")
    return value, None


def check_try_it(turning_scale, bias_for_1_percent) -> Feedback:
    """turning_scale: the smallest λ1 in 1..5 at which the RNN keeps more than 1 (log10 > 0) after
    99 steps; bias_for_1_percent: the smallest forget bias in 0..4 that keeps at least 1e-2."""
    scale, bad = _choice("my_turning_scale", turning_scale, SCALES)
    if bad is not None:
        return bad
    bias, bad = _choice("my_bias_for_1_percent", bias_for_1_percent, BIASES)
    if bad is not None:
        return bad
    kept_rnn, kept_lstm = _measured()
    want_scale = min(s for s in SCALES if kept_rnn[s] > 0)
    want_bias = min(b for b in BIASES if kept_lstm[b] >= -2)
    if scale != want_scale:
        hint = ("at that λ1 the error from 99 steps back is still below 1: saturated units (small tanh') "
                "outweigh the weights" if scale < want_scale else
                "it already grows at a smaller λ1: move the slider down one step")
        return verdict(False, f"λ1 = {scale:g} keeps 1e{kept_rnn[scale]:+.1f} after 99 steps; {hint}")
    if bias != want_bias:
        return verdict(False, f"forget bias {bias:g} keeps 1e{kept_lstm[bias]:+.1f} after 99 steps; "
                              + ("that is less than 1e-2" if bias < want_bias else "a smaller bias already keeps 1%"))
    return verdict(True, f"the RNN turns to exploding between λ1 = {want_scale - 1} and {want_scale} "
                         f"(1e{kept_rnn[want_scale - 1]:+.1f} -> 1e{kept_rnn[want_scale]:+.1f}), and forget bias "
                         f"{want_bias} keeps 1e{kept_lstm[want_bias]:+.1f} after 99 steps")
