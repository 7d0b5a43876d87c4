"""Every fused cell equals its readable reference step (lstm_lesson/core/reference.py).

The reference steps are the lessons' equations, one line each; the cells are the fast versions the
package runs. If these tests pass, reading reference.py tells you exactly what the cells compute.
"""

import numpy as np
import pytest

import lstm_lesson as L
from lstm_lesson.core import reference as R

SIZES = [(1, 1, 1), (2, 3, 4), (5, 7, 3), (3, 1, 16)]  # (batch, input_size, hidden_size)


def _random_cell(cls, D, H, seed, **kwargs):
    cell = cls(D, H, seed=seed, **kwargs)
    rng = np.random.default_rng(seed + 100)
    for p in cell.params.values():  # beyond the small init, so saturation is exercised too
        p[...] = rng.uniform(-2.0, 2.0, p.shape)
    return cell


def _inputs(B, D, H, seed):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((B, D)), rng.uniform(-1, 1, (B, H)), rng.uniform(-3, 3, (B, H))


@pytest.mark.parametrize("B, D, H", SIZES)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_rnn_cell_is_rnn_step(B, D, H, seed):
    cell = _random_cell(L.RNNCell, D, H, seed)
    x, h, _ = _inputs(B, D, H, seed)
    new_h, _ = cell.step(x, h)
    np.testing.assert_allclose(new_h, R.rnn_step(x, h, **cell.params), rtol=0, atol=1e-12)


@pytest.mark.parametrize("B, D, H", SIZES)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_lstm_cell_is_lstm_step(B, D, H, seed):
    cell = _random_cell(L.LSTMCell, D, H, seed)
    x, h, c = _inputs(B, D, H, seed)
    state, record = cell.step(x, L.LSTMState(h, c))
    want_h, want_c = R.lstm_step(x, h, c, **cell.params)
    np.testing.assert_allclose(state.c, want_c, rtol=0, atol=1e-12, err_msg="c_t differs from f*c_prev + i*g")
    np.testing.assert_allclose(state.h, want_h, rtol=0, atol=1e-12, err_msg="h_t differs from o*tanh(c_t)")
    # the notes' four gates, as the record names them
    np.testing.assert_allclose(record.forget_gate + record.learn_gate, want_c, rtol=0, atol=1e-12)


@pytest.mark.parametrize("B, D, H", SIZES)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_gru_cell_is_gru_step(B, D, H, seed):
    cell = _random_cell(L.GRUCell, D, H, seed)
    x, h, _ = _inputs(B, D, H, seed)
    new_h, _ = cell.step(x, h)
    np.testing.assert_allclose(new_h, R.gru_step(x, h, **cell.params), rtol=0, atol=1e-12)


@pytest.mark.parametrize("B, D, H", SIZES)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_peephole_cell_is_peephole_step(B, D, H, seed):
    cell = _random_cell(L.PeepholeLSTMCell, D, H, seed)
    x, h, c = _inputs(B, D, H, seed)
    state, _ = cell.step(x, L.LSTMState(h, c))
    want_h, want_c = R.peephole_step(x, h, c, **cell.params)
    np.testing.assert_allclose(state.c, want_c, rtol=0, atol=1e-12)
    np.testing.assert_allclose(state.h, want_h, rtol=0, atol=1e-12)


@pytest.mark.parametrize("cell_type", ["rnn", "lstm", "gru", "peephole"])
def test_a_whole_sequence_is_the_reference_step_in_a_loop(cell_type):
    """dynamic_rnn (input projection before the loop, fused steps) = the readable step, T times."""
    B, T, D, H = 3, 6, 4, 5
    cell = L.make_cell(cell_type, D, H, seed=3)
    x = np.random.default_rng(4).standard_normal((B, T, D))
    outputs, _ = L.dynamic_rnn(cell, x)
    step = {"rnn": R.rnn_step, "lstm": R.lstm_step, "gru": R.gru_step, "peephole": R.peephole_step}[cell_type]
    h, c = np.zeros((B, H)), np.zeros((B, H))
    for t in range(T):
        if cell_type in ("lstm", "peephole"):
            h, c = step(x[:, t], h, c, **cell.params)
        else:
            h = step(x[:, t], h, **cell.params)
        np.testing.assert_allclose(outputs[:, t], h, rtol=0, atol=1e-12, err_msg=f"step {t}")


def test_public_api_exports_the_reference_steps():
    assert L.lstm_step is R.lstm_step and L.gru_step is R.gru_step
    assert len(L.__all__) <= 40
    assert all(hasattr(L, name) for name in L.__all__)
