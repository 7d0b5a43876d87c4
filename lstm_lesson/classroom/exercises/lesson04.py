"""Self-checks for lesson 4 (vanishing and exploding gradients).

Each ``check_*`` runs the learner's function on cases built to separate the usual mistakes
(a transposed matrix, the wrong derivative, eigenvalues instead of singular values, clipping
each entry instead of the norm, ...) and names the one it finds. It returns a ``Feedback``
(true when right, a message either way), the same as lessons 1 and 2.
"""

from __future__ import annotations

import numpy as np

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
        "W_h is not transposed. With row vectors the step is h_{t-1} @ W_h, so h_{t-1}[j] reaches h_t[i] "
        "through W_h[j, i]: the Jacobian holds W_h.T.": np.diag(d) @ W_h,
        "the tanh derivative multiplies the columns. It belongs to the output unit i (the rows): "
        "diag(1 - h_t²) @ W_h.T, not W_h.T @ diag(1 - h_t²).": W_h.T @ np.diag(d),
        "the tanh derivative is missing: every step multiplies by diag(1 - h_t²) as well as by W_h.T.": W_h.T,
        "the derivative of tanh is 1 - h_t², not h_t.": np.diag(h_t) @ W_h.T,
        "the derivative is taken at h_{t-1}. tanh was applied at step t, so use 1 - h_t².":
            np.diag(1.0 - h_prev ** 2) @ W_h.T,
        "you wrote 1 - h_t instead of 1 - h_t² for the tanh derivative.": np.diag(1.0 - h_t) @ W_h.T,
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


# message -> the answers that mistake gives on the cases
_PASCANU_MISTAKES = {
    "the comparison is the wrong way round: vanishing is guaranteed when λ1 < 1/γ (small weights).":
        lambda W, a: bool(_largest_sv(W) > _one_over_gamma(a)),
    "for the sigmoid γ = 1/4 (its slope is at most 0.25), so 1/γ = 4; you used γ = 1, tanh's bound.":
        lambda W, a: bool(_largest_sv(W) < 1.0),
    "you used eigenvalues. The condition uses the largest SINGULAR value (np.linalg.svd): the matrix "
    "[[0.5, 3], [0, 0.5]] has eigenvalues 0.5 and 0.5 but stretches a vector about 3× in one step.":
        lambda W, a: bool(np.abs(np.linalg.eigvals(W)).max() < _one_over_gamma(a)),
    "you used the Frobenius norm (np.linalg.norm's default). It is larger than λ1 (1.2 against 0.6 for "
    "0.6·I of size 4); the condition uses λ1, the largest singular value (np.linalg.svd or ord=2).":
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
            return Feedback(False, f"vanishing_guaranteed: expected True or False, got {got!r}.")
        answers.append(bool(got))
    reference = [vanishing_guaranteed_reference(W, a) for W, a in _PASCANU_CASES]
    if answers == reference:
        return right("vanishing_guaranteed applies λ1 < 1/γ with singular values and γ = 1 (tanh), 1/4 (sigmoid)")
    for message, mistake in _PASCANU_MISTAKES.items():
        if answers == [mistake(W, a) for W, a in _PASCANU_CASES]:
            return Feedback(False, f"vanishing_guaranteed is off: {message}")
    k = next(k for k, (g, r) in enumerate(zip(answers, reference)) if g != r)
    W, act = _PASCANU_CASES[k]
    return Feedback(False, f"vanishing_guaranteed is wrong for W_hh = {W.tolist()} with {act}: λ1 = "
                           f"{_largest_sv(W):.2f} and 1/γ = {_one_over_gamma(act):g}, so the answer is {reference[k]}.")


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
        ("a threshold above the norm (nothing to clip)", 10.0),
        ("a threshold below the norm", 2.0),
        ("a threshold between the arrays' own norms", 3.5),
    ]
    for what, threshold in cases:
        grads = {"W": np.array([[2.4, -1.8]]), "b": np.array([0.0, 4.0])}
        given = {k: v.copy() for k, v in grads.items()}
        got, error = call_learner(clip, "clip", given, threshold)
        if error is not None:
            return error
        if not isinstance(got, dict) or set(got) != set(grads):
            return Feedback(False, f"clip: expected a dict with the keys {sorted(grads)}, got {got!r}.")
        if any(not np.array_equal(given[k], grads[k]) for k in grads):
            return Feedback(False, "clip changed the arrays it was given: return new arrays "
                                   "(the caller may still need the raw gradient, e.g. to log its norm).")
        ref = clip_reference(grads, threshold)
        ok = all(np.allclose(got[k], ref[k], atol=1e-9) for k in grads)
        if ok:
            continue
        per_array = {k: g * min(1.0, threshold / np.linalg.norm(g)) for k, g in grads.items()}
        by_value = {k: np.clip(g, -threshold, threshold) for k, g in grads.items()}
        got_norm = np.sqrt(sum(float(np.sum(np.asarray(g) ** 2)) for g in got.values()))
        if all(np.allclose(got[k], per_array[k]) for k in grads):
            why = ("each array was clipped on its own. Algorithm 1 takes ONE norm over all gradients together, "
                   "so W and b shrink by the same factor and the direction of the whole step is kept.")
        elif all(np.allclose(got[k], by_value[k]) for k in grads):
            why = ("you clipped each entry (np.clip, value clipping). That changes the step's direction; "
                   "Algorithm 1 rescales the whole gradient: g * threshold / ‖g‖.")
        elif threshold > 5.0:
            why = "the norm 5 is below the threshold, so the gradient must come back unchanged."
        elif np.isclose(got_norm, threshold):
            why = "the length is right but the direction changed: multiply every entry by the same threshold / ‖g‖."
        else:
            why = f"the clipped gradient should have norm {threshold:g} (it has {got_norm:.3g}): g * threshold / ‖g‖."
        return Feedback(False, f"wrong for {what} (threshold {threshold:g}, ‖g‖ = 5): {why}")
    return right("clip rescales all gradients by one factor when their global norm reaches the threshold")


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
        return Feedback(False, "∂c_T/∂c_0 has one entry per time step: you took the product over the units "
                               "(axis 1). Time is axis 0; the answer has one factor per unit, shape (H,).")
    mistakes = {
        "you added the forget gates; along the carousel they multiply: c_t = f_t c_{t-1} + ..., "
        "so ∂c_t/∂c_{t-1} = f_t and the chain rule multiplies the steps.": f.sum(axis=0),
        "you multiplied (1 - f); the part of the cell that is KEPT is f.": np.prod(1 - f, axis=0),
        "one step is missing: all T forget gates f_1 ... f_T lie between c_0 and c_T.": np.prod(f[1:], axis=0),
        "the last step is missing: f_T also multiplies c_{T-1}.": np.prod(f[:-1], axis=0),
        "f^T with the first gate only: each step has its own f_t.": f[0] ** len(f),
    }
    return diagnose(got, carousel_factor_reference(f), mistakes, "∂c_T/∂c_0", atol=1e-9, rtol=1e-9)
