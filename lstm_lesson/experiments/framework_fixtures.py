"""The package against outputs that PyTorch, Keras and TensorFlow really produced.

``tools/make_framework_fixtures.py`` ran each framework once (in a throwaway environment) on
seeded weights in the framework's own layout, a non-zero initial state and random inputs, and
saved weights, inputs and the framework's outputs to ``assets/fixtures/NAME.npz`` with the
framework's version. ``compare_fixture(name)`` imports those weights with this package's
``from_*`` functions, runs ``dynamic_rnn`` from the same initial state and returns the largest
differences. No framework is imported: the check runs anywhere.

    >>> result = compare_fixture("torch_gru")          # doctest: +SKIP
    >>> result.out_gap < 1e-12                         # doctest: +SKIP
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..core.cells import LSTMState
from ..core.interop import from_keras_weights, from_tf1_weights, from_torch_state_dict
from ..core.language import language, say, set_language
from ..core.unrolling import dynamic_rnn
from .stored import asset_path

FIXTURES = ("torch_lstm", "torch_gru", "keras_lstm", "keras_gru_reset_after_true", "keras_gru_reset_after_false",
            "tf1_lstm")


def fixtures_dir() -> Path:
    """The ``assets/fixtures`` folder of the repository or of the installed wheel."""
    return asset_path("fixtures")


def load_fixture(name: str) -> tuple[dict, dict]:
    """``(meta, arrays)`` of ``assets/fixtures/NAME.npz``; meta names the framework and its version."""
    if name not in FIXTURES:
        raise ValueError(say(f"name: expected one of {', '.join(FIXTURES)}, got {name!r}",
                             f"name：应为 {', '.join(FIXTURES)} 之一，传入的是 {name!r}"))
    with np.load(fixtures_dir() / f"{name}.npz", allow_pickle=False) as f:
        arrays = {k: f[k] for k in f.files}
    meta = json.loads(str(arrays.pop("meta")))
    return meta, arrays


@dataclass
class FixtureCheck:
    """How far this package is from a framework's saved outputs (max |difference|)."""

    name: str
    meta: dict
    out_gap: float = float("nan")  # over the top layer's outputs (batch, time, hidden)
    state_gap: float = float("nan")  # over every layer's final h (and c)
    # why the weights could not be imported, if they could not: ``error`` always in English (what code
    # checks, e.g. a lesson's assert, reads the same in both editions), ``error_zh`` in Chinese
    error: str = ""
    error_zh: str = ""
    shapes: dict = field(default_factory=dict)

    def describe(self) -> str:
        who = f"{self.meta['framework']} {self.meta['version']}: {self.meta['layer']}"
        if self.error:
            return say(f"{who}\n  not importable: {self.error}", f"{who}\n  无法导入：{self.error_zh or self.error}")
        if max(self.out_gap, self.state_gap) < 1e-12:
            return say(f"{who}\n  outputs and final states: ours within 1e-12 of theirs",
                       f"{who}\n  输出和最终状态：我们的与他们的相差不到 1e-12")
        return say(f"{who}\n  max |ours - theirs|: outputs {self.out_gap:.1e}, final states {self.state_gap:.1e}",
                   f"{who}\n  最大 |ours - theirs|：输出 {self.out_gap:.1e}，最终状态 {self.state_gap:.1e}")



def import_fixture_weights(name, meta, a):
    """The fixture's weights (framework layout) as our cell stack, through the package's ``from_*``."""
    if name.startswith("torch"):
        sd = {k: a[k] for k in a if k.startswith(("weight_", "bias_"))}
        return from_torch_state_dict(sd, cell=name.split("_")[1])
    if name.startswith("keras"):
        layers = sorted({k.split("_")[0] for k in a if k.startswith("layer")})
        weights = [[a[f"{layer}_{part}"] for part in ("kernel", "recurrent_kernel", "bias")] for layer in layers]
        return from_keras_weights(weights, cell="lstm" if name == "keras_lstm" else "gru")
    variables = {k.replace("__", "/"): v for k, v in a.items() if "__" in k}
    return from_tf1_weights(variables, cell="lstm", forget_bias=meta["forget_bias"])


def _import_error(code, name, meta, a) -> str:
    """The message of the import's error in language ``code`` (the import is deterministic: it fails
    the same way in both languages; the language in use is restored)."""
    previous = language()
    set_language(code)
    try:
        import_fixture_weights(name, meta, a)
    except (ValueError, TypeError) as err:
        return str(err)
    finally:
        set_language(previous)
    raise AssertionError(f"fixture {name}: the import failed once and then succeeded")  # never: it is deterministic


def compare_fixture(name: str) -> FixtureCheck:

    """Import the fixture's weights into our cells, run them, and compare with the framework's outputs."""
    meta, a = load_fixture(name)
    check = FixtureCheck(name, meta, shapes={"x": a["x"].shape, "out": a["out"].shape})
    try:
        stack = import_fixture_weights(name, meta, a)
    except (ValueError, TypeError):
        check.error, check.error_zh = (_import_error(code, name, meta, a) for code in ("en", "zh"))
        return check
    if "c0" in a:
        state = tuple(LSTMState(h, c) for h, c in zip(a["h0"], a["c0"]))
    else:
        state = tuple(a["h0"])
    out, final = dynamic_rnn(stack, a["x"], state)
    check.out_gap = float(np.abs(out - a["out"]).max())
    if "c_n" in a:
        ours_h = np.stack([s.h for s in final])
        ours_c = np.stack([s.c for s in final])
        check.state_gap = float(max(np.abs(ours_h - a["h_n"]).max(), np.abs(ours_c - a["c_n"]).max()))
    else:
        check.state_gap = float(np.abs(np.stack(final) - a["h_n"]).max())
    return check
