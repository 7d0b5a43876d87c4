"""Self-checks for lesson 2 (the LSTM's four gates), from "compute one gate by hand" to
"implement the step". Each check names the wrong term, e.g. "your c_t is off: did you use
c_{t-1}·i instead of c_{t-1}·f?".

The hand exercises use one unit whose weights are all 1 (as in the gate explorer), so every
pre-activation is a = x + h_prev + bias; ``GATE_EXAMPLE`` holds the numbers.
"""

from __future__ import annotations

import itertools

import numpy as np

from ...core.activations import sigmoid
from ...core.cells import LSTMCell
from ...core.language import say
from ...core.reference import lstm_step as reference_lstm_step
from .feedback import Feedback, diagnose, learner_error, right, self_check

GATE_EXAMPLE = {"x": 0.5, "h_prev": -0.2, "c_prev": 0.8, "biases": {"i": -0.5, "f": 1.0, "g": 0.5, "o": 0.0}}


def example_terms(example=None) -> dict:
    """Every term of one step of the one-unit LSTM at ``example`` (default ``GATE_EXAMPLE``),
    computed by the package's ``LSTMCell`` (weights 1): a_*, i, f, g, o, c, h and the notes' gates."""
    from ..widgets.gate_explorer import explore_gates  # the explorer runs the package's own cell

    e = GATE_EXAMPLE if example is None else example
    return explore_gates("lstm", e["x"], e["h_prev"], e["c_prev"], biases=e["biases"])


def _s(a):
    return float(sigmoid(a))


# ----- exercise 1: the forget gate (遗忘门) -----------------------------------------------
@self_check("numbers")
def check_forget_gate(value) -> Feedback:
    """Exercise 1: the notes' forget gate output f_t·c_{t-1} for ``GATE_EXAMPLE``."""
    t = example_terms()
    x, h, c, b = GATE_EXAMPLE["x"], GATE_EXAMPLE["h_prev"], GATE_EXAMPLE["c_prev"], GATE_EXAMPLE["biases"]
    mistakes = {
        say("that is f_t alone, the forget factor; the forget gate's output is f_t·c_{t-1}.",
            "这只是遗忘因子 f_t 本身；遗忘门的输出是 f_t·c_{t-1}。"): t["f"],
        say("you used tanh for f_t; gates are sigmoids, a fraction between 0 and 1 to keep.",
            "你给 f_t 用了 tanh；门都是 sigmoid，给出 0 到 1 之间要保留的比例。"): np.tanh(t["a_f"]) * c,
        say("you forgot the bias b_f in f_t = σ(x + h_{t-1} + b_f).",
            "你忘了 f_t = σ(x + h_{t-1} + b_f) 里的偏置 b_f。"): _s(x + h) * c,
        say("did you use c_{t-1}·i instead of c_{t-1}·f? The forget gate multiplies by f_t.",
            "你是不是用了 c_{t-1}·i 而不是 c_{t-1}·f？遗忘门乘的是 f_t。"): t["i"] * c,
        say("you multiplied h_{t-1} (short-term) where the long-term memory c_{t-1} goes.",
            "你乘的是 h_{t-1}（短期记忆），这里应当是长期记忆 c_{t-1}。"): t["f"] * h,
        say("you left out h_{t-1} in the pre-activation a_f = x + h_{t-1} + b_f.",
            "你在激活前的 a_f = x + h_{t-1} + b_f 里漏了 h_{t-1}。"): _s(x + b["f"]) * c,
    }
    return diagnose(value, t["forget_gate"], mistakes, say("your forget gate f·c_{t-1}", "你的遗忘门 f·c_{t-1}"))


# ----- exercise 2: the learn gate (学习门) ------------------------------------------------
@self_check("numbers")
def check_learn_gate(value) -> Feedback:
    """Exercise 2: the notes' learn gate output i_t·g_t (g_t is the candidate N_t)."""
    t = example_terms()
    mistakes = {
        say("that is the candidate g_t alone: the learn gate also multiplies by the ignore factor i_t.",
            "这只是候选记忆元 g_t 本身：学习门还要乘以忽略因子 i_t。"): t["g"],
        say("that is i_t alone: multiply it by the candidate g_t = tanh(a_g).",
            "这只是 i_t 本身：还要乘以候选记忆元 g_t = tanh(a_g)。"): t["i"],
        say("you used a sigmoid for the candidate g_t; it is tanh, so new memories can be negative.",
            "你给候选记忆元 g_t 用了 sigmoid；它用的是 tanh，所以新的记忆可以是负的。"):
            t["i"] * _s(t["a_g"]),
        say("you used tanh for i_t; the ignore factor is a sigmoid (0..1).",
            "你给 i_t 用了 tanh；忽略因子是 sigmoid（0..1）。"): np.tanh(t["a_i"]) * t["g"],
        say("did you use f_t where i_t goes? The learn gate is i_t·g_t.",
            "你是不是在该用 i_t 的地方用了 f_t？学习门是 i_t·g_t。"): t["f"] * t["g"],
        say("you swapped i and g: i = σ(a_i) and g = tanh(a_g), each with its own pre-activation.",
            "你把 i 和 g 弄反了：i = σ(a_i)，g = tanh(a_g)，各有各的激活前的值。"):
            _s(t["a_g"]) * np.tanh(t["a_i"]),
    }
    return diagnose(value, t["learn_gate"], mistakes, say("your learn gate i·g", "你的学习门 i·g"))


# ----- exercise 3: the remember gate (记忆门): the new long-term memory ------------------------
@self_check("numbers")
def check_cell_state(c) -> Feedback:
    """Exercise 3: the new long-term memory c_t = f_t·c_{t-1} + i_t·g_t."""
    t = example_terms()
    cp, hp = GATE_EXAMPLE["c_prev"], GATE_EXAMPLE["h_prev"]
    mistakes = {
        say("did you use c_{t-1}·i instead of c_{t-1}·f? (and f·g instead of i·g)",
            "你是不是用了 c_{t-1}·i 而不是 c_{t-1}·f？（还用了 f·g 而不是 i·g）"): cp * t["i"] + t["f"] * t["g"],
        say("did you use c_{t-1}·i instead of c_{t-1}·f?", "你是不是用了 c_{t-1}·i 而不是 c_{t-1}·f？"):
            cp * t["i"] + t["i"] * t["g"],
        say("you dropped the forget gate term f_t·c_{t-1}: the old memory must be carried over.",
            "你丢掉了遗忘门这一项 f_t·c_{t-1}：旧的记忆必须传下去。"): t["learn_gate"],
        say("you dropped the learn gate term i_t·g_t: nothing new was written.",
            "你丢掉了学习门这一项 i_t·g_t：什么新东西都没写进去。"): t["forget_gate"],
        say("you multiplied the two terms; the remember gate ADDS them (that sum is the carousel).",
            "你把两项乘起来了；记忆门是把它们相加，不是相乘（这个和就是常数误差传送带）。"):
            t["forget_gate"] * t["learn_gate"],
        say("you used h_{t-1} where c_{t-1} goes: the cell state carries the long-term memory.",
            "你在该用 c_{t-1} 的地方用了 h_{t-1}：承载长期记忆的是单元状态。"):
            t["f"] * hp + t["learn_gate"],
        say("you applied tanh to c_t; the cell state is not squashed (tanh(c_t) is only for h_t).",
            "你对 c_t 用了 tanh；单元状态不被压缩（tanh(c_t) 只用于 h_t）。"): np.tanh(t["c"]),
    }
    return diagnose(c, t["c"], mistakes, say("your c_t", "你的 c_t"))


# ----- exercise 4: the use gate (使用门): the new short-term memory -------------------------------
@self_check("numbers")
def check_hidden_state(h) -> Feedback:
    """Exercise 4: the new short-term memory and output h_t = o_t·tanh(c_t)."""
    t = example_terms()
    mistakes = {
        say("you forgot the tanh: h_t = o_t·tanh(c_t), not o_t·c_t.",
            "你忘了 tanh：h_t = o_t·tanh(c_t)，不是 o_t·c_t。"): t["o"] * t["c"],
        say("you used the old cell c_{t-1}; the use gate reads the NEW long-term memory c_t.",
            "你用了旧的单元状态 c_{t-1}；使用门读的是新的长期记忆 c_t。"):
            t["o"] * np.tanh(GATE_EXAMPLE["c_prev"]),
        say("you forgot the output gate o_t: h_t = o_t·tanh(c_t).", "你忘了输出门 o_t：h_t = o_t·tanh(c_t)。"):
            t["tanh_c"],
        say("you took tanh of the product; it is o_t times tanh(c_t).",
            "你对乘积取了 tanh；应当是 o_t 乘以 tanh(c_t)。"): np.tanh(t["o"] * t["c"]),
        say("you used tanh for o_t; the output gate is a sigmoid.", "你给 o_t 用了 tanh；输出门是 sigmoid。"):
            np.tanh(t["a_o"]) * t["tanh_c"],
    }
    return diagnose(h, t["h"], mistakes, say("your h_t", "你的 h_t"))


# ----- exercise 5: implement the step ------------------------------------------------------
def _step(x, h, c, W_x, W_h, b, *, order="ifgo", h_uses_tanh=True, g_act=np.tanh, c_mix="fi"):
    H = h.shape[1]
    a = x @ W_x + h @ W_h + b
    blocks = {name: a[:, k * H:(k + 1) * H] for k, name in enumerate(order)}
    i, f, o = sigmoid(blocks["i"]), sigmoid(blocks["f"]), sigmoid(blocks["o"])
    g = g_act(blocks["g"])
    keep = f if c_mix[0] == "f" else i
    write = i if c_mix[1] == "i" else f
    c_new = keep * c + write * g
    h_new = o * (np.tanh(c_new) if h_uses_tanh else c_new)
    return h_new, c_new


@self_check("function", call="lstm_step(x, h_prev, c_prev, W_x, W_h, b)",
            returns=("the pair (h, c), each (batch, hidden)", "一对 (h, c)，形状都是 (batch, hidden)"))
def check_lstm_step(lstm_step) -> Feedback:
    """Exercise 5: ``lstm_step(x, h_prev, c_prev, W_x, W_h, b) -> (h, c)`` for a batch, with
    W_x (input, 4H), W_h (H, 4H), b (4H,) in the package's block order i, f, g, o.
    Compared with the package's ``reference.lstm_step`` (= ``LSTMCell``) on random numbers."""
    rng = np.random.default_rng(2)
    B, D, H = 3, 2, 4
    cell = LSTMCell(D, H, seed=3)
    p = cell.params
    p["b"][...] = rng.standard_normal(4 * H)  # distinct biases, so that every block is told apart
    x, h, c = rng.standard_normal((B, D)), rng.uniform(-1, 1, (B, H)), rng.standard_normal((B, H))
    args = (x, h, c, p["W_x"], p["W_h"], p["b"])
    h_ref, c_ref = reference_lstm_step(*args)  # the readable step, proven equal to LSTMCell
    try:
        out = lstm_step(*(a.copy() for a in args))
    except Exception as err:  # the learner's code: its error is the feedback
        return learner_error("lstm_step", err)
    if not isinstance(out, tuple) or len(out) != 2:
        return Feedback(False, say(f"lstm_step: expected it to return a pair (h, c), got {type(out).__name__}",
                                   f"lstm_step：应当返回一对 (h, c)，收到的是 {type(out).__name__}"))
    h_new, c_new = (np.asarray(v, dtype=np.float64) for v in out)
    if h_new.shape != (B, H) or c_new.shape != (B, H):
        return Feedback(False, say(f"lstm_step: expected h and c of shape (batch, hidden) = {(B, H)}, "
                                   f"got {h_new.shape} and {c_new.shape}",
                                   f"lstm_step：h 和 c 的形状都应为 (batch, hidden) = {(B, H)}，"
                                   f"收到的是 {h_new.shape} 和 {c_new.shape}"))
    if np.allclose(h_new, c_ref) and np.allclose(c_new, h_ref):
        return Feedback(False, say("you returned (c, h); the order is (h, c), short-term memory first.",
                                   "你返回的是 (c, h)；顺序是 (h, c)，短期记忆在前。"))
    mistakes = {
        say("your gate blocks are in TensorFlow 1's order i, j (=g), f, o; the package uses PyTorch's i, f, g, o.",
            "你的门分块用的是 TensorFlow 1 的顺序 i, j (=g), f, o；本包用 PyTorch 的顺序 i, f, g, o。"):
            _step(*args, order="igfo"),
        say("your h_t is off: you forgot the tanh, h_t = o_t·tanh(c_t).",
            "你的 h_t 有误：你忘了 tanh，h_t = o_t·tanh(c_t)。"): _step(*args, h_uses_tanh=False),
        say("your g_t uses a sigmoid; the candidate is tanh.", "你的 g_t 用了 sigmoid；候选记忆元用的是 tanh。"):
            _step(*args, g_act=sigmoid),
        say("your c_t is off: did you use c_{t-1}·i instead of c_{t-1}·f?",
            "你的 c_t 有误：你是不是用了 c_{t-1}·i 而不是 c_{t-1}·f？"): _step(*args, c_mix="ii"),
        say("your c_t is off: you swapped f and i (c_{t-1}·i + f·g).",
            "你的 c_t 有误：你把 f 和 i 弄反了（c_{t-1}·i + f·g）。"): _step(*args, c_mix="if"),
    }
    for perm in itertools.permutations("ifgo"):
        order = "".join(perm)
        if order not in ("ifgo", "igfo"):
            mistakes[say(f"your gate blocks are in the order {', '.join(order)}; the package uses i, f, g, o.",
                         f"你的门分块顺序是 {', '.join(order)}；本包用的是 i, f, g, o。")] = _step(*args, order=order)
    if np.allclose(h_new, h_ref, atol=1e-8) and np.allclose(c_new, c_ref, atol=1e-8):
        return right(say("lstm_step matches the package's LSTMCell for a batch of 3 (h and c)",
                         "lstm_step 与本包的 LSTMCell 一致，批量大小为 3（h 和 c 都对）"))
    for message, (h_m, c_m) in mistakes.items():
        if np.allclose(h_new, h_m, atol=1e-8) and np.allclose(c_new, c_m, atol=1e-8):
            return Feedback(False, message)
    if np.allclose(c_new, c_ref, atol=1e-8):
        return Feedback(False, say("your c_t is right but h_t is off: check h_t = o_t·tanh(c_t) and the o block "
                                   "(the last quarter of the columns).",
                                   "你的 c_t 对了，但 h_t 有误：检查 h_t = o_t·tanh(c_t) 和 o 分块"
                                   "（最后四分之一的列）。"))
    return Feedback(False, say("your c_t is off and it is not one of the usual single mistakes: check each "
                               "block a[:, k*H:(k+1)*H] (k = 0 i, 1 f, 2 g, 3 o) and c_t = f·c_{t-1} + i·g.",
                               "你的 c_t 有误，而且不是常见的某一个错误：逐个检查分块 a[:, k*H:(k+1)*H]"
                               "（k = 0 i, 1 f, 2 g, 3 o）以及 c_t = f·c_{t-1} + i·g。"))


# ----- exercise 6: the loop over time ------------------------------------------------------
@self_check("function", call="lstm_forward(x, h0, c0, W_x, W_h, b)",
            returns=("the pair (hs, c_T): hs (batch, time, hidden), c_T (batch, hidden)",
                     "一对 (hs, c_T)：hs 为 (batch, time, hidden)，c_T 为 (batch, hidden)"))
def check_lstm_forward(lstm_forward) -> Feedback:
    """Exercise 6: ``lstm_forward(x, h0, c0, W_x, W_h, b) -> (hs, c_T)`` for a batch-first sequence:
    x (batch, time, input), h0 and c0 (batch, hidden); hs (batch, time, hidden) holds h_t of every
    step, c_T (batch, hidden) the last cell state. Compared with the package's ``dynamic_rnn``."""
    from ...core.cells import LSTMState
    from ...core.unrolling import dynamic_rnn

    rng = np.random.default_rng(5)
    B, T, D, H = 3, 5, 2, 4
    cell = LSTMCell(D, H, seed=4)
    p = cell.params
    p["b"][...] = rng.standard_normal(4 * H)
    x, h0, c0 = rng.standard_normal((B, T, D)), rng.uniform(-1, 1, (B, H)), rng.standard_normal((B, H))
    hs_ref, final = dynamic_rnn(cell, x, LSTMState(h0, c0))
    args = (x, h0, c0, p["W_x"], p["W_h"], p["b"])
    try:
        out = lstm_forward(*(a.copy() for a in args))
    except Exception as err:  # the learner's code: its error is the feedback
        feedback = learner_error("lstm_forward", err)
        if isinstance(err, (IndexError, ValueError)):
            return Feedback(False, say(f"{feedback.message.rstrip('.')}. Batch-first: step t is x[:, t], not x[t].",
                                       f"{feedback.message.rstrip('。')}。批次维在前（batch-first）："
                                       "第 t 步是 x[:, t]，不是 x[t]。"))
        return feedback
    if not isinstance(out, tuple) or len(out) != 2:
        return Feedback(False, say(f"lstm_forward: expected it to return a pair (hs, c_T), got {type(out).__name__}",
                                   f"lstm_forward：应当返回一对 (hs, c_T)，收到的是 {type(out).__name__}"))
    try:
        hs, c_T = (np.asarray(v, dtype=np.float64) for v in out)
    except (TypeError, ValueError) as err:
        return Feedback(False, say(f"lstm_forward: expected two arrays (hs, c_T), got values numpy cannot read ({err})",
                                   f"lstm_forward：应当返回两个数组 (hs, c_T)，收到的值 numpy 读不了（{err}）"))
    if hs.shape == (B, H):
        return Feedback(False, say(f"hs has shape {hs.shape}: that is one step. Keep every h_t: hs is "
                                   f"(batch, time, hidden) = {(B, T, H)}, e.g. np.stack(list_of_h, axis=1).",
                                   f"hs 的形状是 {hs.shape}：这只是一步。要保留每一步的 h_t：hs 是 "
                                   f"(batch, time, hidden) = {(B, T, H)}，例如 np.stack(list_of_h, axis=1)。"))
    if hs.shape == (T, B, H):
        return Feedback(False, say(f"hs has shape {hs.shape}, time first; the package is batch-first: "
                                   f"(batch, time, hidden) = {(B, T, H)} (np.stack(..., axis=1)).",
                                   f"hs 的形状是 {hs.shape}，时间在前；本包是批次维在前（batch-first）："
                                   f"(batch, time, hidden) = {(B, T, H)}（np.stack(..., axis=1)）。"))
    if hs.shape != (B, T, H) or c_T.shape != (B, H):
        return Feedback(False, say(f"lstm_forward: expected hs {(B, T, H)} and c_T {(B, H)}, "
                                   f"got {hs.shape} and {c_T.shape}",
                                   f"lstm_forward：hs 应为 {(B, T, H)}，c_T 应为 {(B, H)}，"
                                   f"收到的是 {hs.shape} 和 {c_T.shape}"))
    if not (np.all(np.isfinite(hs)) and np.all(np.isfinite(c_T))):
        return Feedback(False, say("lstm_forward returned NaN or infinite values.",
                                   "lstm_forward 返回了 NaN 或无穷大的值。"))
    if np.allclose(hs, hs_ref, atol=1e-8) and np.allclose(c_T, final.c, atol=1e-8):
        return right(say("lstm_forward matches dynamic_rnn over 5 steps for a batch of 3 (every h_t and c_T)",
                         "lstm_forward 与 dynamic_rnn 一致：5 步，批量大小为 3（每个 h_t 和 c_T 都对）"))
    # the usual mistakes, each computed with the package's cell
    fresh = np.stack([cell.step(x[:, t], LSTMState(h0, c0))[0].h for t in range(T)], axis=1)
    h, keep_c = h0, []
    for t in range(T):
        (h, _), _ = cell.step(x[:, t], LSTMState(h, c0))
        keep_c.append(h)
    if np.allclose(hs, fresh, atol=1e-8):
        return Feedback(False, say("every step starts again from (h0, c0): carry the state, pass step t's (h, c) "
                                   "to step t + 1.",
                                   "每一步都从 (h0, c0) 重新开始：要把状态传下去，"
                                   "把第 t 步的 (h, c) 交给第 t + 1 步。"))
    if np.allclose(hs, np.stack(keep_c, axis=1), atol=1e-8):
        return Feedback(False, say("you carry h but not c: the cell state c_t must go to the next step too "
                                   "(the long-term memory is the point of the LSTM).",
                                   "你传下去了 h，却没有传 c：单元状态 c_t 也必须交给下一步"
                                   "（长期记忆正是 LSTM 的要点）。"))
    if np.allclose(hs, hs_ref, atol=1e-8):
        if np.allclose(c_T, final.h, atol=1e-8):
            return Feedback(False, say("hs is right; you returned h_T where c_T belongs.",
                                       "hs 对了；但在该返回 c_T 的位置你返回了 h_T。"))
        return Feedback(False, say("hs is right but c_T is not the cell state after the LAST step.",
                                   "hs 对了，但 c_T 不是最后一步之后的单元状态。"))
    return Feedback(False, say("hs is off from the first step: check your step function with check_lstm_step first.",
                               "hs 从第一步起就不对：先用 check_lstm_step 检查你的单步函数。"))
