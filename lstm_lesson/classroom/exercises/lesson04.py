"""Self-checks for lesson 4 (vanishing and exploding gradients).

Each ``check_*`` runs the learner's function on cases built to separate the usual mistakes
(a transposed matrix, the wrong derivative, eigenvalues instead of singular values, clipping
each entry instead of the norm, ...) and names the one it finds. It returns a ``Feedback``
(true when right, a message either way), the same as lessons 1 and 2.
"""

from __future__ import annotations

import numpy as np

from ...core.language import say
from .feedback import Feedback, call_learner, diagnose, right, self_check


# ----- exercise 1: one factor of the product ------------------------------------------------
def rnn_jacobian_reference(h_prev, h_t, W_h):
    """∂h_t/∂h_{t-1} for one sequence of the package's RNN (h_t = tanh(x W_x + h_{t-1} W_h + b)):
    entry [i, j] = (1 - h_t[i]^2) W_h[j, i], i.e. diag(1 - h_t^2) @ W_h.T; shape (H, H)."""
    return np.diag(1.0 - h_t ** 2) @ W_h.T


@self_check("function", call="rnn_jacobian(h_prev, h_t, W_h)", returns=("an (H, H) array", "一个 (H, H) 数组"))
def check_rnn_jacobian(rnn_jacobian) -> Feedback:
    """Exercise 1: ``rnn_jacobian(h_prev, h_t, W_h)`` -> the (H, H) matrix ∂h_t/∂h_{t-1},
    entry [i, j] = ∂h_t[i] / ∂h_{t-1}[j], for one sequence (h_prev, h_t: (H,), W_h: (H, H))."""
    rng = np.random.default_rng(4)
    H = 4
    h_prev, h_t = rng.uniform(-0.9, 0.9, H), rng.uniform(-0.9, 0.9, H)
    W_h = rng.standard_normal((H, H))
    got, error = call_learner(rnn_jacobian, "rnn_jacobian", h_prev.copy(), h_t.copy(), W_h.copy())
    if error is not None:
        return error
    d = 1.0 - h_t ** 2
    mistakes = {
        say("W_h is not transposed. With row vectors the step is h_{t-1} @ W_h, so h_{t-1}[j] reaches h_t[i] "
            "through W_h[j, i]: the Jacobian holds W_h.T.",
            "W_h 没有转置。用行向量时，这一步是 h_{t-1} @ W_h，所以 h_{t-1}[j] 经由 W_h[j, i] 影响 h_t[i]："
            "雅可比矩阵里是 W_h.T。"): np.diag(d) @ W_h,
        say("the tanh derivative multiplies the columns. It belongs to the output unit i (the rows): "
            "diag(1 - h_t²) @ W_h.T, not W_h.T @ diag(1 - h_t²).",
            "tanh 的导数乘在了列上。它属于输出单元 i（行）：diag(1 - h_t²) @ W_h.T，"
            "不是 W_h.T @ diag(1 - h_t²)。"): W_h.T @ np.diag(d),
        say("the tanh derivative is missing: every step multiplies by diag(1 - h_t²) as well as by W_h.T.",
            "缺了 tanh 的导数：每一步除了乘 W_h.T，还要乘 diag(1 - h_t²)。"): W_h.T,
        say("the derivative of tanh is 1 - h_t², not h_t.", "tanh 的导数是 1 - h_t²，不是 h_t。"):
            np.diag(h_t) @ W_h.T,
        say("the derivative is taken at h_{t-1}. tanh was applied at step t, so use 1 - h_t².",
            "导数取在了 h_{t-1} 处。tanh 是在第 t 步作用的，所以要用 1 - h_t²。"):
            np.diag(1.0 - h_prev ** 2) @ W_h.T,
        say("you wrote 1 - h_t instead of 1 - h_t² for the tanh derivative.",
            "tanh 的导数你写成了 1 - h_t，应当是 1 - h_t²。"): np.diag(1.0 - h_t) @ W_h.T,
    }
    return diagnose(got, rnn_jacobian_reference(h_prev, h_t, W_h), mistakes, "∂h_t/∂h_{t-1}", atol=1e-8, rtol=1e-6)


# ----- exercise 2: Pascanu's sufficient condition -------------------------------------------
def vanishing_guaranteed_reference(W_hh, activation):
    """Pascanu et al. 2013: the gradient must vanish if λ1 < 1/γ, where λ1 is the largest
    singular value of W_hh and γ bounds the activation's derivative (tanh 1, sigmoid 1/4)."""
    gamma = {"tanh": 1.0, "sigmoid": 0.25}[activation]
    return bool(np.linalg.svd(W_hh, compute_uv=False)[0] < 1.0 / gamma)


# The cases: (W_hh, activation). Each usual mistake answers at least one of them wrongly.
_PASCANU_CASES = [
    (0.9 * np.eye(3), "tanh"),  # λ1 = 0.9 < 1: guaranteed
    (1.2 * np.eye(3), "tanh"),  # λ1 = 1.2 > 1: not guaranteed
    (3.0 * np.eye(3), "sigmoid"),  # λ1 = 3 < 4 = 1/γ for the sigmoid: guaranteed
    (np.array([[0.5, 3.0], [0.0, 0.5]]), "tanh"),  # eigenvalues 0.5, but λ1 ≈ 3.1: not guaranteed
    (0.6 * np.eye(4), "tanh"),  # λ1 = 0.6 but Frobenius norm 1.2: guaranteed
]


def _largest_sv(W):
    return np.linalg.svd(W, compute_uv=False)[0]


def _one_over_gamma(activation):
    return 4.0 if activation == "sigmoid" else 1.0


def _pascanu_mistakes():
    """message -> the answers that mistake gives on the cases (the message in the language in use)."""
    return {
        say("the comparison is the wrong way round: vanishing is guaranteed when λ1 < 1/γ (small weights).",
            "比较的方向反了：λ1 < 1/γ（权重小）时才保证梯度消失。"):
            lambda W, a: bool(_largest_sv(W) > _one_over_gamma(a)),
        say("for the sigmoid γ = 1/4 (its slope is at most 0.25), so 1/γ = 4; you used γ = 1, tanh's bound.",
            "对 sigmoid，γ = 1/4（它的斜率最大 0.25），所以 1/γ = 4；你用了 γ = 1，那是 tanh 的界。"):
            lambda W, a: bool(_largest_sv(W) < 1.0),
        say("you used eigenvalues. The condition uses the largest SINGULAR value (np.linalg.svd): the matrix "
            "[[0.5, 3], [0, 0.5]] has eigenvalues 0.5 and 0.5 but stretches a vector about 3× in one step.",
            "你用了特征值。这个条件用的是最大奇异值（np.linalg.svd）：矩阵 [[0.5, 3], [0, 0.5]] "
            "的特征值是 0.5 和 0.5，但它一步就能把一个向量拉长约 3 倍。"):
            lambda W, a: bool(np.abs(np.linalg.eigvals(W)).max() < _one_over_gamma(a)),
        say("you used the Frobenius norm (np.linalg.norm's default). It is larger than λ1 (1.2 against 0.6 for "
            "0.6·I of size 4); the condition uses λ1, the largest singular value (np.linalg.svd or ord=2).",
            "你用了 Frobenius 范数（np.linalg.norm 的默认值）。它比 λ1 大（对 4 阶的 0.6·I，它是 1.2，λ1 是 0.6）；"
            "这个条件用的是 λ1，即最大奇异值（np.linalg.svd 或 ord=2）。"):
            lambda W, a: bool(np.linalg.norm(W) < _one_over_gamma(a)),
    }


@self_check("function", call="vanishing_guaranteed(W_hh, activation)", returns=("True or False", "True 或 False"))
def check_vanishing_guaranteed(vanishing_guaranteed) -> Feedback:
    """Exercise 2: ``vanishing_guaranteed(W_hh, activation)`` -> True when Pascanu's sufficient
    condition λ1 < 1/γ holds (activation "tanh" or "sigmoid")."""
    answers = []
    for W, act in _PASCANU_CASES:
        got, error = call_learner(vanishing_guaranteed, "vanishing_guaranteed", W.copy(), act)
        if error is not None:
            return error
        if not isinstance(got, (bool, np.bool_)):
            return Feedback(False, say(f"vanishing_guaranteed: expected True or False, got {got!r}.",
                                       f"vanishing_guaranteed：应当返回 True 或 False，收到的是 {got!r}。"))
        answers.append(bool(got))
    reference = [vanishing_guaranteed_reference(W, a) for W, a in _PASCANU_CASES]
    if answers == reference:
        return right(say("vanishing_guaranteed applies λ1 < 1/γ with singular values and γ = 1 (tanh), 1/4 (sigmoid)",
                         "vanishing_guaranteed 用奇异值判断 λ1 < 1/γ，且 γ = 1（tanh）、1/4（sigmoid）"))
    for message, mistake in _pascanu_mistakes().items():
        if answers == [mistake(W, a) for W, a in _PASCANU_CASES]:
            return Feedback(False, say(f"vanishing_guaranteed is off: {message}",
                                       f"vanishing_guaranteed 有误。{message}"))
    k = next(k for k, (g, r) in enumerate(zip(answers, reference)) if g != r)
    W, act = _PASCANU_CASES[k]
    return Feedback(False, say(f"vanishing_guaranteed is wrong for W_hh = {W.tolist()} with {act}: λ1 = "
                               f"{_largest_sv(W):.2f} and 1/γ = {_one_over_gamma(act):g}, so the answer is "
                               f"{reference[k]}.",
                               f"vanishing_guaranteed 在 W_hh = {W.tolist()}、激活函数为 {act} 时答错了：λ1 = "
                               f"{_largest_sv(W):.2f}，1/γ = {_one_over_gamma(act):g}，所以答案是 {reference[k]}。"))


# ----- exercise 3: Pascanu's Algorithm 1 ------------------------------------------------------
def clip_reference(grads, threshold):
    """if ‖g‖ >= threshold: g <- threshold * g / ‖g‖, with ONE norm over every array in ``grads``."""
    norm = np.sqrt(sum(float(np.sum(g * g)) for g in grads.values()))
    scale = threshold / norm if norm >= threshold else 1.0
    return {k: g * scale for k, g in grads.items()}


@self_check("function", call="clip(grads, threshold)", returns=("a new dict of arrays", "一个新的 dict，值为数组"))
def check_clip(clip) -> Feedback:
    """Exercise 3: ``clip(grads, threshold)`` -> a new dict of clipped gradients (Algorithm 1 of
    Pascanu et al.: rescale ALL gradients together when their global norm reaches the threshold)."""
    cases = [  # grads with global norm 5 (3 and 4 in the two arrays, not along the axes)
        (say("a threshold above the norm (nothing to clip)", "阈值大于范数（无需裁剪）"), 10.0),
        (say("a threshold below the norm", "阈值小于范数"), 2.0),
        (say("a threshold between the arrays' own norms", "阈值介于两个数组各自的范数之间"), 3.5),
    ]
    for what, threshold in cases:
        grads = {"W": np.array([[2.4, -1.8]]), "b": np.array([0.0, 4.0])}
        given = {k: v.copy() for k, v in grads.items()}
        got, error = call_learner(clip, "clip", given, threshold)
        if error is not None:
            return error
        if not isinstance(got, dict) or set(got) != set(grads):
            return Feedback(False, say(f"clip: expected a dict with the keys {sorted(grads)}, got {got!r}.",
                                       f"clip：应当返回键为 {sorted(grads)} 的 dict，收到的是 {got!r}。"))
        if any(not np.array_equal(given[k], grads[k]) for k in grads):
            return Feedback(False, say("clip changed the arrays it was given: return new arrays "
                                       "(the caller may still need the raw gradient, e.g. to log its norm).",
                                       "clip 改动了传给它的数组：请返回新的数组"
                                       "（调用者可能还要用原始梯度，例如记录它的范数）。"))
        ref = clip_reference(grads, threshold)
        ok = all(np.allclose(got[k], ref[k], atol=1e-9) for k in grads)
        if ok:
            continue
        per_array = {k: g * min(1.0, threshold / np.linalg.norm(g)) for k, g in grads.items()}
        by_value = {k: np.clip(g, -threshold, threshold) for k, g in grads.items()}
        got_norm = np.sqrt(sum(float(np.sum(np.asarray(g) ** 2)) for g in got.values()))
        if all(np.allclose(got[k], per_array[k]) for k in grads):
            why = say("each array was clipped on its own. Algorithm 1 takes ONE norm over all gradients together, "
                      "so W and b shrink by the same factor and the direction of the whole step is kept.",
                      "每个数组被单独裁剪了。Algorithm 1 对所有梯度一起只取一个范数，"
                      "所以 W 和 b 按同一个因子缩小，整步的方向保持不变。")
        elif all(np.allclose(got[k], by_value[k]) for k in grads):
            why = say("you clipped each entry (np.clip, value clipping). That changes the step's direction; "
                      "Algorithm 1 rescales the whole gradient: g * threshold / ‖g‖.",
                      "你裁剪的是每个元素（np.clip，按值裁剪）。这会改变这一步的方向；"
                      "Algorithm 1 是对整个梯度重新缩放：g * threshold / ‖g‖。")
        elif threshold > 5.0:
            why = say("the norm 5 is below the threshold, so the gradient must come back unchanged.",
                      "范数 5 低于阈值，所以梯度必须原样返回。")
        elif np.isclose(got_norm, threshold):
            why = say("the length is right but the direction changed: multiply every entry by the same "
                      "threshold / ‖g‖.",
                      "长度对了，但方向变了：每个元素都要乘以同一个 threshold / ‖g‖。")
        else:
            why = say(f"the clipped gradient should have norm {threshold:g} (it has {got_norm:.3g}): "
                      "g * threshold / ‖g‖.",
                      f"裁剪后的梯度范数应为 {threshold:g}（你的是 {got_norm:.3g}）：g * threshold / ‖g‖。")
        return Feedback(False, say(f"wrong for {what} (threshold {threshold:g}, ‖g‖ = 5): {why}",
                                   f"在{what}时答错了（阈值 {threshold:g}，‖g‖ = 5）：{why}"))
    return right(say("clip rescales all gradients by one factor when their global norm reaches the threshold",
                     "clip 在全局范数达到阈值时，把所有梯度按同一个因子缩放"))


# ----- exercise 4: the carousel with a forget gate --------------------------------------------
def carousel_factor_reference(f):
    """∂c_T/∂c_0 along the cell path when dL/dc_T = 1: the product of f_1 ... f_T.
    f: (T, H) forget-gate values of steps 1..T; returns (H,)."""
    return np.prod(np.asarray(f, np.float64), axis=0)


@self_check("function", call="carousel_factor(f)", returns=("an array of shape (H,)", "形状为 (H,) 的数组"))
def check_carousel_factor(carousel_factor) -> Feedback:
    """Exercise 4: ``carousel_factor(f)`` -> ∂c_T/∂c_0 (H,) along the cell path, given the forget
    gates f (T, H) of steps 1..T (c_t = f_t * c_{t-1} + i_t * g_t)."""
    f = np.array([[0.9, 0.5, 1.0], [0.8, 0.5, 1.0], [0.95, 0.5, 1.0], [0.7, 0.5, 1.0]])
    got, error = call_learner(carousel_factor, "carousel_factor", f.copy())
    if error is not None:
        return error
    if np.shape(got) == (f.shape[0],):
        return Feedback(False, say("∂c_T/∂c_0 has one entry per time step: you took the product over the units "
                                   "(axis 1). Time is axis 0; the answer has one factor per unit, shape (H,).",
                                   "你的 ∂c_T/∂c_0 每个时间步一个元素：你沿着单元（axis 1）求了积。时间是 axis 0；"
                                   "答案是每个单元一个因子，形状 (H,)。"))
    mistakes = {
        say("you added the forget gates; along the carousel they multiply: c_t = f_t c_{t-1} + ..., "
            "so ∂c_t/∂c_{t-1} = f_t and the chain rule multiplies the steps.",
            "你把遗忘门加起来了；沿着常数误差传送带它们是相乘的：c_t = f_t c_{t-1} + ...，"
            "所以 ∂c_t/∂c_{t-1} = f_t，链式法则把各步乘起来。"): f.sum(axis=0),
        say("you multiplied (1 - f); the part of the cell that is KEPT is f.",
            "你乘的是 (1 - f)；单元状态中被保留下来的部分是 f。"): np.prod(1 - f, axis=0),
        say("one step is missing: all T forget gates f_1 ... f_T lie between c_0 and c_T.",
            "少了一步：c_0 和 c_T 之间共有 T 个遗忘门 f_1 ... f_T。"): np.prod(f[1:], axis=0),
        say("the last step is missing: f_T also multiplies c_{T-1}.", "少了最后一步：f_T 也要乘 c_{T-1}。"):
            np.prod(f[:-1], axis=0),
        say("f^T with the first gate only: each step has its own f_t.",
            "你只用第一个门算了 f^T：每一步都有自己的 f_t。"): f[0] ** len(f),
    }
    return diagnose(got, carousel_factor_reference(f), mistakes, "∂c_T/∂c_0", atol=1e-9, rtol=1e-9)
