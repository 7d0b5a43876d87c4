"""The self-checks of lessons 6 and 7: a right answer passes, each likely mistake is named."""

import numpy as np
import pytest

from lstm_lesson.classroom.exercises import Feedback, lesson06, lesson07
from lstm_lesson.core.activations import softmax
from lstm_lesson.core.optim import clip_by_global_norm


def _says(capsys, feedback, ok, *words):
    """``feedback`` is a Feedback whose truth is ``ok`` and whose message names every word; the check
    printed nothing itself (the notebook prints the Feedback)."""
    assert isinstance(feedback, Feedback), type(feedback)
    assert capsys.readouterr().out == "", "a check returns its message instead of printing it"
    message = str(feedback)
    assert bool(feedback) is ok, message
    assert message.startswith("Correct: " if ok else "Not yet: "), message
    for w in words:
        assert w in message, f"expected {w!r} in the message: {message}"
    return message


# ------------------------------------------------------------------------ lesson 6, exercise 1
def _stable(logits, T):
    z = np.asarray(logits, dtype=float) / T
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


@pytest.mark.parametrize("fn, ok, words", [
    (_stable, True, ["softmax(logits / temperature)"]),
    (lesson06.reference_temperature, True, []),
    (lambda z, T: softmax(z), False, ["plain softmax", "divide the logits"]),
    (lambda z, T: softmax(np.asarray(z) * T), False, ["multiplied", "divide instead"]),
    (lambda z, T: np.exp(np.asarray(z) / T), False, ["sum to", "divide the exponentials"]),
    (lambda z, T: softmax(np.asarray(z) / T, axis=0), False, ["batch axis"]),
    (lambda z, T: (lambda e: e / e.sum(-1, keepdims=True))(np.exp(np.asarray(z) / T)), False, ["overflow"]),
    (lambda z, T: 1 / 0, False, ["ZeroDivisionError"]),
])
def test_check_temperature(capsys, fn, ok, words):
    with np.errstate(over="ignore", invalid="ignore"):  # the overflow mistake overflows on purpose
        _says(capsys, lesson06.check_temperature(fn), ok, *words)


# ------------------------------------------------------------------------ lesson 6, exercise 2
def _right(V, H, n):
    return sum(4 * (V if k == 0 else H) * H + 4 * H * H + 4 * H for k in range(n)) + H * V + V


@pytest.mark.parametrize("fn, ok, words", [
    (_right, True, ["4*input*H"]),
    (lambda V, H, n: sum((V if k == 0 else H) * H + H * H + H for k in range(n)) + H * V + V, False,
     ["four blocks"]),
    (lambda V, H, n: sum(4 * (V if k == 0 else H) * H + 4 * H * H for k in range(n)) + H * V, False,
     ["biases are missing"]),
    (lambda V, H, n: _right(V, H, n) - V, False, ["dense layer's bias"]),
    (lambda V, H, n: _right(V, H, n) - H * V - V, False, ["dense output layer is missing"]),
    (lambda V, H, n: n * (4 * V * H + 4 * H * H + 4 * H) + H * V + V, False, ["only layer 0 reads"]),
    (lambda V, H, n: sum(4 * (V if k == 0 else H) * H + 4 * H for k in range(n)) + H * V + V, False,
     ["recurrent weights W_h"]),
    (lambda V, H, n: 7, False, ["expected"]),
])
def test_check_char_model_param_count(capsys, fn, ok, words):
    _says(capsys, lesson06.check_char_model_param_count(fn), ok, *words)


# ------------------------------------------------------------------------ lesson 6, exercise 3
def _no_clip(model, opt, x, y, state, max_norm):
    loss, grads, final = model.loss_and_grads(x, y, state)
    opt.step(grads)
    return loss, final


def _clip_each(model, opt, x, y, state, max_norm):
    loss, grads, final = model.loss_and_grads(x, y, state)
    opt.step({k: clip_by_global_norm({k: g}, max_norm)[0][k] for k, g in grads.items()})
    return loss, final


def _zero_state(model, opt, x, y, state, max_norm):
    return lesson06.reference_train_step(model, opt, x, y, None, max_norm)


def _returns_given_state(model, opt, x, y, state, max_norm):
    loss, _ = lesson06.reference_train_step(model, opt, x, y, state, max_norm)
    return loss, state


def _no_update(model, opt, x, y, state, max_norm):
    loss, _, final = model.loss_and_grads(x, y, state)
    return loss, final


def _loss_after_update(model, opt, x, y, state, max_norm):
    _, final = lesson06.reference_train_step(model, opt, x, y, state, max_norm)
    return model.loss_and_grads(x, y, state)[0], final


@pytest.mark.parametrize("fn, ok, words", [
    (lesson06.reference_train_step, True, ["global norm", "final state"]),
    (_no_clip, False, ["not clipped"]),
    (_clip_each, False, ["on its own", "GLOBAL"]),
    (_zero_state, False, ["zero state", "carried state"]),
    (_returns_given_state, False, ["state you were given"]),
    (_no_update, False, ["did not change", "optimizer.step"]),
    (_loss_after_update, False, ["before the update"]),
])
def test_check_train_step(capsys, fn, ok, words):
    _says(capsys, lesson06.check_train_step(fn), ok, *words)


# ------------------------------------------------------------------------ lesson 6, exercise 4
@pytest.mark.parametrize("fn, ok, words", [
    (lesson06.reference_saturation, True, ["below 0.1 and above 0.9"]),
    (lambda g: ((g > 0.9).mean(), (g < 0.1).mean()), False, ["swapped"]),
    (lambda g: ((g < 0.1).sum(), (g > 0.9).sum()), False, ["counts"]),
    (lambda g: ((g <= 0.1).mean(), (g >= 0.9).mean()), False, ["strict"]),
    (lambda g: (0.5, 0.5), False, ["expected"]),
])
def test_check_saturation(capsys, fn, ok, words):
    _says(capsys, lesson06.check_saturation(fn), ok, *words)


# ------------------------------------------------------------------------ lesson 7, exercise 1
def _torch_export(W_x, W_h, b):
    return {"weight_ih_l0": W_x.T, "weight_hh_l0": W_h.T, "bias_ih_l0": b, "bias_hh_l0": np.zeros_like(b)}


def _keras_order(a, axis=-1):
    return lesson07._swap(a, a.shape[axis] // 4, "igfo", axis)


@pytest.mark.parametrize("fn, ok, words", [
    (_torch_export, True, ["transposed", "bias_ih + bias_hh = b"]),
    (lambda W_x, W_h, b: {**_torch_export(W_x, W_h, b), "bias_hh_l0": b}, False,
     ["BOTH biases"]),
    (lambda W_x, W_h, b: {**_torch_export(W_x, W_h, b), "weight_ih_l0": W_x}, False, ["transpose"]),
    (lambda W_x, W_h, b: {**_torch_export(W_x, W_h, b), "weight_hh_l0": _keras_order(W_h.T, 0)}, False,
     ["our i, g, f, o"]),
    (lambda W_x, W_h, b: {"W_x": W_x}, False, ["keys"]),
    (lambda W_x, W_h, b: {**_torch_export(W_x, W_h, b), "bias_ih_l0": b[:2], "bias_hh_l0": b[:2]}, False,
     ["shapes"]),
])
def test_check_torch_export(capsys, fn, ok, words):
    _says(capsys, lesson07.check_torch_export(fn), ok, *words)


# ------------------------------------------------------------------------ lesson 7, exercise 2
@pytest.mark.parametrize("fn, ok, words", [
    (lambda w_ih, w_hh, b_ih, b_hh: (w_ih.T, w_hh.T, b_ih + b_hh), True, ["bias_ih + bias_hh"]),
    (lambda w_ih, w_hh, b_ih, b_hh: (w_ih.T, w_hh.T, b_ih), False, ["only bias_ih"]),
    (lambda w_ih, w_hh, b_ih, b_hh: (w_ih.T, w_hh.T, b_hh), False, ["only bias_hh"]),
    (lambda w_ih, w_hh, b_ih, b_hh: (w_ih.T, w_hh.T, (b_ih + b_hh) / 2), False, ["mean"]),
    (lambda w_ih, w_hh, b_ih, b_hh: (w_ih, w_hh.T, b_ih + b_hh), False, ["W_x has PyTorch's shape"]),
    (lambda w_ih, w_hh, b_ih, b_hh: (w_ih.T, _keras_order(w_hh.T), b_ih + b_hh), False,
     ["W_h is wrong", "our i, g, f, o"]),
    (lambda w_ih, w_hh, b_ih, b_hh: None, False, ["returned None", "return"]),
])
def test_check_torch_import(capsys, fn, ok, words):
    _says(capsys, lesson07.check_torch_import(fn), ok, *words)


# ------------------------------------------------------------------------ lesson 7, exercise 3
def _tf1(W_x, W_h, b, forget_bias, *, order="igfo", subtract=True, stack="xh"):
    H = b.shape[0] // 4
    parts = [W_x, W_h] if stack == "xh" else [W_h, W_x]
    kernel = lesson07._swap(np.concatenate(parts), H, order)
    bias = lesson07._swap(b, H, order).copy()
    f = order.index("f")
    if subtract is not None:
        bias[f * H:(f + 1) * H] += -forget_bias if subtract else forget_bias
    return kernel, bias


@pytest.mark.parametrize("kw, ok, words", [
    ({}, True, ["i, j, f, o", "b_f - forget_bias"]),
    ({"stack": "hx"}, False, ["[W_h; W_x]"]),
    ({"order": "ifgo"}, False, ["keeps our gate order", "swap the 2nd and 3rd"]),
    ({"order": "iofg"}, False, ["our i, o, f, g"]),
    ({"subtract": None}, False, ["still holds our b_f"]),
    ({"subtract": False}, False, ["was added", "subtract it"]),
])
def test_check_tf1_export(capsys, kw, ok, words):
    _says(capsys, lesson07.check_tf1_export(lambda W_x, W_h, b, fb: _tf1(W_x, W_h, b, fb, **kw)), ok, *words)


def test_check_tf1_export_bias_order(capsys):
    def keeps_bias_order(W_x, W_h, b, fb):
        kernel, _ = _tf1(W_x, W_h, b, fb)
        H = b.shape[0] // 4
        return kernel, b - np.r_[0, 1, 0, 0].repeat(H) * fb

    _says(capsys, lesson07.check_tf1_export(keeps_bias_order), False, "bias keeps our gate order")
    _says(capsys, lesson07.check_tf1_export(lambda *a: (np.zeros((2, 2)), np.zeros(2))), False, "ONE kernel")


# ------------------------------------------------------------------------ one scheme for every lesson
def test_every_lesson_returns_the_same_feedback():
    from lstm_lesson.classroom.exercises import feedback, lesson01, lesson03, lesson05

    assert lesson01.Feedback is feedback.Feedback  # the old import path still works
    assert lesson05.check_one_hot(lambda ids, V: np.eye(V)[ids]) == feedback.right(
        "shape ids.shape + (vocab_size,), floats, one 1 per position, at the id")
    # lesson 3 counts one cell's parameters, lesson 6 the whole character model: distinct names
    assert not hasattr(lesson06, "check_param_count") and hasattr(lesson03, "check_param_count")
