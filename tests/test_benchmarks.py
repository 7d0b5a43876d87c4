"""The benchmark script must keep running (CI runs its quick mode); timings are not asserted."""

import importlib.util
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_benchmark_quick_mode_runs_every_case(tmp_path, capsys):
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "benchmarks" / "run.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    out = tmp_path / "bench.json"
    bench.main(["--quick", "--json", str(out)])
    results = json.loads(out.read_text())
    printed = capsys.readouterr().out
    assert "chars/s" in printed and "GFLOP/s" in printed
    for name in ("lstm 1-layer float32 1 thread", "lstm 1-layer float64 1 thread", "lstm 1-layer float32 2 threads",
                 "rnn 1-layer float32 1 thread", "gru 1-layer float32 1 thread", "lstm 2-layer float32 1 thread"):
        r = results["training"][name]
        assert r["chars_per_s"] > 0 and r["gflops"] > 0, name
    assert results["inference_step_us"] > 0 and results["sample_200_ms"] > 0
    assert results["matmul_gflops_float32_1thread"] > 0
    # the side-by-side table: the package and min-char-rnn always, torch when installed; the machine named
    peers = results["peers"]
    for case in ("training step, vocab 65", "training step, vocab 100"):
        assert peers[case]["value"]["package"] > 0 and peers[case]["value"]["min-char-rnn"] > 0, case
    assert peers["forward only, dense input (65 features)"]["value"]["package"] > 0
    assert results["quality"]["bits_per_char"]["package"] > 0
    machine = results["machine_info"]
    assert machine["cpu"] and machine["blas"] and machine["numpy"] and machine["date"]
    assert "package / torch" in printed and "Machine:" in printed
    widgets = results["widgets_ms"]
    for name in ("gate explorer update (lstm)", "gate explorer update (gru)", "pulse widget update",
                 "gradient-flow widget update", "batch grid widget update", "gate heatmap time slider",
                 "training monitor redraw (500 steps)"):
        assert widgets[name] > 0, f"the benchmark lost the case {name!r}"
