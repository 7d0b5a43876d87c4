"""The stored truncated-BPTT result is what the package computes, and lesson 4's new checks."""

import numpy as np
import pytest

from lstm_lesson.classroom.exercises.lesson04_try import check_try_it
from lstm_lesson.experiments.adding_experiments import (
    always_half_baseline,
    load_truncation_race,
    spectral_trace,
    train_truncated,
    truncation_race,
)


def test_stored_truncation_race_recomputes_exactly_for_a_seeded_subset():
    stored = load_truncation_race()
    cfg = stored["settings"]
    assert cfg["seeds"] == [0, 1, 2] and cfg["windows"] == [10, 20, 40]
    # one short window that fails (runs the full budget) and the full window that solves: seed 1
    fresh = truncation_race(windows=[20, 40], seeds=[1])
    want = [r for r in stored["runs"] if r["seed"] == 1 and r["window"] in (20, 40)]
    assert fresh["runs"] == want


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
    feedback = check_try_it(answer, 3)
    assert not feedback and "my_turning_scale" in str(feedback)


def test_try_it_answers():
    assert check_try_it(4, 3)
    wrong = check_try_it(3, 3)
    assert not wrong and "saturated" in str(wrong)
    assert not check_try_it(4, 2)
