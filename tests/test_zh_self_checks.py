"""The self-checks of lessons 1-7 speak Chinese when the package does (issue 14).

Nothing here invents new answers: the broken answers and the list of checks are the ones of
test_self_checks_broken_answers.py, the right answers and the named mistakes are the cases of the
existing English tests (test_exercises_*.py, test_batching.py, test_framework_fixtures.py), replayed in
Chinese. Each must get the same verdict as in English, in the Chinese voice ("正确：……。" or
"还不对：……"), with Chinese text after the prefix and the same numbers as the English message.
"""

import re

import numpy as np
import pytest
import test_batching as tb
import test_exercises_01_02 as t12
import test_exercises_03_04 as t34
import test_exercises_06_07 as t67
from test_self_checks_broken_answers import BROKEN, CHECKS, never_returns, raises, returns_text, takes_no_arguments

from lstm_lesson.classroom.exercises import (
    feedback,
    lesson01,
    lesson02,
    lesson03,
    lesson04,
    lesson05,
    lesson06,
    lesson07,
)
from lstm_lesson.classroom.exercises.feedback import Feedback
from lstm_lesson.classroom.exercises.lesson04_try import check_try_it
from lstm_lesson.core.language import set_language

CJK = re.compile(r"[\u4e00-\u9fff]")
NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?(?:e[+-]?\d+)?")


def _chinese(message: str, ok: bool) -> str:
    """Assert ``message`` is a Chinese verdict in the one voice; return the text after the prefix."""
    prefix = "正确：" if ok else "还不对："
    assert message.startswith(prefix), f"not in the Chinese voice: {message}"
    rest = message[len(prefix):]
    assert CJK.search(rest), f"no Chinese after the prefix: {message}"
    assert "Traceback" not in message and "Correct" not in message and "Not yet" not in message, message
    assert "." != message[-1], f"a Chinese message ends with a full-width stop: {message}"
    return rest


def _both(check, *answer):
    """The check's verdict in English, then in Chinese (the language is left in English)."""
    with np.errstate(over="ignore", invalid="ignore"):  # lesson 6's overflow mistake overflows on purpose
        english = check(*answer)
        set_language("zh")
        try:
            chinese = check(*answer)
        finally:
            set_language("en")
    assert isinstance(english, Feedback) and isinstance(chinese, Feedback)
    return english, chinese


def _same_verdict(english, chinese):
    assert bool(english) is bool(chinese), (english, chinese)
    assert not CJK.search(str(english)), f"Chinese in the English message: {english}"
    _chinese(str(chinese), bool(chinese))
    assert sorted(NUMBER.findall(str(english))) == sorted(NUMBER.findall(str(chinese))), \
        f"the numbers differ between\n  {english}\n  {chinese}"


@pytest.fixture
def short_time_limit(monkeypatch):
    monkeypatch.setattr(feedback, "TIME_LIMIT_SECONDS", 0.5)


# ----- the broken answers: every check, every kind ----------------------------------------------
@pytest.mark.parametrize("kind", list(BROKEN))
@pytest.mark.parametrize("name, check", CHECKS, ids=[n for n, _ in CHECKS])
def test_a_broken_answer_gets_a_chinese_verdict(name, check, kind, short_time_limit, chinese):
    result = check(BROKEN[kind])
    assert isinstance(result, Feedback) and not result, f"{name}({kind}): {result}"
    _chinese(str(result), False)


@pytest.mark.parametrize("name, check", [(n, c) for n, c in CHECKS if c.expects == "function"],
                         ids=[n for n, c in CHECKS if c.expects == "function"])
def test_what_happened_is_named_in_chinese(name, check, short_time_limit, chinese):
    assert "抛出了 KeyError" in str(check(raises)) and "values[\"missing\"]" in str(check(raises))
    assert "第 " in str(check(raises)) and " 行" in str(check(raises)), "the learner's line is named"
    assert "永远不会结束的循环" in str(check(never_returns)) and "0.5 秒" in str(check(never_returns))
    assert "必须正好接受" in str(check(takes_no_arguments))
    assert "这里要的是一个函数" in str(check(np.zeros(3)))


@pytest.mark.parametrize("name, check", [(n, c) for n, c in CHECKS if c.expects != "function"],
                         ids=[n for n, c in CHECKS if c.expects != "function"])
def test_numbers_answers_say_what_was_given_in_chinese(name, check, chinese):
    assert "收到的是 None" in str(check(None))
    assert "一个函数（returns_text）" in str(check(returns_text)) and "请调用它" in str(check(returns_text))
    assert "NaN" in str(check(float("nan")))
    assert "文本 '0.5'" in str(check("0.5"))


@pytest.mark.parametrize("kind", list(BROKEN))
def test_lesson04_try_it_with_broken_answers_in_chinese(kind, short_time_limit, chinese):
    for args in [(BROKEN[kind], 5, 3), (2, BROKEN[kind], 3), (2, 5, BROKEN[kind])]:
        result = check_try_it(*args)
        assert isinstance(result, Feedback) and not result, f"check_try_it{args!r}: {result}"
        _chinese(str(result), False)


# ----- the right answers, as the English tests give them ------------------------------------------
E, T2, CP = lesson01.RNN_EXAMPLE, t12.T, t12.CP


def _keras_reorder(a):
    H = len(a) // 3
    return np.concatenate([a[H:2 * H], a[:H], a[2 * H:]])


RIGHT = {
    "lesson01.check_concat_weights": np.vstack([E["W_h"], E["W_x"]]),
    "lesson01.check_rnn_state": t12.by_hand(),
    "lesson01.check_rnn_step": lambda x, h, W_x, W_h, b: np.tanh(x @ W_x + h @ W_h + b),
    "lesson01.check_memory_span": 44,
    "lesson02.check_forget_gate": T2["f"] * CP,
    "lesson02.check_learn_gate": round(T2["i"] * T2["g"], 3),
    "lesson02.check_cell_state": T2["c"],
    "lesson02.check_hidden_state": T2["h"],
    "lesson02.check_lstm_step": t12.reference_step,
    "lesson02.check_lstm_forward": t12._lstm_forward_variants()[0],
    "lesson03.check_gru_step": lambda x, h, p: lesson03.gru_variant(p, x, h),
    "lesson03.check_peephole_step": lambda x, h, c, p: lesson03.peephole_variant(p, x, h, c),
    "lesson03.check_param_count": lesson03.param_count_reference,
    "lesson04.check_rnn_jacobian": lesson04.rnn_jacobian_reference,
    "lesson04.check_vanishing_guaranteed": lesson04.vanishing_guaranteed_reference,
    "lesson04.check_clip": lesson04.clip_reference,
    "lesson04.check_carousel_factor": lesson04.carousel_factor_reference,
    "lesson05.check_batches": tb.get_batches,
    "lesson05.check_position": tb._position_reference,
    "lesson05.check_one_hot": lambda ids, V: np.eye(V)[ids],
    "lesson05.check_stateful": tb._stateful,
    "lesson06.check_temperature": t67._stable,
    "lesson06.check_char_model_param_count": t67._right,
    "lesson06.check_train_step": lesson06.reference_train_step,
    "lesson06.check_saturation": lesson06.reference_saturation,
    "lesson07.check_torch_export": t67._torch_export,
    "lesson07.check_torch_import": lambda w_ih, w_hh, b_ih, b_hh: (w_ih.T, w_hh.T, b_ih + b_hh),
    "lesson07.check_tf1_export": t67._tf1,
    "lesson07.check_keras_gru_bias": lambda bx, bh: np.stack([_keras_reorder(bx), _keras_reorder(bh)]),
}


def test_every_check_has_a_right_answer_here():
    assert sorted(RIGHT) == sorted(name for name, _ in CHECKS)


@pytest.mark.parametrize("name, check", CHECKS, ids=[n for n, _ in CHECKS])
def test_a_right_answer_is_correct_in_chinese(name, check):
    english, chinese = _both(check, RIGHT[name])
    assert english and chinese, (english, chinese)
    assert str(english).startswith("Correct: ") and str(chinese).endswith("。"), chinese
    _same_verdict(english, chinese)


def test_lesson04_try_it_right_answer_in_chinese():
    from lstm_lesson.classroom.exercises.lesson04_try import answers

    english, chinese = _both(check_try_it, *answers())
    assert english and chinese
    _same_verdict(english, chinese)
    vanish, grow, bias = answers()
    for wrong in [(vanish + 1, grow, bias), (vanish, grow - 1, bias), (vanish, grow, bias + 1), (None, grow, bias)]:
        _same_verdict(*_both(check_try_it, *wrong))


# ----- every named mistake of the English tests, replayed in Chinese -------------------------------
def _cases(test_fn):
    """The parameter sets of an existing test's @pytest.mark.parametrize, as dicts."""
    for mark in getattr(test_fn, "pytestmark", []):
        if mark.name == "parametrize":
            names = [n.strip() for n in mark.args[0].split(",")]
            for values in mark.args[1]:
                yield dict(zip(names, values))


def _with(fn, **kw):
    return lambda *a: fn(*a, **kw)


# (an existing English test of named mistakes, how one of its cases becomes (check, answer))
REPLAYED = [
    (t12.test_rnn_state_mistakes_are_named, lambda p: (lesson01.check_rnn_state, p["wrong"])),
    (t12.test_gate_mistakes_are_named, lambda p: (p["check"], p["wrong"])),
    (t12.test_lstm_step_mistakes_are_named, lambda p: (lesson02.check_lstm_step, _with(t12.reference_step,
                                                                                        **p["kwargs"]))),
    (t34.test_rnn_jacobian_mistakes_are_named, lambda p: (lesson04.check_rnn_jacobian, p["wrong"])),
    (t34.test_vanishing_guaranteed_mistakes_are_named, lambda p: (lesson04.check_vanishing_guaranteed, p["wrong"])),
    (t34.test_clip_mistakes_are_named, lambda p: (lesson04.check_clip, p["wrong"])),
    (t34.test_carousel_mistakes_are_named, lambda p: (lesson04.check_carousel_factor, p["wrong"])),
    (t34.test_gru_step_mistakes_are_named,
     lambda p: (lesson03.check_gru_step, lambda x, h, prm: lesson03.gru_variant(prm, x, h, **p["variation"]))),
    (t34.test_peephole_step_mistakes_are_named,
     lambda p: (lesson03.check_peephole_step,
                lambda x, h, c, prm: lesson03.peephole_variant(prm, x, h, c, **p["variation"]))),
    (t34.test_param_count_mistakes_are_named, lambda p: (lesson03.check_param_count, p["wrong"])),
    (tb.test_check_batches_names_the_mistake, lambda p: (lesson05.check_batches, p["fn"])),
    (tb.test_check_position_names_the_mistake, lambda p: (lesson05.check_position, p["fn"])),
    (tb.test_check_one_hot_names_the_mistake, lambda p: (lesson05.check_one_hot, p["fn"])),
    (tb.test_check_stateful_names_the_mistake, lambda p: (lesson05.check_stateful, p["fn"])),
    (t67.test_check_temperature, lambda p: (lesson06.check_temperature, p["fn"])),
    (t67.test_check_char_model_param_count, lambda p: (lesson06.check_char_model_param_count, p["fn"])),
    (t67.test_check_train_step, lambda p: (lesson06.check_train_step, p["fn"])),
    (t67.test_check_saturation, lambda p: (lesson06.check_saturation, p["fn"])),
    (t67.test_check_torch_export, lambda p: (lesson07.check_torch_export, p["fn"])),
    (t67.test_check_torch_import, lambda p: (lesson07.check_torch_import, p["fn"])),
    (t67.test_check_tf1_export, lambda p: (lesson07.check_tf1_export, _with(t67._tf1, **p["kw"]))),
]
_, LSTM_FORWARD_MISTAKES = t12._lstm_forward_variants()
MORE = [  # named mistakes the English tests check outside a parametrize list
    (lesson01.check_concat_weights, np.vstack([E["W_x"], E["W_h"]])),
    (lesson01.check_concat_weights, np.vstack([E["W_h"], E["W_x"]]).T),
    (lesson01.check_concat_weights, np.vstack([E["W_h"].T, E["W_x"]])),
    (lesson01.check_concat_weights, np.zeros((2, 2))),
    (lesson01.check_rnn_state, t12.by_hand() + 0.1),
    (lesson01.check_rnn_step, lambda x, h, W_x, W_h, b: np.tanh(x @ W_x + h @ W_h)),
    (lesson01.check_rnn_step, lambda x, h, W_x, W_h, b: np.tanh(x @ W_x + W_h @ h.T + b)),
    (lesson01.check_memory_span, 43),
    (lesson01.check_memory_span, 10),
    (lesson01.check_memory_span, 43.71),
    (lesson01.check_memory_span, round(np.log10(0.01) / np.log(0.9))),
    (lesson02.check_lstm_step, lambda *a: a[1]),
    (lesson02.check_lstm_step, lambda *a: (a[1][0], a[2][0])),
    (lesson02.check_lstm_step, lambda *a: (t12.reference_step(*a)[0] + 1, t12.reference_step(*a)[1])),
    (lesson02.check_lstm_step, lambda *a: (t12.reference_step(*a)[0], t12.reference_step(*a)[1] + 1)),
    (lesson02.check_lstm_step, lambda *a: t12.reference_step(*a, order="igfo")),
    *[(lesson02.check_lstm_forward, fn) for fn in LSTM_FORWARD_MISTAKES.values()],
    (lesson02.check_lstm_forward, lambda x, h0, c0, *a: (np.zeros((3, 5, 4)), h0)),
    (lesson02.check_lstm_forward, lambda x, h0, c0, *a: (np.zeros((3, 5, 4)), c0)),
    (lesson02.check_lstm_forward, lambda x, h0, c0, *a: (np.zeros((3, 5, 4)), np.zeros(2))),
    (lesson02.check_lstm_forward, lambda x, h0, c0, *a: (np.full((3, 5, 4), np.inf), c0)),
    (lesson02.check_lstm_forward, lambda x, h0, c0, *a: ("hs", {})),
    (lesson03.check_peephole_step, lambda x, h, c, p: h),
    (lesson07.check_tf1_export, lambda *a: (np.zeros((2, 2)), np.zeros(2))),
    (lesson07.check_keras_gru_bias, lambda bx, bh: np.stack([bx, bh])),
    (lesson07.check_keras_gru_bias, lambda bx, bh: np.stack([_keras_reorder(bh), _keras_reorder(bx)])),
    (lesson07.check_keras_gru_bias, lambda bx, bh: np.concatenate([_keras_reorder(bx), _keras_reorder(bh)])),
    (lesson07.check_keras_gru_bias, lambda bx, bh: np.zeros((3, 3))),
    (lesson07.check_keras_gru_bias, lambda bx, bh: np.zeros((2, 6))),
]
NAMED = [(f"{test.__name__}[{k}]", *make(p)) for test, make in REPLAYED for k, p in enumerate(_cases(test))] + \
        [(f"more[{k}]", check, answer) for k, (check, answer) in enumerate(MORE)]


def test_every_replayed_test_has_cases():
    assert all(list(_cases(test)) for test, _ in REPLAYED) and len(NAMED) > 150


@pytest.mark.parametrize("label, check, answer", NAMED, ids=[n for n, _, _ in NAMED])
def test_a_named_mistake_gets_the_same_verdict_in_chinese(label, check, answer):
    _same_verdict(*_both(check, answer))


# ----- a few named mistakes, word for word ------------------------------------------------------------
def test_lesson01_transposed_w_is_named_in_chinese(chinese):
    message = str(lesson01.check_concat_weights(np.vstack([E["W_h"], E["W_x"]]).T))
    assert message.startswith("还不对：W 的形状是 (2, 3)：你把它转置了") and "(3, 2)" in message, message
    assert "转置" in str(lesson01.check_concat_weights(np.vstack([E["W_h"].T, E["W_x"]])))


def test_lesson02_uses_the_notes_gate_names_in_chinese(chinese):
    assert "你的遗忘门 f·c_{t-1}" in str(lesson02.check_forget_gate(T2["i"] * CP))
    assert "c_{t-1}·i 而不是 c_{t-1}·f" in str(lesson02.check_forget_gate(T2["i"] * CP))
    assert "学习门" in str(lesson02.check_learn_gate(T2["g"]))
    assert "记忆门是把它们相加" in str(lesson02.check_cell_state(T2["forget_gate"] * T2["learn_gate"]))
    assert "使用门" in str(lesson02.check_hidden_state(T2["o"] * np.tanh(CP)))
    assert str(lesson02.check_cell_state(T2["c"])) == "正确：你的 c_t 算对了。"


def test_lesson03_and_07_name_the_convention_in_chinese(chinese):
    message = str(lesson03.check_gru_step(lambda x, h, p: lesson03.gru_variant(p, x, h, reset="before")))
    assert "1406.1078 v3" in message and "PyTorch" in message and "重置" in message, message
    assert "两个偏置" in str(lesson07.check_torch_export(lambda W_x, W_h, b: {**t67._torch_export(W_x, W_h, b),
                                                                            "bias_hh_l0": b}))


def test_one_voice_recognises_either_language():
    assert str(feedback.in_one_voice(Feedback(False, "Not yet: W is off"))) == "Not yet: W is off."
    set_language("zh")
    try:
        assert str(feedback.in_one_voice(Feedback(False, "Not yet: W 不对."))) == "还不对：W 不对。"
        assert str(feedback.in_one_voice(Feedback(True, "还不对：W 对了"))) == "正确：W 对了。"
        assert str(feedback.verdict(True, "W 对了")) == "正确：W 对了。"
        assert str(feedback.right("W")) == "正确：W。"
    finally:
        set_language("en")
    assert str(feedback.in_one_voice(Feedback(True, "正确：W"))) == "Correct: W."
