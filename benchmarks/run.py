"""Benchmarks of lstm_lesson: what a class waits for.

    python benchmarks/run.py            # full mode: many repeats, every case, all notebooks
    python benchmarks/run.py --quick    # CI mode: few repeats, small notebook set skipped

Prints a table and writes JSON (default build/benchmarks.json). Each number is the median of
repeated runs after a warm-up, timed with time.perf_counter. Timings are for reading, not for
asserting: the tests only check that every case runs.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

import lstm_lesson as L

ROOT = Path(__file__).resolve().parents[1]
V, H, T, B = 65, 128, 50, 32  # the teaching size: a Shakespeare-sized vocabulary


def median_time(fn, repeat, warmup=2):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return float(np.median(times))


def training_step_flops(kind, layers):
    """Multiply-adds x 2 of one forward + backward pass (matmuls only), per window batch."""
    G = {"rnn": 1, "lstm": 4, "gru": 3, "peephole": 4}[kind] * H
    n = B * T
    fwd = 2 * n * (V * G + H * G + (layers - 1) * 2 * H * G + H * V)
    bwd = 2 * n * (V * G + 2 * H * G + (layers - 1) * 4 * H * G + 2 * H * V)
    return fwd + bwd


def bench_training(kind, dtype, threads, layers, repeat):
    model = L.CharModel(V, H, num_layers=layers, cell=kind, dtype=dtype, seed=0)
    opt = L.Adam(model.params, lr=2e-3)
    rng = np.random.default_rng(0)
    x, y = rng.integers(0, V, (B, T)), rng.integers(0, V, (B, T))
    state = [None]

    def step():
        loss, grads, state[0] = model.loss_and_grads(x, y, state[0])
        grads, _ = L.clip_by_global_norm(grads, 5.0)
        opt.step(grads)

    with threadpool_limits(limits=threads, user_api="blas"):
        t = median_time(step, repeat)
    return {"seconds_per_step": t, "chars_per_s": B * T / t,
            "gflops": training_step_flops(kind, layers) / t / 1e9}


def bench_matmul(repeat):
    a = np.random.default_rng(0).random((1024, 1024), dtype=np.float32)
    with threadpool_limits(limits=1, user_api="blas"):
        t = median_time(lambda: a @ a, repeat)
    return 2 * 1024 ** 3 / t / 1e9


def bench_inference(repeat):
    model = L.CharModel(V, H, num_layers=1, cell="lstm", dtype=np.float32, seed=0)
    cell, x = model.rnn.cells[0], model.one_hot(np.array([3]))
    state = cell.zero_state(1)
    with threadpool_limits(limits=1, user_api="blas"):
        step = median_time(lambda: cell.step(x, state), repeat * 50)
        sample = median_time(lambda: model.sample([1, 2, 3], 200, seed=0), max(repeat // 2, 1))
    return step, sample


def _cycle(widget_slider, values):
    """One slider move per call, cycling through ``values`` (so every call is a real change)."""
    count = [0]

    def update():
        count[0] += 1
        widget_slider.value = values[count[0] % len(values)]

    return update


def widget_cases():
    """(name, update function) for every widget of the series; each call does one slider move:
    the computation and the redraw (the new SVG/HTML string the browser then shows)."""
    from lstm_lesson.classroom.monitor import TrainingMonitor
    from lstm_lesson.classroom.widgets import batch_grid, gate_explorer, gradient_flow, pulse
    from lstm_lesson.core.text import fable_corpus
    from lstm_lesson.core.training import History

    cases = [(f"gate explorer update ({kind})", gate_explorer.benchmark_update(kind))
             for kind in ("lstm", "peephole", "gru")]
    cases.append(("pulse widget update", pulse.benchmark_update()))
    cases.append(("gradient-flow widget update", gradient_flow.benchmark_update()))
    grid = batch_grid.BatchGridWidget(fable_corpus(2_000, seed=0)[:120], batch_size=3, n_steps=6)
    cases.append(("batch grid widget update", _cycle(grid.n_steps, [4, 5, 6, 7, 8])))
    cell = L.LSTMCell(8, 8, seed=0)
    chars = list("the fox said: \"run!\" ")
    traces = gate_explorer.gate_traces(cell, np.random.default_rng(0).standard_normal((len(chars), 8)))
    unroll = gate_explorer.UnrollExplorer(traces, chars)
    cases.append(("gate heatmap time slider", _cycle(unroll.slider, list(range(len(chars))))))
    monitor, history = TrainingMonitor(), History(max_steps=800)
    history.train_loss.extend(np.linspace(4.0, 1.0, 500).tolist())
    cases.append(("training monitor redraw (500 steps)", lambda: monitor.update(history)))
    return cases


def bench_notebooks():
    out = {}
    for nb in sorted((ROOT / "notebooks").glob("*.ipynb")):
        t0 = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(nb)],
                              cwd=ROOT, capture_output=True, text=True)
        out[nb.name] = {"seconds": time.perf_counter() - t0, "passed": proc.returncode == 0}
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="few repeats (CI): checks that every case runs")
    ap.add_argument("--notebooks", action="store_true",
                    help="also time pytest/nbval per notebook (default in full mode)")
    ap.add_argument("--json", default=str(ROOT / "build" / "benchmarks.json"), help="where to write the results")
    args = ap.parse_args(argv)
    repeat = 3 if args.quick else 20
    rows, results = [], {"mode": "quick" if args.quick else "full", "python": platform.python_version(),
                         "numpy": np.__version__, "machine": platform.machine(), "cpus": os.cpu_count()}

    matmul = bench_matmul(repeat)
    results["matmul_gflops_float32_1thread"] = matmul
    rows.append(("float32 matmul 1024x1024, 1 thread", f"{matmul:.1f} GFLOP/s"))

    training = {}
    configs = [("lstm", np.float32, 1, 1), ("lstm", np.float64, 1, 1), ("lstm", np.float32, 2, 1),
               ("lstm", np.float64, 2, 1), ("rnn", np.float32, 1, 1), ("gru", np.float32, 1, 1),
               ("lstm", np.float32, 1, 2)]
    for kind, dtype, threads, layers in configs:
        name = f"{kind} {layers}-layer {np.dtype(dtype).name} {threads} thread{'s' if threads > 1 else ''}"
        r = bench_training(kind, dtype, threads, layers, repeat)
        training[name] = r
        rows.append((f"train {name}", f"{r['chars_per_s']:,.0f} chars/s  ({r['seconds_per_step'] * 1e3:.1f} ms, "
                                      f"{r['gflops']:.1f} GFLOP/s = {r['gflops'] / matmul:.0%} of matmul)"))
    results["training"] = training
    f32 = training["lstm 1-layer float32 1 thread"]["chars_per_s"]
    f64 = training["lstm 1-layer float64 1 thread"]["chars_per_s"]
    results["float64_over_float32"] = f64 / f32
    rows.append(("float64 / float32 speed", f"{f64 / f32:.2f}x"))

    step, sample = bench_inference(repeat)
    results["inference_step_us"] = step * 1e6
    results["sample_200_ms"] = sample * 1e3
    rows.append(("LSTM step, B=1, H=128", f"{step * 1e6:.0f} µs"))
    rows.append(("sample 200 chars", f"{sample * 1e3:.1f} ms"))

    widgets = {}
    for name, fn in widget_cases():
        t = median_time(fn, repeat * 5)
        widgets[name] = t * 1e3
        rows.append((name, f"{t * 1e3:.2f} ms"))
    results["widgets_ms"] = widgets

    if args.notebooks or not args.quick:
        nbs = bench_notebooks()
        results["notebooks"] = nbs
        for name, r in nbs.items():
            rows.append((f"pytest/nbval {name}", f"{r['seconds']:.1f} s" + ("" if r["passed"] else "  FAILED")))
        total = sum(r["seconds"] for r in nbs.values())
        results["notebooks_total_s"] = total
        rows.append(("pytest/nbval all notebooks", f"{total:.1f} s"))

    width = max(len(r[0]) for r in rows)
    print(f"lstm_lesson benchmarks ({results['mode']} mode, Python {results['python']}, numpy {results['numpy']})")
    for name, value in rows:
        print(f"  {name:<{width}}  {value}")
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(results, indent=2))
    print(f"wrote {args.json}")
    return results


if __name__ == "__main__":
    main()
