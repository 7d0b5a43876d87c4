"""The delayed-recall task: the data, the gradients, and a short run that learns a short delay."""

import numpy as np
import pytest

from lstm_lesson import gradcheck
from lstm_lesson.experiments.recall import RecallModel, recall_batch, train_recall


def test_targets_are_the_inputs_delay_steps_earlier():
    x, y = recall_batch(4, 10, 3, rng=np.random.default_rng(0))
    assert x.shape == (4, 10, 1) and y.shape == (4, 7)
    assert set(np.unique(x)) == {-1.0, 1.0}
    np.testing.assert_array_equal(2 * y - 1, x[:, :7, 0])  # target at t=3.. is x at t=0..


def test_bad_arguments():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="seq_len: expected more than delay=5"):
        recall_batch(2, 5, 5, rng=rng)
    with pytest.raises(ValueError, match="delay: expected a positive integer"):
        recall_batch(2, 5, 0, rng=rng)
    with pytest.raises(ValueError, match="cell: expected one of"):
        RecallModel("transformer")


@pytest.mark.parametrize("cell", ["rnn", "lstm"])
def test_gradients_match_finite_differences(cell):
    model = RecallModel(cell, hidden_size=3, seed=1)
    x, y = recall_batch(2, 6, 2, rng=np.random.default_rng(1))
    _, grads = model.loss_and_grads(x, y, 2)
    errors = gradcheck(lambda: model.loss_and_grads(x, y, 2)[0], model.params, grads)
    assert max(errors.values()) < 1e-6, errors


def test_no_gradient_reaches_the_unread_first_outputs():
    # with delay 4 and 5 steps only the last output is read: the read-out sees one step per sequence
    model = RecallModel("rnn", hidden_size=3, seed=0)
    x, y = recall_batch(2, 5, 4, rng=np.random.default_rng(0))
    assert model.logits(x, 4).shape == (2, 1, 2)
    _, grads = model.loss_and_grads(x, y, 4)
    assert np.all(np.isfinite(grads["cell.W_h"]))


def test_a_short_run_learns_a_one_step_delay():
    r = train_recall(1, hidden_size=8, steps=150, seed=0)
    assert r.accuracy >= 0.95
    assert r.losses[-1] < r.losses[0]
    assert r.delay == 1 and r.cell == "rnn" and len(r.losses) == 150
