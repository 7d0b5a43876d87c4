"""The training loop, its budget, its determinism, the parameter-count matching and the live view.

Tiny models on tiny texts: these tests check behaviour, not speed (no timing claims here).
"""

import math

import numpy as np
import pytest

from lstm_lesson import CharModel
from lstm_lesson.classroom.monitor import TrainingMonitor, loss_curve_svg, status_text
from lstm_lesson.classroom.plots import plot_history
from lstm_lesson.core.batching import get_batches
from lstm_lesson.core.optim import Adam, clip_by_global_norm
from lstm_lesson.core.sizing import char_model_num_params, matching_hidden_size
from lstm_lesson.core.text import Vocabulary, fable_corpus, split_text
from lstm_lesson.core.training import History, char_losses, evaluate, train


@pytest.fixture(scope="module")
def data():
    text = fable_corpus(6000)
    vocab = Vocabulary.from_text(text)
    train_text, val_text = split_text(text, 0.2)
    return vocab, vocab.encode(train_text), vocab.encode(val_text)


def _model(vocab, **kw):
    kw.setdefault("dtype", np.float64)
    return CharModel(vocab.size, 8, 2, seed=3, **kw)


# ------------------------------------------------------------------------ the loop itself
def test_train_equals_the_loop_written_out(data):
    """train() must be exactly: epoch offset, get_batches, carry state, clip, Adam."""
    vocab, ids, _ = data
    a, b = _model(vocab), _model(vocab)
    history = train(a, ids, max_steps=7, max_seconds=1e6, batch_size=4, n_steps=10, lr=1e-2, max_norm=0.5,
                    seed=5)
    rng = np.random.default_rng(5)
    opt = Adam(b.params, lr=1e-2)
    losses = []
    offset = int(rng.integers(10))
    state = None
    for x, y in get_batches(ids[offset:], 4, 10):
        loss, grads, state = b.loss_and_grads(x, y, state)
        grads, _ = clip_by_global_norm(grads, 0.5)
        opt.step(grads)
        losses.append(loss)
        if len(losses) == 7:
            break
    np.testing.assert_allclose(history.train_loss, losses, rtol=0, atol=0,
                               err_msg="train() differs from the written-out loop: check the state carry, "
                                       "the clipping or the epoch offset")
    for k, p in a.params.items():
        np.testing.assert_array_equal(p, b.params[k], err_msg=f"parameter {k} differs after training")


def test_state_is_carried_between_windows(data, monkeypatch):
    vocab, ids, _ = data
    model = _model(vocab)
    seen = []
    original = model.loss_and_grads

    def spy(x, y, state=None, **kw):
        seen.append(state)
        out = original(x, y, state, **kw)
        seen.append(out[2])
        return out

    monkeypatch.setattr(model, "loss_and_grads", spy)
    train(model, ids, max_steps=3, batch_size=4, n_steps=10)
    assert seen[0] is None, "an epoch must start from the zero state"
    assert seen[2] is seen[1] and seen[4] is seen[3], (
        "the final state of one window must be the initial state of the next (stateful, truncated BPTT)")


def test_new_epoch_restarts_from_zero_state(data, monkeypatch):
    vocab, ids, _ = data
    model = _model(vocab)
    per_epoch = len(list(get_batches(ids[9:], 4, 50)))  # at most this many windows per epoch
    states = []
    original = model.loss_and_grads
    monkeypatch.setattr(model, "loss_and_grads",
                        lambda x, y, state=None: (states.append(state), original(x, y, state))[1])
    train(model, ids, max_steps=2 * per_epoch + 3, batch_size=4, n_steps=50)
    assert sum(s is None for s in states) >= 2, "every epoch must start again from the zero state"


def test_training_is_deterministic_given_a_seed(data):
    vocab, ids, val = data
    h1 = train(_model(vocab), ids, val, max_steps=12, batch_size=4, n_steps=10, eval_every=5, seed=1)
    h2 = train(_model(vocab), ids, val, max_steps=12, batch_size=4, n_steps=10, eval_every=5, seed=1)
    h3 = train(_model(vocab), ids, val, max_steps=12, batch_size=4, n_steps=10, eval_every=5, seed=2)
    assert h1.train_loss == h2.train_loss and h1.val_loss == h2.val_loss
    assert h1.train_loss != h3.train_loss, "the seed chooses the epoch offsets, so it changes the windows"


def test_training_lowers_the_loss(data):
    vocab, ids, val = data
    model = _model(vocab, dtype=np.float32)
    before = evaluate(model, val)
    history = train(model, ids, val, max_steps=150, batch_size=8, n_steps=20, lr=1e-2, eval_every=50)
    assert abs(before - math.log(vocab.size)) < 0.3, "an untrained model is about uniform: log(vocab) nats/char"
    assert history.val_loss[-1] < before - 0.8, f"validation loss {before:.2f} -> {history.val_loss}"
    assert history.val_steps == [50, 100, 150]
    assert history.stopped_by == "max_steps" and history.steps == 150
    assert history.chars == 150 * 8 * 20 and history.chars_per_second > 0


def test_history_bookkeeping_and_resuming(data):
    vocab, ids, val = data
    model = _model(vocab)
    h = train(model, ids, val, max_steps=4, batch_size=4, n_steps=10, eval_every=3)
    assert h.val_steps == [3, 4], "validation every eval_every steps, and once more at the end"
    assert isinstance(h.optimizer, Adam) and h.optimizer.t == 4
    h2 = train(model, ids, max_steps=2, batch_size=4, n_steps=10, optimizer=h.optimizer)
    assert h2.optimizer is h.optimizer and h.optimizer.t == 6, "passing the optimizer continues its moments"
    with pytest.raises(TypeError, match="optimizer"):
        train(_model(vocab), ids, max_steps=1, batch_size=4, n_steps=10, optimizer=h.optimizer)


def test_time_budget_stops_training(data):
    vocab, ids, _ = data
    calls = []
    h = train(_model(vocab), ids, max_steps=10_000, max_seconds=1e-9, batch_size=4, n_steps=10,
              callback=calls.append)
    assert h.stopped_by == "max_seconds" and h.steps == 1, "the budget is checked after every step"
    assert calls and calls[-1].finished


def test_callback_sees_every_step_and_the_end(data):
    vocab, ids, _ = data
    seen = []
    train(_model(vocab), ids, max_steps=5, batch_size=4, n_steps=10,
          callback=lambda h: seen.append((h.steps, h.finished)))
    assert seen == [(1, False), (2, False), (3, False), (4, False), (5, True)]


def test_evaluate_short_texts_and_errors(data):
    vocab, _, _ = data
    model = _model(vocab)
    ids = vocab.encode("The fox.")
    loss = evaluate(model, ids)
    logits, _, _ = model.forward(ids[None, :-1])
    z = logits[0] - logits[0].max(axis=1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    assert loss == pytest.approx(-logp[np.arange(len(ids) - 1), ids[1:]].mean()), (
        "evaluate must be the mean negative log-probability of each next character")
    with pytest.raises(ValueError, match="at least 2"):
        evaluate(model, ids[:1])


def test_char_losses_average_to_evaluate(data):
    vocab, _, val = data
    model = _model(vocab)
    ids = val[:300]
    losses = char_losses(model, ids)
    assert losses.shape == (299,) and np.all(losses > 0)
    assert losses.mean() == pytest.approx(evaluate(model, ids, batch_size=1, n_steps=299), rel=1e-12), (
        "one row from the zero state: the mean of the per-character losses is the evaluate() loss")
    with pytest.raises(ValueError, match="at least 2"):
        char_losses(model, ids[:1])


def test_train_bad_input(data):
    vocab, ids, _ = data
    model = _model(vocab)
    with pytest.raises(TypeError, match="model"):
        train("model", ids)
    with pytest.raises(ValueError, match="train_ids: expected at least"):
        train(model, ids[:100], batch_size=32, n_steps=50)
    with pytest.raises(ValueError, match="train_ids: expected ids in"):
        train(model, ids + 1000)
    with pytest.raises(ValueError, match="max_seconds"):
        train(model, ids, max_seconds=0)
    with pytest.raises(TypeError, match="max_steps"):
        train(model, ids, max_steps=2.5)
    with pytest.raises(TypeError, match="callback"):
        train(model, ids, callback="print")


# ------------------------------------------------------------------------ equal parameter counts
@pytest.mark.parametrize("cell", ["rnn", "gru", "lstm", "peephole"])
@pytest.mark.parametrize("layers", [1, 2])
def test_count_params_matches_the_model(cell, layers):
    for H in (3, 17):
        model = CharModel(11, H, layers, cell=cell)
        assert char_model_num_params(cell, 11, H, layers) == model.num_params(), (
            f"{cell}: char_model_num_params disagrees with CharModel; the GRU has two bias vectors, "
            "the peephole LSTM three peephole vectors")


def test_matching_hidden_size_is_within_a_few_percent():
    target = char_model_num_params("lstm", 49, 64, 2)
    for cell in ("rnn", "gru"):
        H = matching_hidden_size(cell, 49, target, 2)
        n = char_model_num_params(cell, 49, H, 2)
        assert abs(n - target) / target < 0.02
        assert abs(char_model_num_params(cell, 49, H + 1, 2) - target) >= abs(n - target)
        assert abs(char_model_num_params(cell, 49, H - 1, 2) - target) >= abs(n - target)
    assert matching_hidden_size("lstm", 49, target, 2) == 64
    with pytest.raises(ValueError, match="cell"):
        char_model_num_params("transformer", 10, 10)


# ------------------------------------------------------------------------ the live view
def _history(steps=30, val_every=10):
    h = History(max_steps=100)
    h.train_loss = [3.0 * np.exp(-k / 10) + 1 for k in range(steps)]
    h.val_steps = list(range(val_every, steps + 1, val_every))
    h.val_loss = [3.0 * np.exp(-s / 10) + 1.1 for s in h.val_steps]
    h.chars, h.seconds = steps * 1600, 2.0
    return h


def test_status_text():
    h = _history()
    text = status_text(h)
    assert text.startswith("step 30/100 · 2.0 s · train ")
    assert "validation 1.25 nats/char" in text and "24,000 chars/s" in text
    h.stopped_by = "max_seconds"
    assert status_text(h).endswith("stopped: time budget reached")
    assert status_text(History(max_steps=5)) == "step 0/5 · 0.0 s · 0 chars/s"


def test_loss_curve_svg_is_deterministic_and_complete():
    h = _history()
    svg = loss_curve_svg(h)
    assert svg == loss_curve_svg(_history()), "the same history must give the same SVG"
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert svg.count("<polyline") == 2, "the per-step loss and its running mean"
    assert svg.count("<circle") == 3, "one dot per validation loss"
    assert loss_curve_svg(History(max_steps=10)).count("<polyline") == 0, "an empty history draws axes only"
    long = _history(steps=5000, val_every=1000)
    long.max_steps = 5000
    assert len(loss_curve_svg(long)) < 40_000, "long trainings are thinned to a few hundred points"


def test_loss_curve_points_stay_inside_the_plot():
    h = _history()
    h.train_loss[0] = 1e6  # an outlier must be clipped, not drawn off the picture
    svg = loss_curve_svg(h, width=300, height=150, y_max=4.0)
    import re

    ys = [float(m) for m in re.findall(r",(-?[\d.]+)", svg)]
    assert ys and min(ys) >= 10 - 1e-9 and max(ys) <= 150 - 28 + 1e-9


def test_training_monitor_updates_its_widgets(data):
    pytest.importorskip("ipywidgets")
    vocab, ids, val = data
    monitor = TrainingMonitor(every_seconds=0.0)
    history = train(_model(vocab), ids, val, max_steps=6, batch_size=4, n_steps=10, eval_every=3,
                    callback=monitor)
    assert monitor.updates == 6, "with every_seconds=0 every step redraws (5 steps + the end)"
    assert monitor.bar.value == monitor.bar.max == 6 and monitor.bar.bar_style == "success"
    assert monitor.status.value.startswith("step 6/6") and "done" in monitor.status.value
    assert monitor.curve.value == loss_curve_svg(history)


def test_training_monitor_throttles_but_always_draws_the_end(data):
    vocab, ids, _ = data
    monitor = TrainingMonitor(every_seconds=1e6)
    train(_model(vocab), ids, max_steps=6, batch_size=4, n_steps=10, callback=monitor)
    assert monitor.updates == 2, "the first step and the end; nothing in between within the interval"
    h = History(max_steps=10, train_loss=[2.0], stopped_by="max_seconds", seconds=1.0, chars=10)
    monitor.update(h)
    assert monitor.bar.bar_style == "warning", "stopped by the time budget: shown in another color"


def test_plot_history_draws_train_and_validation():
    import matplotlib.pyplot as plt

    ax = plot_history(_history(), label="LSTM")
    labels = [line.get_label() for line in ax.get_lines()]
    assert labels == ["LSTM: train (running mean)", "LSTM: validation"]
    plt.close(ax.figure)
