"""Where the time of one training step goes (LSTM, H=128, T=50, B=32, vocab 65, float32, one thread).

    python benchmarks/profile_step.py

Prints (1) a cProfile of 40 steps by function, (2) the recurrent loops split into their matmuls and
everything else, timed interleaved with the full loops, (3) BLAS efficiency at the step's matmul
size, numpy against torch (when installed), and torch's LSTM forward for scale. Numbers are for
this machine and this load: read them as shares and ratios.
"""

from __future__ import annotations

import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parent))
import peers  # noqa: E402

import lstm_lesson as L  # noqa: E402

V, H, T, B = 65, 128, 50, 32


def median_ms(cases, repeat=30):
    """Interleaved medians in ms of {name: fn}."""
    return {k: v * 1e3 for k, v in peers.interleave(cases, repeat).items()}


def main():
    old = peers.torch_threads(1)
    with threadpool_limits(limits=1, user_api="blas"):
        step, _, model = peers.package_train(V, H, T, B)
        for _ in range(5):
            step()
        prof = cProfile.Profile()
        prof.enable()
        for _ in range(40):
            step()
        prof.disable()
        out = io.StringIO()
        pstats.Stats(prof, stream=out).sort_stats("tottime").print_stats(12)
        print("1. cProfile of 40 training steps (own time per function):")
        print("\n".join(line for line in out.getvalue().splitlines()[4:] if line.strip()))

        cell = model.rnn.cells[0]
        rng = np.random.default_rng(0)
        ids = rng.integers(0, V, (B, T))
        _, _, cache = cell.dynamic_rnn(ids, return_cache=True)
        A, C, TC, HS = cache[3].buffers  # A: (4, T, B, H), one block per gate
        w_h = cell._blocks(cell.params["W_h"])  # (4, H, H)
        w_hT = np.ascontiguousarray(cell.params["W_h"].reshape(H, 4, H).transpose(1, 2, 0))
        d_out = (rng.standard_normal((B, T, H)) * 0.1).astype(np.float32)
        a, dh4, dh = np.empty((4, B, H), np.float32), np.empty((4, B, H), np.float32), np.empty((B, H), np.float32)

        def forward_matmuls():
            for t in range(T):
                np.matmul(HS[t], w_h, out=a)

        def backward_matmuls():
            for t in range(T):
                np.matmul(A[:, t], w_hT, out=dh4)
                np.sum(dh4, axis=0, out=dh)

        def weight_grads():
            rows = A.reshape(4, T * B, H)
            one_hot = np.eye(V, dtype=np.float32)[ids.T.reshape(-1)]
            return np.matmul(HS[:-1].reshape(T * B, H).T, rows), np.matmul(one_hot.T, rows)

        cases = {"whole training step": step,
                 "forward (training: keeps buffers)": lambda: cell.dynamic_rnn(ids, return_cache=True),
                 "forward (inference: no records)": lambda: cell.dynamic_rnn(ids),
                 "  of which the 50 forward matmuls (4 stacked)": forward_matmuls,
                 "backward (loop + weight gradients)": lambda: cell.bptt(d_out, cache, input_grad=False),
                 "  of which the 50 backward matmuls (+ gate sum)": backward_matmuls,
                 "  of which the weight-gradient matmuls": weight_grads}
        ms = median_ms(cases)
        print("\n2. The recurrent loops, split (medians, interleaved):")
        for k, v in ms.items():
            print(f"  {k:<48} {v:7.2f} ms")

        h = rng.standard_normal((B, H)).astype(np.float32)
        w = rng.standard_normal((H, 4 * H)).astype(np.float32)
        o = np.empty((B, 4 * H), np.float32)
        flops = 2 * B * H * 4 * H
        cases = {"numpy": lambda: np.matmul(h, w, out=o)}
        torch = peers.torch_or_none()
        if torch is not None:
            th, tw, to = torch.from_numpy(h), torch.from_numpy(w), torch.empty(B, 4 * H)
            cases["torch"] = lambda: torch.mm(th, tw, out=to)
            lstm = torch.nn.LSTM(V, H, batch_first=True)
            x = torch.from_numpy(rng.standard_normal((B, T, V)).astype(np.float32))

            def torch_forward():
                with torch.no_grad():
                    lstm(x)

        ms = median_ms({k: (lambda f=f: [f() for _ in range(50)]) for k, f in cases.items()})
        print(f"\n3. One recurrent matmul ({B}x{H} @ {H}x{4 * H}), one thread:")
        for k, v in ms.items():
            print(f"  {k:<8} {v / 50 * 1e3:6.1f} µs = {flops / (v / 50 / 1e3) / 1e9:5.0f} GFLOP/s")
        if torch is not None:
            x_np, dense = x.numpy(), L.LSTMCell(V, H, dtype=np.float32)
            ms = median_ms({"torch nn.LSTM forward (no_grad)": torch_forward,
                            "package LSTMCell.dynamic_rnn": lambda: dense.dynamic_rnn(x_np)})
            print("\n4. Forward over a dense input (B, T, 65), whole sequence:")
            for k, v in ms.items():
                print(f"  {k:<36} {v:6.2f} ms")
    if old is not None:
        peers.torch_threads(old)
    t = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    print(f"\n{t}; load average now: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
