"""Weights in and out: our cells in the layouts of PyTorch, Keras and TensorFlow 1, as numpy arrays.

No framework is imported here: every function takes and returns plain numpy arrays, so the
lesson runs without PyTorch or TensorFlow installed and a learner can still carry a trained
model to either. The same numbers are arranged in three ways:

==========  ===========================================  ===================  ===========================
layout      LSTM tensors (D inputs, H hidden units)      gate order           bias
==========  ===========================================  ===================  ===========================
ours        W_x (D, 4H), W_h (H, 4H), b (4H,)            i, f, g, o           one: b
PyTorch     weight_ih_l0 (4H, D), weight_hh_l0 (4H, H)   i, f, g, o           two: bias_ih + bias_hh
Keras       kernel (D, 4H), recurrent_kernel (H, 4H)     i, f, c, o           one: bias (4H,)
TF1         kernel (D + H, 4H) on concat([x, h])         i, j, f, o           one, + forget_bias at run time
==========  ===========================================  ===================  ===========================

``LAYOUTS`` and ``describe_layout(framework, cell)`` hold the full description (GRU and plain
RNN too) for the lesson to show. Conventions chosen here, and why:

- PyTorch keeps two biases that are only ever added. Export puts our ``b`` in ``bias_ih`` and
  zeros in ``bias_hh``; import adds them. So ours -> PyTorch -> ours is exact, but a PyTorch
  state dict -> ours -> PyTorch keeps only the sum (same outputs, different split). The GRU
  has both biases in our cell too (``b_x``, ``b_h``): exact in both directions.
- TF1's ``BasicLSTMCell`` adds ``forget_bias`` (default 1.0) to the forget pre-activation at
  every step, on top of the stored bias. Export stores ``b_f - forget_bias``, import adds it
  back. That subtraction rounds unless it is exact in floating point (it is for
  ``forget_bias=0``, and by Sterbenz's lemma whenever forget_bias/2 <= b_f <= 2*forget_bias),
  so the f block round-trips to within one rounding; every other number is exact.
- Keras GRU is read and written only in its ``reset_after=True`` form (the default since
  TF 2.0): the ``reset_after=False`` GRU applies r before the matmul, a different function.
- The peephole LSTM exists only in TF1 (``LSTMCell(use_peepholes=True)``); PyTorch and Keras
  have none. TF1's ``GRUCell`` applies r before the matmul: not convertible exactly.

Copy-paste use (not run by the lesson: no framework is a dependency)::

    # PyTorch
    sd = to_torch_state_dict(model.rnn)                 # model.rnn: a MultiRNNCell of LSTMCells
    lstm = torch.nn.LSTM(D, H, num_layers=2, batch_first=True)
    lstm.load_state_dict({k: torch.from_numpy(v) for k, v in sd.items()})
    stack = from_torch_state_dict(lstm.state_dict(), cell="lstm")   # and back
    # Keras: one LSTM layer per stacked cell
    for layer, w in zip(lstm_layers, to_keras_weights(model.rnn)):
        layer.set_weights(w)
    # TF1: variables by name
    for name, value in to_tf1_weights(model.rnn, forget_bias=1.0).items():
        sess.run(tf.assign(graph.get_tensor_by_name(name + ":0"), value))
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from . import validate as check
from .cells import Cell
from .language import say
from .model import CELL_TYPES
from .unrolling import MultiRNNCell
from .validate import shape_text as _shape  # "(2, 3)" as in every other message

__all__ = ["LAYOUTS", "Layout", "describe_layout", "from_keras_weights", "from_tf1_weights",
           "from_torch_state_dict", "to_keras_weights", "to_tf1_weights", "to_torch_state_dict"]



# ==========================================================================================
# The layouts, described once: the conversions read their gate orders from here.
@dataclass(frozen=True)
class Layout:
    """One framework's arrangement of one cell's weights.

    ``gates`` are the framework's block names in its order; ``ours`` are our names for the same
    blocks (so ``ours[k]`` is the block the framework stores k-th). ``tensors`` lists
    ``(name, shape, what it holds)`` for layer 0.
    """

    framework: str
    api: str
    tensors: tuple
    gates: tuple
    ours: tuple
    bias: str
    round_trip: str


_EXACT = "exact in both directions"
# The Chinese of the layouts' prose (descriptions, biases, round trips), read at call time by ``_zh``;
# names, shapes and code stay as they are, so text missing here is shown as written.
_LAYOUT_ZH = {
    "bias": "偏置",
    "input bias": "输入偏置",
    "recurrent bias, inside r * (...)": "循环偏置，在 r * (...) 之内",
    "i peeks at c_{t-1}": "i 窥视 c_{t-1}",
    "f peeks at c_{t-1}": "f 窥视 c_{t-1}",
    "o peeks at the new c_t": "o 窥视新的 c_t",
    "b on export": "导出时为 b",
    "zeros on export": "导出时为零",
    "W_x, blocks reordered": "W_x，块重排",
    "W_h, blocks reordered": "W_h，块重排",
    "rows [b_x, b_h], blocks reordered": "两行 [b_x, b_h]，块重排",
    "concat([W_x, W_h]) on concat([x, h])": "concat([W_x, W_h])，作用于 concat([x, h])",
    "concat([W_x, W_h]), blocks reordered": "concat([W_x, W_h])，块重排",
    "b reordered, f block minus forget_bias": "b 重排，f 块减去 forget_bias",
    "one bias b": "一个偏置 b",
    "one bias b; forget_bias is added into b's f block once, at initialisation":
        "一个偏置 b；forget_bias 只在初始化时加到 b 的 f 块上一次",
    "two biases b_x, b_h (r multiplies h @ W_hn + b_hn)": "两个偏置 b_x、b_h（r 乘以 h @ W_hn + b_hn）",
    "two biases, only their sum matters: b = bias_ih + bias_hh": "两个偏置，只有它们的和起作用：b = bias_ih + bias_hh",
    "two biases, the same as ours: b_x, b_h": "两个偏置，与我们的相同：b_x、b_h",
    "one bias": "一个偏置",
    "one bias (unit_forget_bias=True only sets it to 1 at initialisation)":
        "一个偏置（unit_forget_bias=True 只在初始化时把它设为 1）",
    "bias row 0 = input bias, row 1 = recurrent bias (reset_after=True only)":
        "bias 第 0 行 = 输入偏置，第 1 行 = 循环偏置（仅 reset_after=True）",
    "one bias; forget_bias is ADDED to the f pre-activation at every step, so the stored f block is b_f - forget_bias":
        "一个偏置；forget_bias 在每个时间步都被“加”到 f 的预激活上，所以存储的 f 块是 b_f - forget_bias",
    "one bias; forget_bias added at run time, as for BasicLSTMCell":
        "一个偏置；forget_bias 在运行时加上，与 BasicLSTMCell 相同",
    "ours -> torch -> ours exact; torch -> ours keeps only bias_ih + bias_hh":
        "ours -> torch -> ours 精确；torch -> ours 只保留 bias_ih + bias_hh",
    _EXACT: "双向精确",
    "exact except the f block, which is exact to one rounding of b_f - forget_bias":
        "除 f 块外都精确；f 块只差 b_f - forget_bias 的一次舍入",
}


def _zh(text: str) -> str:
    """A layout's English phrase in the language in use (unchanged if it has no Chinese)."""
    return say(text, _LAYOUT_ZH.get(text, text))


LAYOUTS = {
    "ours": {
        "rnn": Layout("lstm_lesson", "RNNCell(D, H)",
                      (("W_x", "(D, H)", "x @ W_x"), ("W_h", "(H, H)", "h @ W_h"), ("b", "(H,)", "bias")),
                      ("h",), ("h",), "one bias b", "-"),
        "lstm": Layout("lstm_lesson", "LSTMCell(D, H)",
                       (("W_x", "(D, 4H)", "x @ W_x"), ("W_h", "(H, 4H)", "h @ W_h"), ("b", "(4H,)", "bias")),
                       ("i", "f", "g", "o"), ("i", "f", "g", "o"),
                       "one bias b; forget_bias is added into b's f block once, at initialisation", "-"),
        "gru": Layout("lstm_lesson", "GRUCell(D, H)",
                      (("W_x", "(D, 3H)", "x @ W_x"), ("W_h", "(H, 3H)", "h @ W_h"),
                       ("b_x", "(3H,)", "input bias"), ("b_h", "(3H,)", "recurrent bias, inside r * (...)")),
                      ("r", "z", "n"), ("r", "z", "n"), "two biases b_x, b_h (r multiplies h @ W_hn + b_hn)", "-"),
        "peephole": Layout("lstm_lesson", "PeepholeLSTMCell(D, H)",
                           (("W_x", "(D, 4H)", "x @ W_x"), ("W_h", "(H, 4H)", "h @ W_h"), ("b", "(4H,)", "bias"),
                            ("p_i", "(H,)", "i peeks at c_{t-1}"), ("p_f", "(H,)", "f peeks at c_{t-1}"),
                            ("p_o", "(H,)", "o peeks at the new c_t")),
                           ("i", "f", "g", "o"), ("i", "f", "g", "o"), "one bias b", "-"),
    },
    "torch": {
        "rnn": Layout("PyTorch", "torch.nn.RNN(D, H, num_layers=L, batch_first=True)",
                      (("weight_ih_l0", "(H, D)", "W_x.T"), ("weight_hh_l0", "(H, H)", "W_h.T"),
                       ("bias_ih_l0", "(H,)", "b on export"), ("bias_hh_l0", "(H,)", "zeros on export")),
                      ("h",), ("h",), "two biases, only their sum matters: b = bias_ih + bias_hh",
                      "ours -> torch -> ours exact; torch -> ours keeps only bias_ih + bias_hh"),
        "lstm": Layout("PyTorch", "torch.nn.LSTM(D, H, num_layers=L, batch_first=True)",
                       (("weight_ih_l0", "(4H, D)", "W_x.T"), ("weight_hh_l0", "(4H, H)", "W_h.T"),
                        ("bias_ih_l0", "(4H,)", "b on export"), ("bias_hh_l0", "(4H,)", "zeros on export")),
                       ("i", "f", "g", "o"), ("i", "f", "g", "o"),
                       "two biases, only their sum matters: b = bias_ih + bias_hh",
                       "ours -> torch -> ours exact; torch -> ours keeps only bias_ih + bias_hh"),
        "gru": Layout("PyTorch", "torch.nn.GRU(D, H, num_layers=L, batch_first=True)",
                      (("weight_ih_l0", "(3H, D)", "W_x.T"), ("weight_hh_l0", "(3H, H)", "W_h.T"),
                       ("bias_ih_l0", "(3H,)", "b_x"), ("bias_hh_l0", "(3H,)", "b_h")),
                      ("r", "z", "n"), ("r", "z", "n"), "two biases, the same as ours: b_x, b_h", _EXACT),
    },
    "keras": {
        "rnn": Layout("Keras", "keras.layers.SimpleRNN(H, return_sequences=True)",
                      (("kernel", "(D, H)", "W_x"), ("recurrent_kernel", "(H, H)", "W_h"), ("bias", "(H,)", "b")),
                      ("h",), ("h",), "one bias", _EXACT),
        "lstm": Layout("Keras", "keras.layers.LSTM(H, return_sequences=True)",
                       (("kernel", "(D, 4H)", "W_x"), ("recurrent_kernel", "(H, 4H)", "W_h"),
                        ("bias", "(4H,)", "b")),
                       ("i", "f", "c", "o"), ("i", "f", "g", "o"),
                       "one bias (unit_forget_bias=True only sets it to 1 at initialisation)", _EXACT),
        "gru": Layout("Keras", "keras.layers.GRU(H, return_sequences=True, reset_after=True)",
                      (("kernel", "(D, 3H)", "W_x, blocks reordered"),
                       ("recurrent_kernel", "(H, 3H)", "W_h, blocks reordered"),
                       ("bias", "(2, 3H)", "rows [b_x, b_h], blocks reordered")),
                      ("z", "r", "h"), ("z", "r", "n"),
                      "bias row 0 = input bias, row 1 = recurrent bias (reset_after=True only)", _EXACT),
    },
    "tf1": {
        "rnn": Layout("TensorFlow 1", "tf.nn.rnn_cell.BasicRNNCell(H)",
                      (("rnn/basic_rnn_cell/kernel", "(D + H, H)", "concat([W_x, W_h]) on concat([x, h])"),
                       ("rnn/basic_rnn_cell/bias", "(H,)", "b")),
                      ("h",), ("h",), "one bias", _EXACT),
        "lstm": Layout("TensorFlow 1", "tf.contrib.rnn.BasicLSTMCell(H, forget_bias=1.0)",
                       (("rnn/basic_lstm_cell/kernel", "(D + H, 4H)", "concat([W_x, W_h]), blocks reordered"),
                        ("rnn/basic_lstm_cell/bias", "(4H,)", "b reordered, f block minus forget_bias")),
                       ("i", "j", "f", "o"), ("i", "g", "f", "o"),
                       "one bias; forget_bias is ADDED to the f pre-activation at every step, "
                       "so the stored f block is b_f - forget_bias",
                       "exact except the f block, which is exact to one rounding of b_f - forget_bias"),
        "peephole": Layout("TensorFlow 1", "tf.nn.rnn_cell.LSTMCell(H, use_peepholes=True, forget_bias=1.0)",
                           (("rnn/lstm_cell/kernel", "(D + H, 4H)", "concat([W_x, W_h]), blocks reordered"),
                            ("rnn/lstm_cell/bias", "(4H,)", "b reordered, f block minus forget_bias"),
                            ("rnn/lstm_cell/w_i_diag", "(H,)", "p_i"), ("rnn/lstm_cell/w_f_diag", "(H,)", "p_f"),
                            ("rnn/lstm_cell/w_o_diag", "(H,)", "p_o")),
                           ("i", "j", "f", "o"), ("i", "g", "f", "o"),
                           "one bias; forget_bias added at run time, as for BasicLSTMCell",
                           "exact except the f block, which is exact to one rounding of b_f - forget_bias"),
    },
}

UNSUPPORTED = {
    ("torch", "peephole"): "PyTorch's nn.LSTM has no peephole connections (p_i, p_f, p_o); "
                           "TF1's LSTMCell(use_peepholes=True) has them: use to_tf1_weights / from_tf1_weights",
    ("keras", "peephole"): "Keras's LSTM has no peephole connections (p_i, p_f, p_o); "
                           "TF1's LSTMCell(use_peepholes=True) has them: use to_tf1_weights / from_tf1_weights",
    ("tf1", "gru"): "TF1's GRUCell applies the reset gate BEFORE the matmul, (r * h) @ W, while our GRU "
                    "(PyTorch's convention) applies it after; no weights make the two equal. Use "
                    "to_torch_state_dict or to_keras_weights (Keras GRU with reset_after=True)",
}

_UNSUPPORTED_ZH = {
    ("torch", "peephole"): "PyTorch 的 nn.LSTM 没有窥视孔连接（p_i、p_f、p_o）；"
                           "TF1 的 LSTMCell(use_peepholes=True) 有：请用 to_tf1_weights / from_tf1_weights",
    ("keras", "peephole"): "Keras 的 LSTM 没有窥视孔连接（p_i、p_f、p_o）；"
                           "TF1 的 LSTMCell(use_peepholes=True) 有：请用 to_tf1_weights / from_tf1_weights",
    ("tf1", "gru"): "TF1 的 GRUCell 在矩阵乘法之前施加重置门，(r * h) @ W，而我们的 GRU（PyTorch 的约定）"
                    "在之后施加；任何权重都不能让两者相等。请用 to_torch_state_dict 或 to_keras_weights"
                    "（Keras GRU，reset_after=True）",
}


def _why_unsupported(framework, cell) -> str:
    return say(UNSUPPORTED[framework, cell], _UNSUPPORTED_ZH[framework, cell])


FRAMEWORKS = {"ours": "lstm_lesson", "torch": "PyTorch", "keras": "Keras", "tf1": "TensorFlow 1"}


def describe_layout(framework: str, cell: str = "lstm") -> str:
    """A printable description of one layout: ``framework`` in "ours", "torch", "keras", "tf1";
    ``cell`` in "rnn", "lstm", "gru", "peephole"."""
    if framework not in LAYOUTS:
        raise ValueError(say(f"framework: expected one of {sorted(LAYOUTS)}, got {framework!r}",
                             f"framework：应为 {sorted(LAYOUTS)} 之一，传入的是 {framework!r}"))
    if cell not in CELL_TYPES:
        raise ValueError(say(f"cell: expected one of {sorted(CELL_TYPES)}, got {cell!r}",
                             f"cell：应为 {sorted(CELL_TYPES)} 之一，传入的是 {cell!r}"))
    if (framework, cell) in UNSUPPORTED:
        raise ValueError(say(f"cell: {cell!r} has no {FRAMEWORKS[framework]} layout: ",
                             f"cell：{cell!r} 没有 {FRAMEWORKS[framework]} 的布局：")
                         + _why_unsupported(framework, cell))
    lay = LAYOUTS[framework][cell]
    width = max(len(name) for name, _, _ in lay.tensors)
    lines = [f"{lay.framework}: {lay.api}"]
    lines += [f"  {name:<{width}}  {shape:<12} {_zh(what)}" for name, shape, what in lay.tensors]
    if lay.gates == LAYOUTS["ours"][cell].gates:
        same = say(" (the same as ours)", "（与我们的相同）")
    else:
        same = say(" = ours ", " = 我们的 ") + ", ".join(lay.ours)
    lines.append(say("  gate order: ", "  门的顺序：") + f"{', '.join(lay.gates)}{same}")
    lines.append(say("  bias: ", "  偏置：") + _zh(lay.bias))
    if framework != "ours":
        lines.append(say("  round trip: ", "  往返转换：") + _zh(lay.round_trip))
    return "\n".join(lines)


# ==========================================================================================
# Small helpers shared by the three layouts.
def _kind(cell) -> str:
    # PeepholeLSTMCell is an LSTMCell: test it first.
    for kind in ("peephole", "lstm", "gru", "rnn"):
        if isinstance(cell, CELL_TYPES[kind]):
            return kind
    return ""


def _layers(cell_or_stack, framework):
    """The cells of a cell or a MultiRNNCell, each checked to have a layout in ``framework``."""
    if isinstance(cell_or_stack, MultiRNNCell):
        cells, stack = cell_or_stack.cells, True
    elif isinstance(cell_or_stack, Cell):
        cells, stack = [cell_or_stack], False
    else:
        hint = say(" (for a CharModel pass model.rnn)", "（CharModel 请传入 model.rnn）") \
            if hasattr(cell_or_stack, "rnn") else ""
        got = type(cell_or_stack).__name__
        raise TypeError(say(f"cell_or_stack: expected an RNNCell, LSTMCell, GRUCell, PeepholeLSTMCell or "
                            f"MultiRNNCell{hint}, got {got}",
                            f"cell_or_stack：应为 RNNCell、LSTMCell、GRUCell、PeepholeLSTMCell 或 "
                            f"MultiRNNCell{hint}，传入的是 {got}"))
    kinds = []
    for k, c in enumerate(cells):
        kind = _kind(c)
        where = f"cell_or_stack.cells[{k}]" if stack else "cell_or_stack"
        if not kind:
            raise TypeError(say(f"{where}: expected an RNNCell, LSTMCell, GRUCell or PeepholeLSTMCell, "
                                f"got {type(c).__name__}",
                                f"{where}：应为 RNNCell、LSTMCell、GRUCell 或 PeepholeLSTMCell，"
                                f"传入的是 {type(c).__name__}"))
        if (framework, kind) in UNSUPPORTED:
            raise TypeError(say(f"{where}: a {type(c).__name__} cannot be exported to {FRAMEWORKS[framework]}: ",
                                f"{where}：{type(c).__name__} 无法导出到 {FRAMEWORKS[framework]}：")
                            + _why_unsupported(framework, kind))
        kinds.append(kind)
    return cells, kinds, stack


def _cell_kind(cell, framework) -> str:
    """Check the ``cell=`` argument of an import function."""
    if not isinstance(cell, str) or cell not in CELL_TYPES:
        raise ValueError(say(f"cell: expected one of {sorted(CELL_TYPES)}, got {cell!r}",
                             f"cell：应为 {sorted(CELL_TYPES)} 之一，传入的是 {cell!r}"))
    if (framework, cell) in UNSUPPORTED:
        raise ValueError(say(f"cell: {cell!r} cannot be imported from {FRAMEWORKS[framework]}: ",
                             f"cell：{cell!r} 无法从 {FRAMEWORKS[framework]} 导入：")
                         + _why_unsupported(framework, cell))
    return cell


def _reorder(a, H, src, dst):
    """Re-stack the H-wide blocks along the last axis of ``a`` from order ``src`` to ``dst``.
    Always returns a new C-contiguous array."""
    blocks = {name: a[..., k * H:(k + 1) * H] for k, name in enumerate(src)}
    return np.ascontiguousarray(np.concatenate([blocks[name] for name in dst], axis=-1))


def _orders(framework, kind):
    return LAYOUTS["ours"][kind].ours, LAYOUTS[framework][kind].ours


def _numpy(name, value):
    """A numpy array from an array or a framework tensor, without importing the framework."""
    if isinstance(value, np.ndarray):
        return value
    if callable(getattr(value, "detach", None)):  # a torch tensor, maybe requires_grad, maybe on GPU
        value = value.detach().cpu().numpy()
    elif callable(getattr(value, "numpy", None)):  # a TensorFlow tensor or variable
        value = value.numpy()
    if not isinstance(value, np.ndarray):
        raise TypeError(say(f"{name}: expected a numpy array (or a tensor with .numpy()), got {type(value).__name__}",
                            f"{name}：应为 numpy 数组（或带 .numpy() 的张量），传入的是 {type(value).__name__}"))
    return value


def _target_dtype(arrays: dict, dtype, container: str):
    """``dtype`` if given, else the one float dtype all ``arrays`` share."""
    if dtype is not None:
        return check.float_dtype("dtype", dtype)
    seen = {}
    for name, a in arrays.items():
        if a.dtype.type not in check.FLOAT_DTYPES:
            raise TypeError(say(f"{name}: expected float32 or float64 values (or pass dtype=), got dtype {a.dtype}",
                                f"{name}：数值应为 float32 或 float64（或传入 dtype=），传入的 dtype 是 {a.dtype}"))
        seen.setdefault(a.dtype, name)
    if len(seen) > 1:
        (d1, n1), (d2, n2) = list(seen.items())[:2]
        raise TypeError(say(f"{container}: expected one float dtype for every array (or pass dtype=), "
                            f"got {d1} in {n1} and {d2} in {n2}",
                            f"{container}：所有数组应为同一种浮点 dtype（或传入 dtype=），"
                            f"传入的是 {n1} 中的 {d1} 和 {n2} 中的 {d2}"))
    return next(iter(seen))


def _gate_hint(rows, cols):
    """For a recurrent weight of the wrong height: which cell that height belongs to."""
    names = {1: "rnn", 3: "gru", 4: "lstm"}
    if cols and rows % cols == 0 and rows // cols in names:
        other = names[rows // cols]
        return say(f" (that is the shape of a {other!r} cell: pass cell={other!r})",
                   f"（这是 {other!r} 单元的形状：请传入 cell={other!r}）")
    return ""


def _need_shape(name, a, shape, meaning, hint=""):
    if a.shape != tuple(shape):
        raise ValueError(say(f"{name}: expected shape {meaning} = {_shape(shape)}, got {_shape(a.shape)}{hint}",
                             f"{name}：形状应为 {meaning} = {_shape(shape)}，传入的是 {_shape(a.shape)}{hint}"))


def _need_ndim(name, a, ndim, meaning):
    if a.ndim != ndim:
        raise ValueError(say(f"{name}: expected {ndim} dimensions {meaning}, got shape {_shape(a.shape)}",
                             f"{name}：应为 {ndim} 维 {meaning}，传入的形状是 {_shape(a.shape)}"))


def _recurrent_size(name, a, G, kind, transposed):
    """Hidden size from a recurrent weight: (G*H, H) in PyTorch, (H, G*H) in Keras."""
    meaning = f"({G}*hidden_size, hidden_size)" if transposed else f"(hidden_size, {G}*hidden_size)"
    _need_ndim(name, a, 2, meaning)
    rows, cols = a.shape if transposed else a.shape[::-1]
    H = cols
    if H == 0 or rows != G * H:
        want = (G * H, H) if transposed else (H, G * H)
        hint = _gate_hint(rows, cols)
        raise ValueError(say(f"{name}: expected shape {meaning} = {_shape(want)} for cell={kind!r}, "
                             f"got {_shape(a.shape)}{hint}",
                             f"{name}：cell={kind!r} 时形状应为 {meaning} = {_shape(want)}，"
                             f"传入的是 {_shape(a.shape)}{hint}"))
    return H


def _check_input_size(name, D, k, H_prev, meaning, got_shape):
    if D == 0:
        raise ValueError(say(f"{name}: expected input_size >= 1 in shape {meaning}, got {_shape(got_shape)}",
                             f"{name}：形状 {meaning} 中的 input_size 应 >= 1，传入的是 {_shape(got_shape)}"))
    if k > 0 and D != H_prev:
        raise ValueError(say(f"{name}: expected input_size {H_prev} (layer {k} reads layer {k - 1}'s hidden state, "
                             f"hidden_size={H_prev}) in shape {meaning}, got {_shape(got_shape)}",
                             f"{name}：形状 {meaning} 中的 input_size 应为 {H_prev}（第 {k} 层读取第 {k - 1} 层的"
                             f"隐层状态，hidden_size={H_prev}），传入的是 {_shape(got_shape)}"))


def _build(kind, layer_params, dtype, stack):
    """New cells holding copies of ``layer_params`` (one dict per layer) in ``dtype``."""
    cells = []
    for p in layer_params:
        c = CELL_TYPES[kind](p["W_x"].shape[0], p["W_h"].shape[0], dtype=dtype)
        assert set(p) == set(c.params), (sorted(p), sorted(c.params))
        for name in c.params:
            c.params[name] = np.array(p[name], dtype=dtype, order="C")  # a copy, never a view
        cells.append(c)
    return MultiRNNCell(cells) if stack else cells[0]


# ==========================================================================================
# PyTorch: nn.RNN / nn.LSTM / nn.GRU state dicts.
_TORCH_PARTS = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
_TORCH_KEY = re.compile(r"(weight_ih|weight_hh|bias_ih|bias_hh)_l(\d+)")


def to_torch_state_dict(cell_or_stack, *, prefix: str = "") -> dict:
    """Our weights as the state dict of ``nn.RNN`` / ``nn.LSTM`` / ``nn.GRU`` (numpy arrays).

    Keys ``{prefix}weight_ih_l{k}`` (G*H, D_k), ``weight_hh_l{k}`` (G*H, H), ``bias_ih_l{k}``,
    ``bias_hh_l{k}`` (G*H,) for layer k, G = 1 (RNN), 4 (LSTM), 3 (GRU); same gate order as ours.
    The LSTM's and RNN's one bias goes to ``bias_ih``, ``bias_hh`` is zeros (PyTorch only adds them).
    A stack must have one cell type and one hidden size, like one ``nn.LSTM(num_layers=L)``.
    ``prefix``: e.g. ``"lstm."`` for a module stored as ``self.lstm`` inside a model.
    """
    cells, kinds, stack = _layers(cell_or_stack, "torch")
    _check_prefix(prefix)
    for k in range(1, len(cells)):
        if kinds[k] != kinds[0]:
            first, other = type(cells[0]).__name__, type(cells[k]).__name__
            raise TypeError(say(f"cell_or_stack.cells[{k}]: expected a {first} like cells[0] "
                                f"(one torch module has one cell type), got {other}",
                                f"cell_or_stack.cells[{k}]：应与 cells[0] 一样是 {first}"
                                f"（一个 torch 模块只有一种单元类型），传入的是 {other}"))
        if cells[k].hidden_size != cells[0].hidden_size:
            H0, H, module = cells[0].hidden_size, cells[k].hidden_size, kinds[0].upper()
            raise ValueError(say(f"cell_or_stack.cells[{k}].hidden_size: expected {H0} like "
                                 f"cells[0] (nn.{module} has one hidden_size for all layers), got {H}",
                                 f"cell_or_stack.cells[{k}].hidden_size：应与 cells[0] 一样为 {H0}"
                                 f"（nn.{module} 的所有层共用一个 hidden_size），传入的是 {H}"))
    ours, theirs = _orders("torch", kinds[0])
    state = {}
    for k, c in enumerate(cells):
        p, H = c.params, c.hidden_size
        if kinds[0] == "gru":
            b_ih, b_hh = p["b_x"], p["b_h"]
        else:
            b_ih, b_hh = p["b"], np.zeros_like(p["b"])
        state[f"{prefix}weight_ih_l{k}"] = np.ascontiguousarray(_reorder(p["W_x"], H, ours, theirs).T)
        state[f"{prefix}weight_hh_l{k}"] = np.ascontiguousarray(_reorder(p["W_h"], H, ours, theirs).T)
        state[f"{prefix}bias_ih_l{k}"] = _reorder(b_ih, H, ours, theirs)
        state[f"{prefix}bias_hh_l{k}"] = _reorder(b_hh, H, ours, theirs)
    return state


def _check_prefix(prefix):
    if not isinstance(prefix, str):
        raise TypeError(say(f"prefix: expected a string, got {type(prefix).__name__}",
                            f"prefix：应为字符串，传入的是 {type(prefix).__name__}"))


def _torch_unexpected(key, rest):
    if rest.endswith("_reverse"):
        why = say("bidirectional=True is not supported: our cells read the sequence one way",
                  "不支持 bidirectional=True：我们的单元只沿一个方向读序列")
    elif rest.startswith("weight_hr"):
        why = say("proj_size > 0 is not supported: our LSTM has no projection",
                  "不支持 proj_size > 0：我们的 LSTM 没有投影层")
    else:
        why = say("expected only weight_ih_l<k>, weight_hh_l<k>, bias_ih_l<k>, bias_hh_l<k>",
                  "只应有 weight_ih_l<k>、weight_hh_l<k>、bias_ih_l<k>、bias_hh_l<k>")
        if "." in key:
            example = key.rsplit('.', 1)[0] + '.'
            why += say(f" (for a whole model's state dict pass prefix=, e.g. {example!r})",
                       f"（整个模型的 state dict 请传入 prefix=，例如 {example!r}）")
    return ValueError(say(f"state_dict: unexpected key {key!r}: {why}", f"state_dict：意外的键 {key!r}：{why}"))


def from_torch_state_dict(state_dict, *, cell: str = "lstm", dtype=None, prefix: str = ""):
    """A new cell (one layer) or MultiRNNCell (several) from an ``nn.RNN/LSTM/GRU`` state dict.

    state_dict: a mapping of the keys ``to_torch_state_dict`` writes to numpy arrays or tensors
    (anything with ``.detach().cpu().numpy()`` or ``.numpy()``); keys outside ``prefix`` are
    ignored, every key inside it must belong to the layout. cell: "lstm", "gru" or "rnn".
    Sizes come from the shapes. dtype: None keeps the arrays' float dtype.
    The LSTM's (and RNN's) two biases become one: ``b = bias_ih + bias_hh``.
    """
    kind = _cell_kind(cell, "torch")
    if not isinstance(state_dict, Mapping):
        raise TypeError(say(f"state_dict: expected a mapping of names to arrays, got {type(state_dict).__name__}",
                            f"state_dict：应为名称到数组的映射，传入的是 {type(state_dict).__name__}"))
    _check_prefix(prefix)
    keys = {}
    for key in state_dict:
        if not isinstance(key, str):
            raise TypeError(say(f"state_dict: expected string keys, got {key!r} ({type(key).__name__})",
                                f"state_dict：键应为字符串，传入的是 {key!r}（{type(key).__name__}）"))
        if not key.startswith(prefix):
            continue
        match = _TORCH_KEY.fullmatch(key[len(prefix):])
        if not match:
            raise _torch_unexpected(key, key[len(prefix):])
        keys[int(match[2]), match[1]] = key
    if not keys:
        want = f"{prefix}weight_ih_l0, {prefix}weight_hh_l0, {prefix}bias_ih_l0, {prefix}bias_hh_l0, ..."
        raise ValueError(say(f"state_dict: expected keys {want}, got {sorted(state_dict)[:6]}",
                             f"state_dict：应有键 {want}，传入的是 {sorted(state_dict)[:6]}"))
    n_layers = 1 + max(k for k, _ in keys)
    for k in range(n_layers):
        for part in _TORCH_PARTS:
            if (k, part) not in keys:
                hint = say(" (our cells always have biases; for bias=False add zero biases)",
                           "（我们的单元总有偏置；bias=False 时请补上全零的偏置）") if part.startswith("bias") else ""
                raise ValueError(say(f"state_dict: missing key {prefix}{part}_l{k} for layer {k} of {n_layers}{hint}",
                                     f"state_dict：缺少第 {k} 层（共 {n_layers} 层）的键 {prefix}{part}_l{k}{hint}"))
    arrays = {keys[kp]: _numpy(f"state_dict[{keys[kp]!r}]", state_dict[keys[kp]]) for kp in sorted(keys)}
    dtype = _target_dtype({f"state_dict[{k!r}]": a for k, a in arrays.items()}, dtype, "state_dict")

    G = len(LAYOUTS["torch"][kind].gates)
    ours, theirs = _orders("torch", kind)
    layers, H0 = [], None
    for k in range(n_layers):
        name = {part: f"state_dict[{keys[k, part]!r}]" for part in _TORCH_PARTS}
        w_ih, w_hh, b_ih, b_hh = (arrays[keys[k, part]] for part in _TORCH_PARTS)
        H = _recurrent_size(name["weight_hh"], w_hh, G, kind, transposed=True)
        if k > 0 and H != H0:
            raise ValueError(say(f"{name['weight_hh']}: expected hidden_size {H0} like layer 0 (one torch module has "
                                 f"one hidden_size), shape {_shape((G * H0, H0))}, got {_shape(w_hh.shape)}",
                                 f"{name['weight_hh']}：hidden_size 应与第 0 层一样为 {H0}（一个 torch 模块只有一个 "
                                 f"hidden_size），形状 {_shape((G * H0, H0))}，传入的是 {_shape(w_hh.shape)}"))
        H0 = H0 or H
        meaning = f"({G}*hidden_size, input_size)"
        _need_ndim(name["weight_ih"], w_ih, 2, meaning)
        _need_shape(name["weight_ih"], w_ih, (G * H, w_ih.shape[1]), meaning, _gate_hint(w_ih.shape[0], H))
        _check_input_size(name["weight_ih"], w_ih.shape[1], k, H0, meaning, w_ih.shape)
        for part, b in (("bias_ih", b_ih), ("bias_hh", b_hh)):
            _need_shape(name[part], b, (G * H,), f"({G}*hidden_size,)")
        W_x = _reorder(w_ih.T, H, theirs, ours)
        W_h = _reorder(w_hh.T, H, theirs, ours)
        if kind == "gru":
            p = {"W_x": W_x, "W_h": W_h, "b_x": _reorder(b_ih, H, theirs, ours), "b_h": _reorder(b_hh, H, theirs, ours)}
        else:
            p = {"W_x": W_x, "W_h": W_h, "b": _reorder(b_ih + b_hh, H, theirs, ours)}
        layers.append(p)
    return _build(kind, layers, dtype, n_layers > 1)


# ==========================================================================================
# Keras: layer.get_weights() / layer.set_weights() lists.
def to_keras_weights(cell_or_stack) -> list:
    """Our weights as Keras ``layer.get_weights()`` lists: ``[kernel, recurrent_kernel, bias]``.

    LSTM: kernel (D, 4H), recurrent_kernel (H, 4H), bias (4H,), gates i, f, c, o (= ours).
    GRU (``reset_after=True``): kernel (D, 3H), recurrent_kernel (H, 3H), bias (2, 3H) with rows
    [input bias, recurrent bias], gates z, r, h (ours reordered). SimpleRNN: (D, H), (H, H), (H,).
    A cell gives one list; a MultiRNNCell gives one list per layer (stacked Keras layers).
    """
    cells, kinds, stack = _layers(cell_or_stack, "keras")
    out = []
    for c, kind in zip(cells, kinds):
        p, H = c.params, c.hidden_size
        ours, theirs = _orders("keras", kind)
        if kind == "gru":
            bias = np.stack([_reorder(p["b_x"], H, ours, theirs), _reorder(p["b_h"], H, ours, theirs)])
        else:
            bias = _reorder(p["b"], H, ours, theirs)
        out.append([_reorder(p["W_x"], H, ours, theirs), _reorder(p["W_h"], H, ours, theirs), bias])
    return out if stack else out[0]


def from_keras_weights(weights, *, cell: str = "lstm", dtype=None):
    """A new cell from ``[kernel, recurrent_kernel, bias]``, or a MultiRNNCell from a list of them.

    cell: "lstm", "gru" (Keras ``reset_after=True``) or "rnn" (SimpleRNN), the same for every layer.
    Arrays may be numpy arrays or tensors with ``.numpy()``. dtype: None keeps their float dtype.
    """
    kind = _cell_kind(cell, "keras")
    if not isinstance(weights, (list, tuple)) or not weights:
        raise TypeError(say(f"weights: expected [kernel, recurrent_kernel, bias] or a list of such lists, "
                            f"got {weights!r:.60}",
                            f"weights：应为 [kernel, recurrent_kernel, bias] 或由这样的列表组成的列表，"
                            f"传入的是 {weights!r:.60}"))
    stack = isinstance(weights[0], (list, tuple))
    raw = weights if stack else [weights]
    arrays = {}
    for k, layer in enumerate(raw):
        where = f"weights[{k}]" if stack else "weights"
        if not isinstance(layer, (list, tuple)) or len(layer) != 3:
            got = say(f"{len(layer)} items", f"{len(layer)} 项") if isinstance(layer, (list, tuple)) \
                else type(layer).__name__
            raise ValueError(say(f"{where}: expected [kernel, recurrent_kernel, bias] (3 arrays, as "
                                 f"layer.get_weights() returns with use_bias=True), got {got}",
                                 f"{where}：应为 [kernel, recurrent_kernel, bias]（3 个数组，即 use_bias=True 时 "
                                 f"layer.get_weights() 的返回值），传入的是 {got}"))
        for j, part in enumerate(("kernel", "recurrent_kernel", "bias")):
            arrays[f"{where}[{j}] ({part})"] = _numpy(f"{where}[{j}] ({part})", layer[j])
    dtype = _target_dtype(arrays, dtype, "weights")

    G = len(LAYOUTS["keras"][kind].gates)
    ours, theirs = _orders("keras", kind)
    layers, H_prev = [], None
    for k in range(len(raw)):
        where = f"weights[{k}]" if stack else "weights"
        name = [f"{where}[{j}] ({part})" for j, part in enumerate(("kernel", "recurrent_kernel", "bias"))]
        kernel, recurrent, bias = (arrays[n] for n in name)
        H = _recurrent_size(name[1], recurrent, G, kind, transposed=False)
        meaning = f"(input_size, {G}*hidden_size)"
        _need_ndim(name[0], kernel, 2, meaning)
        _need_shape(name[0], kernel, (kernel.shape[0], G * H), meaning)
        _check_input_size(name[0], kernel.shape[0], k, H_prev, meaning, kernel.shape)
        p = {"W_x": _reorder(kernel, H, theirs, ours), "W_h": _reorder(recurrent, H, theirs, ours)}
        if kind == "gru":
            hint = ""
            if bias.shape == (G * H,):
                hint = say(": a Keras GRU with reset_after=False applies r before the matmul, a different "
                           "function from ours; only reset_after=True (the default since TF 2.0) converts exactly",
                           "：reset_after=False 的 Keras GRU 在矩阵乘法之前施加 r，与我们的函数不同；"
                           "只有 reset_after=True（TF 2.0 起的默认值）能精确转换")
            elif bias.shape == (2 * G * H,):
                hint = say(": a flat (6H,) bias is CuDNNGRU's layout; build keras.layers.GRU(reset_after=True) instead",
                           "：扁平的 (6H,) 偏置是 CuDNNGRU 的布局；请改为构建 keras.layers.GRU(reset_after=True)")
            _need_shape(name[2], bias, (2, G * H), say("(2, 3*hidden_size) = [input bias, recurrent bias]",
                                                       "(2, 3*hidden_size) = [输入偏置, 循环偏置]"), hint)
            p["b_x"] = _reorder(bias[0], H, theirs, ours)
            p["b_h"] = _reorder(bias[1], H, theirs, ours)
        else:
            _need_shape(name[2], bias, (G * H,), f"({G}*hidden_size,)")
            p["b"] = _reorder(bias, H, theirs, ours)
        layers.append(p)
        H_prev = H
    return _build(kind, layers, dtype, stack)


# ==========================================================================================
# TensorFlow 1: variables by name (the notes' BasicLSTMCell, MultiRNNCell, dynamic_rnn).
_TF1_CELL_NAMES = {"rnn": ("basic_rnn_cell",), "lstm": ("basic_lstm_cell", "lstm_cell"), "peephole": ("lstm_cell",)}
_TF1_PEEPHOLES = (("w_i_diag", "p_i"), ("w_f_diag", "p_f"), ("w_o_diag", "p_o"))


def _scope(scope):
    if not isinstance(scope, str):
        raise TypeError(say(f"scope: expected a string such as 'rnn', got {type(scope).__name__}",
                            f"scope：应为字符串，例如 'rnn'，传入的是 {type(scope).__name__}"))
    scope = scope.strip("/")
    return scope + "/" if scope else ""


def to_tf1_weights(cell_or_stack, forget_bias=1.0, *, scope: str = "rnn") -> dict:
    """Our weights as TF1 variables ``{name: array}``, the names ``tf.nn.dynamic_rnn`` gives them.

    LSTM -> ``BasicLSTMCell``: ``{scope}/basic_lstm_cell/kernel`` (D + H, 4H) acting on
    concat([x, h]), ``.../bias`` (4H,), gates i, j, f, o (j = our candidate g). TF1 adds
    ``forget_bias`` to the f pre-activation at run time, so the stored f block is
    ``b_f - forget_bias``: pass the forget_bias the TF1 cell is built with (its default is 1.0).
    Peephole -> ``LSTMCell(use_peepholes=True)``: ``{scope}/lstm_cell/...`` plus w_i_diag,
    w_f_diag, w_o_diag. RNN -> ``BasicRNNCell``: ``{scope}/basic_rnn_cell/kernel`` (D + H, H).
    A MultiRNNCell's layer k lives under ``{scope}/multi_rnn_cell/cell_{k}/``.
    """
    cells, kinds, stack = _layers(cell_or_stack, "tf1")
    forget_bias = check.real_number("forget_bias", forget_bias)
    root = _scope(scope)
    out = {}
    for k, (c, kind) in enumerate(zip(cells, kinds)):
        p, H = c.params, c.hidden_size
        ours, theirs = _orders("tf1", kind)
        base = root + (f"multi_rnn_cell/cell_{k}/" if stack else "") + _TF1_CELL_NAMES[kind][0]
        bias = _reorder(p["b"], H, ours, theirs)
        if kind != "rnn":
            f = theirs.index("f")
            bias[f * H:(f + 1) * H] -= c.dtype.type(forget_bias)
        out[base + "/kernel"] = np.concatenate([_reorder(p["W_x"], H, ours, theirs),
                                                _reorder(p["W_h"], H, ours, theirs)], axis=0)
        out[base + "/bias"] = bias
        if kind == "peephole":
            for tf_name, our_name in _TF1_PEEPHOLES:
                out[base + "/" + tf_name] = p[our_name].copy()
    return out


def from_tf1_weights(weights, *, cell: str = "lstm", forget_bias=1.0, dtype=None, scope: str = "rnn"):
    """A new cell or MultiRNNCell from TF1 variables ``{name: array}`` (names as ``to_tf1_weights``).

    cell: "lstm" (``BasicLSTMCell``, or ``LSTMCell`` without peepholes), "peephole"
    (``LSTMCell(use_peepholes=True)``) or "rnn" (``BasicRNNCell``). forget_bias: the value the TF1
    cell was built with; it is added into our b_f. Names may end in ":0"; names outside
    ``scope`` are ignored, every name inside it must belong to the layout (pass only the
    model's variables, not optimizer slots such as ``.../kernel/Adam``).
    """
    kind = _cell_kind(cell, "tf1")
    forget_bias = check.real_number("forget_bias", forget_bias)
    root = _scope(scope)
    if not isinstance(weights, Mapping):
        raise TypeError(say(f"weights: expected a mapping of variable names to arrays, got {type(weights).__name__}",
                            f"weights：应为变量名到数组的映射，传入的是 {type(weights).__name__}"))
    variables = ("kernel", "bias") + (tuple(t for t, _ in _TF1_PEEPHOLES) if kind == "peephole" else ())
    cell_names = _TF1_CELL_NAMES[kind]
    pattern = re.compile(r"(?:multi_rnn_cell/cell_(\d+)/)?([a-z_]+)/([a-z_]+)")
    found, layout_kind, cell_name_used = {}, set(), set()
    for name in weights:
        if not isinstance(name, str):
            raise TypeError(say(f"weights: expected string names, got {name!r} ({type(name).__name__})",
                                f"weights：名称应为字符串，传入的是 {name!r}（{type(name).__name__}）"))
        short = name[:-2] if name.endswith(":0") else name
        if not short.startswith(root):
            continue
        match = pattern.fullmatch(short[len(root):])
        if not match or match[2] not in cell_names or match[3] not in variables:
            hint = ""
            if match and match[3] in ("w_i_diag", "w_f_diag", "w_o_diag"):
                hint = say(": peephole weights: pass cell='peephole'", "：这是窥视孔权重：请传入 cell='peephole'")
            elif match and match[2] not in cell_names:
                other = [k for k, names in _TF1_CELL_NAMES.items() if match[2] in names]
                hint = say(f": {match[2]!r} is another cell's name", f"：{match[2]!r} 是另一种单元的名称") + \
                    (say(f": pass cell={other[0]!r}", f"：请传入 cell={other[0]!r}") if other else "")
            want = ", ".join(f"{n}/{v}" for n in cell_names for v in variables)
            raise ValueError(say(f"weights: unexpected name {name!r} under scope {root or '(none)'!r}; expected "
                                 f"[multi_rnn_cell/cell_<k>/]{{{want}}}{hint}",
                                 f"weights：作用域 {root or '(无)'!r} 下有意外的名称 {name!r}；应为 "
                                 f"[multi_rnn_cell/cell_<k>/]{{{want}}}{hint}"))
        layout_kind.add(match[1] is not None)
        cell_name_used.add(match[2])
        found[int(match[1] or 0), match[3]] = name
    if not found:
        want = f"{root}{cell_names[0]}/kernel"
        raise ValueError(say(f"weights: expected names like {want!r} or {root}multi_rnn_cell/cell_0/..., "
                             f"got {sorted(weights)[:6]}",
                             f"weights：名称应形如 {want!r} 或 {root}multi_rnn_cell/cell_0/...，"
                             f"传入的是 {sorted(weights)[:6]}"))
    if len(layout_kind) > 1 or len(cell_name_used) > 1:
        raise ValueError(say(f"weights: expected one layout, got a mix of names ({sorted(found.values())[:4]})",
                             f"weights：应只有一种布局，传入的名称却混合了几种（{sorted(found.values())[:4]}）"))
    stack = layout_kind.pop()
    cell_name = cell_name_used.pop()
    n_layers = 1 + max(k for k, _ in found)
    for k in range(n_layers):
        for v in variables:
            if (k, v) not in found:
                where = f"multi_rnn_cell/cell_{k}/" if stack else ""
                raise ValueError(say(f"weights: missing {root}{where}{cell_name}/{v} (layer {k} of {n_layers})",
                                     f"weights：缺少 {root}{where}{cell_name}/{v}（第 {k} 层，共 {n_layers} 层）"))
    arrays = {found[kv]: _numpy(f"weights[{found[kv]!r}]", weights[found[kv]]) for kv in sorted(found)}
    src = {f"weights[{n!r}]": a for n, a in arrays.items()}
    dtype = _target_dtype(src, dtype, "weights")

    G = len(LAYOUTS["tf1"][kind].gates)
    ours, theirs = _orders("tf1", kind)
    layers, H_prev = [], None
    for k in range(n_layers):
        name = {v: f"weights[{found[k, v]!r}]" for v in variables}
        kernel, bias = arrays[found[k, "kernel"]], arrays[found[k, "bias"]]
        meaning = f"(input_size + hidden_size, {G}*hidden_size)"
        _need_ndim(name["kernel"], kernel, 2, meaning)
        if kernel.shape[1] % G or kernel.shape[1] == 0 or kernel.shape[0] <= kernel.shape[1] // G:
            raise ValueError(say(f"{name['kernel']}: expected shape {meaning} with input_size >= 1 for "
                                 f"cell={kind!r}, got {_shape(kernel.shape)}",
                                 f"{name['kernel']}：cell={kind!r} 时形状应为 {meaning}，且 input_size >= 1，"
                                 f"传入的是 {_shape(kernel.shape)}"))

        H = kernel.shape[1] // G
        D = kernel.shape[0] - H
        _check_input_size(name["kernel"], D, k, H_prev, meaning, kernel.shape)
        _need_shape(name["bias"], bias, (G * H,), f"({G}*hidden_size,)")
        b = np.array(bias, dtype=np.result_type(bias, np.float32))  # a writable copy, kept in its precision
        if kind != "rnn":
            f = theirs.index("f")
            b[f * H:(f + 1) * H] += b.dtype.type(forget_bias)
        p = {"W_x": _reorder(kernel[:D], H, theirs, ours), "W_h": _reorder(kernel[D:], H, theirs, ours),
             "b": _reorder(b, H, theirs, ours)}
        if kind == "peephole":
            for tf_name, our_name in _TF1_PEEPHOLES:
                diag = arrays[found[k, tf_name]]
                _need_shape(name[tf_name], diag, (H,), "(hidden_size,)")
                p[our_name] = diag
        layers.append(p)
        H_prev = H
    return _build(kind, layers, dtype, stack)
