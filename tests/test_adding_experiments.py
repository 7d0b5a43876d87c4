"""The stored truncated-BPTT result is what the package computes, and lesson 4's new checks."""

import numpy as np
import pytest

from lstm_lesson.classroom.exercises.lesson04_try import answers, check_try_it
from lstm_lesson.experiments.adding_experiments import (
    always_half_baseline,
    load_long_lag_race,
    load_truncation_race,
    long_lag_run,
    spectral_trace,
    train_truncated,
    truncation_race,
)


def _same_run(fresh, stored, check_every=50):
    """Equal up to what another BLAS build may move: solved exactly, steps within one check,
    shares of test sequences within 1%."""
    assert fresh["solved"] == stored["solved"]
    assert abs(fresh["steps"] - stored["steps"]) <= check_every
    assert abs(fresh["test_correct"] - stored["test_correct"]) < 0.01
    assert fresh["baseline"] == stored["baseline"]  # the data alone: exact


def test_stored_truncation_race_recomputes_for_a_seeded_subset():
    stored = load_truncation_race()
    cfg = stored["settings"]
    assert cfg["seeds"] == [0, 1, 2] and cfg["windows"] == [10, 20, 40]
    # one short window that fails (runs the full budget) and the full window that solves: seed 1
    fresh = truncation_race(windows=[20, 40], seeds=[1])
    want = [r for r in stored["runs"] if r["seed"] == 1 and r["window"] in (20, 40)]
    for f, w in zip(fresh["runs"], want):
        assert f["window"] == w["window"]
        _same_run(f, w)


def test_stored_long_lag_race_recomputes_for_a_seeded_run():
    stored = load_long_lag_race()
    assert stored["settings"]["seeds"] == [0, 1, 2] and stored["settings"]["max_steps"] == 3000
    want = next(r for r in stored["runs"] if r["cell"] == "lstm" and r["seed"] == 0)
    fresh = long_lag_run("lstm", 0)
    _same_run(fresh, want, check_every=25)
    assert fresh["weights"] == want["weights"]


def test_truncation_needs_a_divisor_of_the_length():
    with pytest.raises(ValueError, match="window: expected a divisor of length=40, got 30"):
        train_truncated(30, 0)


def test_always_half_baseline_is_about_15_percent():
    assert 0.13 < always_half_baseline(50, 0) < 0.18


def test_spectral_trace_records_lambda1_at_the_start():
    tr = spectral_trace(0, clip=1.0, steps=3)
    assert np.isclose(tr["lambda1"][0], 3.0) and len(tr["norm"]) == 3


@pytest.mark.parametrize("answer", [None, "4", 4.5, True, [4], {"x": 4}, np.nan, 0])
def test_try_it_refuses_broken_answers_with_a_message(answer):
    feedback = check_try_it(answer, 5, 3)
    assert not feedback and "my_always_vanishes" in str(feedback) and str(feedback).startswith("Not yet")


def test_try_it_answers_measured_over_8_draws():
    assert answers() == (2, 5, 3)
    assert check_try_it(2, 5, 3)
    wrong = check_try_it(3, 5, 3)
    assert not wrong and "8 draws" in str(wrong)
    assert not check_try_it(2, 4, 3) and not check_try_it(2, 5, 2)
