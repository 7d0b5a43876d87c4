"""The gate-ablation cells are right (finite differences), and the stored ablation is what the
package computes (a seeded subset recomputed and compared exactly)."""

from pathlib import Path

import numpy as np
import pytest

import lstm_lesson as L
from lstm_lesson.experiments.gate_ablation import (
    VARIANTS,
    VariantLSTMCell,
    ablation_table,
    always_half_baseline,
    cell_state_drift,
    load_ablation,
    run_ablation,
)

STORED = Path(__file__).resolve().parents[1] / "assets" / "gate_ablation.json"


@pytest.mark.parametrize("variant", [v for v in VARIANTS if v != "PH"])
def test_variant_backward_matches_finite_differences(variant):
    cell = VariantLSTMCell(3, 4, variant=variant, seed=1, forget_bias=0.5)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2, 5, 3))
    s0 = L.LSTMState(rng.normal(size=(2, 4)), rng.normal(size=(2, 4)))
    w_out, w_h, w_c = rng.normal(size=(2, 5, 4)), rng.normal(size=(2, 4)), rng.normal(size=(2, 4))

    def loss():
        out, fin = L.dynamic_rnn(cell, x, s0)
        return float((out * w_out).sum() + (fin.h * w_h).sum() + (fin.c * w_c).sum())

    _, _, cache = L.dynamic_rnn(cell, x, s0, return_cache=True)
    dx, d_s0, grads = L.bptt(cell, w_out, cache, L.LSTMState(w_h, w_c))
    errors = L.gradcheck(loss, dict(cell.params, x=x, h0=s0.h, c0=s0.c), dict(grads, x=dx, h0=d_s0.h, c0=d_s0.c))
    assert max(errors.values()) < 1e-6, (variant, errors)


def test_the_standard_variant_is_the_package_lstm():
    a, b = VariantLSTMCell(3, 4, seed=2, forget_bias=1.0), L.LSTMCell(3, 4, seed=2, forget_bias=1.0)
    x = np.random.default_rng(1).normal(size=(2, 6, 3))
    np.testing.assert_allclose(L.dynamic_rnn(a, x)[0], L.dynamic_rnn(b, x)[0], rtol=1e-12, atol=1e-14)


def test_switched_off_gates_are_constant():
    x = np.random.default_rng(1).normal(size=(2, 3))
    s = L.LSTMState(np.full((2, 4), 0.3), np.full((2, 4), -0.7))
    for variant, check in {"NIG": lambda r: r.i == 1, "NFG": lambda r: r.f == 1, "NOG": lambda r: r.o == 1,
                           "CIFG": lambda r: np.isclose(r.i, 1 - r.f), "NOAF": lambda r: r.h == r.o * r.c}.items():
        _, record = VariantLSTMCell(3, 4, variant=variant, seed=0).step(x, s)
        assert np.all(check(record)), variant


def test_bad_variant_is_named():
    with pytest.raises(ValueError, match="variant"):
        VariantLSTMCell(3, 4, variant="NXG")


def test_the_stream_drifts_without_a_forget_gate():
    without, with_f = cell_state_drift("NFG"), cell_state_drift("LSTM")
    assert without[-1] > 10 * with_f[-1] and without[-1] > 5 * without[199]
    assert with_f.max() < 2.0


def test_stored_ablation_has_its_settings_and_three_seeds():
    stored = load_ablation(STORED)
    assert len(stored["seeds"]) >= 3 and set(stored["variants"]) == set(VARIANTS)
    assert len(stored["runs"]) == len(stored["seeds"]) * len(stored["variants"])
    assert {"length", "hidden_size", "max_steps", "lr", "forget_bias"} <= set(stored["settings"])
    rows = ablation_table(stored)
    assert [r["variant"] for r in rows] == list(VARIANTS)
    for seed in stored["seeds"]:
        assert stored["always_half_baseline"][str(seed)] == round(always_half_baseline(stored["settings"]["length"],
                                                                                       seed=seed), 4)


def test_a_seeded_subset_recomputes_exactly():
    stored = load_ablation(STORED)
    subset = run_ablation(variants=("NOG", "NFG"), seeds=(stored["seeds"][0],), **stored["settings"])
    for run in subset["runs"]:
        same = [r for r in stored["runs"] if r["variant"] == run["variant"] and r["seed"] == run["seed"]]
        assert same == [run]
