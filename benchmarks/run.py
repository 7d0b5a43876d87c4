"""Benchmarks of lstm_lesson: what a class waits for.

    python benchmarks/run.py            # full mode: many repeats, every case, all notebooks
    python benchmarks/run.py --quick    # CI mode: few repeats, small notebook set skipped

Prints a table and writes JSON (default build/benchmarks.json). Each number is the median of
repeated runs after a warm-up, timed with time.perf_counter. Timings are for reading, not for
asserting: the tests only check that every case runs.

The peers (PyTorch when installed: ``pip install -e ".[bench]"``, and a min-char-rnn port) are
timed in the same run, their steps interleaved round-robin, with the same thread count: only the
ratios of such a run are claims, and the table names the machine, its load and the date.
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits

import lstm_lesson as L
from lstm_lesson.core.text import python_docs_text, split_text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
import peers  # noqa: E402  (benchmarks/ is a folder of scripts, not a package)

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
    """Per notebook: pytest/nbval wall time (what CI and a teacher's check wait for) and, from a
    separate nbclient run, the time of every cell with the three slowest named."""
    out = {}
    for nb in sorted((ROOT / "notebooks").glob("*.ipynb")):
        t0 = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(nb)],
                              cwd=ROOT, capture_output=True, text=True)
        seconds = time.perf_counter() - t0
        total, cells = notebook_cell_times(nb)
        out[nb.name] = {"seconds": seconds, "passed": proc.returncode == 0, "cells_total_s": total,
                        "slowest_cells": cells[:3], "cells_over_15_s": sum(c[0] > 15 for c in cells)}
    return out


def machine_info():
    """What the ratios were measured on: CPU, BLAS and its kernel, versions, date and load."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    blas = [f"{i.get('internal_api')} {i.get('version')} ({i.get('architecture', '?')} kernel)"
            for i in threadpool_info() if i.get("user_api") == "blas"]
    torch = peers.torch_or_none()
    return {"cpu": cpu, "cpus": os.cpu_count(), "blas": ", ".join(blas) or "unknown",
            "python": platform.python_version(), "numpy": np.__version__,
            "torch": torch.__version__ if torch else None,
            "torch_blas": _torch_blas(torch) if torch else None,
            "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "load_before": os.getloadavg()[0] if hasattr(os, "getloadavg") else None}


def _torch_blas(torch):
    """torch's own BLAS (it does not use numpy's), from its build configuration."""
    for line in torch.__config__.show().splitlines():
        if "BLAS_INFO" in line:
            return line.split("BLAS_INFO=", 1)[-1].split(",")[0].strip()
    return "unknown"


def bench_peers(repeat):
    """The package against torch.nn.LSTM + Linear and min-char-rnn, steps interleaved, one thread
    each. Returns {case: {peer: seconds per call}}, chars per call and the ratios."""
    torch = peers.torch_or_none()
    out = {}
    old = peers.torch_threads(1)
    try:
        with threadpool_limits(limits=1, user_api="blas"):
            for V in (65, 100):
                cases, chars = {}, {}
                step, chars["package"], _ = peers.package_train(V, H, T, B)
                cases["package"] = step
                if torch is not None:
                    step, chars["torch"], _ = peers.torch_train(V, H, T, B)
                    cases["torch"] = step
                step, chars["min-char-rnn"], _ = peers.minchar_train(V, H, T)
                cases["min-char-rnn"] = step
                secs = peers.interleave(cases, repeat * 2)
                out[f"training step, vocab {V}"] = {
                    "unit": "chars/s", "value": {k: chars[k] / s for k, s in secs.items()}}
            for name, pkg, tch in (("forward only, dense input (65 features)", peers.package_forward,
                                    peers.torch_forward),
                                   ("forward only, character ids to logits (vocab 65)",
                                    peers.package_char_forward, peers.torch_char_forward)):
                cases = {"package": pkg(65, H, T, B)[0]}
                if torch is not None:
                    cases["torch"] = tch(65, H, T, B)[0]
                secs = peers.interleave(cases, repeat * 3)
                out[name] = {"unit": "ms", "value": {k: s * 1e3 for k, s in secs.items()}}
    finally:
        if old is not None:
            peers.torch_threads(old)
    for r in out.values():
        v = r["value"]
        if "torch" in v:  # speed ratio: > 1 means the package is faster
            r["package_over_torch"] = v["package"] / v["torch"] if r["unit"] == "chars/s" else v["torch"] / v["package"]
        if "min-char-rnn" in v:
            r["package_over_min_char_rnn"] = v["package"] / v["min-char-rnn"]
    return out


def bench_quality(budget, slice_s=0.25):
    """Validation bits/char each peer reaches in the same training time on the same text (Python's
    reference-manual prose), its training slices interleaved round-robin, one thread each."""
    text = python_docs_text(220_000)
    train_text, val_text = split_text(text, 0.1)
    vocab = L.Vocabulary.from_text(text)
    tr, va = vocab.encode(train_text), vocab.encode(val_text)[:20_001]
    V = len(vocab.chars)
    torch = peers.torch_or_none()
    steps, models = {}, {}
    steps["package"], _, models["package"] = peers.package_train(V, H, T, B, ids=tr)
    if torch is not None:
        steps["torch"], _, models["torch"] = peers.torch_train(V, H, T, B, ids=tr)
    steps["min-char-rnn"], _, models["min-char-rnn"] = peers.minchar_train(V, H, T, ids=tr)
    used = dict.fromkeys(steps, 0.0)
    n = dict.fromkeys(steps, 0)
    old = peers.torch_threads(1)
    try:
        with threadpool_limits(limits=1, user_api="blas"):
            while min(used.values()) < budget:
                for name, step in steps.items():
                    t0 = time.perf_counter()
                    while time.perf_counter() - t0 < slice_s and used[name] + time.perf_counter() - t0 < budget:
                        step()
                        n[name] += 1
                    used[name] += time.perf_counter() - t0
            bits = {"package": L.evaluate(models["package"], va) / math.log(2)}
            if torch is not None:
                bits["torch"] = _torch_bits(models["torch"], va, V, torch)
            net = models["min-char-rnn"]
            logits, _ = net.forward_logits(va[:-1], np.zeros((H, 1)))
            bits["min-char-rnn"] = -float(L.log_softmax(logits)[np.arange(len(va) - 1), va[1:]].mean()) / math.log(2)
    finally:
        if old is not None:
            peers.torch_threads(old)
    return {"budget_s": budget, "vocab": V, "bits_per_char": bits, "steps": n,
            "trivial_bits_per_char": math.log2(V)}


def _torch_bits(model, ids, V, torch):
    """Validation bits/char of the torch peer, read like L.evaluate: 16 rows, windows of 100."""
    rows = (len(ids) - 1) // 16
    x = torch.from_numpy(ids[:16 * rows].reshape(16, rows))
    y = torch.from_numpy(ids[1:16 * rows + 1].reshape(16, rows))
    with torch.no_grad():
        logits, _ = model(x)
        nats = torch.nn.functional.cross_entropy(logits.reshape(-1, V), y.reshape(-1))
    return float(nats) / math.log(2)


def notebook_cell_times(nb_path, timeout=600):
    """Every cell of a notebook timed (the package's ``tools.timings.time_cells``, which the teacher's
    guide uses too). Returns (total s, [(s, index, first line)] slowest first)."""
    from lstm_lesson.tools.timings import time_cells

    cells = [(row["seconds"], row["index"], row["first_line"][:60]) for row in time_cells(nb_path, timeout=timeout)]
    return sum(c[0] for c in cells), sorted(cells, reverse=True)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="few repeats (CI): checks that every case runs")
    ap.add_argument("--notebooks", action="store_true",
                    help="also time pytest/nbval and every cell per notebook (default in full mode)")
    ap.add_argument("--peers-only", action="store_true", help="only the side-by-side table (and the machine)")
    ap.add_argument("--budget", type=float, default=None,
                    help="seconds of training per peer for the quality row (default 20, quick 0.5)")
    ap.add_argument("--json", default=str(ROOT / "build" / "benchmarks.json"), help="where to write the results")
    args = ap.parse_args(argv)
    repeat = 3 if args.quick else 20
    budget = args.budget if args.budget is not None else (0.5 if args.quick else 20.0)
    machine = machine_info()
    rows, results = [], {"mode": "quick" if args.quick else "full", "python": platform.python_version(),
                         "numpy": np.__version__, "machine": platform.machine(), "cpus": os.cpu_count(),
                         "machine_info": machine}

    side = bench_peers(repeat)
    results["peers"] = side
    quality = bench_quality(budget)
    results["quality"] = quality
    machine["load_after"] = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    print_peers(machine, side, quality)
    if args.peers_only:
        _write(args.json, results)
        return results

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
            slow = ", ".join(f"cell {i} {s:.1f} s ({src})" for s, i, src in r["slowest_cells"])
            rows.append((f"notebook {name}", f"nbval {r['seconds']:.1f} s" + ("" if r["passed"] else " FAILED")
                         + f"; cells {r['cells_total_s']:.1f} s, slowest: {slow}"))
        total = sum(r["seconds"] for r in nbs.values())
        results["notebooks_total_s"] = total
        rows.append(("pytest/nbval all notebooks", f"{total:.1f} s"))

    width = max(len(r[0]) for r in rows)
    print(f"lstm_lesson benchmarks ({results['mode']} mode, Python {results['python']}, numpy {results['numpy']})")
    for name, value in rows:
        print(f"  {name:<{width}}  {value}")
    _write(args.json, results)
    return results


def _write(path, results):
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(json.dumps(results, indent=2))
    print(f"wrote {path}")


def print_peers(machine, side, quality):
    """The side-by-side table, as Markdown (README's performance section pastes it)."""
    torch = f"{machine['torch']} (its BLAS: {machine['torch_blas']})" if machine["torch"] else \
        "not installed, its column skipped (pip install -e '.[bench]')"
    load = f"load average {machine['load_before']:.2f} before, {machine['load_after']:.2f} after" \
        if machine["load_before"] is not None else "load unknown"
    print(f"Side by side, one thread each, steps interleaved in one run; H={H}, T={T}, B={B}, float32.")
    print(f"Machine: {machine['cpu']} ({machine['cpus']} CPUs), {machine['blas']}; Python {machine['python']}, "
          f"numpy {machine['numpy']}, torch {torch}; "
          f"{machine['date']}; {load}.")
    print()
    print("| | lstm_lesson | torch.nn.LSTM + Linear | min-char-rnn (batch 1) | package / torch "
          "| package / min-char-rnn |")
    print("|---|---|---|---|---|---|")
    for name, r in side.items():
        v, unit = r["value"], r["unit"]

        def fmt(k, v=v, unit=unit):
            if k not in v:
                return "–"
            return f"{v[k]:,.0f} chars/s" if unit == "chars/s" else f"{v[k]:.2f} ms"

        ratio_t = f"{r['package_over_torch']:.2f}×" if "package_over_torch" in r else "–"
        ratio_m = f"{r['package_over_min_char_rnn']:.1f}×" if "package_over_min_char_rnn" in r else "–"
        print(f"| {name} | {fmt('package')} | {fmt('torch')} | {fmt('min-char-rnn')} | {ratio_t} | {ratio_m} |")
    b = quality["bits_per_char"]
    cells = [f"{b[k]:.2f} bits/char ({quality['steps'][k]} steps)" if k in b else "–"
             for k in ("package", "torch", "min-char-rnn")]
    print(f"| validation bits/char after {quality['budget_s']:g} s of training each (vocab {quality['vocab']}; "
          f"trivial: {quality['trivial_bits_per_char']:.2f}) | " + " | ".join(cells) + " | | |")
    print("(ratios are speed ratios: above 1 the package is faster; forward rows compare times)")
    print()


if __name__ == "__main__":
    main()
