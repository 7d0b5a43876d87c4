"""Forward passes against numbers computed by hand with the math module (not the package's
activations), at hidden size 1-2. Each term is checked on its own so a failure names it."""

import math

import numpy as np
import pytest

import lstm_lesson as L


def sig(v):
    return 1.0 / (1.0 + math.exp(-v))


def test_rnn_one_unit_by_hand():
    cell = L.RNNCell(1, 1)
    cell.params.update(W_x=np.array([[0.5]]), W_h=np.array([[-1.0]]), b=np.array([0.25]))
    h, _ = cell.step(np.array([[2.0]]), np.array([[0.3]]))
    # h = tanh(0.5*2 + (-1)*0.3 + 0.25) = tanh(0.95)
    assert h[0, 0] == pytest.approx(math.tanh(0.95), abs=1e-15), \
        "h should be tanh(x W_x + h_prev W_h + b): check the sign of W_h or a missing b"
    assert L.rnn_step(np.array([[2.0]]), np.array([[0.3]]), **cell.params)[0, 0] == pytest.approx(math.tanh(0.95)), \
        "reference.rnn_step disagrees with the hand computation"


def _lstm_1x1():
    cell = L.LSTMCell(1, 1)
    # blocks in the order i, f, g, o; different numbers per block so a swapped block shows
    cell.params.update(W_x=np.array([[0.1, 0.2, 0.3, 0.4]]),
                       W_h=np.array([[-0.5, 0.6, -0.7, 0.8]]),
                       b=np.array([0.01, 0.02, 0.03, 0.04]))
    return cell


def test_lstm_each_gate_by_hand():
    x, h0, c0 = 1.5, -0.4, 0.9
    _, r = _lstm_1x1().step(np.array([[x]]), L.LSTMState(np.array([[h0]]), np.array([[c0]])))
    i = sig(0.1 * x - 0.5 * h0 + 0.01)
    f = sig(0.2 * x + 0.6 * h0 + 0.02)
    g = math.tanh(0.3 * x - 0.7 * h0 + 0.03)
    o = sig(0.4 * x + 0.8 * h0 + 0.04)
    c = f * c0 + i * g
    h = o * math.tanh(c)
    checks = [("i (input gate, block 0 of W_x/W_h/b)", r.i, i),
              ("f (forget gate, block 1)", r.f, f),
              ("g (candidate, block 2, tanh not sigmoid)", r.g, g),
              ("o (output gate, block 3)", r.o, o),
              ("c = f*c_prev + i*g", r.c, c),
              ("h = o*tanh(c)", r.h, h)]
    for name, got, want in checks:
        assert got[0, 0] == pytest.approx(want, abs=1e-15), f"{name}: got {got[0, 0]}, expected {want}"
    # the readable step the lessons show gives the same hand-computed numbers
    h_ref, c_ref = L.lstm_step(np.array([[x]]), np.array([[h0]]), np.array([[c0]]), **_lstm_1x1().params)
    assert c_ref[0, 0] == pytest.approx(c, abs=1e-15) and h_ref[0, 0] == pytest.approx(h, abs=1e-15), \
        "reference.lstm_step disagrees with the hand computation"


def test_lstm_notes_vocabulary_by_hand():
    x, h0, c0 = 1.5, -0.4, 0.9
    _, r = _lstm_1x1().step(np.array([[x]]), L.LSTMState(np.array([[h0]]), np.array([[c0]])))
    assert r.learn_gate[0, 0] == pytest.approx(r.i[0, 0] * r.g[0, 0]), "learn gate (学习门) is N_t * i_t = g * i"
    assert r.forget_gate[0, 0] == pytest.approx(c0 * r.f[0, 0]), "forget gate (遗忘门) is LTM_{t-1} * f_t"
    assert r.remember_gate[0, 0] == pytest.approx(r.learn_gate[0, 0] + r.forget_gate[0, 0]), \
        "remember gate (记忆门) is the sum of the forget and learn gate outputs"
    assert r.use_gate[0, 0] == pytest.approx(r.o[0, 0] * math.tanh(r.c[0, 0])), "use gate (使用门) is o*tanh(c)"
    assert set(r.as_dict("notes")) == {"learn_gate", "forget_gate", "remember_gate", "use_gate"}


def test_lstm_forget_bias_only_shifts_the_forget_block():
    a = L.LSTMCell(2, 2, seed=0)
    b = L.LSTMCell(2, 2, seed=0, forget_bias=1.0)
    diff = b.params["b"] - a.params["b"]
    np.testing.assert_allclose(diff, [0, 0, 1, 1, 0, 0, 0, 0], err_msg="forget_bias belongs in block 1 (f)")


def test_gru_two_units_by_hand():
    cell = L.GRUCell(1, 2)
    rng = np.random.default_rng(0)
    for k in cell.params:
        cell.params[k][...] = rng.normal(size=cell.params[k].shape).round(1)
    P = cell.params
    x, h0 = np.array([[0.7]]), np.array([[0.2, -0.3]])
    h, s = cell.step(x, h0)
    for j in range(2):
        def pre(block, part, j=j):  # one scalar pre-activation, the (block, unit j) column
            col = block * 2 + j
            if part == "x":
                return 0.7 * P["W_x"][0, col] + P["b_x"][col]
            return 0.2 * P["W_h"][0, col] - 0.3 * P["W_h"][1, col] + P["b_h"][col]
        r = sig(pre(0, "x") + pre(0, "h"))
        z = sig(pre(1, "x") + pre(1, "h"))
        n = math.tanh(pre(2, "x") + r * pre(2, "h"))  # reset AFTER the matmul (PyTorch)
        want = (1 - z) * n + z * h0[0, j]
        assert s.r[0, j] == pytest.approx(r, abs=1e-14), f"r (reset gate, block 0) unit {j}"
        assert s.z[0, j] == pytest.approx(z, abs=1e-14), f"z (update gate, block 1) unit {j}"
        assert s.n[0, j] == pytest.approx(n, abs=1e-14), \
            f"n unit {j}: r must multiply (h W_hn + b_hn), after the matmul, b_hn included"
        assert h[0, j] == pytest.approx(want, abs=1e-14), f"h unit {j}: h = (1-z)*n + z*h_prev, not z*n"


def test_peephole_gates_see_the_cell_by_hand():
    cell = L.PeepholeLSTMCell(1, 1)
    cell.params.update(W_x=np.array([[0.1, 0.2, 0.3, 0.4]]), W_h=np.zeros((1, 4)),
                       b=np.zeros(4), p_i=np.array([0.5]), p_f=np.array([-0.5]), p_o=np.array([2.0]))
    x, c0 = 1.0, 0.8
    _, r = cell.step(np.array([[x]]), L.LSTMState(np.zeros((1, 1)), np.array([[c0]])))
    i = sig(0.1 + 0.5 * c0)
    f = sig(0.2 - 0.5 * c0)
    g = math.tanh(0.3)
    c = f * c0 + i * g
    o = sig(0.4 + 2.0 * c)
    assert r.i[0, 0] == pytest.approx(i), "i peeks at c_{t-1} through p_i"
    assert r.f[0, 0] == pytest.approx(f), "f peeks at c_{t-1} through p_f"
    assert r.o[0, 0] == pytest.approx(o), "o peeks at the NEW c_t (not c_{t-1}) through p_o"
    assert r.h[0, 0] == pytest.approx(o * math.tanh(c))


def test_dynamic_rnn_equals_repeated_steps():
    cell = L.LSTMCell(3, 2, seed=3)
    x = np.random.default_rng(0).normal(size=(4, 5, 3))
    out, fin = L.dynamic_rnn(cell, x)
    state = cell.zero_state(4)
    for t in range(5):
        state, _ = cell.step(x[:, t], state)
        np.testing.assert_allclose(out[:, t], state.h, atol=1e-14,
                                   err_msg="dynamic_rnn output t must be the h after step t")
    np.testing.assert_allclose(fin.c, state.c, atol=1e-14)


def test_multirnncell_feeds_layer_outputs_upward():
    l0, l1 = L.GRUCell(3, 4, seed=1), L.RNNCell(4, 2, seed=2)
    x = np.random.default_rng(0).normal(size=(2, 3, 3))
    out, fin = L.dynamic_rnn(L.MultiRNNCell([l0, l1]), x)
    h0, _ = L.dynamic_rnn(l0, x)
    h1, f1 = L.dynamic_rnn(l1, h0)
    np.testing.assert_allclose(out, h1, atol=1e-14)
    np.testing.assert_allclose(fin[1], f1, atol=1e-14)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_is_kept_everywhere(dtype):
    for cell in (L.RNNCell(3, 2, dtype=dtype), L.LSTMCell(3, 2, dtype=dtype, forget_bias=1),
                 L.GRUCell(3, 2, dtype=dtype), L.PeepholeLSTMCell(3, 2, dtype=dtype)):
        x = np.ones((2, 4, 3), dtype)
        out, fin, cache = L.dynamic_rnn(cell, x, return_cache=True)
        dx, _, grads = L.bptt(cell, np.ones_like(out), cache)
        assert out.dtype == dtype and dx.dtype == dtype, type(cell).__name__
        assert all(g.dtype == dtype for g in grads.values()), type(cell).__name__
        assert all(p.dtype == dtype for p in cell.params.values())


def test_seed_makes_initialisation_reproducible():
    a, b, c = L.LSTMCell(3, 4, seed=7), L.LSTMCell(3, 4, seed=7), L.LSTMCell(3, 4, seed=8)
    assert all(np.array_equal(a.params[k], b.params[k]) for k in a.params)
    assert not np.array_equal(a.params["W_x"], c.params["W_x"])


def test_activations_are_stable_at_extremes():
    big = np.array([-1e4, -50.0, 0.0, 50.0, 1e4])
    s, t = L.sigmoid(big), L.tanh(big)
    assert np.all(np.isfinite(s)) and s[0] == 0.0 and s[-1] == 1.0 and s[2] == 0.5
    assert np.all((t >= -1) & (t <= 1)) and t[-1] == 1.0
    p = L.softmax(np.array([[1e4, 0.0, -1e4]]))
    assert np.all(np.isfinite(p)) and p[0, 0] == pytest.approx(1.0)
    assert np.isfinite(L.log_softmax(np.array([1e4, -1e4]))).all()
    assert L.sigmoid(np.float32(3.0)).dtype == np.float32


def test_cells_saturate_without_nan_at_extreme_inputs():
    for cell in (L.LSTMCell(2, 2), L.GRUCell(2, 2), L.PeepholeLSTMCell(2, 2), L.RNNCell(2, 2)):
        out, _ = L.dynamic_rnn(cell, np.full((1, 3, 2), 1e4))
        assert np.isfinite(out).all(), type(cell).__name__


def test_clip_by_global_norm_is_pascanus_algorithm_1():
    g = {"a": np.array([3.0, 0.0]), "b": np.array([[4.0]])}  # global norm 5
    clipped, norm = L.clip_by_global_norm(g, 1.0)
    assert norm == pytest.approx(5.0)
    np.testing.assert_allclose(clipped["a"], [0.6, 0.0])
    np.testing.assert_allclose(clipped["b"], [[0.8]])
    same, _ = L.clip_by_global_norm(g, 10.0)
    assert same["a"] is g["a"], "below the threshold the gradient must be left alone"


def test_adam_first_step_moves_each_weight_by_lr():
    p = {"w": np.array([1.0, -2.0])}
    L.Adam(p, lr=0.1).step({"w": np.array([0.5, -3.0])})
    # with bias correction, the first Adam step is lr * sign(g) (up to eps)
    np.testing.assert_allclose(p["w"], [0.9, -1.9], atol=1e-6)


def test_char_model_save_load_roundtrip(tmp_path):
    m = L.CharModel(7, 5, num_layers=2, cell="gru", seed=3)
    m.save(tmp_path / "m.npz")
    m2 = L.CharModel.load(tmp_path / "m.npz")
    x = np.array([[1, 2, 3]])
    np.testing.assert_array_equal(m.forward(x)[0], m2.forward(x)[0])
    assert m2.cell_type == "gru" and m2.dtype == np.float32
    assert len(m.sample([1, 2], 10, temperature=0.5)) == 10


@pytest.mark.parametrize("cls", [L.RNNCell, L.LSTMCell, L.GRUCell, L.PeepholeLSTMCell])
def test_cache_is_safe_from_edits_to_the_states_the_caller_holds(cls):
    # A caller zeroing its final state (a document boundary) or reusing its initial-state buffer
    # must not change the gradients of a forward pass that already happened.
    cell = cls(3, 4, seed=0)
    x = np.random.default_rng(0).normal(size=(2, 5, 3))
    s0 = cell.zero_state(2)
    out, fin, cache = L.dynamic_rnn(cell, x, s0, return_cache=True)
    _, _, before = L.bptt(cell, np.ones_like(out), cache)
    for a in (fin if isinstance(fin, tuple) else (fin,)) + (s0 if isinstance(s0, tuple) else (s0,)):
        a[...] = 7.0
    _, _, after = L.bptt(cell, np.ones_like(out), cache)
    for k in before:
        np.testing.assert_array_equal(before[k], after[k], err_msg=f"{k}: the cache shares memory with a state")
    new, rec = cell.step(x[:, 0], None)
    (new.h if isinstance(new, tuple) else new)[...] = 0.0
    assert np.any(rec.h != 0), "step must return a copy of the new state, not the record's array"


def test_clip_refuses_non_finite_gradients_and_sums_in_float64():
    with pytest.raises(ValueError, match="grads: expected finite gradients"):
        L.clip_by_global_norm({"w": np.array([np.inf, 1.0])}, 1.0)
    big = {"w": np.full(4, 3e38, np.float32)}  # its float32 sum of squares would overflow
    clipped, norm = L.clip_by_global_norm(big, 1.0)
    assert norm == pytest.approx(6e38) and np.isfinite(clipped["w"]).all()


def test_char_model_accepts_seed_none_and_loads_without_the_suffix(tmp_path):
    m = L.CharModel(5, 4, seed=None)
    m.save(tmp_path / "model")
    assert L.CharModel.load(tmp_path / "model").num_params() == m.num_params()
