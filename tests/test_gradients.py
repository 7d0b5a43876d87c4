"""Every backward pass against central finite differences, in float64.

Relative error |a - n| / max(|a| + |n|, 1e-8) must be <= 1e-6 on every parameter, on the
inputs and on the initial state. The loss is a fixed random projection of all outputs plus the
final state, so every output and every state component receives a gradient.
"""

import numpy as np
import pytest

import lstm_lesson as L

TOL = 1e-6
CELLS = {
    "rnn": lambda D, H: L.RNNCell(D, H, seed=1),
    "lstm": lambda D, H: L.LSTMCell(D, H, seed=1, forget_bias=0.5),
    "gru": lambda D, H: L.GRUCell(D, H, seed=1, update_bias=0.5),
    "peephole": lambda D, H: L.PeepholeLSTMCell(D, H, seed=1, forget_bias=0.5),
}


def _random_state(cell, B, rng):
    if isinstance(cell, L.MultiRNNCell):
        return tuple(_random_state(c, B, rng) for c in cell.cells)
    h = rng.normal(size=(B, cell.hidden_size))
    if isinstance(cell, L.LSTMCell):
        return L.LSTMState(np.tanh(h), rng.normal(size=(B, cell.hidden_size)))
    return np.tanh(h)


def _flatten_state(state):
    if isinstance(state, np.ndarray):
        return [state]
    return [a for s in state for a in _flatten_state(s)]


def _sequence_check(cell, B=2, T=5, truncate=None):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(B, T, cell.input_size))
    s0 = _random_state(cell, B, rng)
    w_out = rng.normal(size=(B, T, cell.hidden_size))
    w_fin = [rng.normal(size=a.shape) for a in _flatten_state(s0)]

    def loss():
        out, fin = L.dynamic_rnn(cell, x, s0)
        return float((out * w_out).sum() + sum((a * w).sum() for a, w in zip(_flatten_state(fin), w_fin)))

    _, fin, cache = L.dynamic_rnn(cell, x, s0, return_cache=True)
    d_fin = _unflatten_like(fin, w_fin)
    dx, d_s0, grads = L.bptt(cell, w_out, cache, d_fin, truncate=truncate)
    arrays = dict(cell.params, x=x)
    grads = dict(grads, x=dx)
    for k, (a, g) in enumerate(zip(_flatten_state(s0), _flatten_state(d_s0))):
        arrays[f"state{k}"], grads[f"state{k}"] = a, g
    return L.gradcheck(loss, arrays, grads), grads


def _unflatten_like(state, flat):
    it = iter(flat)

    def build(s):
        if isinstance(s, np.ndarray):
            return next(it)
        parts = [build(p) for p in s]
        return type(s)(*parts) if isinstance(s, L.LSTMState) else tuple(parts)
    return build(state)


@pytest.mark.parametrize("kind", CELLS)
def test_cell_bptt_matches_finite_differences(kind):
    errors, _ = _sequence_check(CELLS[kind](3, 4))
    bad = {k: e for k, e in errors.items() if e > TOL}
    assert not bad, f"{kind}: relative errors above {TOL}: {bad}"


@pytest.mark.parametrize("kind", CELLS)
def test_single_step_backward_matches_finite_differences(kind):
    cell = CELLS[kind](3, 2)
    rng = np.random.default_rng(3)
    x = rng.normal(size=(2, 3))
    s0 = _random_state(cell, 2, rng)
    ws = [rng.normal(size=a.shape) for a in _flatten_state(s0)]

    def loss():
        s1, _ = cell.step(x, s0)
        return float(sum((a * w).sum() for a, w in zip(_flatten_state(s1), ws)))

    s1, record = cell.step(x, s0)
    dx, d_s0, grads = cell.step_backward(_unflatten_like(s1, ws), record)
    arrays, grads = dict(cell.params, x=x), dict(grads, x=dx)
    for k, (a, g) in enumerate(zip(_flatten_state(s0), _flatten_state(d_s0))):
        arrays[f"state{k}"], grads[f"state{k}"] = a, g
    errors = L.gradcheck(loss, arrays, grads)
    assert max(errors.values()) <= TOL, errors


@pytest.mark.parametrize("kinds", [("lstm", "lstm"), ("gru", "rnn"), ("peephole", "gru")])
def test_two_layer_stack_matches_finite_differences(kinds):
    stack = L.MultiRNNCell([CELLS[kinds[0]](3, 4), CELLS[kinds[1]](4, 2)])
    errors, grads = _sequence_check(stack)
    assert {k.split(".")[0] for k in grads if "." in k} == {"l0", "l1"}
    bad = {k: e for k, e in errors.items() if e > TOL}
    assert not bad, f"stack {kinds}: {bad}"


def test_stack_step_backward_matches_sequence_backward():
    stack = L.MultiRNNCell([L.LSTMCell(3, 4, seed=1), L.LSTMCell(4, 4, seed=2)])
    x = np.random.default_rng(0).normal(size=(2, 1, 3))
    out, fin, cache = L.dynamic_rnn(stack, x, return_cache=True)
    d_out = np.ones_like(out)
    dx_seq, _, g_seq = L.bptt(stack, d_out, cache)
    s1, records = stack.step(x[:, 0])
    d_top = L.LSTMState(np.ones((2, 4)), np.zeros((2, 4)))
    d_state = (L.LSTMState(np.zeros((2, 4)), np.zeros((2, 4))), d_top)
    dx, _, g = stack.step_backward(d_state, records)
    np.testing.assert_allclose(dx, dx_seq[:, 0], atol=1e-12)
    for k in g_seq:
        np.testing.assert_allclose(g[k], g_seq[k], atol=1e-12, err_msg=k)


def test_truncated_bptt_equals_bptt_over_windows_with_carried_state():
    # truncate=2 over 6 steps must equal three 2-step windows whose initial state is carried
    # forward but not differentiated (how a long text is trained in get_batches windows).
    cell = L.LSTMCell(2, 3, seed=4)
    rng = np.random.default_rng(5)
    x = rng.normal(size=(2, 6, 2))
    w = rng.normal(size=(2, 6, 3))
    _, _, cache = L.dynamic_rnn(cell, x, return_cache=True)
    _, _, grads = L.bptt(cell, w, cache, truncate=2)
    total = {k: np.zeros_like(v) for k, v in cell.params.items()}
    state = cell.zero_state(2)
    for start in range(0, 6, 2):
        _, state, c = L.dynamic_rnn(cell, x[:, start:start + 2], state, return_cache=True)
        _, _, g = L.bptt(cell, w[:, start:start + 2], c)
        for k in total:
            total[k] += g[k]
    for k in total:
        np.testing.assert_allclose(grads[k], total[k], atol=1e-12,
                                   err_msg=f"{k}: truncate=2 should equal BPTT over 2-step windows")


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
def test_full_char_model_loss_matches_finite_differences(kind):
    model = L.CharModel(5, 3, num_layers=2, cell=kind, seed=2, dtype=np.float64, gate_bias=0.5)
    rng = np.random.default_rng(1)
    x = rng.integers(0, 5, size=(2, 4))
    y = rng.integers(0, 5, size=(2, 4))
    # A carried (non-zero) state, as in training; with zero state the first layer's W_h
    # gradients are ~1e-7 and central differences drown in round-off.
    s0 = _random_state(model.rnn, 2, rng)
    loss, grads, _ = model.loss_and_grads(x, y, s0)
    errors = L.gradcheck(lambda: model.loss_and_grads(x, y, s0)[0], model.params, grads)
    bad = {k: e for k, e in errors.items() if e > TOL}
    assert not bad, f"char model ({kind}): {bad}"


def test_softmax_cross_entropy_gradient():
    rng = np.random.default_rng(0)
    logits = rng.normal(size=(2, 3, 4))
    t = rng.integers(0, 4, size=(2, 3))
    _, d = L.softmax_cross_entropy(logits, t)
    errors = L.gradcheck(lambda: L.softmax_cross_entropy(logits, t)[0], {"logits": logits}, {"logits": d})
    assert errors["logits"] <= TOL, "d_logits should be (softmax - one_hot) / number of predictions"
