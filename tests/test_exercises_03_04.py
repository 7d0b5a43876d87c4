"""The self-checks of lessons 3 and 4: right answers pass, and each usual mistake is NAMED."""

import numpy as np
import pytest

from lstm_lesson.classroom.exercises import lesson03 as ex3
from lstm_lesson.classroom.exercises import lesson04 as ex4


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


# ----- lesson 3, exercise 1: the GRU step ---------------------------------------------------------
def test_gru_step_right_answer_passes():
    assert ex3.check_gru_step(lambda x, h, p: ex3.gru_variant(p, x, h))


@pytest.mark.parametrize("variation, words", [
    (dict(reset="before"), ("1406.1078 v3", "v1, PyTorch")),
    (dict(z_keeps="new"), ("z and 1 - z are swapped",)),
    (dict(b_hn_inside=False), ("b_hn is outside the reset",)),
    (dict(order="zrn"), ("r and z blocks are swapped",)),
])
def test_gru_step_mistakes_are_named(variation, words):
    assert _says(ex3.check_gru_step(lambda x, h, p: ex3.gru_variant(p, x, h, **variation)), *words)


def test_gru_step_missing_hidden_bias_is_named():
    def no_b_h(x, h, p):
        return ex3.gru_variant(dict(p, b_h=np.zeros_like(p["b_h"])), x, h)
    assert _says(ex3.check_gru_step(no_b_h), "two biases")


def test_gru_variant_defaults_are_the_package_cell():
    cell, x, h = ex3._gru_example()
    np.testing.assert_allclose(ex3.gru_variant(cell.params, x, h), cell.step(x, h)[0], atol=1e-12)


# ----- lesson 3, exercise 2: the peephole step ----------------------------------------------------
def test_peephole_step_right_answer_passes():
    assert ex3.check_peephole_step(lambda x, h, c, p: ex3.peephole_variant(p, x, h, c))


@pytest.mark.parametrize("variation, words", [
    (dict(peep_i=False), ("c_t is off", "input gate does not peek")),
    (dict(peep_f=False), ("c_t is off", "forget gate does not peek")),
    (dict(peep_i=False, peep_f=False, peep_o=False), ("standard LSTM",)),
    (dict(o_sees="old"), ("h_t is off", "OLD cell")),
    (dict(peep_o=False), ("h_t is off", "output gate does not peek")),
])
def test_peephole_step_mistakes_are_named(variation, words):
    fb = ex3.check_peephole_step(lambda x, h, c, p: ex3.peephole_variant(p, x, h, c, **variation))
    assert _says(fb, *words)


def test_peephole_step_must_return_a_pair():
    assert _says(ex3.check_peephole_step(lambda x, h, c, p: h), "expected a pair (h, c)")


# ----- lesson 3, exercise 3: parameter counts -----------------------------------------------------
BLOCKS = {"rnn": 1, "lstm": 4, "peephole": 4, "gru": 3}


def test_param_count_right_answer_passes():
    assert ex3.check_param_count(ex3.param_count_reference)


@pytest.mark.parametrize("wrong, words", [
    (lambda k, D, H: BLOCKS[k] * H * (D + H), ("biases are missing",)),
    (lambda k, D, H: H * (D + H + 1) + (3 * H if k == "gru" else 0), ("FOUR blocks",)),
    (lambda k, D, H: BLOCKS[k] * H * (D + H + 1) + (3 * H if k == "peephole" else 0), ("TWO bias vectors",)),
    (lambda k, D, H: ex3.param_count_reference(k, D, H) if k != "gru" else 4 * H * (D + H + 1), ("three blocks",)),
    (lambda k, D, H: BLOCKS[k] * H * (D + H + 1) + (3 * H if k == "gru" else 0), ("peepholes are missing",)),
    (lambda k, D, H: ex3.param_count_reference(k, D, H) + (3 * H * H - 3 * H if k == "peephole" else 0),
     ("full-matrix peepholes", "colah", "diagonal", "3H")),
    (lambda k, D, H: ex3.param_count_reference(k, D, H) + (4 * H if k == "lstm" else 0), ("nn.LSTM", "two bias")),
    (lambda k, D, H: ex3.param_count_reference(k, D, H) - (2 * H if k == "gru" else 0), ("b_hn", "3H, not H")),
    (lambda k, D, H: 7, ("count W_x",)),
    (lambda k, D, H: {}[k], ("raised KeyError",)),
])
def test_param_count_mistakes_are_named(wrong, words):
    assert _says(ex3.check_param_count(wrong), *words)
