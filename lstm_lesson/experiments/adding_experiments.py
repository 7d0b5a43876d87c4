"""Two measurements on the adding problem that lesson 4 shows: λ1 during training, and truncated BPTT.

``spectral_trace`` trains the RNN of lesson 4's clipping slide and records, at every step, the
largest singular value λ1 of W_h and the gradient's global norm: whether λ1 = 3 "explodes" is
then read from a measurement, not from the bound.

``truncation_race`` trains an LSTM on the adding problem with the gradient cut ``window`` steps
before the end (truncated backpropagation through time; the loss is only at the last step, so
the error can reach back ``window`` steps and no further). The marks lie at least T/2 steps
before the end, so a window shorter than that lag cannot teach the task; a window as long as the
sequence can. Its result is stored as ``assets/results/truncated_bptt.json``, and lesson 4's race
of LSTM against RNN as ``assets/results/long_lag.json``, by
``python -m lstm_lesson.experiments.adding_experiments [truncated_bptt] [long_lag]`` (about a minute
each); lesson 4 shows the stored files and the tests recompute a seeded subset and compare.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from ..core import validate as check
from ..core.language import say
from ..core.optim import SGD, Adam, clip_by_global_norm, global_norm
from .adding import AddingModel, adding_batch, fraction_correct, train_adding
from .gradient_flow import largest_singular_value
from .stored import asset_path


def always_half_baseline(length, seed, test_size=2560):
    """The share of the test set that always answering 0.5 gets right (the trivial baseline).

    Same test sequences as ``train_adding(length=length, seed=seed, test_size=test_size)``.
    """
    _, test_y = adding_batch(test_size, length, np.random.default_rng([seed, 2]))
    return fraction_correct(np.full_like(test_y, 0.5), test_y)


def spectral_trace(seed, *, clip=None, steps=40, lr=0.5, length=30, hidden_size=16, spectral_scale=3.0):
    """Train lesson 4's RNN (SGD) for ``steps`` steps; per step: λ1 of W_h, gradient norm, loss.

    Returns a dict of float arrays (steps,) named lambda1, norm, loss; a loss above 1e6 stops the
    run early (the arrays are then shorter).
    """
    steps = check.positive_int("steps", steps)
    model = AddingModel("rnn", hidden_size, seed=seed, spectral_scale=spectral_scale)
    update = SGD(model.params, lr=lr)
    data = np.random.default_rng(seed)
    lam, norms, losses = [], [], []
    for _ in range(steps):
        x, y = adding_batch(32, length, data)
        loss, grads, _ = model.loss_and_grads(x, y)
        lam.append(largest_singular_value(model.params["cell.W_h"]))
        norms.append(global_norm(grads))
        losses.append(loss)
        if not loss < 1e6:
            break
        if clip is not None:
            grads, _ = clip_by_global_norm(grads, clip)
        update.step(grads)
    return {"lambda1": np.array(lam), "norm": np.array(norms), "loss": np.array(losses)}


@dataclass
class TruncatedRun:
    """One training run with the gradient cut ``window`` steps before the end."""

    window: int
    seed: int
    steps: int  # updates done (stops early once solved)
    solved: bool  # 95% of the check set right
    test_correct: float  # share of 2,560 fresh test sequences right
    baseline: float  # share right when always answering 0.5, same test set


def train_truncated(window, seed, *, length=40, hidden_size=16, forget_bias=3.0, max_steps=1200, check_every=50,
                    lr=0.01):
    """Train an LSTM on the adding problem with BPTT truncated to the last ``window`` steps.

    length must be a multiple of window (the package cuts the gradient at t = window, 2·window, ...,
    so the last block is exactly the last ``window`` steps). Adam, batches of 32, clipping at 1,
    the same data streams as ``adding.train_adding``.
    """
    window = check.positive_int("window", window)
    if length % window:
        raise ValueError(say(f"window: expected a divisor of length={length}, got {window}",
                             f"window：应为 length={length} 的约数，传入的是 {window}"))

    model = AddingModel("lstm", hidden_size, gate_bias=forget_bias, seed=seed)
    update = Adam(model.params, lr=lr)
    data = np.random.default_rng(seed)
    check_x, check_y = adding_batch(256, length, np.random.default_rng([seed, 1]))
    solved, step = False, 0
    cell, out = model.cell, model.out
    while step < max_steps and not solved:
        x, y = adding_batch(32, length, data)
        outputs, final, cache = cell.dynamic_rnn(x, return_cache=True)
        h_last = cell.hidden(final)
        err = out.forward(h_last)[:, 0] - y
        d_h_last, out_grads = out.backward(h_last, (err / err.size)[:, None])
        d_outputs = np.zeros_like(outputs)
        d_outputs[:, -1] = d_h_last
        truncate = None if window == length else window
        _, _, cell_grads = cell.bptt(d_outputs, cache, truncate=truncate)
        grads = {f"cell.{k}": v for k, v in cell_grads.items()}
        grads.update({f"out.{k}": v for k, v in out_grads.items()})
        grads, _ = clip_by_global_norm(grads, 1.0)
        update.step(grads)
        step += 1
        if step % check_every == 0:
            solved = fraction_correct(model.predict(check_x), check_y) >= 0.95
    test_x, test_y = adding_batch(2560, length, np.random.default_rng([seed, 2]))
    return TruncatedRun(window=window, seed=seed, steps=step, solved=solved,
                        test_correct=fraction_correct(model.predict(test_x), test_y),
                        baseline=always_half_baseline(length, seed))


SETTINGS = {"length": 40, "hidden_size": 16, "forget_bias": 3.0, "max_steps": 1200, "check_every": 50, "lr": 0.01,
            "windows": [10, 20, 40], "seeds": [0, 1, 2]}


def results_path(name: str) -> Path:
    """``assets/results/NAME`` of the repository or of the installed wheel."""
    return asset_path("results", name)


def truncation_race(windows=None, seeds=None, **settings):
    """Every (window, seed) of ``train_truncated``; returns a JSON-ready dict with settings and runs."""
    cfg = {**SETTINGS, **settings}
    windows = cfg["windows"] if windows is None else list(windows)
    seeds = cfg["seeds"] if seeds is None else list(seeds)
    kwargs = {k: cfg[k] for k in ("length", "hidden_size", "forget_bias", "max_steps", "check_every", "lr")}
    runs = [asdict(train_truncated(w, s, **kwargs)) for w in windows for s in seeds]
    return {"experiment": "adding problem, LSTM, BPTT truncated to the last `window` steps",
            "settings": {**kwargs, "windows": windows, "seeds": seeds, "batch_size": 32, "clip": 1.0,
                         "optimizer": "adam", "test_size": 2560, "solved_at": 0.95},
            "runs": runs}


LONG_LAG = {"length": 50, "max_steps": 3000, "seeds": [0, 1, 2],
            "cells": {"lstm": {"hidden_size": 16, "gate_bias": 3.0}, "rnn": {"hidden_size": 32, "gate_bias": 0.0}}}


def long_lag_run(cell, seed, **settings):
    """One run of lesson 4's race (``train_adding``, Adam, clip 1, T = 50), as a JSON-ready dict."""
    cfg = {**LONG_LAG, **settings}
    run = train_adding(cell, length=cfg["length"], seed=seed, max_steps=cfg["max_steps"], **cfg["cells"][cell])
    model = AddingModel(cell, cfg["cells"][cell]["hidden_size"])
    return {"cell": cell, "seed": seed, "weights": int(sum(p.size for p in model.params.values())),
            "solved": run.solved, "steps": run.steps, "sequences": run.sequences,
            "test_correct": run.test_correct, "baseline": always_half_baseline(cfg["length"], seed),
            "history": [[int(s), float(r)] for s, r in run.history],
            "clipped_share": float(np.mean(np.array(run.norms) >= 1.0)), "seconds": round(run.seconds, 1)}


def long_lag_race():
    """Lesson 4's LSTM vs RNN on the adding problem, 3 seeds each, the same step budget."""
    runs = [long_lag_run(cell, seed) for cell in LONG_LAG["cells"] for seed in LONG_LAG["seeds"]]
    return {"experiment": "adding problem T = 50: LSTM (forget bias 3) vs plain RNN, same budget",
            "settings": {**LONG_LAG, "batch_size": 32, "optimizer": "adam", "lr": 0.01, "clip": 1.0,
                         "check_size": 256, "test_size": 2560, "solved_at": 0.95},
            "machine_note": "seconds are wall time on the machine that wrote this file (2 shared cores)",
            "runs": runs}


def load_long_lag_race():
    """The stored result of ``long_lag_race()`` (assets/results/long_lag.json)."""
    return json.loads(results_path("long_lag.json").read_text(encoding="utf-8"))


def load_truncation_race():
    """The stored result of ``truncation_race()`` (assets/results/truncated_bptt.json)."""
    return json.loads(results_path("truncated_bptt.json").read_text(encoding="utf-8"))


def main(which=("truncated_bptt", "long_lag")):
    for name in which:
        path = results_path(f"{name}.json")
        path.parent.mkdir(parents=True, exist_ok=True)
        result = truncation_race() if name == "truncated_bptt" else long_lag_race()
        path.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {path}")


if __name__ == "__main__":
    import sys

    main(sys.argv[1:] or ("truncated_bptt", "long_lag"))
