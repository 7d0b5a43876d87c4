"""The fast paths compute the same numbers as the step they stand for (float64, 1e-12).

- LSTMCell's fused sequence (time-major buffers, gate scale folded into the weights) against the
  generic loop over ``recur`` / ``recur_backward`` (``Cell.dynamic_rnn`` / ``Cell.bptt``).
- Character ids (a row gather of W_x) against their one-hot rows (a matmul).
- ``dynamic_rnn`` without a cache (inference: no records kept) against the training forward.
"""

import numpy as np
import pytest

import lstm_lesson as L
from lstm_lesson.core.cells import Cell

TOL = 1e-12


def close(a, b):
    scale = max(1.0, float(np.max(np.abs(b))))
    return float(np.max(np.abs(np.asarray(a) - np.asarray(b)))) <= TOL * scale


def _sizes(seed):
    rng = np.random.default_rng(seed)
    return rng, int(rng.integers(1, 5)), int(rng.integers(1, 9)), int(rng.integers(1, 7)), int(rng.integers(1, 10))


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("truncate", [None, 3])
def test_fused_lstm_sequence_equals_the_step_by_step_loop(seed, truncate):
    rng, B, T, n_in, H = _sizes(seed)
    cell = L.LSTMCell(n_in, H, seed=seed, forget_bias=0.5)
    x = rng.standard_normal((B, T, n_in))
    s0 = L.LSTMState(rng.standard_normal((B, H)), rng.standard_normal((B, H)))
    out, fin, cache = cell.dynamic_rnn(x, s0, return_cache=True)
    out_ref, fin_ref, cache_ref = Cell.dynamic_rnn(cell, x, s0, return_cache=True)
    assert close(out, out_ref) and close(fin.h, fin_ref.h) and close(fin.c, fin_ref.c)
    d_out = rng.standard_normal((B, T, H))
    d_fin = L.LSTMState(rng.standard_normal((B, H)), rng.standard_normal((B, H)))
    dx, d0, grads = cell.bptt(d_out, cache, d_fin, truncate=truncate)
    dx_ref, d0_ref, grads_ref = Cell.bptt(cell, d_out, cache_ref, d_fin, truncate=truncate)
    assert close(dx, dx_ref), "d_inputs"
    assert close(d0.h, d0_ref.h) and close(d0.c, d0_ref.c), "d_initial_state"
    assert grads.keys() == grads_ref.keys()
    for k in grads:
        assert close(grads[k], grads_ref[k]), k


def test_fused_records_are_the_steps_records():
    rng, B, T, n_in, H = _sizes(11)
    cell = L.LSTMCell(n_in, H, seed=1)
    x = rng.standard_normal((B, T, n_in))
    _, _, (_, _, _, records) = cell.dynamic_rnn(x, return_cache=True)
    _, _, (_, _, _, ref) = Cell.dynamic_rnn(cell, x, return_cache=True)
    assert len(records) == len(ref) == T
    for r, q in zip(records, ref):
        for name in ("i", "f", "g", "o", "c", "tanh_c", "h", "act"):
            assert close(getattr(r, name), getattr(q, name)), name
        assert close(r.prev.h, q.prev.h) and close(r.prev.c, q.prev.c)
    assert close(records[-1].h, ref[-1].h)


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru", "peephole"])
def test_ids_give_the_same_numbers_as_their_one_hot_rows(kind):
    rng, B, T, V, H = _sizes(5)
    cell = L.make_cell(kind, V, H, seed=2)
    ids = rng.integers(0, V, (B, T))
    one_hot = np.eye(V)[ids]
    out, fin, cache = cell.dynamic_rnn(ids, return_cache=True)
    out_ref, fin_ref, cache_ref = cell.dynamic_rnn(one_hot, return_cache=True)
    assert close(out, out_ref)
    d_out = rng.standard_normal((B, T, H))
    dx, _, grads = cell.bptt(d_out, cache)
    _, _, grads_ref = cell.bptt(d_out, cache_ref)
    assert dx is None, "ids have no input gradient"
    for k in grads:
        assert close(grads[k], grads_ref[k]), k


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru", "peephole"])
def test_inference_without_records_equals_the_training_forward(kind):
    rng, B, T, n_in, H = _sizes(7)
    cell = L.make_cell(kind, n_in, H, seed=3)
    x = rng.standard_normal((B, T, n_in))
    out, fin = cell.dynamic_rnn(x)
    out_ref, fin_ref, _ = cell.dynamic_rnn(x, return_cache=True)
    assert close(out, out_ref)
    for a, b in zip(np.atleast_1d(fin) if not isinstance(fin, tuple) else fin,
                    np.atleast_1d(fin_ref) if not isinstance(fin_ref, tuple) else fin_ref):
        assert close(a, b)


def test_char_model_predict_equals_forward_and_two_layers_train_alike():
    model = L.CharModel(11, 6, num_layers=2, seed=0, dtype=np.float64)
    ids = np.random.default_rng(0).integers(0, 11, (3, 9))
    logits, final, _ = model.forward(ids)
    logits_p, final_p = model.predict(ids)
    assert close(logits_p, logits)
    assert all(close(a.h, b.h) and close(a.c, b.c) for a, b in zip(final_p, final))


def test_ids_out_of_range_get_a_clear_error():
    cell = L.LSTMCell(4, 3)
    with pytest.raises(ValueError, match=r"inputs: expected ids in \[0, 4\)"):
        cell.dynamic_rnn(np.array([[0, 4]]))
