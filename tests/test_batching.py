"""get_batches, batch_layout, random_windows and one_hot: the notes' example and its invariants.

With ``arr = np.arange(L)`` an element's value is its index, so "y is the next element" reads
``y == x + 1`` and a wrong layout shows up as wrong numbers.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lstm_lesson.core.batching import (
    batch_layout,
    batch_plan,
    describe_batches,
    get_batches,
    num_batches,
    one_hot,
    random_windows,
)

# ---------------------------------------------------------------- the notes' example, exactly
NOTES = dict(length=1000, batch_size=10, n_steps=20)


def test_notes_example_count_and_shapes():
    batches = list(get_batches(np.arange(1000), 10, 20))
    assert len(batches) == 4 == num_batches(1000, 10, 20), (
        "the notes' 10 x 100 grid gives 5 windows, but the 5th y would need element 1000, which "
        "does not exist: only 4 full batches have a successor for every input")
    for k, (x, y) in enumerate(batches):
        assert x.shape == (10, 20), f"batch {k}: x has shape {x.shape}, expected (batch_size, n_steps)"
        assert y.shape == (10, 20), (f"batch {k}: y has shape {y.shape}, expected (10, 20) "
                                     "(the notes' bug: the last y is one column short)")


def test_notes_example_first_and_last_windows():
    batches = list(get_batches(np.arange(1000), 10, 20))
    x0, y0 = batches[0]
    np.testing.assert_array_equal(x0[0], np.arange(0, 20), err_msg="batch 0, row 0 must be s[0:20]")
    np.testing.assert_array_equal(y0[0], np.arange(1, 21), err_msg="y is not shifted by one")
    np.testing.assert_array_equal(x0[:, 0], np.arange(0, 800, 80),
                                  err_msg="rows must be contiguous segments of 80 (4 batches x 20), "
                                          "not interleaved elements")
    x3, y3 = batches[-1]
    np.testing.assert_array_equal(x3[9], np.arange(780, 800), err_msg="the last input must be index 799")
    np.testing.assert_array_equal(y3[9], np.arange(781, 801), err_msg="the last target must be index 800")


def test_notes_example_plan_and_description():
    plan = batch_plan(**NOTES)
    assert (plan.n_batches, plan.row_length, plan.n_inputs, plan.n_dropped) == (4, 80, 800, 200)
    text = describe_batches(**NOTES)
    assert "4 batches" in text and "800..999" in text and "199" in text and "1001" in text, text
    assert num_batches(1001, 10, 20) == 5, "with one more element (a successor for 999) the notes' 5 batches fit"


def test_accepts_lists_and_str():
    from_list = list(get_batches(list(range(41)), 2, 5))
    from_arr = list(get_batches(np.arange(41), 2, 5))
    assert len(from_list) == len(from_arr) == 4
    for (xl, yl), (xa, ya) in zip(from_list, from_arr, strict=True):
        np.testing.assert_array_equal(xl, xa)
        np.testing.assert_array_equal(yl, ya)
    (x, y), = get_batches("abcdefg", 2, 3)
    assert ["".join(r) for r in x] == ["abc", "def"] and ["".join(r) for r in y] == ["bcd", "efg"]


def test_batches_are_copies():
    arr = np.arange(21)
    x, y = next(get_batches(arr, 2, 10))
    x[:] = -1
    assert arr.min() == 0, "changing a batch must not change the learner's sequence"


# ---------------------------------------------------------------- properties (hypothesis)
sizes = st.tuples(st.integers(1, 300), st.integers(1, 8), st.integers(1, 12)).filter(
    lambda t: num_batches(*t) > 0)


@settings(max_examples=150, deadline=None)
@given(sizes)
def test_property_shapes_and_next_element(t):
    length, B, T = t
    batches = list(get_batches(np.arange(length), B, T))
    assert len(batches) == (length - 1) // (B * T)
    for k, (x, y) in enumerate(batches):
        assert x.shape == y.shape == (B, T), f"batch {k}: shapes {x.shape}, {y.shape}, expected {(B, T)}"
        assert np.all(y == x + 1), f"batch {k}: y is not the element after x (shifted the wrong way or not at all?)"


@settings(max_examples=150, deadline=None)
@given(sizes)
def test_property_covered_is_everything_but_the_tail(t):
    length, B, T = t
    seen = np.concatenate([x.ravel() for x, _ in get_batches(np.arange(length), B, T)])
    assert len(np.unique(seen)) == len(seen), "an element was used as input twice"
    plan = batch_plan(length, B, T)
    np.testing.assert_array_equal(np.sort(seen), np.arange(plan.n_inputs),
                                  err_msg="the inputs must be exactly indices 0..n_inputs-1; only the tail is dropped")
    assert plan.n_dropped == length - plan.n_inputs
    assert 1 <= plan.n_dropped <= B * T, "the dropped tail is at least the last element and less than a batch + 1"


@settings(max_examples=150, deadline=None)
@given(sizes)
def test_property_row_r_continues_across_batches(t):
    length, B, T = t
    xs = [x for x, _ in get_batches(np.arange(length), B, T)]
    for k in range(1, len(xs)):
        np.testing.assert_array_equal(xs[k][:, 0], xs[k - 1][:, -1] + 1,
                                      err_msg=f"row r of batch {k} does not continue row r of batch {k - 1}: "
                                              "the carried state (h, c) would be wrong")


@settings(max_examples=150, deadline=None)
@given(sizes)
def test_property_layout_matches_batches(t):
    length, B, T = t
    layout = batch_layout(length, B, T)
    assert layout.shape == (length, 3)
    for k, (x, _) in enumerate(get_batches(np.arange(length), B, T)):
        rr, jj = np.meshgrid(np.arange(B), np.arange(T), indexing="ij")
        np.testing.assert_array_equal(layout[x], np.stack([np.full_like(rr, k), rr, jj], axis=-1),
                                      err_msg=f"batch_layout disagrees with get_batches in batch {k}")
    dropped = np.flatnonzero(layout[:, 0] < 0)
    np.testing.assert_array_equal(dropped, np.arange(batch_plan(length, B, T).n_inputs, length))


def test_layout_of_a_too_short_sequence_is_all_dropped():
    assert (batch_layout(5, 2, 3) == -1).all()
    assert batch_layout(0, 2, 3).shape == (0, 3)


@settings(max_examples=100, deadline=None)
@given(st.integers(2, 200), st.integers(1, 6), st.integers(1, 10), st.integers(0, 2**31))
def test_property_random_windows(length, B, T, seed):
    if length < T + 1:
        return
    for x, y in random_windows(np.arange(length), B, T, seed=seed, count=3):
        assert x.shape == y.shape == (B, T)
        assert np.all(y == x + 1), "a random window's y is not the element after x"
        assert np.all(np.diff(x, axis=1) == 1), "a random window must be a contiguous slice of the sequence"
        assert x.min() >= 0 and y.max() <= length - 1


def test_random_windows_reproducible_and_default_count():
    a = [x for x, _ in random_windows(np.arange(1000), 10, 20, seed=3)]
    b = [x for x, _ in random_windows(np.arange(1000), 10, 20, seed=3)]
    assert len(a) == 4, "by default random_windows reads as many batches as get_batches"
    assert all(np.array_equal(p, q) for p, q in zip(a, b, strict=True)), "the same seed must give the same windows"
    c = [x for x, _ in random_windows(np.arange(1000), 10, 20, seed=4)]
    assert not all(np.array_equal(p, q) for p, q in zip(a, c, strict=True))
    starts = np.concatenate([x[:, 0] for x, _ in random_windows(np.arange(30), 50, 9, seed=0, count=20)])
    assert starts.min() == 0 and starts.max() == 30 - 9 - 1, "every start 0..L-T-1 must be possible"


# ---------------------------------------------------------------- one_hot
def test_one_hot_values():
    ids = np.array([[0, 2], [1, 1]])
    oh = one_hot(ids, 3)
    assert oh.shape == (2, 2, 3) and oh.dtype == np.float32
    np.testing.assert_array_equal(oh.argmax(-1), ids, err_msg="the 1 must sit at the id (off by one?)")
    np.testing.assert_array_equal(oh.sum(-1), np.ones((2, 2)), err_msg="exactly one 1 per position")
    assert one_hot(2, 4, dtype=np.float64).tolist() == [0.0, 0.0, 1.0, 0.0]
    assert one_hot(np.array([], dtype=int), 3).shape == (0, 3)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(0, 9), min_size=1, max_size=30))
def test_property_one_hot_roundtrip(ids):
    oh = one_hot(ids, 10)
    assert oh.shape == (len(ids), 10)
    assert oh.argmax(-1).tolist() == ids and oh.sum() == len(ids)


# ---------------------------------------------------------------- bad input
@pytest.mark.parametrize("call, exc, words", [
    (lambda: get_batches(np.zeros((10, 100), int), 10, 20), ValueError, ["arr", "1-D", "(10, 100)"]),
    (lambda: get_batches(np.arange(1000), 0, 20), ValueError, ["batch_size", "positive", "0"]),
    (lambda: get_batches(np.arange(1000), 10, -3), ValueError, ["n_steps", "positive", "-3"]),
    (lambda: get_batches(np.arange(1000), 10.0, 20), TypeError, ["batch_size", "positive integer", "10.0"]),
    (lambda: get_batches(np.arange(1000), 10, "20"), TypeError, ["n_steps", "'20'"]),
    (lambda: get_batches(np.arange(1000), True, 20), TypeError, ["batch_size", "True"]),
    (lambda: get_batches(np.arange(200), 10, 20), ValueError, ["arr", "201", "got 200"]),
    (lambda: get_batches(np.arange(5), 1, 5), ValueError, ["arr", "6", "got 5"]),
    (lambda: get_batches(42, 1, 1), TypeError, ["arr", "int"]),
    (lambda: get_batches([[1, 2], [3]], 1, 1), ValueError, ["arr", "ragged"]),
    (lambda: random_windows(np.arange(10), 2, 10), ValueError, ["arr", "11", "got 10"]),
    (lambda: random_windows(np.arange(100), 2, 10, seed=1.5), TypeError, ["seed", "1.5"]),
    (lambda: random_windows(np.arange(100), 2, 10, count=0), ValueError, ["count", "0"]),
    (lambda: one_hot([0, 3], 3), ValueError, ["ids", "[0, 3)", "3"]),
    (lambda: one_hot([-1, 0], 3), ValueError, ["ids", "-1"]),
    (lambda: one_hot([0.0, 1.0], 3), TypeError, ["ids", "integer", "float64"]),
    (lambda: one_hot([0, 1], 0), ValueError, ["vocab_size", "positive", "0"]),
    (lambda: one_hot([0, 1], 3, dtype=np.int32), TypeError, ["dtype", "float32", "int32"]),
    (lambda: num_batches(-1, 2, 3), ValueError, ["length", "-1"]),
    (lambda: num_batches(10.5, 2, 3), TypeError, ["length", "10.5"]),
])
def test_bad_input_names_argument_expected_and_got(call, exc, words):
    with pytest.raises(exc) as info:
        call()
    for w in words:
        assert w in str(info.value), f"message {str(info.value)!r} should mention {w!r}"


def test_bad_input_raises_at_call_not_at_first_next():
    with pytest.raises(ValueError):
        get_batches(np.arange(3), 2, 2)  # no next(): a generator function would not raise here
    with pytest.raises(ValueError):
        random_windows(np.arange(3), 2, 5)


# ---------------------------------------------------------------- lesson 5 self-checks name the mistake
from lstm_lesson.classroom.exercises import Feedback, lesson05  # noqa: E402
from lstm_lesson.core.cells import LSTMCell  # noqa: E402
from lstm_lesson.core.unrolling import dynamic_rnn  # noqa: E402


def _says(feedback, words, capsys):
    """The check returns a Feedback, true only when ``words`` starts with "Correct", whose message holds
    every word; it prints nothing itself (the notebook prints the Feedback)."""
    assert isinstance(feedback, Feedback), type(feedback)
    assert capsys.readouterr().out == "", "a check returns its message instead of printing it"
    ok = words[0] == "Correct"
    assert bool(feedback) is ok and str(feedback).startswith("Correct: " if ok else "Not yet: "), feedback
    for w in words:
        assert w in str(feedback), feedback


def _notes_loop(arr, batch_size, n_steps, n_batches=None, shift=1):
    """The notes' loop with ``n`` defined: reshape to rows, cut windows of n_steps columns."""
    arr = np.asarray(arr).reshape((batch_size, -1))
    n_batches = arr.shape[1] // n_steps if n_batches is None else n_batches
    for i in range(n_batches):
        yield arr[:, n_steps * i:n_steps * i + n_steps], arr[:, n_steps * i + shift:n_steps * i + n_steps + shift]


def _fresh_chunks(arr, batch_size, n_steps):
    arr = np.asarray(arr)
    per = batch_size * n_steps
    for k in range((len(arr) - 1) // per):
        yield arr[k * per:(k + 1) * per].reshape(batch_size, n_steps), arr[k * per + 1:(k + 1) * per + 1].reshape(
            batch_size, n_steps)


def _interleaved(arr, batch_size, n_steps):
    arr = np.asarray(arr)
    n = (len(arr) - 1) // (batch_size * n_steps) * batch_size * n_steps
    xr, yr = arr[:n].reshape(-1, batch_size).T, arr[1:n + 1].reshape(-1, batch_size).T
    for k in range(xr.shape[1] // n_steps):
        yield xr[:, k * n_steps:(k + 1) * n_steps], yr[:, k * n_steps:(k + 1) * n_steps]


def _wrapping(arr, batch_size, n_steps):
    for x, y in get_batches(arr, batch_size, n_steps):
        y = y.copy()
        y[:, -1] = x[:, 0]  # the tempting "fix" of the short last column
        yield x, y


def _unshifted(arr, batch_size, n_steps):
    for x, _ in get_batches(arr, batch_size, n_steps):
        yield x, x


def _undefined_n(arr, batch_size, n_steps):
    arr = np.asarray(arr).reshape((batch_size, -1))
    for i in range(5):
        yield arr[:, n * i:n * i + n_steps], arr[:, n * i + 1:n * i + n_steps + 1]  # noqa: F821 - the notes' bug


@pytest.mark.parametrize("fn, words", [
    (get_batches, ["Correct"]),
    (_undefined_n, ["NameError", "undefined name"]),
    (lambda a, b, t: _notes_loop(a, b, t), ["batch 4", "y has shape (10, 19)", "last element has no successor"]),
    (lambda a, b, t: _notes_loop(a, b, t, n_batches=4, shift=0), ["y is not shifted by one"]),
    (lambda a, b, t: ((x, x - 1) for x, _ in get_batches(a, b, t)), ["shifted the wrong way"]),
    (_wrapping, ["wraps around"]),
    (_unshifted, ["not shifted by one"]),
    (_interleaved, ["interleaved instead of contiguous"]),
    (_fresh_chunks, ["does not continue row r of batch"]),
])
def test_check_batches_names_the_mistake(fn, words, capsys):
    _says(lesson05.check_batches(fn), words, capsys)


def test_check_batches_accepts_the_notes_layout_with_a_note(capsys):
    def notes_layout(arr, batch_size, n_steps):  # the notes' rows, each row's unused tail dropped
        arr = np.asarray(arr)
        n_batches = num_batches(len(arr), batch_size, n_steps)
        row = (len(arr) - 1) // batch_size
        x_rows = arr[:row * batch_size].reshape(batch_size, row)
        y_rows = arr[1:row * batch_size + 1].reshape(batch_size, row)
        for k in range(n_batches):
            yield x_rows[:, k * n_steps:(k + 1) * n_steps], y_rows[:, k * n_steps:(k + 1) * n_steps]

    _says(lesson05.check_batches(notes_layout), ["Correct", "laid out differently"], capsys)


def _position_reference(p, length, batch_size, n_steps):
    return tuple(batch_layout(length, batch_size, n_steps)[p])


def _position_notes_rows(p, length, batch_size, n_steps):
    R = (length // batch_size)
    if p >= num_batches(length, batch_size, n_steps) * batch_size * n_steps:
        return (-1, -1, -1)
    return ((p % R) // n_steps, p // R, p % n_steps)


def _position_no_tail(p, length, batch_size, n_steps):
    R = num_batches(length, batch_size, n_steps) * n_steps
    return ((p % R) // n_steps, p // R, p % n_steps)


def _position_interleaved(p, length, batch_size, n_steps):
    if p >= num_batches(length, batch_size, n_steps) * batch_size * n_steps:
        return (-1, -1, -1)
    col = p // batch_size
    return (col // n_steps, p % batch_size, col % n_steps)


def _position_bad_column(p, length, batch_size, n_steps):
    k, r, j = _position_reference(p, length, batch_size, n_steps)
    return (k, r, (j + 1) % n_steps if k >= 0 and n_steps > 1 else j)


def _position_bad_batch(p, length, batch_size, n_steps):
    k, r, j = _position_reference(p, length, batch_size, n_steps)
    return (k + 1 if k >= 0 else k, r, j)


@pytest.mark.parametrize("fn, words", [
    (_position_reference, ["Correct"]),
    (_position_notes_rows, ["row r is wrong", "notes' row length"]),
    (_position_no_tail, ["dropped tail"]),
    (_position_interleaved, ["interleaved"]),
    (_position_bad_column, ["column j is wrong"]),
    (_position_bad_batch, ["batch k is wrong"]),
])
def test_check_position_names_the_mistake(fn, words, capsys):
    _says(lesson05.check_position(fn), words, capsys)


@pytest.mark.parametrize("fn, words", [
    (lambda ids, V: np.eye(V)[ids], ["Correct"]),
    (one_hot, ["Correct"]),
    (lambda ids, V: np.moveaxis(np.eye(V)[ids], -1, 0), ["vocabulary axis must come last"]),
    (lambda ids, V: np.eye(V, dtype=int)[ids], ["dtype", "floats"]),
    (lambda ids, V: np.eye(V)[(ids + 1) % V], ["off by one"]),
    (lambda ids, V: np.eye(V)[ids - 1], ["off by one"]),
    (lambda ids, V: np.eye(V)[ids] * 2, ["exactly one 1"]),
    (lambda ids, V: ids, ["shape"]),
])
def test_check_one_hot_names_the_mistake(fn, words, capsys):
    _says(lesson05.check_one_hot(fn), words, capsys)


def _stateful(cell, batches):
    state, outs = None, []
    for b in batches:
        out, state = dynamic_rnn(cell, b, state)
        outs.append(out)
    return np.concatenate(outs, axis=1)


def _reset(cell, batches):
    return np.concatenate([dynamic_rnn(cell, b)[0] for b in batches], axis=1)


def _h_only(cell, batches):
    state, outs = None, []
    for b in batches:
        out, state = dynamic_rnn(cell, b, state)
        state = type(state)(state.h, np.zeros_like(state.c))  # forgets the long-term memory c
        outs.append(out)
    return np.concatenate(outs, axis=1)


@pytest.mark.parametrize("fn, words", [
    (_stateful, ["Correct"]),
    (_reset, ["reset to zero at every batch"]),
    (_h_only, ["batch 0 is right but batch 1", "both h and c"]),
    (lambda cell, batches: np.stack([dynamic_rnn(cell, b)[0] for b in batches]), ["shape", "axis=1"]),
    (lambda cell, batches: _stateful(cell, batches) + 1, ["already in batch 0"]),
    (lambda cell, batches: dynamic_rnn(cell, np.stack(batches)), ["raised", "ValueError", "(4, 3, 5, 6)"]),
])
def test_check_stateful_names_the_mistake(fn, words, capsys):
    _says(lesson05.check_stateful(fn), words, capsys)


def test_stateful_case_is_an_lstm():
    cell, batches = lesson05._stateful_case()
    assert isinstance(cell, LSTMCell) and len(batches) == 4 and batches[0].shape == (3, 5, 6)
