"""Bad input gets a clear error naming the argument, what was expected and what was given,
never a broadcasting error from deep inside numpy."""

import numpy as np
import pytest

import lstm_lesson as L

lstm = L.LSTMCell(3, 4)
rnn = L.RNNCell(3, 4)

CASES = [
    # (call, exception, words that must appear in the message)
    (lambda: L.LSTMCell(0, 4), ValueError, ["input_size", "positive", "0"]),
    (lambda: L.LSTMCell(3, -2), ValueError, ["hidden_size", "positive", "-2"]),
    (lambda: L.RNNCell(3.5, 2), TypeError, ["input_size", "integer", "3.5"]),
    (lambda: L.GRUCell(3, 4, dtype=np.int32), TypeError, ["dtype", "float32 or float64", "int32"]),
    (lambda: L.LSTMCell(3, 4, forget_bias="big"), TypeError, ["forget_bias", "real number", "big"]),
    (lambda: L.LSTMCell(3, 4, seed=1.5), TypeError, ["seed", "integer", "1.5"]),
    (lambda: lstm.step(np.ones((2, 5)), None), ValueError, ["x", "input_size=3", "(2, 5)"]),
    (lambda: lstm.step(np.ones(3), None), ValueError, ["x", "2 dimensions", "(3,)"]),
    (lambda: lstm.step(np.ones((2, 3)), np.zeros((2, 4))), TypeError, ["state", "LSTMState", "ndarray"]),
    (lambda: lstm.step(np.ones((2, 3)), L.LSTMState(np.zeros((2, 4)), np.zeros((3, 4)))), ValueError,
     ["state.c", "batch=2", "(3, 4)"]),
    (lambda: rnn.step(np.ones((2, 3), np.float32), None), TypeError, ["x", "float64", "float32"]),
    (lambda: L.dynamic_rnn(lstm, np.ones((2, 3))), ValueError, ["inputs", "3 dimensions", "(2, 3)"]),
    (lambda: L.dynamic_rnn(lstm, np.ones((2, 5, 2))), ValueError, ["inputs", "input_size=3", "(2, 5, 2)"]),
    (lambda: L.dynamic_rnn(lstm, np.ones((2, 0, 3))), ValueError, ["inputs", "at least one time step"]),
    (lambda: L.dynamic_rnn("lstm", np.ones((2, 5, 3))), TypeError, ["cell", "got str"]),
    (lambda: L.dynamic_rnn(rnn, np.ones((2, 5, 3)), np.zeros((3, 4))), ValueError,
     ["initial_state", "batch=2", "(3, 4)"]),
    (lambda: L.MultiRNNCell([]), ValueError, ["cells", "non-empty"]),
    (lambda: L.MultiRNNCell([L.LSTMCell(3, 4), L.LSTMCell(5, 4)]), ValueError,
     ["cells[1].input_size", "4", "5"]),
    (lambda: L.MultiRNNCell([lstm, lstm]), ValueError, ["cells[1]", "same cell"]),
    (lambda: L.MultiRNNCell([L.LSTMCell(3, 4), L.LSTMCell(4, 4, dtype=np.float32)]), TypeError,
     ["cells[1].dtype", "float64", "float32"]),
    (lambda: L.MultiRNNCell([lstm, "gru"]), TypeError, ["cells[1]", "str"]),
    (lambda: L.softmax_cross_entropy(np.zeros((2, 3, 5)), np.zeros((2, 4), int)), ValueError,
     ["targets", "(2, 3)", "(2, 4)"]),
    (lambda: L.softmax_cross_entropy(np.zeros((2, 5)), np.array([1, 7])), ValueError,
     ["targets", "[0, 5)", "7"]),
    (lambda: L.softmax_cross_entropy(np.zeros((2, 5)), np.array([1.0, 2.0])), TypeError,
     ["targets", "integer", "float64"]),
    (lambda: L.clip_by_global_norm({"a": np.ones(2)}, -1.0), ValueError, ["max_norm", "positive", "-1"]),
    (lambda: L.Adam({"w": np.ones(2)}, lr=0), ValueError, ["lr", "positive", "0"]),
    (lambda: L.Adam({"w": np.ones(2)}).step({"w": np.ones(3)}), ValueError, ["grads['w']", "(2,)", "(3,)"]),
    (lambda: L.CharModel(10, 8, cell="transformer"), ValueError, ["cell", "lstm", "transformer"]),
    (lambda: L.CharModel(10, 8, cell=["lstm"]), ValueError, ["cell", "lstm", "['lstm']"]),
    (lambda: L.Adam({"w": np.ones(2)}, betas=(1.0, 0.999)), ValueError, ["betas[0]", "[0, 1)", "1.0"]),
    (lambda: L.Adam({"w": np.ones(2)}, betas=0.9), TypeError, ["betas", "pair", "0.9"]),
    (lambda: L.Adam({"w": np.ones(2)}, eps=0.0), ValueError, ["eps", "positive", "0.0"]),
    (lambda: L.Adam({"w": np.ones(2)}).step([np.ones(2)]), TypeError, ["grads", "dict", "list"]),
    (lambda: L.CharModel(10, 8).sample(3, 5), TypeError, ["start_ids", "list", "int"]),
    (lambda: L.Dense(3, 2).backward(np.ones((4, 3)), np.ones((5, 2))), ValueError, ["h, d_y", "(4, 3)", "(5, 2)"]),
    (lambda: L.CharModel(10, 8).forward(np.array([[1, 12]])), ValueError, ["x_ids", "[0, 10)", "12"]),
    (lambda: L.CharModel(10, 8).sample([1], 5, temperature=0), ValueError, ["temperature", "positive", "0.0"]),
    (lambda: L.set_threads(0), ValueError, ["n", "positive"]),
]


@pytest.mark.parametrize("call, exc, words", CASES, ids=[f"case{k}" for k in range(len(CASES))])
def test_bad_input_is_named(call, exc, words):
    with pytest.raises(exc) as info:
        call()
    msg = str(info.value)
    missing = [w for w in words if w not in msg]
    assert not missing, f"message {msg!r} should mention {missing}"


def test_step_backward_needs_a_step_record():
    _, rec = lstm.step(np.ones((1, 3)))
    rec.x = None
    with pytest.raises(ValueError, match="record"):
        lstm.step_backward(lstm.zero_state(1), rec)
