"""The self-checks of lessons 3 and 4: right answers pass, and each usual mistake is NAMED."""

import numpy as np
import pytest

from lstm_lesson.exercises import lesson04 as ex4


def _says(feedback, *words):
    text = str(feedback)
    return (not feedback) and all(w in text for w in words)


# ----- lesson 4, exercise 1: the one-step Jacobian --------------------------------------------
def test_rnn_jacobian_right_answer_passes():
    fb = ex4.check_rnn_jacobian(ex4.rnn_jacobian_reference)
    assert fb and str(fb).startswith("Correct")


@pytest.mark.parametrize("wrong, words", [
    (lambda hp, h, W: np.diag(1 - h ** 2) @ W, ("not transposed",)),
    (lambda hp, h, W: W.T @ np.diag(1 - h ** 2), ("columns",)),
    (lambda hp, h, W: W.T, ("derivative is missing",)),
    (lambda hp, h, W: np.diag(h) @ W.T, ("1 - h_t², not h_t",)),
    (lambda hp, h, W: np.diag(1 - hp ** 2) @ W.T, ("h_{t-1}",)),
    (lambda hp, h, W: np.diag(1 - h) @ W.T, ("1 - h_t instead",)),
    (lambda hp, h, W: np.zeros((4, 4)) + 1.0, ("not by one of the usual",)),
    (lambda hp, h, W: np.ones(3), ("expected shape (4, 4)",)),
    (lambda hp, h, W: undefined_name, ("raised NameError",)),  # noqa: F821
])
def test_rnn_jacobian_mistakes_are_named(wrong, words):
    assert _says(ex4.check_rnn_jacobian(wrong), *words)


# ----- lesson 4, exercise 2: Pascanu's condition ----------------------------------------------
def test_vanishing_guaranteed_right_answer_passes():
    assert ex4.check_vanishing_guaranteed(ex4.vanishing_guaranteed_reference)


def _sv(W):
    return np.linalg.svd(W, compute_uv=False)[0]


@pytest.mark.parametrize("wrong, words", [
    (lambda W, a: bool(np.abs(np.linalg.eigvals(W)).max() < (4 if a == "sigmoid" else 1)), ("SINGULAR", "eigenvalues")),
    (lambda W, a: bool(_sv(W) < 1), ("tanh's bound",)),
    (lambda W, a: bool(_sv(W) > (4 if a == "sigmoid" else 1)), ("wrong way round",)),
    (lambda W, a: bool(np.linalg.norm(W) < (4 if a == "sigmoid" else 1)), ("Frobenius",)),
    (lambda W, a: bool(_sv(W) < (4 if a == "sigmoid" else 1) and W.shape[0] != 4), ("wrong for W_hh = [[0.6",)),
    (lambda W, a: 1, ("expected True or False",)),
])
def test_vanishing_guaranteed_mistakes_are_named(wrong, words):
    assert _says(ex4.check_vanishing_guaranteed(wrong), *words)


# ----- lesson 4, exercise 3: clipping -----------------------------------------------------------
def test_clip_right_answer_passes():
    assert ex4.check_clip(ex4.clip_reference)


def _global(grads):
    return np.sqrt(sum(float(np.sum(g * g)) for g in grads.values()))


def _in_place(grads, t):
    n = _global(grads)
    for g in grads.values():
        g *= min(1.0, t / n)
    return grads


@pytest.mark.parametrize("wrong, words", [
    (lambda g, t: {k: v * min(1.0, t / np.linalg.norm(v)) for k, v in g.items()},
     ("each array was clipped on its own",)),
    (lambda g, t: {k: np.clip(v, -t, t) for k, v in g.items()}, ("value clipping",)),
    (lambda g, t: {k: v * t / _global(g) for k, v in g.items()}, ("must come back unchanged",)),
    (lambda g, t: {k: v * min(1.0, 0.5 * t / _global(g)) for k, v in g.items()}, ("should have norm",)),
    (_in_place, ("changed the arrays it was given",)),
    (lambda g, t: list(g.values()), ("expected a dict",)),
])
def test_clip_mistakes_are_named(wrong, words):
    assert _says(ex4.check_clip(wrong), *words)


# ----- lesson 4, exercise 4: the carousel ------------------------------------------------------
def test_carousel_right_answer_passes():
    assert ex4.check_carousel_factor(ex4.carousel_factor_reference)


@pytest.mark.parametrize("wrong, words", [
    (lambda f: f.sum(axis=0), ("added the forget gates",)),
    (lambda f: np.prod(1 - f, axis=0), ("(1 - f)",)),
    (lambda f: np.prod(f[1:], axis=0), ("one step is missing",)),
    (lambda f: np.prod(f[:-1], axis=0), ("the last step is missing",)),
    (lambda f: np.prod(f, axis=1), ("over the units",)),
    (lambda f: f[0] ** len(f), ("first gate only",)),
])
def test_carousel_mistakes_are_named(wrong, words):
    assert _says(ex4.check_carousel_factor(wrong), *words)
