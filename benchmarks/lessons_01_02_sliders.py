"""Slider response of the lesson 1-2 widgets: one update = computation + redraw (the new HTML/SVG
string handed to the widget). Median of many updates after a warm-up, one BLAS thread.

    python benchmarks/lessons_01_02_sliders.py

A reading, not a test: the budget is 30 ms median per update (GUIDE.md: re-plotting a matplotlib
figure costs 100-250 ms; an SVG string well under 1 ms). The browser's own drawing comes on top.
"""

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import time  # noqa: E402

import numpy as np  # noqa: E402

from lstm_lesson import LSTMCell  # noqa: E402
from lstm_lesson.widgets import gate_explorer, pulse  # noqa: E402
from lstm_lesson.widgets.gate_explorer import UnrollExplorer, explore_gates, explorer_html, gate_traces  # noqa: E402


def median_ms(fn, n=300, warmup=20):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return 1e3 * float(np.median(times)), 1e3 * float(np.percentile(times, 95))


def main():
    rows = []
    v = explore_gates("lstm", 0.3, -0.2, 0.8)
    rows.append(("explore_gates (lstm), computation only", median_ms(lambda: explore_gates("lstm", 0.3, -0.2, 0.8))))
    rows.append(("explorer_html (lstm), drawing only", median_ms(lambda: explorer_html(v))))
    for cell in gate_explorer.CELL_KINDS:
        rows.append((f"gate explorer slider update ({cell})", median_ms(gate_explorer.benchmark_update(cell))))
    rows.append(("pulse explorer slider update", median_ms(pulse.benchmark_update())))
    cell = LSTMCell(5, 8, seed=0)
    traces = gate_traces(cell, np.eye(5)[np.arange(24) % 5])
    ux = UnrollExplorer(traces, "abcde" * 4 + "abcd")
    k = [0]

    def move():
        k[0] += 1
        ux.slider.value = k[0] % 24

    rows.append(("unroll heatmap time-slider update (24 steps x 8 units x 5 panels)", median_ms(move)))
    width = max(len(r[0]) for r in rows)
    for name, (med, p95) in rows:
        print(f"{name:<{width}}  median {med:7.3f} ms   95th pct {p95:7.3f} ms")


if __name__ == "__main__":
    main()
