"""The adding problem (Hochreiter & Schmidhuber 1997, Experiment 4) and its small trainer."""

import numpy as np
import pytest

import lstm_lesson as L
from lstm_lesson.experiments.adding import (
    AddingModel,
    AddingRun,
    adding_batch,
    fraction_correct,
    race_table,
    train_adding,
)


@pytest.mark.parametrize("T", [6, 20, 100])
def test_sequences_follow_the_paper(T):
    x, y = adding_batch(500, T, np.random.default_rng(0))
    assert x.shape == (500, T, 2) and y.shape == (500,)
    values, markers = x[..., 0], x[..., 1]
    assert np.all(np.abs(values) <= 1)
    marked = markers == 1.0
    assert np.all(marked.sum(axis=1) == 2), "exactly two pairs are marked"
    first = marked.argmax(axis=1)
    second = T - 1 - marked[:, ::-1].argmax(axis=1)
    assert np.all(first < 10) and np.all(second < T // 2), "marks in the first ten / first T/2 - 1 pairs"
    assert np.all(markers[:, -1] == -1.0), "the final pair carries the marker -1"
    assert np.all((markers[:, 0] == -1.0) | marked[:, 0]), "the first pair carries -1 unless it is marked"
    assert np.all(values[marked[:, 0], 0] == 0.0), "X1 is zero when the first pair is marked"
    others = ~marked
    others[:, [0, -1]] = False
    assert np.all(markers[others] == 0.0)
    X = np.where(marked, values, 0.0).sum(axis=1)
    np.testing.assert_allclose(y, 0.5 + X / 4.0)  # the sum scaled to [0, 1]
    assert np.all((y >= 0) & (y <= 1))


def test_both_marks_are_drawn_over_their_whole_ranges():
    x, _ = adding_batch(4000, 30, np.random.default_rng(1))
    marked = x[..., 1] == 1.0
    positions = set(np.flatnonzero(marked.any(axis=0)))
    # the first T/2 - 1 = 14 pairs that are still unmarked: positions 0..14 without the first mark
    assert positions == set(range(15))


def test_batches_depend_only_on_the_seed():
    a = adding_batch(4, 12, 7)
    b = adding_batch(4, 12, np.random.default_rng(7))
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])


def test_fraction_correct_uses_the_strict_rule():
    assert fraction_correct([0.5, 0.54, 0.539, 0.2], [0.5, 0.5, 0.5, 0.5]) == 0.5
    with pytest.raises(ValueError, match="predictions: expected shape"):
        fraction_correct([0.5], [0.5, 0.5])


@pytest.mark.parametrize("kind", ["rnn", "lstm", "peephole", "gru"])
def test_model_gradients_match_finite_differences(kind):
    model = AddingModel(kind, 3, gate_bias=1.0, seed=2)
    x, y = adding_batch(4, 7, np.random.default_rng(3))
    loss, grads, pred = model.loss_and_grads(x, y)
    assert loss == pytest.approx(0.5 * np.mean((model.predict(x) - y) ** 2), rel=1e-12)
    errors = L.gradcheck(lambda: model.loss_and_grads(x, y)[0], model.params, grads, max_checks=12)
    assert max(errors.values()) < 1e-6, errors


def test_an_lstm_with_forget_bias_solves_a_short_task():
    run = train_adding("lstm", length=8, gate_bias=3.0, seed=0, max_steps=800, test_size=512)
    assert run.solved and not run.diverged
    assert run.steps < 800 and run.steps % 25 == 0  # stopped early, at a check
    assert run.sequences == 32 * run.steps
    assert run.test_correct > 0.8
    assert len(run.losses) == len(run.norms) == run.steps
    assert run.history[-1][1] >= 0.95


def test_clipping_stops_an_exploding_rnn_from_diverging():
    kw = dict(spectral_scale=3.0, optimizer="sgd", lr=0.5, max_steps=60, length=20, test_size=64)
    free = train_adding("rnn", clip=None, **kw)
    clipped = train_adding("rnn", clip=1.0, **kw)
    assert free.diverged and free.steps < 60 and max(free.norms) > 100
    assert not clipped.diverged and clipped.steps == 60 and max(clipped.losses) < 10


def test_race_table_counts_solved_runs():
    def run(kind, bias, solved, steps):
        return AddingRun(cell=kind, gate_bias=bias, seed=0, length=10, hidden_size=4, solved=solved,
                         diverged=False, steps=steps, sequences=32 * steps, test_correct=0.5, seconds=1.0)
    rows = race_table([run("lstm", 3.0, True, 100), run("lstm", 3.0, True, 300), run("lstm", 3.0, False, 900),
                       run("gru", 0.0, False, 900)])
    assert rows[0] == {"cell": "lstm", "gate_bias": 3.0, "solved": 2, "runs": 3, "median_steps": 200,
                       "median_sequences": 6400, "mean_test_correct": 0.5, "seconds": 3.0}
    assert rows[1]["solved"] == 0 and rows[1]["median_steps"] is None


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="length: expected at least 6"):
        adding_batch(2, 5, 0)
    with pytest.raises(ValueError, match="cell: expected one of"):
        train_adding("transformer")
    with pytest.raises(ValueError, match="optimizer: expected 'adam' or 'sgd'"):
        train_adding("lstm", optimizer="rmsprop")
    with pytest.raises(ValueError, match="clip: expected a positive threshold"):
        train_adding("lstm", clip=0.0)
    with pytest.raises(TypeError, match="max_steps: expected a positive integer"):
        train_adding("lstm", max_steps=1.5)
