"""Self-checks for lesson 6 (a character-level LSTM). Each returns a ``Feedback`` like lessons 1-4:
true when the answer is right, and a message either way, "Correct: ..." or which part is wrong.

Every check runs the learner's function on small cases, compares it with the package's reference
and, when it differs, tries the usual mistakes one at a time to name the one that was made. It
never raises for a wrong answer: the message is the point.

- ``check_temperature(fn)``: exercise 1, ``fn(logits, temperature)`` -> next-character probabilities.
- ``check_char_model_param_count(fn)``: exercise 2, ``fn(vocab_size, hidden_size, num_layers)`` -> the
  parameters of the stacked-LSTM character model (not lesson 3's ``check_param_count`` of one cell).
- ``check_train_step(fn)``: exercise 3, ``fn(model, optimizer, x, y, state, max_norm)`` -> (loss, state).
- ``check_saturation(fn)``: exercise 4, ``fn(gate_values)`` -> (fraction below 0.1, fraction above 0.9).
"""

from __future__ import annotations

import numpy as np

from ...core.activations import softmax
from ...core.language import say
from ...core.model import CharModel
from ...core.optim import Adam, clip_by_global_norm
from ...core.sizing import char_model_num_params
from .feedback import Feedback, learner_error, self_check, verdict


# ------------------------------------------------------------------------------ exercise 1
def reference_temperature(logits, temperature):
    """softmax(logits / temperature) over the last axis, written so that no exp overflows."""
    return softmax(np.asarray(logits, dtype=np.float64) / temperature, axis=-1)


@self_check("function", call="fn(logits, temperature)",
            returns=("probabilities, the shape of logits", "概率，形状与 logits 相同"))
def check_temperature(fn) -> Feedback:
    """Exercise 1: ``fn(logits, temperature)`` -> probabilities, logits (vocab,) or (batch, vocab)."""
    logits = np.array([2.0, 1.0, 0.0, -1.0])
    cases = [(logits, 1.0), (logits, 0.5), (logits, 2.0), (np.array([[3.0, 0.0, 1.0], [0.0, 0.0, 5.0]]), 0.7)]
    for x, T in cases:
        try:
            got = np.asarray(fn(x.copy(), T), dtype=np.float64)
        except Exception as err:  # noqa: BLE001 - any error is the learner's to see
            return learner_error(f"fn(logits, {T})", err)
        want = reference_temperature(x, T)
        if got.shape != want.shape:
            return verdict(False, say(f"shape {got.shape} for logits of shape {x.shape}, expected {want.shape}: "
                                      "one probability per character, along the last axis",
                                      f"logits 的形状是 {x.shape} 时得到形状 {got.shape}，应为 {want.shape}："
                                      "每个字符一个概率，沿最后一维"))
        if np.allclose(got, want, atol=1e-9):
            continue
        if x.ndim == 2 and np.allclose(got, softmax(x / T, axis=0), atol=1e-9):
            return verdict(False, say("the softmax runs over the batch axis: normalise along the last axis (axis=-1)",
                                      "softmax 沿批次那一维做了：应当沿最后一维归一化（axis=-1）"))
        if not np.allclose(got.sum(axis=-1), 1.0, atol=1e-6):
            return verdict(False, say(f"the probabilities sum to {np.round(got.sum(axis=-1), 3)}, not 1: divide the "
                                      "exponentials by their sum (along the last axis)",
                                      f"概率之和是 {np.round(got.sum(axis=-1), 3)}，不是 1：把各个指数除以它们的和"
                                      "（沿最后一维）"))
        if np.allclose(got, reference_temperature(x, 1.0), atol=1e-9):
            return verdict(False, say(f"with temperature {T} you return the plain softmax: divide the logits by the "
                                      "temperature before the softmax",
                                      f"温度为 {T} 时你返回的是普通的 softmax：在 softmax 之前先把 logits 除以温度"))
        if np.allclose(got, reference_temperature(x, 1.0 / T), atol=1e-9):
            return verdict(False, say("the logits are multiplied by the temperature: divide instead, so that a LOW "
                                      "temperature sharpens the distribution (logits / T grow as T shrinks)",
                                      "logits 被乘以了温度：应当除以温度，这样温度低时分布才更尖锐"
                                      "（T 越小，logits / T 越大）"))
        return verdict(False, say(f"for temperature {T} you give {np.round(got, 3)}, expected {np.round(want, 3)}",
                                  f"温度为 {T} 时你给出 {np.round(got, 3)}，应为 {np.round(want, 3)}"))
    try:
        big = np.asarray(fn(np.array([1000.0, 999.0, 0.0]), 0.5), dtype=np.float64)
    except Exception as err:  # noqa: BLE001
        return learner_error("fn(np.array([1000.0, 999.0, 0.0]), 0.5)", err)
    if not np.all(np.isfinite(big)) or not np.allclose(big, reference_temperature([1000.0, 999.0, 0.0], 0.5)):
        return verdict(False, say("large logits (1000) overflow: subtract the largest logit before np.exp; that "
                                  "changes nothing mathematically and keeps every exp <= 1",
                                  "很大的 logits（1000）会溢出：在 np.exp 之前减去最大的 logit；"
                                  "这在数学上什么都不改变，却让每个 exp 都 <= 1"))
    return verdict(True, say("softmax(logits / temperature), normalised along the last axis and safe for large logits",
                             "softmax(logits / temperature)，沿最后一维归一化，对很大的 logits 也安全"))


# ------------------------------------------------------------------------------ exercise 2
@self_check("function", call="fn(vocab_size, hidden_size, num_layers)", returns=("an int", "一个整数"))
def check_char_model_param_count(fn) -> Feedback:
    """Exercise 2: ``fn(vocab_size, hidden_size, num_layers)`` -> the parameters of
    ``CharModel(vocab_size, hidden_size, num_layers)`` (LSTM layers and the dense layer)."""
    cases = [(49, 64, 2), (10, 5, 1), (7, 3, 3)]
    for V, H, n in cases:
        try:
            got = int(fn(V, H, n))
        except Exception as err:  # noqa: BLE001
            return learner_error(f"fn({V}, {H}, {n})", err)
        want = char_model_num_params("lstm", V, H, n)
        if got == want:
            continue
        dense = H * V + V
        layers = [(V if k == 0 else H, H) for k in range(n)]
        mistakes = {
            say("one gate block instead of four: each LSTM layer has four blocks (i, f, g, o), so W_x is "
                "(input, 4H), W_h is (H, 4H) and b is (4H,)",
                "只算了一个门分块而不是四个：每层 LSTM 有四个分块（i, f, g, o），所以 W_x 是 (input, 4H)，"
                "W_h 是 (H, 4H)，b 是 (4H,)"): sum(D * H + H * H + H for D, _ in layers) + dense,
            say("the biases are missing: each LSTM layer has a bias b of size 4H, the dense layer one of size V",
                "缺了偏置：每层 LSTM 有一个大小为 4H 的偏置 b，全连接层有一个大小为 V 的偏置"):
                sum(4 * D * H + 4 * H * H for D, _ in layers) + H * V,
            say("the dense layer's bias is missing (V more parameters)", "缺了全连接层的偏置（还差 V 个参数）"):
                want - V,
            say("the dense output layer is missing: H * V weights and V biases map h to the vocabulary",
                "缺了全连接输出层：H * V 个权重和 V 个偏置把 h 映射到词表"): want - dense,
            say("every layer reads the vocabulary: only layer 0 reads the one-hot characters (input V); the layers "
                "above read the hidden state of the layer below (input H)",
                "你让每一层都读词表：只有第 0 层读独热编码的字符（输入 V）；上面各层读的是下一层的隐层状态（输入 H）"):
                sum(4 * V * H + 4 * H * H + 4 * H for _ in layers) + dense,
            say("the recurrent weights W_h (H, 4H) are missing: the state must feed back into every gate",
                "缺了循环权重 W_h (H, 4H)：状态必须反馈到每一个门"):
                sum(4 * D * H + 4 * H for D, _ in layers) + dense,
        }
        for why, value in mistakes.items():
            if got == value and value != want:
                return verdict(False, say(f"fn({V}, {H}, {n}) = {got}, expected {want}: {why}",
                                          f"fn({V}, {H}, {n}) = {got}，应为 {want}：{why}"))
        return verdict(False, say(f"fn({V}, {H}, {n}) = {got}, expected {want} (per layer: 4*input*H + 4*H*H + 4*H; "
                                  "plus the dense layer H*V + V)",
                                  f"fn({V}, {H}, {n}) = {got}，应为 {want}（每层：4*input*H + 4*H*H + 4*H；"
                                  "再加上全连接层 H*V + V）"))
    return verdict(True, say("per layer 4*input*H + 4*H*H + 4*H (input V for layer 0, H above), plus H*V + V for "
                             "the dense layer",
                             "每层 4*input*H + 4*H*H + 4*H（第 0 层输入为 V，上面各层为 H），再加上全连接层的 H*V + V"))


# ------------------------------------------------------------------------------ exercise 3
def reference_train_step(model, optimizer, x, y, state, max_norm):
    """One step of stateful truncated BPTT: loss and gradient from the carried state, clip by the
    global norm, Adam. Returns ``(loss, final_state)``: the state the next window starts from."""
    loss, grads, final_state = model.loss_and_grads(x, y, state)
    grads, _ = clip_by_global_norm(grads, max_norm)
    optimizer.step(grads)
    return loss, final_state


def _step_case():
    rng = np.random.default_rng(6)
    model = CharModel(5, 4, 2, seed=2, dtype=np.float64)
    x, y = rng.integers(0, 5, (3, 6)), rng.integers(0, 5, (3, 6))
    warm = CharModel(5, 4, 2, seed=2, dtype=np.float64)
    _, _, state = warm.loss_and_grads(rng.integers(0, 5, (3, 6)), rng.integers(0, 5, (3, 6)))
    return model, x, y, state


def _run(step, max_norm):
    model, x, y, state = _step_case()
    opt = Adam(model.params, lr=0.05)
    loss, final = step(model, opt, x, y, state, max_norm)
    return model, loss, final


def _variants():
    """The usual mistakes, each as a train step."""

    def no_clip(model, opt, x, y, state, max_norm):
        loss, grads, final = model.loss_and_grads(x, y, state)
        opt.step(grads)
        return loss, final

    def clip_each(model, opt, x, y, state, max_norm):
        loss, grads, final = model.loss_and_grads(x, y, state)
        grads = {k: clip_by_global_norm({k: g}, max_norm)[0][k] for k, g in grads.items()}
        opt.step(grads)
        return loss, final

    def zero_state(model, opt, x, y, state, max_norm):
        return reference_train_step(model, opt, x, y, None, max_norm)

    return {"no_clip": no_clip, "clip_each": clip_each, "zero_state": zero_state}


@self_check("function", call="fn(model, optimizer, x, y, state, max_norm)",
            returns=("the pair (loss, final_state)", "一对 (loss, final_state)"))
def check_train_step(fn) -> Feedback:
    """Exercise 3: ``fn(model, optimizer, x, y, state, max_norm)`` trains one window and returns
    ``(loss, final_state)``."""
    max_norm = 0.05  # small, so that clipping changes the step
    want_model, want_loss, want_final = _run(reference_train_step, max_norm)
    try:
        got_model, got_loss, got_final = _run(fn, max_norm)
    except Exception as err:  # noqa: BLE001
        return learner_error("fn(model, optimizer, x, y, state, max_norm)", err)

    def same_params(a, b):
        return all(np.allclose(a.params[k], b.params[k], rtol=1e-10, atol=1e-12) for k in a.params)

    untouched = _step_case()[0]
    if same_params(got_model, untouched):
        return verdict(False, say("the parameters did not change: call optimizer.step(grads) with the (clipped) "
                                  "gradients",
                                  "参数没有变化：用（裁剪后的）梯度调用 optimizer.step(grads)"))
    variants = {name: _run(v, max_norm) for name, v in _variants().items()}
    if not np.isclose(float(got_loss), want_loss, rtol=1e-10):
        if np.isclose(float(got_loss), variants["zero_state"][1], rtol=1e-10):
            return verdict(False, say("the loss is computed from the zero state: pass the carried state to "
                                      "model.loss_and_grads(x, y, state), so the window continues the text",
                                      "损失是从零状态算出来的：把传下来的状态交给 model.loss_and_grads(x, y, state)，"
                                      "这样这个窗口才能接着前文"))
        return verdict(False, say(f"the loss is {float(got_loss):.6f}, expected {want_loss:.6f}: return the loss of "
                                  "model.loss_and_grads(x, y, state), computed before the update",
                                  f"损失是 {float(got_loss):.6f}，应为 {want_loss:.6f}：返回 "
                                  "model.loss_and_grads(x, y, state) 的损失，它是在更新之前算出的"))
    if not same_params(got_model, want_model):
        if same_params(got_model, variants["no_clip"][0]):
            return verdict(False, say("the gradients are not clipped: grads, _ = clip_by_global_norm(grads, max_norm) "
                                      "before optimizer.step",
                                      "梯度没有裁剪：在 optimizer.step 之前先 "
                                      "grads, _ = clip_by_global_norm(grads, max_norm)"))
        if same_params(got_model, variants["clip_each"][0]):
            return verdict(False, say("each gradient is clipped on its own: clip by the GLOBAL norm of all gradients "
                                      "together (one call with the whole dict), which keeps the direction",
                                      "每个梯度被单独裁剪了：要按所有梯度合在一起的全局范数裁剪"
                                      "（对整个 dict 只调用一次），这样方向才保持不变"))
        return verdict(False, say("the update differs from clip_by_global_norm followed by one optimizer.step(grads)",
                                  "这次更新与先 clip_by_global_norm、再调用一次 optimizer.step(grads) 的结果不同"))
    if not isinstance(got_final, tuple) or len(got_final) != len(want_final):
        return verdict(False, say(f"the state returned is a {type(got_final).__name__}; return "
                                  "model.loss_and_grads's final_state (a tuple with one LSTMState per layer)",
                                  f"返回的状态是一个 {type(got_final).__name__}；请返回 model.loss_and_grads 的 "
                                  "final_state（一个 tuple，每层一个 LSTMState）"))
    _, _, _, given = _step_case()
    if all(np.array_equal(a.h, b.h) for a, b in zip(got_final, given)):
        return verdict(False, say("you return the state you were given: return the FINAL state of this window, "
                                  "the third result of model.loss_and_grads, so the next window starts from it",
                                  "你返回的是传进来的状态：请返回这个窗口的最终状态，即 model.loss_and_grads "
                                  "的第三个返回值，下一个窗口要从它开始"))
    if not all(np.allclose(a.h, b.h) and np.allclose(a.c, b.c) for a, b in zip(got_final, want_final)):
        return verdict(False, say("the returned state is not this window's final state (h and c of every layer)",
                                  "返回的状态不是这个窗口的最终状态（每一层的 h 和 c）"))
    return verdict(True, say("loss from the carried state, gradients clipped by their global norm, one Adam step, "
                             "and the final state handed on to the next window",
                             "损失从传下来的状态算起，梯度按全局范数裁剪，做一步 Adam，并把最终状态交给下一个窗口"))


# ------------------------------------------------------------------------------ exercise 4
def reference_saturation(gate_values, low=0.1, high=0.9):
    """Fractions of gate values below ``low`` (nearly shut) and above ``high`` (wide open)."""
    g = np.asarray(gate_values, dtype=np.float64)
    return float((g < low).mean()), float((g > high).mean())


@self_check("function", call="fn(gate_values)", returns=("a pair of fractions (low, high)", "一对比例 (low, high)"))
def check_saturation(fn) -> Feedback:
    """Exercise 4: ``fn(gate_values)`` -> (fraction < 0.1, fraction > 0.9) over all values."""
    cases = [np.array([0.05, 0.5, 0.95, 0.99]), np.array([[0.0, 0.1, 0.9], [1.0, 0.2, 0.3]]),
             np.linspace(0, 1, 101)]
    for g in cases:
        try:
            got = tuple(float(v) for v in fn(g.copy()))
        except Exception as err:  # noqa: BLE001
            return learner_error(say(f"fn(array of shape {g.shape})", f"fn(形状为 {g.shape} 的数组)"), err)
        want = reference_saturation(g)
        if np.allclose(got, want):
            continue
        if np.allclose(got, want[::-1]):
            return verdict(False, say("the two fractions are swapped: first the fraction nearly shut (< 0.1), then "
                                      "the fraction wide open (> 0.9)",
                                      "两个比例顺序反了：先是几乎关闭（< 0.1）的比例，再是大开（> 0.9）的比例"))
        counts = ((g < 0.1).sum(), (g > 0.9).sum())
        if np.allclose(got, counts):
            return verdict(False, say("you return counts: divide by the number of values to get fractions",
                                      "你返回的是个数：除以值的总数才得到比例"))
        if np.allclose(got, ((g <= 0.1).mean(), (g >= 0.9).mean())):
            return verdict(False, say("0.1 and 0.9 themselves are counted: use strict < 0.1 and > 0.9",
                                      "0.1 和 0.9 本身也被算进去了：要用严格的 < 0.1 和 > 0.9"))
        return verdict(False, say(f"for {np.round(g, 2).tolist()} you give {got}, expected {want}",
                                  f"对 {np.round(g, 2).tolist()} 你给出 {got}，应为 {want}"))
    return verdict(True, say("the fraction of values below 0.1 and above 0.9, over every unit and every step",
                             "在所有单元、所有时间步上，低于 0.1 和高于 0.9 的值各占的比例"))

