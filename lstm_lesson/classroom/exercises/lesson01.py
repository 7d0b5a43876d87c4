"""Self-checks for lesson 1 (how a plain RNN remembers).

Each ``check_*`` compares the learner's answer with the package's reference and, when it is
wrong, tries the usual mistakes one term at a time (no bias, no tanh, a transposed matrix, the
wrong order in the concatenation, ...) and names the one that reproduces the answer.
It returns a ``Feedback``: true when right, and a message either way.

The exercises' numbers live here (``RNN_EXAMPLE``) so the notebook and the checks agree.
"""

from __future__ import annotations

import math

import numpy as np

from ...core.activations import sigmoid
from ...core.language import say
from ...core.reference import rnn_step
from .feedback import Feedback, diagnose, learner_error, right, self_check

# A hand-sized RNN: 2 units, 1 input. Row-vector convention, as in the package: h @ W_h, x @ W_x.
RNN_EXAMPLE = {
    "W_h": np.array([[0.5, -0.3], [0.2, 0.4]]),
    "W_x": np.array([[1.0, -0.5]]),
    "b": np.array([0.1, 0.0]),
    "h_prev": np.array([0.5, -0.5]),
    "x": np.array([2.0]),
}


# ----- exercise 1: the concatenated weight matrix ----------------------------------------
@self_check("numbers")
def check_concat_weights(W, W_h=None, W_x=None) -> Feedback:
    """Exercise 1: the notes write W·[h_{t-1}, x_t]. Build W so that
    concatenate([h, x]) @ W == h @ W_h + x @ W_x (defaults: the lesson's RNN_EXAMPLE)."""
    W_h = RNN_EXAMPLE["W_h"] if W_h is None else np.asarray(W_h, float)
    W_x = RNN_EXAMPLE["W_x"] if W_x is None else np.asarray(W_x, float)
    reference = np.vstack([W_h, W_x])
    W = np.asarray(W, dtype=np.float64)
    H, D = W_h.shape[0], W_x.shape[0]
    if W.shape != reference.shape:
        if W.shape == reference.T.shape:
            return Feedback(False, say(f"W has shape {W.shape}: you transposed it. With row vectors, [h, x] has "
                                       f"{H + D} entries, so W needs {H + D} rows and {H} columns: "
                                       f"shape {reference.shape}.",
                                       f"W 的形状是 {W.shape}：你把它转置了。用行向量时，[h, x] 有 {H + D} 个元素，"
                                       f"所以 W 需要 {H + D} 行、{H} 列：形状 {reference.shape}。"))
        return Feedback(False, say(f"W: expected shape (hidden + input, hidden) = {reference.shape}, got {W.shape}.",
                                   f"W：形状应为 (hidden + input, hidden) = {reference.shape}，收到的是 {W.shape}。"))
    mistakes = {
        say("you stacked W_x above W_h, but the concatenation is [h_{t-1}, x_t]: h comes first, so W_h's rows "
            "come first.",
            "你把 W_x 叠在了 W_h 上面，但拼接的顺序是 [h_{t-1}, x_t]：h 在前，所以 W_h 的行在前。"):
            np.vstack([W_x, W_h]),
        say("W_h is transposed: the package multiplies rows, h @ W_h, so W_h goes in as it is.",
            "W_h 被转置了：本包用行向量相乘，h @ W_h，所以 W_h 原样放进去。"): np.vstack([W_h.T, W_x]),
    }
    return diagnose(W, reference, mistakes, "W", atol=1e-9, rtol=0)


# ----- exercise 2: one step by hand --------------------------------------------------------
def rnn_step_reference(x, h_prev, W_x, W_h, b):
    """h_t = tanh(x W_x + h_{t-1} W_h + b) for row vectors: the package's ``reference.rnn_step``."""
    return rnn_step(x, h_prev, W_x, W_h, b)


def _rnn_mistakes(x, h_prev, W_x, W_h, b):
    a = x @ W_x + h_prev @ W_h + b
    return {
        say("you forgot the activation: h_t = tanh(...), not the bare linear combination.",
            "你忘了激活函数：h_t = tanh(...)，而不是单纯的线性组合。"): a,
        say("you used a sigmoid; the plain RNN squashes with tanh (values in -1..1).",
            "你用了 sigmoid；普通 RNN 用 tanh 压缩（取值在 -1..1）。"): sigmoid(a),
        say("you forgot the bias b.", "你忘了偏置 b。"): np.tanh(x @ W_x + h_prev @ W_h),
        say("you left out the memory term h_{t-1} @ W_h: without it the RNN remembers nothing.",
            "你漏了记忆项 h_{t-1} @ W_h：没有它，RNN 什么也记不住。"): np.tanh(x @ W_x + b),
        say("you left out the input term x_t @ W_x.", "你漏了输入项 x_t @ W_x。"): np.tanh(h_prev @ W_h + b),
        say("W_h is transposed: with row vectors the memory term is h_{t-1} @ W_h, not W_h @ h_{t-1}.",
            "W_h 被转置了：用行向量时，记忆项是 h_{t-1} @ W_h，不是 W_h @ h_{t-1}。"):
            np.tanh(x @ W_x + h_prev @ W_h.T + b),
        say("you used the ReLU; the plain RNN of the notes uses tanh.",
            "你用了 ReLU；笔记里的普通 RNN 用的是 tanh。"): np.maximum(a, 0.0),
    }


@self_check("numbers")
def check_rnn_state(h) -> Feedback:
    """Exercise 2: compute h_t by hand for ``RNN_EXAMPLE`` (x, h_prev, W_x, W_h, b)."""
    e = RNN_EXAMPLE
    args = (e["x"], e["h_prev"], e["W_x"], e["W_h"], e["b"])
    return diagnose(h, rnn_step_reference(*args), _rnn_mistakes(*args), "h_t")


# ----- exercise 3: implement the step ------------------------------------------------------
@self_check("function", call="rnn_step(x, h_prev, W_x, W_h, b)",
            returns=("h_t of shape (batch, hidden)", "形状为 (batch, hidden) 的 h_t"))
def check_rnn_step(rnn_step) -> Feedback:
    """Exercise 3: ``rnn_step(x, h_prev, W_x, W_h, b) -> h`` for a batch, x (batch, input),
    h_prev (batch, hidden). The check isolates one term at a time (the others zeroed) so the
    message names the term that is wrong."""
    rng = np.random.default_rng(1)
    B, D, H = 3, 2, 4
    x, h_prev = rng.standard_normal((B, D)), rng.uniform(-1, 1, (B, H))
    W_x, W_h, b = rng.standard_normal((D, H)), rng.standard_normal((H, H)), rng.standard_normal(H)
    zx, zh, zb = np.zeros_like(W_x), np.zeros_like(W_h), np.zeros_like(b)
    cases = [  # (what is isolated, in English and Chinese, arguments)
        ("the input term x @ W_x (W_h and b set to 0)", "只有输入项 x @ W_x（W_h 和 b 置为 0）",
         (x, h_prev, W_x, zh, zb)),
        ("the memory term h_prev @ W_h (W_x and b set to 0)", "只有记忆项 h_prev @ W_h（W_x 和 b 置为 0）",
         (x, h_prev, zx, W_h, zb)),
        ("the bias b (W_x and W_h set to 0)", "只有偏置 b（W_x 和 W_h 置为 0）", (x, h_prev, zx, zh, b)),
        ("all terms together", "所有项一起", (x, h_prev, W_x, W_h, b)),
    ]
    for what_en, what_zh, args in cases:
        what = say(what_en, what_zh)
        try:
            got = rnn_step(*(a.copy() for a in args))
        except Exception as err:  # the learner's code: report its error as feedback
            return learner_error("rnn_step", err, what)
        fb = diagnose(got, rnn_step_reference(*args), _rnn_mistakes(*args), say(f"h for {what}", f"{what}时的 h"),
                      atol=1e-8, rtol=1e-6)
        if not fb:
            return fb
    return right(say("rnn_step matches the package's reference.rnn_step (and so RNNCell) term by term, "
                     "for a batch of 3",
                     "rnn_step 与本包的 reference.rnn_step（也就是 RNNCell）逐项一致，批量大小为 3"))


# ----- exercise 4: how long a pulse lasts --------------------------------------------------
def memory_span_reference(scale, fraction=0.01):
    """Steps until scale^t < fraction: the smallest t with t > log(fraction) / log(scale)."""
    return math.floor(math.log(fraction) / math.log(scale)) + 1


@self_check("number")
def check_memory_span(steps, scale=0.9) -> Feedback:
    """Exercise 4: with largest singular value ``scale`` < 1, after how many steps is a small pulse
    first below 1% of its size? (small pulse: tanh is nearly linear, so the size is scale^t)."""
    ref = memory_span_reference(scale)
    raw = math.log(0.01) / math.log(scale)
    mistakes = {
        say(f"{scale}^{ref - 1} = {scale ** (ref - 1):.4f} is still above 0.01: round t up, not down.",
            f"{scale}^{ref - 1} = {scale ** (ref - 1):.4f} 仍然大于 0.01：t 要向上取整，不是向下。"): ref - 1,
        say("that is the time constant 1/(1 - λ₁), the steps to fall to about 1/e (37%), not to 1%.",
            "这是时间常数 1/(1 - λ₁)，即衰减到约 1/e（37%）所需的步数，而不是衰减到 1%。"):
            round(1 / (1 - scale)),
        say("a log-base slip: use t = log(0.01) / log(λ₁) with the same logarithm on top and bottom.",
            "对数的底用错了：t = log(0.01) / log(λ₁)，分子分母要用同一个底的对数。"):
            round(math.log10(0.01) / math.log(scale)),
    }
    if isinstance(steps, float) and abs(steps - raw) < 0.05:
        return Feedback(False, say(f"{steps:.2f} is not a whole number of steps: the pulse is below 1% from the "
                                   "next whole step on.",
                                   f"{steps:.2f} 不是整数步：脉冲要到下一个整数步才低于 1%。"))
    return diagnose(steps, ref, mistakes, say("the memory span", "记忆跨度"), atol=0, rtol=0)
