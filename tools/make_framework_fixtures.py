"""Reference outputs from the real frameworks, for lesson 7 and tests/test_framework_fixtures.py.

A maintainer runs this ONCE in a throwaway environment that has the frameworks; the lesson and the
tests then compare the package with the saved outputs whether or not a framework is installed:

    python -m venv /tmp/fw && /tmp/fw/bin/pip install numpy torch keras tensorflow-cpu
    /tmp/fw/bin/python tools/make_framework_fixtures.py            # writes assets/fixtures/*.npz

The script does not import lstm_lesson: the weights are drawn in each FRAMEWORK's own layout
(seeded numpy, both PyTorch biases non-zero, a non-zero initial state), loaded into the framework's
own layer, and the layer's outputs and final states are saved beside them. So a fixture is a
framework's answer, not our reading of its documentation. Each .npz holds:

    x (batch, time, features) float64 inputs; h0, c0 (layers, batch, hidden) initial states;
    the layer's weights under the framework's own names; out (batch, time, hidden) the top
    layer's outputs; h_n, c_n the final states; meta: a JSON string naming the framework, its
    version, the layer call and the gate order.

Frameworks that cannot be imported are skipped with a message; the files already there stay.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parents[1] / "assets" / "fixtures"
BATCH, TIME, FEATURES, HIDDEN, LAYERS = 3, 7, 5, 4, 2
SEED = 20261202


def _inputs(rng):
    x = rng.normal(size=(BATCH, TIME, FEATURES))
    h0 = 0.5 * rng.normal(size=(LAYERS, BATCH, HIDDEN))
    c0 = 0.5 * rng.normal(size=(LAYERS, BATCH, HIDDEN))
    return x, h0, c0


def _save(name, meta, **arrays):
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{name}.npz"
    np.savez_compressed(path, meta=np.array(json.dumps(meta, sort_keys=True)), **arrays)
    print(f"wrote {path.relative_to(OUT.parents[1])}: {meta['framework']} {meta['version']}, {meta['layer']}")


def torch_fixtures():
    try:
        import torch
    except ImportError as err:
        print(f"PyTorch skipped: {err}")
        return
    for kind, G in (("lstm", 4), ("gru", 3)):
        rng = np.random.default_rng([SEED, G])
        x, h0, c0 = _inputs(rng)
        layer_cls = torch.nn.LSTM if kind == "lstm" else torch.nn.GRU
        layer = layer_cls(FEATURES, HIDDEN, num_layers=LAYERS, batch_first=True).double()
        weights = {}
        for k in range(LAYERS):
            D = FEATURES if k == 0 else HIDDEN
            weights[f"weight_ih_l{k}"] = rng.uniform(-0.8, 0.8, size=(G * HIDDEN, D))
            weights[f"weight_hh_l{k}"] = rng.uniform(-0.8, 0.8, size=(G * HIDDEN, HIDDEN))
            weights[f"bias_ih_l{k}"] = rng.uniform(-0.5, 0.5, size=G * HIDDEN)
            weights[f"bias_hh_l{k}"] = rng.uniform(-0.5, 0.5, size=G * HIDDEN)
        layer.load_state_dict({k: torch.from_numpy(v) for k, v in weights.items()})
        with torch.no_grad():
            if kind == "lstm":
                out, (h_n, c_n) = layer(torch.from_numpy(x), (torch.from_numpy(h0), torch.from_numpy(c0)))
                finals = {"h_n": h_n.numpy(), "c_n": c_n.numpy(), "c0": c0}
            else:
                out, h_n = layer(torch.from_numpy(x), torch.from_numpy(h0))
                finals = {"h_n": h_n.numpy()}
        meta = {"framework": "PyTorch", "version": torch.__version__, "python": sys.version.split()[0],
                "layer": f"torch.nn.{layer_cls.__name__}({FEATURES}, {HIDDEN}, num_layers={LAYERS}, "
                         "batch_first=True).double()",
                "gates": "i, f, g, o" if kind == "lstm" else "r, z, n"}
        _save(f"torch_{kind}", meta, x=x, h0=h0, out=out.numpy(), **finals, **weights)


def keras_fixtures():
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    try:
        import keras
    except ImportError as err:
        print(f"Keras skipped: {err}")
        return
    backend = keras.backend.backend()
    for kind, G, reset_after in (("lstm", 4, None), ("gru", 3, True), ("gru", 3, False)):
        rng = np.random.default_rng([SEED, G, 2 if reset_after is None else int(reset_after)])
        x, h0, c0 = _inputs(rng)
        h, weights, layers = keras.ops.convert_to_tensor(x), {}, []
        for k in range(LAYERS):
            D = FEATURES if k == 0 else HIDDEN
            if kind == "lstm":
                layer = keras.layers.LSTM(HIDDEN, return_sequences=True, return_state=True, dtype="float64")
                bias_shape = (G * HIDDEN,)
            else:
                layer = keras.layers.GRU(HIDDEN, return_sequences=True, return_state=True, dtype="float64",
                                         reset_after=reset_after)
                bias_shape = (2, G * HIDDEN) if reset_after else (G * HIDDEN,)
            layer.build((None, None, D))
            w = [rng.uniform(-0.8, 0.8, size=(D, G * HIDDEN)), rng.uniform(-0.8, 0.8, size=(HIDDEN, G * HIDDEN)),
                 rng.uniform(-0.5, 0.5, size=bias_shape)]
            layer.set_weights(w)
            for name, value in zip(("kernel", "recurrent_kernel", "bias"), w):
                weights[f"layer{k}_{name}"] = value
            state = [h0[k], c0[k]] if kind == "lstm" else [h0[k]]
            result = layer(h, initial_state=[keras.ops.convert_to_tensor(s) for s in state])
            h = result[0]
            layers.append([keras.ops.convert_to_numpy(s) for s in result[1:]])
        finals = {"h_n": np.stack([s[0] for s in layers])}
        if kind == "lstm":
            finals.update(c_n=np.stack([s[1] for s in layers]), c0=c0)
        call = "LSTM" if kind == "lstm" else f"GRU(reset_after={reset_after})"
        meta = {"framework": "Keras", "version": keras.__version__, "backend": backend,
                "python": sys.version.split()[0],
                "layer": f"{LAYERS} stacked keras.layers.{call.split('(')[0]}({HIDDEN}, return_sequences=True"
                         + ("" if kind == "lstm" else f", reset_after={reset_after}") + ", dtype='float64')",
                "gates": "i, f, c, o" if kind == "lstm" else "z, r, h"}
        try:
            import tensorflow as tf
            meta["tensorflow"] = tf.__version__
        except ImportError:
            pass
        name = "keras_lstm" if kind == "lstm" else f"keras_gru_reset_after_{str(reset_after).lower()}"
        _save(name, meta, x=x, h0=h0, out=keras.ops.convert_to_numpy(h), **finals, **weights)


def tf1_fixtures():
    """The notes' BasicLSTMCell in a MultiRNNCell, run by tf.nn.dynamic_rnn (tf.compat.v1)."""
    os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")  # TF >= 2.16: the v1 cells live in tf_keras
    try:
        import tensorflow.compat.v1 as tf1
        cell_cls = tf1.nn.rnn_cell.BasicLSTMCell
    except (ImportError, AttributeError) as err:
        print(f"TensorFlow 1 cells skipped: {type(err).__name__}: {err}")
        return
    rng = np.random.default_rng([SEED, 1])
    x, h0, c0 = _inputs(rng)
    forget_bias = 1.0
    variables = {}
    for k in range(LAYERS):
        D = FEATURES if k == 0 else HIDDEN
        scope = f"rnn/multi_rnn_cell/cell_{k}/basic_lstm_cell"
        variables[f"{scope}/kernel"] = rng.uniform(-0.8, 0.8, size=(D + HIDDEN, 4 * HIDDEN))
        variables[f"{scope}/bias"] = rng.uniform(-0.5, 0.5, size=4 * HIDDEN)
    try:
        with tf1.Graph().as_default(), tf1.Session() as sess:
            x_in = tf1.placeholder(tf1.float64, x.shape)
            stack = tf1.nn.rnn_cell.MultiRNNCell([cell_cls(HIDDEN, forget_bias=forget_bias, dtype=tf1.float64)
                                                  for _ in range(LAYERS)])
            init = tuple(tf1.nn.rnn_cell.LSTMStateTuple(tf1.constant(c0[k]), tf1.constant(h0[k]))
                         for k in range(LAYERS))
            out, final = tf1.nn.dynamic_rnn(stack, x_in, initial_state=init, dtype=tf1.float64)
            by_name = {v.name: v for v in tf1.global_variables()}
            for name, value in variables.items():
                sess.run(by_name[name + ":0"].assign(value))
            out_v, final_v = sess.run([out, final], {x_in: x})
        import tensorflow as tf
        version = tf.__version__
        try:
            import tf_keras
            version += f" (tf_keras {tf_keras.__version__})"
        except ImportError:
            pass
    except Exception as err:  # noqa: BLE001 - report any framework failure and go on
        print(f"TensorFlow 1 cells skipped: {type(err).__name__}: {err}")
        return
    meta = {"framework": "TensorFlow 1 API (tf.compat.v1)", "version": version, "python": sys.version.split()[0],
            "layer": f"tf.nn.dynamic_rnn(MultiRNNCell([BasicLSTMCell({HIDDEN}, forget_bias={forget_bias})] x "
                     f"{LAYERS} separate cells))", "gates": "i, j, f, o", "forget_bias": forget_bias}
    arrays = {k.replace("/", "__"): v for k, v in variables.items()}
    _save("tf1_lstm", meta, x=x, h0=h0, c0=c0, out=out_v, h_n=np.stack([s.h for s in final_v]),
          c_n=np.stack([s.c for s in final_v]), **arrays)


if __name__ == "__main__":
    which = set(sys.argv[1:]) or {"torch", "keras", "tf1"}
    for name, make in (("torch", torch_fixtures), ("keras", keras_fixtures), ("tf1", tf1_fixtures)):
        if name in which:
            make()
