"""The package against outputs the real frameworks produced (assets/fixtures, written once by
tools/make_framework_fixtures.py). No framework needs to be installed to run these tests."""

import numpy as np
import pytest

from lstm_lesson import to_keras_weights, to_tf1_weights, to_torch_state_dict
from lstm_lesson.experiments.framework_fixtures import FIXTURES, compare_fixture, load_fixture

CONVERTIBLE = [name for name in FIXTURES if name != "keras_gru_reset_after_false"]


@pytest.mark.parametrize("name", CONVERTIBLE)
def test_import_and_run_matches_the_framework(name):
    result = compare_fixture(name)
    assert not result.error, result.error
    # float64 on both sides: a layout mistake (gate order, transpose, bias) gives differences of order 0.1
    assert result.out_gap < 1e-12 and result.state_gap < 1e-12, result.describe()


@pytest.mark.parametrize("name", FIXTURES)
def test_fixture_names_its_framework_and_version(name):
    meta, arrays = load_fixture(name)
    assert meta["framework"] and meta["version"][0].isdigit() and meta["layer"]
    assert arrays["x"].dtype == np.float64 and arrays["out"].shape[:2] == arrays["x"].shape[:2]


def test_keras_gru_without_reset_after_is_refused_with_a_reason():
    result = compare_fixture("keras_gru_reset_after_false")
    assert "reset_after=False applies r before the matmul" in result.error


def test_keras_gru_without_reset_after_is_chos_v3_gru():
    """The reset_after=False fixture follows Cho et al.'s v3 equations (r before the matmul),
    which is a different function from ours: the refusal above is needed, not cautious."""
    _, a = load_fixture("keras_gru_reset_after_false")
    x, H = a["x"], a["h0"].shape[-1]
    for k in range(2):
        W, U, b = a[f"layer{k}_kernel"], a[f"layer{k}_recurrent_kernel"], a[f"layer{k}_bias"]
        h, out = a["h0"][k], []
        for t in range(x.shape[1]):
            xw = x[:, t] @ W + b
            z = 1 / (1 + np.exp(-(xw[:, :H] + h @ U[:, :H])))
            r = 1 / (1 + np.exp(-(xw[:, H:2 * H] + h @ U[:, H:2 * H])))
            cand = np.tanh(xw[:, 2 * H:] + (r * h) @ U[:, 2 * H:])
            h = z * h + (1 - z) * cand
            out.append(h)
        x = np.stack(out, axis=1)
    assert np.abs(x - a["out"]).max() < 1e-12


@pytest.mark.parametrize("name, export", [("torch_lstm", to_torch_state_dict), ("torch_gru", to_torch_state_dict),
                                          ("keras_lstm", to_keras_weights),
                                          ("keras_gru_reset_after_true", to_keras_weights)])
def test_export_gives_back_the_frameworks_arrays(name, export):
    """Import then export: Keras's arrays come back exactly; PyTorch's LSTM biases come back as their
    sum (only the sum matters); the GRU keeps both of its biases."""
    from lstm_lesson.experiments.framework_fixtures import import_fixture_weights

    meta, a = load_fixture(name)
    exported = export(import_fixture_weights(name, meta, a))
    if name.startswith("keras"):
        for k, layer in enumerate(exported):
            for part, value in zip(("kernel", "recurrent_kernel", "bias"), layer):
                np.testing.assert_array_equal(value, a[f"layer{k}_{part}"])
        return
    for key, value in exported.items():
        if name == "torch_lstm" and key.startswith("bias_"):
            layer = key[-1]
            np.testing.assert_allclose(exported[f"bias_ih_l{layer}"] + exported[f"bias_hh_l{layer}"],
                                       a[f"bias_ih_l{layer}"] + a[f"bias_hh_l{layer}"], rtol=0, atol=1e-15)
        else:
            np.testing.assert_array_equal(value, a[key])


def test_tf1_export_gives_back_the_frameworks_variables():
    from lstm_lesson.experiments.framework_fixtures import import_fixture_weights

    meta, a = load_fixture("tf1_lstm")
    exported = to_tf1_weights(import_fixture_weights("tf1_lstm", meta, a), forget_bias=meta["forget_bias"])
    for name, value in exported.items():
        np.testing.assert_allclose(value, a[name.replace("/", "__")], rtol=0, atol=1e-15)


def test_unknown_fixture_is_a_clear_error():
    with pytest.raises(ValueError, match="name: expected one of"):
        load_fixture("torch_rnn")


def test_keras_gru_bias_exercise_names_each_mistake():
    import numpy as np

    from lstm_lesson.classroom.exercises.lesson07 import check_keras_gru_bias

    def reorder(a):
        H = len(a) // 3
        return np.concatenate([a[H:2 * H], a[:H], a[2 * H:]])

    assert check_keras_gru_bias(lambda bx, bh: np.stack([reorder(bx), reorder(bh)]))
    cases = {
        "swap the first two blocks": lambda bx, bh: np.stack([bx, bh]),
        "rows are swapped": lambda bx, bh: np.stack([reorder(bh), reorder(bx)]),
        "CuDNNGRU": lambda bx, bh: np.concatenate([reorder(bx), reorder(bh)]),
    }
    for words, fn in cases.items():
        feedback = check_keras_gru_bias(fn)
        assert not feedback and words in str(feedback) and str(feedback).startswith("Not yet")
