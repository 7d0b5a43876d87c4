"""Training a character model: stateful truncated BPTT, Adam, clipping, a time budget, a live view.

The loop, as in the notes' practice (and Karpathy's char-rnn):

    for each epoch:                       every pass over the text starts from the zero state
        state = zeros
        for x, y in get_batches(text):    (batch, n_steps) windows; row r continues row r
            loss, grads, state = model.loss_and_grads(x, y, state)   carry the state ...
            grads = clip_by_global_norm(grads, max_norm)             ... but not its gradient
            adam.step(grads)                                          (truncated BPTT)

``train`` stops after ``max_steps`` steps or ``max_seconds`` seconds, whichever comes first, so
a class never waits longer than planned. Its ``History`` keeps the training loss of every step
and the validation loss every ``eval_every`` steps. ``TrainingMonitor`` shows a progress bar and
a loss curve that update while the cell runs (ipywidgets; the curve is an SVG string, so an
update costs well under a millisecond and no figure is re-created).
"""

from __future__ import annotations

import html
import time
from dataclasses import dataclass, field

import numpy as np

from . import _validate as check
from .activations import log_softmax
from .batching import get_batches
from .model import CELL_TYPES, CharModel
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
        raise ValueError(f"ids: expected at least 2 ids (one input and its successor), got {len(ids)}")
    if max_chars is not None:
        ids = ids[:check.positive_int("max_chars", max_chars) + 1]
    n_steps = min(check.positive_int("n_steps", n_steps), len(ids) - 1)
    batch_size = max(1, min(check.positive_int("batch_size", batch_size), (len(ids) - 1) // n_steps))
    total, count, state = 0.0, 0, None
    for x, y in get_batches(ids, batch_size, n_steps):
        logits, state, _ = model.forward(x, state)
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
        raise ValueError(f"ids: expected at least 2 ids (one input and its successor), got {len(ids)}")
    logits, _, _ = model.forward(ids[None, :-1])
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
        raise TypeError(f"model: expected a CharModel, got {type(model).__name__}")
    train_ids = check.integer_array("train_ids", train_ids, ndim=1, high=model.vocab_size)
    if val_ids is not None:
        val_ids = check.integer_array("val_ids", val_ids, ndim=1, high=model.vocab_size)
    max_steps = check.positive_int("max_steps", max_steps)
    max_seconds = check.real_number("max_seconds", max_seconds)
    if max_seconds <= 0:
        raise ValueError(f"max_seconds: expected a positive time budget in seconds, got {max_seconds}")
    batch_size = check.positive_int("batch_size", batch_size)
    n_steps = check.positive_int("n_steps", n_steps)
    eval_every = check.positive_int("eval_every", eval_every)
    if len(train_ids) < batch_size * n_steps + n_steps + 1:
        raise ValueError(f"train_ids: expected at least batch_size * n_steps + n_steps + 1 = "
                         f"{batch_size * n_steps + n_steps + 1} ids (one batch at any epoch offset), got "
                         f"{len(train_ids)}; use a longer text or a smaller batch_size or n_steps")
    if callback is not None and not callable(callback):
        raise TypeError(f"callback: expected a function of the history, got {type(callback).__name__}")
    if optimizer is None:
        optimizer = Adam(model.params, lr=lr)
    elif not isinstance(optimizer, Adam) or any(optimizer.params.get(k) is not p for k, p in model.params.items()):
        raise TypeError("optimizer: expected the Adam of an earlier train() call on this same model")
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


# ---------------------------------------------------------------------------------------------
# Equal parameter counts for a fair comparison of cells
# ---------------------------------------------------------------------------------------------

def count_params(cell, vocab_size, hidden_size, num_layers=2):
    """Parameters of ``CharModel(vocab_size, hidden_size, num_layers, cell=cell)``, by formula.

    A layer with input D, hidden H and G gate blocks has D*G*H + H*G*H weights and G*H biases
    (the GRU keeps two bias vectors, the peephole LSTM adds 3H peepholes); the dense layer H*V + V.
    """
    if not isinstance(cell, str) or cell not in CELL_TYPES:
        raise ValueError(f"cell: expected one of {sorted(CELL_TYPES)}, got {cell!r}")
    V = check.positive_int("vocab_size", vocab_size)
    H = check.positive_int("hidden_size", hidden_size)
    n = check.positive_int("num_layers", num_layers)
    G = CELL_TYPES[cell].n_blocks  # hidden-sized gate blocks
    biases = 2 if cell == "gru" else 1
    total = 0
    for k in range(n):
        D = V if k == 0 else H
        total += D * G * H + H * G * H + biases * G * H + (3 * H if cell == "peephole" else 0)
    return total + H * V + V


def matching_hidden_size(cell, vocab_size, num_params, num_layers=2):
    """The hidden size that brings ``cell``'s model closest to ``num_params`` parameters."""
    target = check.positive_int("num_params", num_params)
    best, best_gap = 1, None
    for H in range(1, 4096):
        gap = abs(count_params(cell, vocab_size, H, num_layers) - target)
        if best_gap is None or gap < best_gap:
            best, best_gap = H, gap
        elif count_params(cell, vocab_size, H, num_layers) > target:
            break
    return best


# ---------------------------------------------------------------------------------------------
# The live view: a progress bar, a status line and a loss curve
# ---------------------------------------------------------------------------------------------

def status_text(history):
    """One line about a (running or finished) training: step, time, losses, speed."""
    parts = [f"step {history.steps}/{history.max_steps}", f"{history.seconds:.1f} s"]
    if history.train_loss:
        parts.append(f"train {history.recent_train_loss():.2f}")
    if history.val_loss:
        parts.append(f"validation {history.val_loss[-1]:.2f} nats/char")
    parts.append(f"{history.chars_per_second:,.0f} chars/s")
    if history.stopped_by == "max_seconds":
        parts.append("stopped: time budget reached")
    elif history.stopped_by == "max_steps":
        parts.append("done")
    return " · ".join(parts)


def loss_curve_svg(history, *, width=480, height=200, y_max=None):
    """The training loss (grey, per step; dark: a running mean) and validation loss (orange dots)
    against the step, as an SVG string. Pure and deterministic: the same history, the same SVG."""
    width = check.positive_int("width", width)
    height = check.positive_int("height", height)
    left, right, top, bottom = 44, 10, 10, 28
    pw, ph = width - left - right, height - top - bottom
    losses = np.asarray(history.train_loss, dtype=np.float64)
    n = max(history.max_steps, history.steps, 1)
    top_loss = y_max if y_max is not None else (float(np.max(losses[:5])) * 1.05 if losses.size else 5.0)
    top_loss = max(float(top_loss), 1e-3)

    def xy(step, loss):
        x = left + pw * step / n
        y = top + ph * (1.0 - min(max(loss, 0.0), top_loss) / top_loss)
        return f"{x:.1f},{y:.1f}"

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="11">',
           f'<rect x="{left}" y="{top}" width="{pw}" height="{ph}" fill="white" stroke="#999"/>']
    for k in range(5):  # horizontal grid lines with loss labels
        value = top_loss * k / 4
        y = top + ph * (1 - k / 4)
        out.append(f'<line x1="{left}" x2="{left + pw}" y1="{y:.1f}" y2="{y:.1f}" stroke="#eee"/>')
        out.append(f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end">{value:.1f}</text>')
    out.append(f'<text x="{left}" y="{height - 8}">step 0</text>')
    out.append(f'<text x="{left + pw}" y="{height - 8}" text-anchor="end">{n}</text>')
    out.append(f'<text x="{left + pw / 2:.1f}" y="{height - 8}" text-anchor="middle">loss (nats/char)'
               ' · train (grey), running mean (black), validation (orange)</text>')
    if losses.size:
        stride = max(1, losses.size // 400)  # at most ~400 points: the string stays small
        steps = np.arange(1, losses.size + 1)
        pts = " ".join(xy(s, v) for s, v in zip(steps[::stride], losses[::stride]))
        out.append(f'<polyline points="{pts}" fill="none" stroke="#bbb" stroke-width="1"/>')
        window = min(20, losses.size)
        mean = np.convolve(losses, np.ones(window) / window, mode="valid")
        pts = " ".join(xy(s, v) for s, v in zip(steps[window - 1:][::stride], mean[::stride]))
        out.append(f'<polyline points="{pts}" fill="none" stroke="black" stroke-width="1.5"/>')
    for s, v in zip(history.val_steps, history.val_loss):
        x, y = xy(s, v).split(",")
        out.append(f'<circle cx="{x}" cy="{y}" r="3" fill="darkorange"/>')
    out.append("</svg>")
    return "".join(out)


class TrainingMonitor:
    """A progress bar, a status line and a loss curve that update while ``train`` runs.

    Use: ``monitor = TrainingMonitor(); display(monitor.widget); train(..., callback=monitor)``.
    Redraws at most every ``every_seconds`` (and always at the end), so drawing never slows
    training down: an update sets three widget values, which the notebook shows at once.
    """

    def __init__(self, *, every_seconds=0.25, width=480, height=200, title="training"):
        import ipywidgets as widgets

        self.every_seconds = check.real_number("every_seconds", every_seconds)
        self.width, self.height = width, height
        self.bar = widgets.IntProgress(value=0, min=0, max=1, description=title, bar_style="info")
        self.status = widgets.HTML(value="waiting to start")
        self.curve = widgets.HTML(value="")
        self.widget = widgets.VBox([widgets.HBox([self.bar, self.status]), self.curve])
        self.updates = 0
        self._last = None

    def __call__(self, history):
        now = time.perf_counter()
        if history.finished or self._last is None or now - self._last >= self.every_seconds:
            self.update(history)
            self._last = now

    def update(self, history):
        """Show ``history`` now: bar position, status line, curve."""
        self.bar.max = max(history.max_steps, 1)
        self.bar.value = min(history.steps, self.bar.max)
        if history.finished:
            self.bar.bar_style = "success" if history.stopped_by == "max_steps" else "warning"
        self.status.value = html.escape(status_text(history))
        self.curve.value = loss_curve_svg(history, width=self.width, height=self.height)
        self.updates += 1

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)


def plot_history(history, ax=None, *, label=None):
    """A static matplotlib picture of a finished training: running-mean train loss and
    validation loss against characters seen. Returns the axes."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3))
    losses = np.asarray(history.train_loss)
    per_step = history.chars / max(history.steps, 1)
    window = max(1, min(20, losses.size))
    mean = np.convolve(losses, np.ones(window) / window, mode="valid")
    steps = np.arange(window, losses.size + 1)
    name = f"{label}: " if label else ""
    ax.plot(steps * per_step, mean, label=f"{name}train (running mean)")
    if history.val_loss:
        ax.plot(np.asarray(history.val_steps) * per_step, history.val_loss, "o--", label=f"{name}validation")
    ax.set_xlabel("characters seen")
    ax.set_ylabel("loss (nats/char)")
    ax.legend(fontsize=8)
    return ax
