"""Which gates matter? The LSTM with one part removed, after Greff et al. (2017), on a small task.

Greff, Srivastava, Koutník, Steunebrink & Schmidhuber, "LSTM: A Search Space Odyssey" (IEEE TNNLS
28(10), 2017; arXiv 1503.04069) trained eight variants of their "vanilla" LSTM (which HAS peepholes)
on speech, handwriting and music, 5,400 runs in all. Their names, used here:

    NIG   no input gate          i = 1
    NFG   no forget gate         f = 1  (the 1997 LSTM: a fixed self-loop of weight 1)
    NOG   no output gate         o = 1
    NOAF  no output activation   h = o * c  instead of  o * tanh(c)
    CIFG  coupled input-forget   i = 1 - f
    NP    no peepholes           (our standard LSTM has none; we add them instead: "PH")

``VariantLSTMCell`` is the readable LSTM step with switches, one line per equation; its backward
pass is checked against finite differences in the tests. ``run_ablation`` trains every variant on
the adding problem (lesson 3's race task) for several seeds and ``save_ablation`` / ``load_ablation``
keep the result as a small JSON file with its seeds and sizes, so a lesson can show it without
spending minutes of class time. ``cell_state_drift`` is the measurement behind the forget gate's
history (Gers, Schmidhuber & Cummins 2000): one long stream, never reset.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from ..core import validate as check
from ..core.activations import sigmoid
from ..core.cells import LSTMCell, LSTMRecord, LSTMState
from ..core.dense import Dense
from ..core.language import say
from ..core.optim import Adam, clip_by_global_norm
from ..core.peephole import PeepholeLSTMCell
from .adding import AddingRun, adding_batch, fraction_correct

VARIANTS = ("LSTM", "NIG", "NFG", "NOG", "NOAF", "CIFG", "PH")
DESCRIPTIONS = {
    "LSTM": "standard LSTM (no peepholes)",
    "NIG": "no input gate (i = 1)",
    "NFG": "no forget gate (f = 1, the 1997 cell)",
    "NOG": "no output gate (o = 1)",
    "NOAF": "no output activation (h = o·c)",
    "CIFG": "coupled input and forget gate (i = 1 − f)",
    "PH": "with peepholes (Greff's vanilla LSTM)",
}
DESCRIPTIONS_ZH = {
    "LSTM": "标准 LSTM（无窥视孔连接）",
    "NIG": "无输入门（i = 1）",
    "NFG": "无遗忘门（f = 1，即 1997 年的单元）",
    "NOG": "无输出门（o = 1）",
    "NOAF": "无输出激活函数（h = o·c）",
    "CIFG": "输入门与遗忘门耦合（i = 1 − f）",
    "PH": "带窥视孔连接（Greff 的 vanilla LSTM）",
}


def describe_variant(variant: str) -> str:
    """What ``variant`` switches off, in the language in use (``DESCRIPTIONS`` in English)."""
    return say(DESCRIPTIONS[variant], DESCRIPTIONS_ZH[variant])


class VariantLSTMCell(LSTMCell):
    """The LSTM with one part switched off (``variant`` one of NIG, NFG, NOG, NOAF, CIFG, or LSTM).

        a = x_t W_x + h_{t-1} W_h + b                     (batch, 4H), blocks i, f, g, o
        i = σ(a_i)      NIG: i = 1       CIFG: i = 1 - f
        f = σ(a_f)      NFG: f = 1
        g = tanh(a_g)
        o = σ(a_o)      NOG: o = 1
        c_t = f * c_{t-1} + i * g
        h_t = o * tanh(c_t)                NOAF: h_t = o * c_t

    The weights of a switched-off gate stay in ``params`` (same shapes as ``LSTMCell``) and get a
    zero gradient. Written plainly, one line per equation, not fused: it is an experiment's cell.
    """

    def __init__(self, input_size, hidden_size, *, variant="LSTM", seed=0, dtype=np.float64, forget_bias=0.0):
        if variant not in VARIANTS or variant == "PH":
            allowed = [v for v in VARIANTS if v != 'PH']
            raise ValueError(say(f"variant: expected one of {allowed}, got {variant!r}",
                                 f"variant：应为 {allowed} 之一，传入的是 {variant!r}"))
        super().__init__(input_size, hidden_size, seed=seed, dtype=dtype, forget_bias=forget_bias)
        self.variant = variant

    def recur(self, xp, state):
        H, v = self.hidden_size, self.variant
        a = xp + state.h @ self.params["W_h"]
        ones = np.ones_like(state.c)
        f = ones if v == "NFG" else sigmoid(a[:, H:2 * H])
        i = ones if v == "NIG" else (1.0 - f if v == "CIFG" else sigmoid(a[:, :H]))
        g = np.tanh(a[:, 2 * H:3 * H])
        o = ones if v == "NOG" else sigmoid(a[:, 3 * H:])
        c = f * state.c + i * g
        tanh_c = c if v == "NOAF" else np.tanh(c)  # "tanh_c" holds the output activation's value
        h = o * tanh_c
        return LSTMState(h, c), LSTMRecord(prev=state, i=i, f=f, g=g, o=o, c=c, tanh_c=tanh_c, h=h)

    def recur_backward(self, d_state, r):
        v = self.variant
        dh, dc = d_state
        act_slope = 1.0 if v == "NOAF" else 1.0 - r.tanh_c ** 2
        dc = dc + dh * r.o * act_slope
        d_i, d_f, d_g, d_o = dc * r.g, dc * r.prev.c, dc * r.i, dh * r.tanh_c  # dL/d(gate value)
        if v == "CIFG":
            d_f, d_i = d_f - d_i, 0.0 * d_i  # i = 1 - f: f's value reaches c twice
        da_i = np.zeros_like(d_i) if v in ("NIG", "CIFG") else d_i * r.i * (1 - r.i)
        da_f = np.zeros_like(d_f) if v == "NFG" else d_f * r.f * (1 - r.f)
        da_g = d_g * (1 - r.g ** 2)
        da_o = np.zeros_like(d_o) if v == "NOG" else d_o * r.o * (1 - r.o)
        da = np.concatenate([da_i, da_f, da_g, da_o], axis=1)
        return da, da, LSTMState(da @ self.params["W_h"].T, dc * r.f), {}


def make_variant(variant, input_size, hidden_size, *, seed=0, forget_bias=0.0):
    """A cell for ``variant`` (one of ``VARIANTS``): ``PH`` is the package's peephole LSTM."""
    if variant == "PH":
        return PeepholeLSTMCell(input_size, hidden_size, seed=seed, forget_bias=forget_bias)
    return VariantLSTMCell(input_size, hidden_size, variant=variant, seed=seed, forget_bias=forget_bias)


# ----- the ablation: every variant on the adding problem --------------------------------------
def train_variant(variant, *, seed=0, length=30, hidden_size=16, forget_bias=3.0, batch_size=32, lr=0.01,
                  clip=1.0, max_steps=800, check_every=25, solved_at=0.95, check_size=256, test_size=2560):
    """Train one variant on the adding problem; the loop of ``adding.train_adding`` with this cell.

    Trains for exactly ``max_steps`` steps (a step budget, never a time budget); ``steps`` in the
    returned ``AddingRun`` (cell = the variant) is the first check at which ``solved_at`` of a fixed
    check set was right (|error| < 0.04), or ``max_steps`` if none was; ``test_correct`` is measured
    after the whole budget, so every variant gets the same number of updates.
    """
    max_steps = check.positive_int("max_steps", max_steps)
    cell = make_variant(variant, 2, hidden_size, seed=seed, forget_bias=forget_bias)
    out = Dense(hidden_size, 1, seed=seed + 1000)
    params = {**{f"cell.{k}": w for k, w in cell.params.items()}, **{f"out.{k}": w for k, w in out.params.items()}}
    opt = Adam(params, lr=lr)
    data = np.random.default_rng(seed)
    check_x, check_y = adding_batch(check_size, length, np.random.default_rng([seed, 1]))

    def predict(x):
        _, final = cell.dynamic_rnn(x)
        return out.forward(final.h)[:, 0]

    step, solved, solved_step, history, losses = 0, False, max_steps, [], []
    while step < max_steps:
        x, y = adding_batch(batch_size, length, data)
        outputs, final, cache = cell.dynamic_rnn(x, return_cache=True)
        err = out.forward(final.h)[:, 0] - y
        losses.append(0.5 * float(np.mean(err * err)))
        d_h, out_grads = out.backward(final.h, (err / err.size)[:, None])
        d_outputs = np.zeros_like(outputs)
        d_outputs[:, -1] = d_h  # one error signal, at the end of the sequence
        _, _, cell_grads = cell.bptt(d_outputs, cache, input_grad=False)
        grads = {**{f"cell.{k}": g for k, g in cell_grads.items()}, **{f"out.{k}": g for k, g in out_grads.items()}}
        grads, _ = clip_by_global_norm(grads, clip)
        opt.step(grads)
        step += 1
        if step % check_every == 0 or step == max_steps:
            right = fraction_correct(predict(check_x), check_y)
            history.append((step, right))
            if not solved and right >= solved_at:
                solved, solved_step = True, step
    test_x, test_y = adding_batch(test_size, length, np.random.default_rng([seed, 2]))
    return AddingRun(cell=variant, gate_bias=float(forget_bias), seed=seed, length=length, hidden_size=hidden_size,
                     solved=solved, diverged=False, steps=solved_step, sequences=solved_step * batch_size,
                     test_correct=fraction_correct(predict(test_x), test_y), seconds=0.0,
                     history=history, losses=losses)


def always_half_baseline(length=30, test_size=2560, seed=0) -> float:
    """The share of test sequences that the constant answer 0.5 gets right: the trivial baseline."""
    _, test_y = adding_batch(test_size, length, np.random.default_rng([seed, 2]))
    return fraction_correct(np.full_like(test_y, 0.5), test_y)


SETTINGS = dict(length=30, hidden_size=16, forget_bias=3.0, batch_size=32, lr=0.01, clip=1.0, max_steps=800)


def run_ablation(variants=VARIANTS, seeds=(0, 1, 2), **settings) -> dict:
    """Train every variant for every seed; return a JSON-ready dict with the settings and the runs.

    Each run records: variant, seed, solved, steps (to solve, or the budget), and test_correct
    (share of 2,560 fresh test sequences right after the whole budget, rounded to 4 digits), plus
    the always-0.5 baseline for every seed's test set.

        from lstm_lesson.experiments.gate_ablation import run_ablation, save_ablation
        save_ablation(run_ablation(), "assets/gate_ablation.json")   # from the repository root

    """
    settings = {**SETTINGS, **settings}
    runs = []
    for variant in variants:
        for seed in seeds:
            r = train_variant(variant, seed=seed, **settings)
            runs.append({"variant": variant, "seed": seed, "solved": bool(r.solved), "steps": r.steps,
                         "test_correct": round(r.test_correct, 4)})
    baselines = {str(s): round(always_half_baseline(settings["length"], seed=s), 4) for s in seeds}
    return {"task": "adding problem (Hochreiter & Schmidhuber 1997), right if |error| < 0.04",
            "settings": settings, "seeds": list(seeds), "variants": list(variants),
            "always_half_baseline": baselines, "runs": runs}


def save_ablation(result: dict, path) -> Path:
    """Write ``result`` (from ``run_ablation``) as JSON; returns the path."""
    path = Path(path)
    path.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def load_ablation(path) -> dict:
    """Read a stored ablation result."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def ablation_table(result: dict) -> list[dict]:
    """One row per variant: solved (of runs), mean, min and max test share right, median steps."""
    rows = []
    for variant in result["variants"]:
        runs = [r for r in result["runs"] if r["variant"] == variant]
        right = [r["test_correct"] for r in runs]
        rows.append({"variant": variant, "description": describe_variant(variant),

                     "solved": sum(r["solved"] for r in runs), "runs": len(runs),
                     "mean": float(np.mean(right)), "min": min(right), "max": max(right),
                     "median_steps": int(np.median([r["steps"] for r in runs]))})
    return rows


# ----- the forget gate's history: the cell state on one long stream ----------------------------
def cell_state_drift(variant="NFG", *, length=2000, hidden_size=8, input_size=4, forget_bias=1.0, seed=0):
    """Mean |c_t| over the units, at every step of ONE long stream that is never reset.

    A freshly initialised cell (no training) reads standard normal inputs. ``variant`` "NFG" is
    the 1997 cell (f = 1), "LSTM" has a forget gate with bias ``forget_bias``. Returns an array
    (length,). Without a forget gate c_t = c_0 + Σ i·g: every unit whose writes do not average
    to zero drifts away, and tanh(c) saturates (Gers, Schmidhuber & Cummins 2000).
    """
    length = check.positive_int("length", length)
    cell = VariantLSTMCell(input_size, hidden_size, variant=variant, seed=seed, forget_bias=forget_bias)
    inputs = np.random.default_rng([seed, 3]).standard_normal((1, length, input_size))
    _, _, (_, _, _, records) = cell.dynamic_rnn(inputs, return_cache=True)
    return np.array([np.abs(r.c).mean() for r in records])
