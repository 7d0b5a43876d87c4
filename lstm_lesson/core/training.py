"""Training a character model: stateful truncated BPTT, Adam, clipping, a time budget.

The loop, as in the notes' practice (and Karpathy's char-rnn):

    for each epoch:                       every pass over the text starts from the zero state
        state = zeros
        for x, y in get_batches(text):    (batch, n_steps) windows; row r continues row r
            loss, grads, state = model.loss_and_grads(x, y, state)   carry the state ...
            grads = clip_by_global_norm(grads, max_norm)             ... but not its gradient
            adam.step(grads)                                          (truncated BPTT)

``train`` stops after ``max_steps`` steps or ``max_seconds`` seconds, whichever comes first, so
a class never waits longer than planned. Its ``History`` keeps the training loss of every step
and the validation loss every ``eval_every`` steps. The live view of a running ``train`` (a
progress bar and a loss curve) is ``lstm_lesson.classroom.monitor.TrainingMonitor``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from . import validate as check
from .activations import log_softmax
from .batching import get_batches
from .language import say
from .model import CharModel
from .optim import Adam, clip_by_global_norm


@dataclass
class History:
    """What happened during ``train``: losses in nats per character.

    ``train_loss[k]`` is the loss of step ``k + 1`` (on the window it trained on, before the update);
    ``val_loss[k]`` is the validation loss measured after step ``val_steps[k]``.
    """

    max_steps: int = 0
    train_loss: list = field(default_factory=list)
    val_steps: list = field(default_factory=list)
    val_loss: list = field(default_factory=list)
    chars: int = 0  # characters trained on (batch * n_steps per step)
    seconds: float = 0.0
    stopped_by: str = ""  # "max_steps" or "max_seconds" once training has ended
    optimizer: object = field(default=None, repr=False)  # the Adam used, to continue training

    @property
    def steps(self) -> int:
        return len(self.train_loss)

    @property
    def finished(self) -> bool:
        return bool(self.stopped_by)

    @property
    def chars_per_second(self) -> float:
        return self.chars / self.seconds if self.seconds > 0 else 0.0

    @property
    def best_val_loss(self) -> float:
        return min(self.val_loss) if self.val_loss else float("nan")

    def recent_train_loss(self, window=20) -> float:
        """Mean training loss of the last ``window`` steps (one window is noisy)."""
        if not self.train_loss:
            return float("nan")
        return float(np.mean(self.train_loss[-window:]))


def evaluate(model, ids, *, batch_size=16, n_steps=100, max_chars=None):
    """Mean loss (nats/char) of ``model`` predicting each next id of ``ids``, state carried along.

    ids: 1-D int array. The text is read as ``batch_size`` rows like ``get_batches`` (fewer rows
    for a short text); ``max_chars`` caps how much is read, to keep evaluation cheap.
    """
    ids = check.integer_array("ids", ids, ndim=1, high=model.vocab_size)
    if len(ids) < 2:
        raise ValueError(say(f"ids: expected at least 2 ids (one input and its successor), got {len(ids)}",
                             f"ids：至少应有 2 个 id（一个输入和它的后继），传入的是 {len(ids)} 个"))
    if max_chars is not None:
        ids = ids[:check.positive_int("max_chars", max_chars) + 1]
    n_steps = min(check.positive_int("n_steps", n_steps), len(ids) - 1)
    batch_size = max(1, min(check.positive_int("batch_size", batch_size), (len(ids) - 1) // n_steps))
    total, count, state = 0.0, 0, None
    for x, y in get_batches(ids, batch_size, n_steps):
        logits, state = model.predict(x, state)  # inference: no records kept
        logp = log_softmax(logits)
        total -= float(np.take_along_axis(logp, y[..., None], axis=-1).sum())
        count += y.size
    return total / count


def char_losses(model, ids):
    """The loss of every single prediction: ``out[t] = -log p(ids[t + 1] | ids[: t + 1])``, shape (len - 1,).

    One row read from the zero state; useful to ask WHICH characters are hard (e.g. those that
    need a long memory), where ``evaluate`` gives only the mean.
    """
    ids = check.integer_array("ids", ids, ndim=1, high=model.vocab_size)
    if len(ids) < 2:
        raise ValueError(say(f"ids: expected at least 2 ids (one input and its successor), got {len(ids)}",
                             f"ids：至少应有 2 个 id（一个输入和它的后继），传入的是 {len(ids)} 个"))
    logits, _ = model.predict(ids[None, :-1])
    logp = log_softmax(logits[0])
    return -logp[np.arange(len(ids) - 1), ids[1:]].astype(np.float64)


def train(model, train_ids, val_ids=None, *, max_steps=500, max_seconds=30.0, batch_size=32, n_steps=50,
          lr=3e-3, max_norm=5.0, eval_every=50, eval_chars=20_000, seed=0, callback=None, optimizer=None):
    """Train ``model`` (a ``CharModel``) on ``train_ids`` and return a ``History``.

    train_ids, val_ids: 1-D int arrays of character ids (``val_ids`` optional).
    Each step reads one ``(batch_size, n_steps)`` window of ``get_batches``, carries the final state
    into the next window (truncated BPTT over ``n_steps``), clips the gradient to a global norm of
    ``max_norm`` and takes an Adam step. Each epoch starts from the zero state at an offset in
    ``[0, n_steps)`` drawn from ``seed``, so epochs see differently cut windows; the same seed and
    sizes give the same losses on the same machine (unless ``max_seconds`` cuts training short).
    Stops after ``max_steps`` steps or once ``max_seconds`` have passed. ``callback(history)`` is
    called after every step and once at the end (``history.finished`` is then True).
    ``optimizer``: pass the Adam of an earlier call to continue training with its moments.
    """
    if not isinstance(model, CharModel):
        raise TypeError(say(f"model: expected a CharModel, got {type(model).__name__}",
                            f"model：应为 CharModel，传入的是 {type(model).__name__}"))
    train_ids = check.integer_array("train_ids", train_ids, ndim=1, high=model.vocab_size)
    if val_ids is not None:
        val_ids = check.integer_array("val_ids", val_ids, ndim=1, high=model.vocab_size)
    max_steps = check.positive_int("max_steps", max_steps)
    max_seconds = check.real_number("max_seconds", max_seconds)
    if max_seconds <= 0:
        raise ValueError(say(f"max_seconds: expected a positive time budget in seconds, got {max_seconds}",
                             f"max_seconds：时间预算应为正的秒数，传入的是 {max_seconds}"))
    batch_size = check.positive_int("batch_size", batch_size)
    n_steps = check.positive_int("n_steps", n_steps)
    eval_every = check.positive_int("eval_every", eval_every)
    if len(train_ids) < batch_size * n_steps + n_steps + 1:
        raise ValueError(say(f"train_ids: expected at least batch_size * n_steps + n_steps + 1 = "
                             f"{batch_size * n_steps + n_steps + 1} ids (one batch at any epoch offset), got "
                             f"{len(train_ids)}; use a longer text or a smaller batch_size or n_steps",
                             f"train_ids：至少应有 batch_size * n_steps + n_steps + 1 = "
                             f"{batch_size * n_steps + n_steps + 1} 个 id（任何迭代周期的偏移下都能取出一个批次），"
                             f"传入的是 {len(train_ids)} 个；请用更长的文本，或调小 batch_size 或 n_steps"))
    if callback is not None and not callable(callback):
        raise TypeError(say(f"callback: expected a function of the history, got {type(callback).__name__}",
                            f"callback：应为以 history 为参数的函数，传入的是 {type(callback).__name__}"))
    if optimizer is None:
        optimizer = Adam(model.params, lr=lr)
    elif not isinstance(optimizer, Adam) or any(optimizer.params.get(k) is not p for k, p in model.params.items()):
        raise TypeError(say("optimizer: expected the Adam of an earlier train() call on this same model",
                            "optimizer：应为先前对同一个模型调用 train() 时用的 Adam"))
    rng = np.random.default_rng(seed)
    history = History(max_steps=max_steps)
    start = time.perf_counter()

    def validate():
        if val_ids is not None:
            history.val_steps.append(history.steps)
            history.val_loss.append(evaluate(model, val_ids, max_chars=eval_chars))

    while not history.finished:
        offset = int(rng.integers(n_steps))
        state = None  # a new epoch: row r no longer continues where it stopped
        for x, y in get_batches(train_ids[offset:], batch_size, n_steps):
            loss, grads, state = model.loss_and_grads(x, y, state)
            grads, _ = clip_by_global_norm(grads, max_norm)
            optimizer.step(grads)
            history.train_loss.append(loss)
            history.chars += x.size
            if history.steps % eval_every == 0:
                validate()
            history.seconds = time.perf_counter() - start
            if history.steps >= max_steps:
                history.stopped_by = "max_steps"
            elif history.seconds >= max_seconds:
                history.stopped_by = "max_seconds"
            if history.finished:
                break
            if callback is not None:
                callback(history)
    if val_ids is not None and (not history.val_steps or history.val_steps[-1] != history.steps):
        validate()
    history.seconds = time.perf_counter() - start
    history.optimizer = optimizer
    if callback is not None:
        callback(history)
    return history
