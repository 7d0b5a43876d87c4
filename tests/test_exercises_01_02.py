"""Lesson 1 and 2 self-checks: the right answer passes, and each usual mistake is named."""

import math

import numpy as np
import pytest

from lstm_lesson import LSTMCell, LSTMState, RNNCell, sigmoid
from lstm_lesson.classroom.exercises import lesson01 as L1
from lstm_lesson.classroom.exercises import lesson02 as L2

E = L1.RNN_EXAMPLE


# ----- lesson 1 -------------------------------------------------------------------------------
def test_feedback_is_truthy_only_when_right():
    assert L1.Feedback(True, "ok") and not L1.Feedback(False, "no")
    assert repr(L1.Feedback(False, "no")) == "no"


def test_concat_weights():
    assert L1.check_concat_weights(np.vstack([E["W_h"], E["W_x"]]))
    assert "h comes first" in str(L1.check_concat_weights(np.vstack([E["W_x"], E["W_h"]])))
    assert "transposed" in str(L1.check_concat_weights(np.vstack([E["W_h"], E["W_x"]]).T))
    assert "W_h is transposed" in str(L1.check_concat_weights(np.vstack([E["W_h"].T, E["W_x"]])))


def test_concat_form_equals_the_package_cell():
    cell = RNNCell(1, 2)
    cell.params.update(W_x=E["W_x"].copy(), W_h=E["W_h"].copy(), b=E["b"].copy())
    h, _ = cell.step(E["x"][None], E["h_prev"][None])
    W = np.vstack([E["W_h"], E["W_x"]])
    np.testing.assert_allclose(np.tanh(np.concatenate([E["h_prev"], E["x"]]) @ W + E["b"]), h[0])
    assert L1.check_rnn_state(h[0])


def by_hand(x=E["x"], h=E["h_prev"], W_x=E["W_x"], W_h=E["W_h"], b=E["b"], act=np.tanh):
    return act(x @ W_x + h @ W_h + b)


@pytest.mark.parametrize("wrong, word", [
    (by_hand(act=lambda a: a), "forgot the activation"),
    (by_hand(act=sigmoid), "sigmoid"),
    (by_hand(b=0 * E["b"]), "forgot the bias"),
    (by_hand(h=0 * E["h_prev"]), "left out the memory term"),
    (by_hand(x=0 * E["x"]), "left out the input term"),
    (by_hand(W_h=E["W_h"].T), "W_h is transposed"),
])
def test_rnn_state_mistakes_are_named(wrong, word):
    fb = L1.check_rnn_state(wrong)
    assert not fb and word in str(fb)


def test_rnn_state_accepts_three_decimals_and_rejects_bad_shapes():
    assert L1.check_rnn_state(by_hand().round(3))
    assert "expected shape (2,)" in str(L1.check_rnn_state([0.1, 0.2, 0.3]))
    assert "not by one of the usual" in str(L1.check_rnn_state(by_hand() + 0.1))


def test_rnn_step_function():
    assert L1.check_rnn_step(lambda x, h, W_x, W_h, b: np.tanh(x @ W_x + h @ W_h + b))
    fb = L1.check_rnn_step(lambda x, h, W_x, W_h, b: np.tanh(x @ W_x + h @ W_h))
    assert not fb and "the bias b" in str(fb) and "forgot the bias" in str(fb)
    fb = L1.check_rnn_step(lambda x, h, W_x, W_h, b: np.tanh(x @ W_x + W_h @ h.T + b))
    assert not fb and "raised" in str(fb)  # a shape error is reported, not raised
    fb = L1.check_rnn_step(lambda x, h, W_x, W_h, b: x @ W_x + h @ W_h + b)
    assert "forgot the activation" in str(fb)


def test_memory_span():
    assert L1.memory_span_reference(0.9) == 44  # 0.9**43 = 0.0108 > 0.01 > 0.9**44 = 0.0097
    assert 0.9 ** 43 > 0.01 > 0.9 ** 44
    assert L1.check_memory_span(44)
    assert "round t up" in str(L1.check_memory_span(43))
    assert "time constant" in str(L1.check_memory_span(10))
    assert "log-base" in str(L1.check_memory_span(round(math.log10(0.01) / math.log(0.9))))
    assert "whole number" in str(L1.check_memory_span(43.71))
    assert L1.check_memory_span(7, scale=0.5)


# ----- lesson 2 -------------------------------------------------------------------------------
T = L2.example_terms()
X, HP, CP = L2.GATE_EXAMPLE["x"], L2.GATE_EXAMPLE["h_prev"], L2.GATE_EXAMPLE["c_prev"]
B = L2.GATE_EXAMPLE["biases"]


def sig(a):
    return 1 / (1 + math.exp(-a))


def test_example_terms_by_hand():
    i, f = sig(X + HP + B["i"]), sig(X + HP + B["f"])
    g, o = math.tanh(X + HP + B["g"]), sig(X + HP + B["o"])
    c = f * CP + i * g
    assert (T["i"], T["f"], T["g"], T["o"], T["c"], T["h"]) == pytest.approx((i, f, g, o, c, o * math.tanh(c)))


def test_references_pass():
    assert L2.check_forget_gate(T["f"] * CP)
    assert L2.check_learn_gate(round(T["i"] * T["g"], 3))
    assert L2.check_cell_state(T["c"])
    assert L2.check_hidden_state(T["h"])


@pytest.mark.parametrize("check, wrong, word", [
    (L2.check_forget_gate, T["f"], "f_t alone"),
    (L2.check_forget_gate, math.tanh(X + HP + B["f"]) * CP, "used tanh"),
    (L2.check_forget_gate, sig(X + HP) * CP, "forgot the bias b_f"),
    (L2.check_forget_gate, T["i"] * CP, "c_{t-1}·i instead of c_{t-1}·f"),
    (L2.check_forget_gate, T["f"] * HP, "h_{t-1} (short-term)"),
    (L2.check_learn_gate, T["g"], "candidate g_t alone"),
    (L2.check_learn_gate, T["i"], "i_t alone"),
    (L2.check_learn_gate, T["i"] * sig(X + HP + B["g"]), "sigmoid for the candidate"),
    (L2.check_learn_gate, T["f"] * T["g"], "f_t where i_t goes"),
    (L2.check_cell_state, CP * T["i"] + T["i"] * T["g"], "c_{t-1}·i instead of c_{t-1}·f"),
    (L2.check_cell_state, T["i"] * T["g"], "dropped the forget gate term"),
    (L2.check_cell_state, T["f"] * CP, "dropped the learn gate term"),
    (L2.check_cell_state, T["f"] * CP * T["i"] * T["g"], "ADDS"),
    (L2.check_cell_state, T["f"] * HP + T["i"] * T["g"], "h_{t-1} where c_{t-1} goes"),
    (L2.check_cell_state, math.tanh(T["c"]), "applied tanh"),
    (L2.check_hidden_state, T["o"] * T["c"], "forgot the tanh"),
    (L2.check_hidden_state, T["o"] * math.tanh(CP), "old cell"),
    (L2.check_hidden_state, math.tanh(T["c"]), "forgot the output gate"),
])
def test_gate_mistakes_are_named(check, wrong, word):
    fb = check(wrong)
    assert not fb and word in str(fb), str(fb)


def reference_step(x, h, c, W_x, W_h, b, *, order="ifgo", tanh_h=True, swap=False):
    H = h.shape[1]
    a = x @ W_x + h @ W_h + b
    k = {name: a[:, j * H:(j + 1) * H] for j, name in enumerate(order)}
    i, f, g, o = sigmoid(k["i"]), sigmoid(k["f"]), np.tanh(k["g"]), sigmoid(k["o"])
    c_new = f * c + i * g
    h_new = o * (np.tanh(c_new) if tanh_h else c_new)
    return (c_new, h_new) if swap else (h_new, c_new)


def test_lstm_step_reference_passes_and_equals_the_package():
    assert L2.check_lstm_step(reference_step)
    cell = LSTMCell(2, 3, seed=0)
    x, h, c = np.ones((1, 2)), np.zeros((1, 3)), np.ones((1, 3))
    (h1, c1), _ = cell.step(x, LSTMState(h, c))
    h2, c2 = reference_step(x, h, c, cell.params["W_x"], cell.params["W_h"], cell.params["b"])
    np.testing.assert_allclose(h1, h2)
    np.testing.assert_allclose(c1, c2)


@pytest.mark.parametrize("kwargs, word", [
    (dict(order="igfo"), "TensorFlow 1's order"),
    (dict(order="fiog"), "order f, i, o, g"),
    (dict(tanh_h=False), "forgot the tanh"),
    (dict(swap=True), "returned (c, h)"),
])
def test_lstm_step_mistakes_are_named(kwargs, word):
    fb = L2.check_lstm_step(lambda *a: reference_step(*a, **kwargs))
    assert not fb and word in str(fb), str(fb)


def test_lstm_step_reports_crashes_and_wrong_returns():
    def broken(*args):
        raise RuntimeError("not yet")

    assert "raised RuntimeError: not yet" in str(L2.check_lstm_step(broken))
    assert "return a pair (h, c)" in str(L2.check_lstm_step(lambda *a: a[1]))
    assert "shape (batch, hidden)" in str(L2.check_lstm_step(lambda *a: (a[1][0], a[2][0])))

    def c_with_i(x, h, c, W_x, W_h, b):
        H = h.shape[1]
        a = x @ W_x + h @ W_h + b
        i, g, o = sigmoid(a[:, :H]), np.tanh(a[:, 2 * H:3 * H]), sigmoid(a[:, 3 * H:])
        c_new = i * c + i * g
        return o * np.tanh(c_new), c_new

    assert "c_{t-1}·i instead of c_{t-1}·f" in str(L2.check_lstm_step(c_with_i))


# ----- lesson 2, exercise 6: the loop over time ----------------------------------------------
def _lstm_forward_variants():
    from lstm_lesson.core.activations import sigmoid

    def step(x, h, c, W_x, W_h, b):
        H = h.shape[1]
        a = x @ W_x + h @ W_h + b
        i, f, g, o = sigmoid(a[:, :H]), sigmoid(a[:, H:2 * H]), np.tanh(a[:, 2 * H:3 * H]), sigmoid(a[:, 3 * H:])
        c = f * c + i * g
        return o * np.tanh(c), c

    def good(x, h0, c0, W_x, W_h, b):
        h, c, hs = h0, c0, []
        for t in range(x.shape[1]):
            h, c = step(x[:, t], h, c, W_x, W_h, b)
            hs.append(h)
        return np.stack(hs, axis=1), c

    def fresh(x, h0, c0, W_x, W_h, b):
        return np.stack([step(x[:, t], h0, c0, W_x, W_h, b)[0] for t in range(x.shape[1])], axis=1), c0

    def no_c(x, h0, c0, W_x, W_h, b):
        h, hs = h0, []
        for t in range(x.shape[1]):
            h, _ = step(x[:, t], h, c0, W_x, W_h, b)
            hs.append(h)
        return np.stack(hs, axis=1), c0

    def time_first(*args):
        hs, c = good(*args)
        return hs.transpose(1, 0, 2), c

    def last_h(*args):
        hs, _ = good(*args)
        return hs, hs[:, -1]

    return good, {"starts again": fresh, "carry h but not c": no_c, "batch-first": time_first,
                  "h_T where c_T": last_h, "expected a function": None, "pair": lambda *a: None,
                  "x[:, t]": lambda x, *a: good(x.transpose(1, 0, 2), *a)}


def test_lstm_forward_check_accepts_the_loop_and_names_each_mistake():
    from lstm_lesson.classroom.exercises.lesson02 import check_lstm_forward

    good, mistakes = _lstm_forward_variants()
    assert check_lstm_forward(good)
    for words, wrong in mistakes.items():
        feedback = check_lstm_forward(wrong)
        assert not feedback and words in feedback.message, (words, feedback.message)
