"""Weight interop: exact round trips for every layout, one numeric case per framework layout
computed in the test from that framework's documented equations, and bad input.

The reference equations below are written directly on the framework-layout arrays (never
through our cells), each with the document it comes from, so a wrong gate order, a wrong
transpose or a forgotten bias in interop.py makes the numbers disagree.
"""

import ast
import pathlib
import re

import numpy as np
import pytest

import lstm_lesson as L
from lstm_lesson.core import interop as I

D, H, T, B = 3, 2, 2, 2  # the numeric cases: input 3, hidden 2, two time steps, batch of 2

SUPPORTED = [(fw, kind) for fw in ("torch", "keras", "tf1") for kind in ("rnn", "lstm", "gru", "peephole")
             if (fw, kind) not in I.UNSUPPORTED]
EXPORT = {"torch": I.to_torch_state_dict, "keras": I.to_keras_weights, "tf1": I.to_tf1_weights}
IMPORT = {"torch": I.from_torch_state_dict, "keras": I.from_keras_weights, "tf1": I.from_tf1_weights}


def sig(a):
    return 1.0 / (1.0 + np.exp(-a))


def make(kind, stack, dtype, seed=0):
    """A cell (3 -> 4) or a 2-layer stack (3 -> 4 -> 4). gate_bias=1 puts every LSTM b_f in
    [0.5, 1.5] (init bound 1/sqrt(4)), where b_f - 1.0 is exact (Sterbenz), so TF1's
    forget_bias shift round-trips bitwise too."""
    cells = [L.make_cell(kind, 3 if k == 0 else 4, 4, seed=seed + k, dtype=dtype, gate_bias=1.0)
             for k in range(2 if stack else 1)]
    return L.MultiRNNCell(cells) if stack else cells[0]


def layers(model):
    return model.cells if isinstance(model, L.MultiRNNCell) else [model]


def assert_same_model(a, b):
    assert type(a) is type(b), f"expected a {type(a).__name__}, got {type(b).__name__}"
    for ca, cb in zip(layers(a), layers(b), strict=True):
        assert type(ca) is type(cb)
        assert (ca.input_size, ca.hidden_size, ca.dtype) == (cb.input_size, cb.hidden_size, cb.dtype)
        assert set(ca.params) == set(cb.params)
        for name in ca.params:
            assert cb.params[name].dtype == ca.dtype, f"{name}: dtype {cb.params[name].dtype}"
            assert np.array_equal(ca.params[name], cb.params[name]), f"{name} changed in the round trip"
            assert not np.shares_memory(ca.params[name], cb.params[name]), f"{name} is a view, not a copy"


def arrays_of(exported):
    """Every array of an exported layout (dict, list, or list of lists), in order."""
    if isinstance(exported, dict):
        return list(exported.values())
    return [a for item in exported for a in (item if isinstance(item, list) else [item])]


def refill(exported, rng):
    """The same structure with every array replaced by fresh random numbers: an arbitrary
    framework-side model, not one that came from ours."""
    def new(a):
        return rng.uniform(-0.5, 0.5, a.shape).astype(a.dtype)
    if isinstance(exported, dict):
        return {k: new(v) for k, v in exported.items()}
    if isinstance(exported[0], list):
        return [[new(a) for a in layer] for layer in exported]
    return [new(a) for a in exported]


def assert_same_export(a, b):
    if isinstance(a, dict):
        assert list(a) == list(b), "the names or their order changed"
    for x, y in zip(arrays_of(a), arrays_of(b), strict=True):
        assert x.shape == y.shape and x.dtype == y.dtype
        assert np.array_equal(x, y)


# ==========================================================================================
# Round trips
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("stack", [False, True], ids=["cell", "stack"])
@pytest.mark.parametrize("fw,kind", SUPPORTED)
def test_ours_to_framework_to_ours_is_exact(fw, kind, stack, dtype):
    model = make(kind, stack, dtype)
    exported = EXPORT[fw](model)
    for a in arrays_of(exported):
        assert a.dtype == dtype, "export must keep the cell's dtype"
    back = IMPORT[fw](exported, cell=kind)
    if fw == "torch" and stack is False:
        assert isinstance(back, type(model))
    assert_same_model(model, back)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("stack", [False, True], ids=["cell", "stack"])
@pytest.mark.parametrize("fw,kind", [p for p in SUPPORTED if p not in {("torch", "lstm"), ("torch", "rnn")}])
def test_framework_to_ours_to_framework_is_exact(fw, kind, stack, dtype):
    rng = np.random.default_rng(7)
    theirs = refill(EXPORT[fw](make(kind, stack, dtype)), rng)
    options = {"forget_bias": 0.0} if fw == "tf1" else {}  # with forget_bias=0 no arithmetic happens
    ours = IMPORT[fw](theirs, cell=kind, **options)
    assert_same_export(theirs, EXPORT[fw](ours, **options))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("kind", ["lstm", "rnn"])
def test_torch_two_biases_collapse_to_their_sum(kind, dtype):
    """Not exact by design: our LSTM and RNN have ONE bias, PyTorch two that it only adds.
    What survives: every weight exactly, the sum bias_ih + bias_hh exactly, and the outputs."""
    rng = np.random.default_rng(3)
    theirs = refill(I.to_torch_state_dict(make(kind, True, dtype)), rng)
    ours = I.from_torch_state_dict(theirs, cell=kind)
    again = I.to_torch_state_dict(ours)
    for k in range(2):
        for w in ("weight_ih", "weight_hh"):
            assert np.array_equal(again[f"{w}_l{k}"], theirs[f"{w}_l{k}"])
        assert np.array_equal(again[f"bias_ih_l{k}"], theirs[f"bias_ih_l{k}"] + theirs[f"bias_hh_l{k}"])
        assert not again[f"bias_hh_l{k}"].any(), "export puts zeros in bias_hh"
    x = rng.normal(size=(2, 3, 3)).astype(dtype)
    ref = torch_reference(theirs, x, kind)
    out, _ = L.dynamic_rnn(ours, x)
    np.testing.assert_allclose(out, ref, rtol=0, atol=1e-5 if dtype == np.float32 else 1e-12)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_tf1_forget_bias_round_trip_is_exact_to_one_rounding(dtype):
    """TF1 stores b_f - forget_bias: exact when Sterbenz applies (the test above), otherwise one
    rounding. Every other number stays bitwise exact."""
    cell = L.LSTMCell(3, 4, seed=5, dtype=dtype, forget_bias=0.0)
    cell.params["b"][4:8] = np.array([1e-20, -0.3, 0.1, 3.0], dtype)  # b_f far from forget_bias=1
    back = I.from_tf1_weights(I.to_tf1_weights(cell, forget_bias=1.0), forget_bias=1.0)
    for name in ("W_x", "W_h"):
        assert np.array_equal(back.params[name], cell.params[name])
    keep = np.r_[0:4, 8:16]
    assert np.array_equal(back.params["b"][keep], cell.params["b"][keep])
    eps = np.finfo(dtype).eps
    b_f, got = cell.params["b"][4:8], back.params["b"][4:8]
    assert np.all(np.abs(got - b_f) <= 2 * eps * (np.abs(b_f) + 1.0)), "more than one rounding lost"
    assert got[0] == 0.0, "1e-20 - 1.0 rounds to -1.0: the documented loss, if this fails the doc is wrong"


def test_single_layer_stack_stays_a_stack_where_the_layout_says_so():
    stack = L.MultiRNNCell([L.LSTMCell(3, 2)])
    assert isinstance(I.from_keras_weights(I.to_keras_weights(stack)), L.MultiRNNCell)
    assert isinstance(I.from_tf1_weights(I.to_tf1_weights(stack)), L.MultiRNNCell)
    assert "rnn/multi_rnn_cell/cell_0/basic_lstm_cell/kernel" in I.to_tf1_weights(stack)
    # one nn.LSTM layer has no "stack" marker: a 1-layer state dict comes back as a cell
    assert isinstance(I.from_torch_state_dict(I.to_torch_state_dict(stack)), L.LSTMCell)


def test_exported_arrays_are_copies():
    cell = L.GRUCell(3, 2)
    before = {k: v.copy() for k, v in cell.params.items()}
    for fw in ("torch", "keras"):
        for a in arrays_of(EXPORT[fw](cell)):
            a[...] = 99.0
    assert all(np.array_equal(before[k], cell.params[k]) for k in before)


def test_import_accepts_tensors_without_importing_a_framework():
    class TorchLike:  # a parameter that requires grad: .numpy() alone would fail in torch
        def __init__(self, a):
            self.a, self.detached = a, False

        def detach(self):
            self.detached = True
            return self

        def cpu(self):
            return self

        def numpy(self):
            assert self.detached, "call .detach() before .numpy() on a torch parameter"
            return self.a

    class TFLike:
        def __init__(self, a):
            self.a = a

        def numpy(self):
            return self.a

    cell = L.LSTMCell(3, 2, dtype=np.float32)
    back = I.from_torch_state_dict({k: TorchLike(v) for k, v in I.to_torch_state_dict(cell).items()})
    assert_same_model(cell, back)
    back = I.from_keras_weights([TFLike(a) for a in I.to_keras_weights(cell)])
    assert_same_model(cell, back)
    back = I.from_tf1_weights({k + ":0": TFLike(v) for k, v in I.to_tf1_weights(cell).items()})
    assert_same_model(cell, back)


def test_dtype_is_kept_or_converted_on_request():
    sd = I.to_torch_state_dict(L.GRUCell(3, 2, dtype=np.float32))
    assert I.from_torch_state_dict(sd, cell="gru").dtype == np.float32
    as64 = I.from_torch_state_dict(sd, cell="gru", dtype=np.float64)
    assert as64.dtype == np.float64 and all(p.dtype == np.float64 for p in as64.params.values())


def test_prefix_and_scope_select_the_recurrent_part_of_a_bigger_model():
    stack = make("lstm", True, np.float64)
    sd = I.to_torch_state_dict(stack, prefix="lstm.")
    assert list(sd)[0] == "lstm.weight_ih_l0"
    sd["fc.weight"], sd["fc.bias"] = np.zeros((5, 4)), np.zeros(5)  # the output layer, ignored
    assert_same_model(stack, I.from_torch_state_dict(sd, prefix="lstm."))
    tf = I.to_tf1_weights(stack, scope="model/rnn")
    assert "model/rnn/multi_rnn_cell/cell_1/basic_lstm_cell/bias" in tf
    tf["softmax/W"] = np.zeros((4, 5))
    assert_same_model(stack, I.from_tf1_weights(tf, scope="model/rnn"))


def test_tf1_lstm_cell_without_peepholes_reads_as_lstm():
    cell = L.LSTMCell(3, 2, seed=4)
    tf = {k.replace("basic_lstm_cell", "lstm_cell"): v for k, v in I.to_tf1_weights(cell, 0.0).items()}
    assert_same_model(cell, I.from_tf1_weights(tf, cell="lstm", forget_bias=0.0))


def test_module_imports_no_framework():
    tree = ast.parse(pathlib.Path(I.__file__).read_text())
    imported = {n.name for node in ast.walk(tree) if isinstance(node, ast.Import) for n in node.names}
    imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.level == 0}
    assert imported <= {"__future__", "re", "collections.abc", "dataclasses", "numpy"}, imported


def test_layouts_describe_every_supported_pair():
    for fw, kind in SUPPORTED + [("ours", k) for k in I.CELL_TYPES]:
        text = I.describe_layout(fw, kind)
        lay = I.LAYOUTS[fw][kind]
        assert ", ".join(lay.gates) in text and lay.tensors[0][0] in text
        assert len(lay.gates) == len(lay.ours) == len(I.LAYOUTS["ours"][kind].ours)
        assert sorted(lay.ours) == sorted(I.LAYOUTS["ours"][kind].ours)
    assert "i, j, f, o" in I.describe_layout("tf1", "lstm") and "forget_bias" in I.describe_layout("tf1", "lstm")
    assert "bias_ih + bias_hh" in I.describe_layout("torch", "lstm")


# ==========================================================================================
# One numeric case per framework layout, from the framework's own equations.
def torch_reference(sd, x, kind):
    """PyTorch docs, torch.nn.RNN / nn.LSTM / nn.GRU (https://pytorch.org/docs/stable/generated/torch.nn.LSTM.html,
    ...nn.GRU.html, ...nn.RNN.html), column-vector form, layer l >= 1 reads layer l-1's h_t:
      RNN:  h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh)
      LSTM: i_t = σ(W_ii x_t + b_ii + W_hi h_{t-1} + b_hi)   (W_ii|W_if|W_ig|W_io) = weight_ih_l[k]
            f_t = σ(W_if x_t + b_if + W_hf h_{t-1} + b_hf)   (W_hi|W_hf|W_hg|W_ho) = weight_hh_l[k]
            g_t = tanh(W_ig x_t + b_ig + W_hg h_{t-1} + b_hg)
            o_t = σ(W_io x_t + b_io + W_ho h_{t-1} + b_ho)
            c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t,   h_t = o_t ⊙ tanh(c_t)
      GRU:  r_t = σ(W_ir x_t + b_ir + W_hr h_{t-1} + b_hr)   (W_ir|W_iz|W_in) = weight_ih_l[k]
            z_t = σ(W_iz x_t + b_iz + W_hz h_{t-1} + b_hz)
            n_t = tanh(W_in x_t + b_in + r_t ⊙ (W_hn h_{t-1} + b_hn))
            h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{(t−1)}
    Returns the last layer's h_t for every sample and step: (batch, time, hidden)."""
    n_layers = 1 + max(int(k.rsplit("_l", 1)[1]) for k in sd)
    out = np.array(x, dtype=np.float64)
    for k in range(n_layers):
        w_ih, w_hh, b_ih, b_hh = (sd[f"{p}_l{k}"] for p in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"))
        Hk = w_hh.shape[1]
        blk = [slice(j * Hk, (j + 1) * Hk) for j in range(4)]
        layer_out = np.zeros(out.shape[:2] + (Hk,))
        for n in range(out.shape[0]):
            h, c = np.zeros(Hk), np.zeros(Hk)
            for t in range(out.shape[1]):
                xt = out[n, t]
                if kind == "rnn":
                    h = np.tanh(w_ih @ xt + b_ih + w_hh @ h + b_hh)
                elif kind == "lstm":
                    i = sig(w_ih[blk[0]] @ xt + b_ih[blk[0]] + w_hh[blk[0]] @ h + b_hh[blk[0]])
                    f = sig(w_ih[blk[1]] @ xt + b_ih[blk[1]] + w_hh[blk[1]] @ h + b_hh[blk[1]])
                    g = np.tanh(w_ih[blk[2]] @ xt + b_ih[blk[2]] + w_hh[blk[2]] @ h + b_hh[blk[2]])
                    o = sig(w_ih[blk[3]] @ xt + b_ih[blk[3]] + w_hh[blk[3]] @ h + b_hh[blk[3]])
                    c = f * c + i * g
                    h = o * np.tanh(c)
                else:
                    r = sig(w_ih[blk[0]] @ xt + b_ih[blk[0]] + w_hh[blk[0]] @ h + b_hh[blk[0]])
                    z = sig(w_ih[blk[1]] @ xt + b_ih[blk[1]] + w_hh[blk[1]] @ h + b_hh[blk[1]])
                    nt = np.tanh(w_ih[blk[2]] @ xt + b_ih[blk[2]] + r * (w_hh[blk[2]] @ h + b_hh[blk[2]]))
                    h = (1 - z) * nt + z * h
                layer_out[n, t] = h
        out = layer_out
    return out


def fixed_inputs():
    return np.random.default_rng(2024).uniform(-1, 1, (B, T, D))


def uniform(rng, *shape):
    return rng.uniform(-0.8, 0.8, shape)


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
def test_torch_layout_matches_the_documented_equations(kind):
    rng = np.random.default_rng(11)
    G = {"rnn": 1, "lstm": 4, "gru": 3}[kind]
    sd = {}
    for k in range(2):  # nn.LSTM(3, 2, num_layers=2): both biases nonzero on purpose
        sd.update({f"weight_ih_l{k}": uniform(rng, G * H, D if k == 0 else H),
                   f"weight_hh_l{k}": uniform(rng, G * H, H),
                   f"bias_ih_l{k}": uniform(rng, G * H), f"bias_hh_l{k}": uniform(rng, G * H)})
    x = fixed_inputs()
    expected = torch_reference(sd, x, kind)
    out, _ = L.dynamic_rnn(I.from_torch_state_dict(sd, cell=kind), x)
    np.testing.assert_allclose(out, expected, rtol=0, atol=1e-12)


def keras_reference(weights, x, kind):
    """Keras 3 source, keras/src/layers/rnn/{simple_rnn,lstm,gru}.py, Cell.call (implementation 2):
      SimpleRNN: output = tanh(x @ kernel + bias + h @ recurrent_kernel)
      LSTM: z = x @ kernel + h_tm1 @ recurrent_kernel + bias; z0, z1, z2, z3 = split(z, 4)
            i = σ(z0), f = σ(z1), c = f * c_tm1 + i * tanh(z2), o = σ(z3), h = o * tanh(c)
      GRU (reset_after=True): input_bias, recurrent_bias = bias[0], bias[1]
            x_z, x_r, x_h = split(x @ kernel + input_bias, 3)
            m = h_tm1 @ recurrent_kernel + recurrent_bias;  recurrent_z, recurrent_r, recurrent_h = split(m, 3)
            z = σ(x_z + recurrent_z), r = σ(x_r + recurrent_r), hh = tanh(x_h + r * recurrent_h)
            h = z * h_tm1 + (1 - z) * hh
    Layers stacked as Sequential([LSTM(return_sequences=True), LSTM(return_sequences=True)])."""
    out = x
    for kernel, recurrent_kernel, bias in weights:
        Hk = recurrent_kernel.shape[0]
        h, c = np.zeros((x.shape[0], Hk)), np.zeros((x.shape[0], Hk))
        seq = []
        for t in range(x.shape[1]):
            xt = out[:, t]
            if kind == "rnn":
                h = np.tanh(xt @ kernel + bias + h @ recurrent_kernel)
            elif kind == "lstm":
                z0, z1, z2, z3 = np.split(xt @ kernel + h @ recurrent_kernel + bias, 4, axis=1)
                i, f, o = sig(z0), sig(z1), sig(z3)
                c = f * c + i * np.tanh(z2)
                h = o * np.tanh(c)
            else:
                x_z, x_r, x_h = np.split(xt @ kernel + bias[0], 3, axis=1)
                rec_z, rec_r, rec_h = np.split(h @ recurrent_kernel + bias[1], 3, axis=1)
                z, r = sig(x_z + rec_z), sig(x_r + rec_r)
                hh = np.tanh(x_h + r * rec_h)
                h = z * h + (1 - z) * hh
            seq.append(h)
        out = np.stack(seq, axis=1)
    return out


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
def test_keras_layout_matches_the_documented_equations(kind):
    rng = np.random.default_rng(12)
    G = {"rnn": 1, "lstm": 4, "gru": 3}[kind]
    weights = [[uniform(rng, D if k == 0 else H, G * H), uniform(rng, H, G * H),
                uniform(rng, 2, G * H) if kind == "gru" else uniform(rng, G * H)] for k in range(2)]
    x = fixed_inputs()
    expected = keras_reference(weights, x, kind)
    out, _ = L.dynamic_rnn(I.from_keras_weights(weights, cell=kind), x)
    np.testing.assert_allclose(out, expected, rtol=0, atol=1e-12)


def tf1_reference(variables, x, kind, forget_bias, scope="rnn"):
    """TensorFlow 1 source, tensorflow/python/ops/rnn_cell_impl.py:
      BasicRNNCell.call: output = tanh(concat([inputs, state], 1) @ kernel + bias)
      BasicLSTMCell.call: gate_inputs = concat([inputs, h], 1) @ kernel + bias
            i, j, f, o = split(gate_inputs, 4, axis=1)
            new_c = c * σ(f + forget_bias) + σ(i) * tanh(j);  new_h = tanh(new_c) * σ(o)
      LSTMCell.call (use_peepholes=True): lstm_matrix = concat([inputs, m_prev], 1) @ kernel + bias
            i, j, f, o = split(lstm_matrix, 4, axis=1)
            c = σ(f + forget_bias + w_f_diag * c_prev) * c_prev + σ(i + w_i_diag * c_prev) * tanh(j)
            m = σ(o + w_o_diag * c) * tanh(c)
      MultiRNNCell.call: layer k under variable_scope("cell_%d" % k), inputs = the previous output."""
    name = {"rnn": "basic_rnn_cell", "lstm": "basic_lstm_cell", "peephole": "lstm_cell"}[kind]
    n_layers = 1 + max(int(m[1]) for m in map(re.compile(r".*cell_(\d+)/").match, variables) if m)
    out = x
    for k in range(n_layers):
        v = {key.rsplit("/", 1)[1]: val for key, val in variables.items()
             if key.startswith(f"{scope}/multi_rnn_cell/cell_{k}/{name}/")}
        kernel, bias = v["kernel"], v["bias"]
        Hk = bias.shape[0] // (1 if kind == "rnn" else 4)
        h, c = np.zeros((x.shape[0], Hk)), np.zeros((x.shape[0], Hk))
        seq = []
        for t in range(x.shape[1]):
            gate_inputs = np.concatenate([out[:, t], h], axis=1) @ kernel + bias
            if kind == "rnn":
                h = np.tanh(gate_inputs)
            else:
                i, j, f, o = np.split(gate_inputs, 4, axis=1)
                if kind == "lstm":
                    c = c * sig(f + forget_bias) + sig(i) * np.tanh(j)
                    h = np.tanh(c) * sig(o)
                else:
                    c_prev = c
                    c = sig(f + forget_bias + v["w_f_diag"] * c_prev) * c_prev + \
                        sig(i + v["w_i_diag"] * c_prev) * np.tanh(j)
                    h = sig(o + v["w_o_diag"] * c) * np.tanh(c)
            seq.append(h)
        out = np.stack(seq, axis=1)
    return out


@pytest.mark.parametrize("forget_bias", [1.0, 0.5])
@pytest.mark.parametrize("kind", ["rnn", "lstm", "peephole"])
def test_tf1_layout_matches_the_documented_equations(kind, forget_bias):
    rng = np.random.default_rng(13)
    G = 1 if kind == "rnn" else 4
    name = {"rnn": "basic_rnn_cell", "lstm": "basic_lstm_cell", "peephole": "lstm_cell"}[kind]
    variables = {}
    for k in range(2):  # tf.nn.rnn_cell.MultiRNNCell([cell, cell]) under tf.nn.dynamic_rnn's "rnn" scope
        base = f"rnn/multi_rnn_cell/cell_{k}/{name}/"
        variables[base + "kernel"] = uniform(rng, (D if k == 0 else H) + H, G * H)
        variables[base + "bias"] = uniform(rng, G * H)
        if kind == "peephole":
            for diag in ("w_i_diag", "w_f_diag", "w_o_diag"):
                variables[base + diag] = uniform(rng, H)
    x = fixed_inputs()
    expected = tf1_reference(variables, x, kind, forget_bias)
    ours = I.from_tf1_weights(variables, cell=kind, forget_bias=forget_bias)
    out, _ = L.dynamic_rnn(ours, x)
    np.testing.assert_allclose(out, expected, rtol=0, atol=1e-12)


def test_exported_weights_run_the_documented_equations():
    """The other direction: ours -> each layout, run through that layout's equations."""
    x = fixed_inputs()
    stack = L.MultiRNNCell([L.LSTMCell(D, H, seed=1, forget_bias=1.0), L.LSTMCell(H, H, seed=2)])
    out, _ = L.dynamic_rnn(stack, x)
    np.testing.assert_allclose(torch_reference(I.to_torch_state_dict(stack), x, "lstm"), out, rtol=0, atol=1e-12)
    np.testing.assert_allclose(keras_reference(I.to_keras_weights(stack), x, "lstm"), out, rtol=0, atol=1e-12)
    tf = I.to_tf1_weights(stack, forget_bias=1.0)
    np.testing.assert_allclose(tf1_reference(tf, x, "lstm", 1.0), out, rtol=0, atol=1e-12)
    gru = L.MultiRNNCell([L.GRUCell(D, H, seed=3, update_bias=1.0), L.GRUCell(H, H, seed=4)])
    out, _ = L.dynamic_rnn(gru, x)
    np.testing.assert_allclose(torch_reference(I.to_torch_state_dict(gru), x, "gru"), out, rtol=0, atol=1e-12)
    np.testing.assert_allclose(keras_reference(I.to_keras_weights(gru), x, "gru"), out, rtol=0, atol=1e-12)


def test_real_torch_if_installed():
    """Not a dependency: runs only where PyTorch happens to be installed."""
    torch = pytest.importorskip("torch")
    x = fixed_inputs()
    for kind, module in (("lstm", torch.nn.LSTM), ("gru", torch.nn.GRU), ("rnn", torch.nn.RNN)):
        ours = L.MultiRNNCell([L.make_cell(kind, D, H, seed=5, gate_bias=1.0), L.make_cell(kind, H, H, seed=6)])
        net = module(D, H, num_layers=2, batch_first=True).double()
        net.load_state_dict({k: torch.from_numpy(v) for k, v in I.to_torch_state_dict(ours).items()})
        with torch.no_grad():
            theirs = net(torch.from_numpy(x))[0].numpy()
        np.testing.assert_allclose(L.dynamic_rnn(ours, x)[0], theirs, rtol=0, atol=1e-12)
        assert_same_model(ours, I.from_torch_state_dict(net.state_dict(), cell=kind))


# ==========================================================================================
# Bad input: each error names the argument or key, what was expected and what was given.
def _torch(kind="lstm", n=2, H=4):
    return I.to_torch_state_dict(L.MultiRNNCell([L.make_cell(kind, 3 if k == 0 else H, H, seed=k) for k in range(n)]))


def _edit(d, **changes):
    d = dict(d)
    for k, v in changes.items():
        if v is None:
            del d[k]
        else:
            d[k] = v
    return d


def _tf1(kind="lstm", stack=False):
    cells = [L.make_cell(kind, 3 if k == 0 else 2, 2, seed=k) for k in range(2 if stack else 1)]
    return I.to_tf1_weights(L.MultiRNNCell(cells) if stack else cells[0])


def _keras(kind="lstm"):
    return I.to_keras_weights(L.make_cell(kind, 3, 2))


def _bad_tf1_stack():
    tf = _tf1(stack=True)
    tf["rnn/multi_rnn_cell/cell_1/basic_lstm_cell/kernel"] = np.zeros((3 + 2, 8))  # reads 3, not 2
    return tf


BAD = [
    # cell kinds a layout cannot hold
    ("torch export of a peephole", lambda: I.to_torch_state_dict(L.PeepholeLSTMCell(3, 2)),
     TypeError, r"cell_or_stack: .*PeepholeLSTMCell.*no peephole"),
    ("torch import as peephole", lambda: I.from_torch_state_dict(_torch(), cell="peephole"),
     ValueError, r"cell: 'peephole'.*no peephole"),
    ("keras export of a peephole", lambda: I.to_keras_weights(L.PeepholeLSTMCell(3, 2)),
     TypeError, r"cell_or_stack: .*no peephole"),
    ("tf1 export of a GRU", lambda: I.to_tf1_weights(L.GRUCell(3, 2)), TypeError, r"cell_or_stack: .*BEFORE"),
    ("tf1 import as GRU", lambda: I.from_tf1_weights({}, cell="gru"), ValueError, r"cell: 'gru'.*BEFORE"),
    ("unknown cell name", lambda: I.from_torch_state_dict(_torch(), cell="lsmt"),
     ValueError, r"cell: expected one of .*got 'lsmt'"),
    ("not a cell", lambda: I.to_torch_state_dict("lstm"), TypeError, r"cell_or_stack: expected .*got str"),
    ("a CharModel", lambda: I.to_keras_weights(L.CharModel(5, 4)), TypeError, r"cell_or_stack: .*model\.rnn"),
    ("torch stack of two cell types",
     lambda: I.to_torch_state_dict(L.MultiRNNCell([L.LSTMCell(3, 2), L.GRUCell(2, 2)])),
     TypeError, r"cell_or_stack\.cells\[1\]: expected a LSTMCell .*got GRUCell"),
    ("torch stack of two hidden sizes",
     lambda: I.to_torch_state_dict(L.MultiRNNCell([L.LSTMCell(3, 2), L.LSTMCell(2, 5)])),
     ValueError, r"cells\[1\]\.hidden_size: expected 2 .*got 5"),
    # PyTorch state dicts
    ("not a mapping", lambda: I.from_torch_state_dict([1, 2]), TypeError, r"state_dict: expected a mapping.*list"),
    ("empty state dict", lambda: I.from_torch_state_dict({}), ValueError, r"state_dict: expected keys .*weight_ih_l0"),
    ("missing bias", lambda: I.from_torch_state_dict(_edit(_torch(), bias_hh_l0=None)),
     ValueError, r"state_dict: missing key bias_hh_l0"),
    ("missing middle layer", lambda: I.from_torch_state_dict(
        {k.replace("_l1", "_l2"): v for k, v in _torch().items()}),
     ValueError, r"missing key weight_ih_l1"),
    ("bidirectional key", lambda: I.from_torch_state_dict(_edit(_torch(), weight_ih_l0_reverse=np.zeros((16, 3)))),
     ValueError, r"unexpected key 'weight_ih_l0_reverse'.*bidirectional"),
    ("projection key", lambda: I.from_torch_state_dict(_edit(_torch(), weight_hr_l0=np.zeros((2, 4)))),
     ValueError, r"unexpected key 'weight_hr_l0'.*proj_size"),
    ("whole model without prefix", lambda: I.from_torch_state_dict(
        {"lstm." + k: v for k, v in _torch().items()}),
     ValueError, r"unexpected key 'lstm\.weight_ih_l0'.*prefix=.*'lstm\.'"),
    ("weight_ih wrong rows", lambda: I.from_torch_state_dict(_edit(_torch(), weight_ih_l0=np.zeros((15, 3)))),
     ValueError, r"state_dict\['weight_ih_l0'\]: expected shape \(4\*hidden_size, input_size\) = \(16, 3\), "
                 r"got \(15, 3\)"),
    ("GRU weights read as LSTM", lambda: I.from_torch_state_dict(_torch("gru"), cell="lstm"),
     ValueError, r"state_dict\['weight_hh_l0'\]: expected shape .* = \(16, 4\) for cell='lstm', got \(12, 4\).*"
                 r"pass cell='gru'"),
    ("layer 1 reads the wrong size", lambda: I.from_torch_state_dict(_edit(_torch(), weight_ih_l1=np.zeros((16, 3)))),
     ValueError, r"state_dict\['weight_ih_l1'\]: expected input_size 4 \(layer 1 reads layer 0's hidden state"),
    ("layers of two hidden sizes", lambda: I.from_torch_state_dict(_edit(
        _torch(), weight_hh_l1=np.zeros((20, 5)), weight_ih_l1=np.zeros((20, 4)),
        bias_ih_l1=np.zeros(20), bias_hh_l1=np.zeros(20))),
     ValueError, r"weight_hh_l1'\]: expected hidden_size 4 like layer 0"),
    ("bias wrong shape", lambda: I.from_torch_state_dict(_edit(_torch(), bias_ih_l0=np.zeros((16, 1)))),
     ValueError, r"state_dict\['bias_ih_l0'\]: expected shape \(4\*hidden_size,\) = \(16,\), got \(16, 1\)"),
    ("a list, not an array", lambda: I.from_torch_state_dict(_edit(_torch(), bias_ih_l0=[0.0] * 16)),
     TypeError, r"state_dict\['bias_ih_l0'\]: expected a numpy array .*got list"),
    ("mixed dtypes", lambda: I.from_torch_state_dict(_edit(_torch(), bias_ih_l0=np.zeros(16, np.float32))),
     TypeError, r"state_dict: expected one float dtype .*got float64 in .* and float32 in .*bias_ih_l0"),
    ("integer arrays", lambda: I.from_torch_state_dict({k: v.astype(int) for k, v in _torch().items()}),
     TypeError, r"state_dict\['.*'\]: expected float32 or float64 values .*got dtype int"),
    ("integer dtype argument", lambda: I.from_torch_state_dict(_torch(), dtype=np.int32),
     TypeError, r"dtype: expected float32 or float64, got int32"),
    ("zero input size", lambda: I.from_torch_state_dict(_edit(_torch(n=1), weight_ih_l0=np.zeros((16, 0)))),
     ValueError, r"weight_ih_l0'\]: expected input_size >= 1"),
    # Keras weight lists
    ("keras not a list", lambda: I.from_keras_weights(np.zeros(3)), TypeError, r"weights: expected \[kernel"),
    ("keras empty list", lambda: I.from_keras_weights([]), TypeError, r"weights: expected \[kernel"),
    ("keras without bias", lambda: I.from_keras_weights(_keras()[:2]),
     ValueError, r"weights: expected \[kernel, recurrent_kernel, bias\] \(3 arrays.*got 2 items"),
    ("keras kernel wrong width", lambda: I.from_keras_weights([np.zeros((3, 7))] + _keras()[1:]),
     ValueError, r"weights\[0\] \(kernel\): expected shape \(input_size, 4\*hidden_size\) = \(3, 8\), got \(3, 7\)"),
    ("keras GRU read as LSTM", lambda: I.from_keras_weights(_keras("gru"), cell="lstm"),
     ValueError, r"weights\[1\] \(recurrent_kernel\): .*got \(2, 6\).*pass cell='gru'"),
    ("keras GRU reset_after=False", lambda: I.from_keras_weights(_keras("gru")[:2] + [np.zeros(6)], cell="gru"),
     ValueError, r"weights\[2\] \(bias\): expected shape \(2, 3\*hidden_size\).*got \(6,\): .*reset_after=False"),
    ("keras CuDNNGRU bias", lambda: I.from_keras_weights(_keras("gru")[:2] + [np.zeros(12)], cell="gru"),
     ValueError, r"weights\[2\] \(bias\): .*got \(12,\): .*CuDNNGRU"),
    ("keras stack size mismatch", lambda: I.from_keras_weights([_keras(), [np.zeros((3, 8)), np.zeros((2, 8)),
                                                                           np.zeros(8)]]),
     ValueError, r"weights\[1\]\[0\] \(kernel\): expected input_size 2 \(layer 1 reads layer 0's hidden state"),
    ("keras stack item not a list", lambda: I.from_keras_weights([_keras(), np.zeros(3)]),
     ValueError, r"weights\[1\]: expected \[kernel, recurrent_kernel, bias\].*got ndarray"),
    # TF1 variables
    ("tf1 not a mapping", lambda: I.from_tf1_weights([np.zeros(3)]), TypeError, r"weights: expected a mapping"),
    ("tf1 nothing under scope", lambda: I.from_tf1_weights(_tf1(), scope="encoder"),
     ValueError, r"weights: expected names like 'encoder/basic_lstm_cell/kernel'"),
    ("tf1 missing bias", lambda: I.from_tf1_weights(_edit(_tf1(), **{"rnn/basic_lstm_cell/bias": None})),
     ValueError, r"weights: missing rnn/basic_lstm_cell/bias"),
    ("tf1 optimizer slot", lambda: I.from_tf1_weights(_edit(_tf1(), **{"rnn/basic_lstm_cell/kernel/Adam": 0})),
     ValueError, r"unexpected name 'rnn/basic_lstm_cell/kernel/Adam'"),
    ("tf1 peephole read as lstm", lambda: I.from_tf1_weights(_tf1("peephole"), cell="lstm"),
     ValueError, r"unexpected name 'rnn/lstm_cell/w_i_diag'.*pass cell='peephole'"),
    ("tf1 rnn read as lstm", lambda: I.from_tf1_weights(_tf1("rnn"), cell="lstm"),
     ValueError, r"unexpected name 'rnn/basic_rnn_cell/kernel'.*pass cell='rnn'"),
    ("tf1 kernel without input rows", lambda: I.from_tf1_weights(
        _edit(_tf1(), **{"rnn/basic_lstm_cell/kernel": np.zeros((2, 8))})),
     ValueError, r"weights\['rnn/basic_lstm_cell/kernel'\]: expected shape \(input_size \+ hidden_size, "
                 r"4\*hidden_size\) with input_size >= 1 .*got \(2, 8\)"),
    ("tf1 stack size mismatch", lambda: I.from_tf1_weights(_bad_tf1_stack()),
     ValueError, r"cell_1/basic_lstm_cell/kernel'\]: expected input_size 2 \(layer 1 reads layer 0"),
    ("tf1 one cell and a stack mixed", lambda: I.from_tf1_weights({**_tf1(), **_tf1(stack=True)}),
     ValueError, r"weights: expected one layout, got a mix"),
    ("tf1 peephole diag wrong shape", lambda: I.from_tf1_weights(
        _edit(_tf1("peephole"), **{"rnn/lstm_cell/w_f_diag": np.zeros(3)}), cell="peephole"),
     ValueError, r"weights\['rnn/lstm_cell/w_f_diag'\]: expected shape \(hidden_size,\) = \(2,\), got \(3,\)"),
    ("tf1 forget_bias not a number", lambda: I.to_tf1_weights(L.LSTMCell(3, 2), forget_bias="1"),
     TypeError, r"forget_bias: expected a real number"),
    ("tf1 scope not a string", lambda: I.to_tf1_weights(L.LSTMCell(3, 2), scope=None),
     TypeError, r"scope: expected a string"),
    ("describe an unknown framework", lambda: I.describe_layout("jax"), ValueError, r"framework: expected one of"),
    ("describe an unsupported pair", lambda: I.describe_layout("torch", "peephole"),
     ValueError, r"cell: 'peephole' has no PyTorch layout"),
]


@pytest.mark.parametrize("call,error,message", [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_input_names_the_argument(call, error, message):
    with pytest.raises(error, match=message):
        call()
