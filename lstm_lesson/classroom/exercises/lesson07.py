"""Self-checks for lesson 7 (from numpy to frameworks). Each returns a ``Feedback`` like lessons 1-4:
true when the answer is right, and a message either way, "Correct: ..." or which part is wrong.

Every check builds a small LSTM layer with distinct numbers in every block, so a swapped block, a
missing transpose or a bias counted twice shows up as a specific, nameable difference.

- ``check_torch_export(fn)``: exercise 1, ``fn(W_x, W_h, b)`` -> ``{"weight_ih_l0": ..., "weight_hh_l0": ...,
  "bias_ih_l0": ..., "bias_hh_l0": ...}``, PyTorch's ``nn.LSTM`` layout for our layer.
- ``check_torch_import(fn)``: exercise 2, ``fn(weight_ih, weight_hh, bias_ih, bias_hh)`` -> ``(W_x, W_h, b)``.
- ``check_tf1_export(fn)``: exercise 3, ``fn(W_x, W_h, b, forget_bias)`` -> ``(kernel, bias)`` of TF1's
  ``BasicLSTMCell``.
- ``check_keras_gru_bias(fn)``: exercise 4, ``fn(b_x, b_h)`` -> the (2, 3H) bias of Keras's
  ``GRU(reset_after=True)`` from our GRU's two biases (gates r, z, n -> Keras's z, r, h).
"""

from __future__ import annotations

import itertools

import numpy as np

from ...core.cells import LSTMCell
from ...core.gru import GRUCell
from ...core.interop import to_keras_weights, to_tf1_weights, to_torch_state_dict
from ...core.language import say
from .feedback import Feedback, learner_error, self_check, verdict

TORCH_KEYS = ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0")


def _layer(D=3, H=2, seed=4):
    """An LSTM layer whose four gate blocks are easy to tell apart (block k is offset by 10 k)."""
    cell = LSTMCell(D, H, seed=seed)
    offsets = np.repeat(np.arange(4) * 10.0, H)
    cell.params["W_x"] += offsets
    cell.params["W_h"] += offsets
    cell.params["b"] += offsets + 0.5
    return cell


def _swap(a, H, order, axis=-1):
    """Blocks of ``a`` along ``axis`` re-stacked from i, f, g, o into ``order`` (a string like "ifog")."""
    a = np.moveaxis(np.asarray(a), axis, -1)
    blocks = {name: a[..., k * H:(k + 1) * H] for k, name in enumerate("ifgo")}
    return np.moveaxis(np.concatenate([blocks[n] for n in order], axis=-1), -1, axis)


def _gate_order_hint(got, ours, H, axis, expected="ifgo"):
    """If ``got`` is ``ours`` (blocks in our order i, f, g, o) with its blocks permuted, say how."""
    got = np.asarray(got)
    for order in ("".join(p) for p in itertools.permutations("ifgo")):
        if order != expected and got.shape == ours.shape and np.allclose(got, _swap(ours, H, order, axis)):
            return say(f" (your blocks are our {', '.join(order)})", f"（你的分块依次是我们的 {', '.join(order)}）")
    return ""


# ------------------------------------------------------------------------------ exercise 1
@self_check("function", call="fn(W_x, W_h, b)",
            returns=("a dict like PyTorch's state dict", "一个与 PyTorch 的 state dict 同样结构的 dict"))
def check_torch_export(fn) -> Feedback:
    """Exercise 1: our ``W_x (D, 4H), W_h (H, 4H), b (4H,)`` -> PyTorch's layer-0 state dict."""
    cell = _layer()
    H = cell.hidden_size
    p = cell.params
    want = to_torch_state_dict(cell)
    try:
        got = fn(p["W_x"].copy(), p["W_h"].copy(), p["b"].copy())
    except Exception as err:  # noqa: BLE001 - any error is the learner's to see
        return learner_error("fn(W_x, W_h, b)", err)
    if not isinstance(got, dict) or set(got) != set(TORCH_KEYS):
        keys = sorted(got) if isinstance(got, dict) else type(got).__name__
        return verdict(False, say(f"expected a dict with the keys {list(TORCH_KEYS)}, got {keys}",
                                  f"应当返回键为 {list(TORCH_KEYS)} 的 dict，收到的是 {keys}"))
    for key in ("weight_ih_l0", "weight_hh_l0"):
        g, w = np.asarray(got[key]), want[key]
        ours = p["W_x"] if key == "weight_ih_l0" else p["W_h"]
        if g.shape == ours.shape and g.shape != w.shape:
            return verdict(False, say(f"{key} has our shape {g.shape}; PyTorch stores (4H, input) = {w.shape}, "
                                      "acting as W @ x on column vectors: transpose (W.T)",
                                      f"{key} 用的是我们的形状 {g.shape}；PyTorch 存的是 (4H, input) = {w.shape}，"
                                      "按列向量 W @ x 计算：请转置（W.T）"))
        if g.shape != w.shape:
            return verdict(False, say(f"{key} has shape {g.shape}, expected {w.shape}",
                                      f"{key} 的形状是 {g.shape}，应为 {w.shape}"))
        if not np.allclose(g, w):
            return verdict(False, say(f"{key} holds the wrong numbers{_gate_order_hint(g, ours.T, H, 0)}: PyTorch's "
                                      "gate order is i, f, g, o, the same as ours, so only transpose",
                                      f"{key} 里的数不对{_gate_order_hint(g, ours.T, H, 0)}：PyTorch 的门顺序是 "
                                      "i, f, g, o，和我们的一样，所以只需转置"))
    b_ih, b_hh = np.asarray(got["bias_ih_l0"]), np.asarray(got["bias_hh_l0"])
    if b_ih.shape != (4 * H,) or b_hh.shape != (4 * H,):
        return verdict(False, say(f"the biases have shapes {b_ih.shape} and {b_hh.shape}, expected ({4 * H},) each",
                                  f"两个偏置的形状是 {b_ih.shape} 和 {b_hh.shape}，应当都是 ({4 * H},)"))
    if np.allclose(b_ih + b_hh, 2 * p["b"]):
        return verdict(False, say("b is stored in BOTH biases: PyTorch adds bias_ih + bias_hh, so the forget gate "
                                  "would get twice our bias; put b in one of them and zeros in the other",
                                  "b 被同时存进了两个偏置：PyTorch 会把 bias_ih + bias_hh 相加，遗忘门就会得到"
                                  "两倍于我们的偏置；把 b 放进其中一个，另一个放零"))
    if not np.allclose(b_ih + b_hh, p["b"]):
        return verdict(False, say(f"bias_ih + bias_hh = {np.round(b_ih + b_hh, 2)}, expected our b = "
                                  f"{np.round(p['b'], 2)}{_gate_order_hint(b_ih + b_hh, p['b'], H, 0)}",
                                  f"bias_ih + bias_hh = {np.round(b_ih + b_hh, 2)}，应当等于我们的 b = "
                                  f"{np.round(p['b'], 2)}{_gate_order_hint(b_ih + b_hh, p['b'], H, 0)}"))
    return verdict(True, say("weights transposed to (4H, input), gate order i, f, g, o kept, and bias_ih + bias_hh = b",
                             "权重转置成 (4H, input)，门顺序 i, f, g, o 保持不变，且 bias_ih + bias_hh = b"))


# ------------------------------------------------------------------------------ exercise 2
@self_check("function", call="fn(weight_ih, weight_hh, bias_ih, bias_hh)",
            returns=("the triple (W_x, W_h, b)", "三元组 (W_x, W_h, b)"))
def check_torch_import(fn) -> Feedback:
    """Exercise 2: PyTorch's ``weight_ih, weight_hh, bias_ih, bias_hh`` -> our ``(W_x, W_h, b)``."""
    cell = _layer(seed=7)
    H = cell.hidden_size
    sd = to_torch_state_dict(cell)
    rng = np.random.default_rng(1)
    # A real PyTorch layer has BOTH biases non-zero: split our b at random between them.
    part = rng.normal(size=4 * H)
    b_ih, b_hh = sd["bias_ih_l0"] - part, part
    try:
        got = fn(sd["weight_ih_l0"].copy(), sd["weight_hh_l0"].copy(), b_ih.copy(), b_hh.copy())
        W_x, W_h, b = (np.asarray(a) for a in got)
    except Exception as err:  # noqa: BLE001
        return learner_error("fn(weight_ih, weight_hh, bias_ih, bias_hh)", err)
    p = cell.params
    for name, g, w in (("W_x", W_x, p["W_x"]), ("W_h", W_h, p["W_h"])):
        if g.shape == w.T.shape and g.shape != w.shape:
            return verdict(False, say(f"{name} has PyTorch's shape {g.shape}: transpose to ours, {w.shape}",
                                      f"{name} 用的是 PyTorch 的形状 {g.shape}：要转置成我们的 {w.shape}"))
        if g.shape != w.shape or not np.allclose(g, w):
            hint = _gate_order_hint(g, w, H, -1) if g.shape == w.shape else ""
            return verdict(False, say(f"{name} is wrong{hint}: it is the transpose of PyTorch's weight, blocks "
                                      "unchanged",
                                      f"{name} 不对{hint}：它是 PyTorch 权重的转置，分块顺序不变"))
    if b.shape == p["b"].shape and np.allclose(b, b_ih):
        return verdict(False, say("b is only bias_ih: PyTorch adds both biases at every step, so ours is "
                                  "bias_ih + bias_hh",
                                  "b 只用了 bias_ih：PyTorch 每一步都把两个偏置相加，"
                                  "所以我们的 b 是 bias_ih + bias_hh"))
    if b.shape == p["b"].shape and np.allclose(b, b_hh):
        return verdict(False, say("b is only bias_hh: ours is the sum bias_ih + bias_hh",
                                  "b 只用了 bias_hh：我们的 b 是两者之和 bias_ih + bias_hh"))
    if b.shape == p["b"].shape and np.allclose(b, (b_ih + b_hh) / 2):
        return verdict(False, say("b is the mean of the two biases: PyTorch ADDS them, so ours is their sum",
                                  "b 是两个偏置的平均值：PyTorch 是把它们相加，所以我们的 b 是它们的和"))
    if b.shape != p["b"].shape or not np.allclose(b, p["b"]):
        return verdict(False, say(f"b = {np.round(b, 2)}, expected bias_ih + bias_hh = {np.round(p['b'], 2)}",
                                  f"b = {np.round(b, 2)}，应为 bias_ih + bias_hh = {np.round(p['b'], 2)}"))
    return verdict(True, say("W_x = weight_ih.T, W_h = weight_hh.T and b = bias_ih + bias_hh (only the sum matters)",
                             "W_x = weight_ih.T，W_h = weight_hh.T，b = bias_ih + bias_hh（只有和才起作用）"))


# ------------------------------------------------------------------------------ exercise 3
@self_check("function", call="fn(W_x, W_h, b, forget_bias)", returns=("the pair (kernel, bias)", "一对 (kernel, bias)"))
def check_tf1_export(fn) -> Feedback:
    """Exercise 3: our ``W_x, W_h, b`` and TF1's ``forget_bias`` -> ``(kernel, bias)`` of BasicLSTMCell."""
    cell = _layer(seed=9)
    H = cell.hidden_size
    p = cell.params
    forget_bias = 1.0
    want = to_tf1_weights(cell, forget_bias=forget_bias, scope="")
    want_kernel, want_bias = want["basic_lstm_cell/kernel"], want["basic_lstm_cell/bias"]
    try:
        kernel, bias = (np.asarray(a) for a in fn(p["W_x"].copy(), p["W_h"].copy(), p["b"].copy(), forget_bias))
    except Exception as err:  # noqa: BLE001
        return learner_error("fn(W_x, W_h, b, forget_bias)", err)
    D = cell.input_size
    if kernel.shape != want_kernel.shape:
        return verdict(False, say(f"kernel has shape {kernel.shape}, expected (input + hidden, 4H) = "
                                  f"{want_kernel.shape}: TF1 multiplies concat([x, h]) by ONE kernel, so stack W_x "
                                  "on top of W_h",
                                  f"kernel 的形状是 {kernel.shape}，应为 (input + hidden, 4H) = {want_kernel.shape}："
                                  "TF1 用同一个 kernel 去乘 concat([x, h])，所以把 W_x 叠在 W_h 上面"))
    if np.allclose(kernel, np.concatenate([want_kernel[D:], want_kernel[:D]])):
        return verdict(False, say("the kernel's rows are [W_h; W_x]: TF1 concatenates [x, h], so W_x comes first",
                                  "kernel 的行是 [W_h; W_x]：TF1 拼接的是 [x, h]，所以 W_x 在前"))
    if not np.allclose(kernel, want_kernel):
        if np.allclose(kernel, np.concatenate([p["W_x"], p["W_h"]])):
            return verdict(False, say("the kernel keeps our gate order i, f, g, o: TF1's blocks are i, j, f, o "
                                      "(j is our candidate g), so swap the 2nd and 3rd blocks",
                                      "kernel 保留了我们的门顺序 i, f, g, o：TF1 的分块是 i, j, f, o"
                                      "（j 就是我们的候选记忆元 g），所以要交换第 2 和第 3 个分块"))
        ours = np.concatenate([p["W_x"], p["W_h"]])
        hint = _gate_order_hint(kernel, ours, H, -1, 'igfo')
        return verdict(False, say(f"the kernel holds the wrong numbers{hint}; TF1's order is i, j (= our g), f, o",
                                  f"kernel 里的数不对{hint}；TF1 的顺序是 i, j (= 我们的 g), f, o"))
    if bias.shape != want_bias.shape:
        return verdict(False, say(f"bias has shape {bias.shape}, expected {want_bias.shape}",
                                  f"bias 的形状是 {bias.shape}，应为 {want_bias.shape}"))
    reordered = _swap(p["b"], H, "igfo")
    f = slice(2 * H, 3 * H)
    if np.allclose(bias, reordered):
        return verdict(False, say("the forget block still holds our b_f: TF1 ADDS forget_bias at every step, so store "
                                  "b_f - forget_bias (or the cell forgets less than ours)",
                                  "遗忘门那一块仍然是我们的 b_f：TF1 每一步都会再加上 forget_bias，所以要存 "
                                  "b_f - forget_bias（否则这个单元比我们的忘得少）"))
    if np.allclose(bias[f], reordered[f] + 2 * forget_bias) or np.allclose(bias[f], reordered[f] + forget_bias):
        return verdict(False, say("forget_bias was added to the stored f block: TF1 adds it again at run time; "
                                  "subtract it instead",
                                  "forget_bias 被加到了存储的 f 分块上：TF1 运行时还会再加一次；应当减去它"))
    if np.allclose(bias, p["b"] - np.r_[0, 1, 0, 0].repeat(H) * forget_bias):
        return verdict(False, say("the bias keeps our gate order: reorder it to i, j, f, o like the kernel",
                                  "bias 保留了我们的门顺序：要像 kernel 一样重排成 i, j, f, o"))
    if not np.allclose(bias, want_bias):
        return verdict(False, say(f"bias = {np.round(bias, 2)}, expected {np.round(want_bias, 2)} "
                                  "(our b in the order i, j, f, o, with forget_bias subtracted from the f block)",
                                  f"bias = {np.round(bias, 2)}，应为 {np.round(want_bias, 2)}"
                                  "（我们的 b 按 i, j, f, o 排列，f 分块减去 forget_bias）"))
    return verdict(True, say("kernel = [W_x; W_h] in gate order i, j, f, o, and the stored f bias is b_f - forget_bias",
                             "kernel = [W_x; W_h]，门顺序为 i, j, f, o，存储的 f 偏置是 b_f - forget_bias"))


# ------------------------------------------------------------------------------ exercise 4
@self_check("function", call="fn(b_x, b_h)", returns=("an array of shape (2, 3H)", "形状为 (2, 3H) 的数组"))
def check_keras_gru_bias(fn) -> Feedback:
    """Exercise 4: our GRU's ``b_x, b_h`` (3H,) each, gates r, z, n -> Keras's bias (2, 3H), gates z, r, h."""
    cell = GRUCell(3, 2, seed=5)
    H = cell.hidden_size
    offsets = np.repeat(np.arange(3) * 10.0, H)  # block k offset by 10 k: a swapped block is nameable
    cell.params["b_x"] += offsets + 0.5
    cell.params["b_h"] += offsets - 0.25
    b_x, b_h = cell.params["b_x"], cell.params["b_h"]
    want = to_keras_weights(cell)[2]
    got = np.asarray(fn(b_x.copy(), b_h.copy()), dtype=np.float64)

    def keras_order(a):
        return np.concatenate([a[H:2 * H], a[:H], a[2 * H:]])

    if got.shape == (6 * H,):
        return verdict(False, say("a flat (6H,) bias is CuDNNGRU's layout: reset_after=True keeps two rows, "
                                  "[input bias, recurrent bias], shape (2, 3H)",
                                  "扁平的 (6H,) 偏置是 CuDNNGRU 的布局：reset_after=True 保留两行，"
                                  "[输入偏置, 循环偏置]，形状 (2, 3H)"))
    if got.shape != want.shape:
        return verdict(False, say(f"the bias has shape {got.shape}, expected (2, 3H) = {want.shape}",
                                  f"偏置的形状是 {got.shape}，应为 (2, 3H) = {want.shape}"))
    if np.allclose(got, np.stack([b_x, b_h])):
        return verdict(False, say("the blocks keep our order r, z, n: Keras orders them z, r, h, so swap the "
                                  "first two blocks in both rows",
                                  "分块保留了我们的顺序 r, z, n：Keras 的顺序是 z, r, h，所以两行都要交换前两个分块"))
    if np.allclose(got, np.stack([keras_order(b_h), keras_order(b_x)])):
        return verdict(False, say("the rows are swapped: row 0 is the input bias (our b_x), row 1 the recurrent "
                                  "bias (our b_h), which the reset gate multiplies",
                                  "两行弄反了：第 0 行是输入偏置（我们的 b_x），第 1 行是循环偏置（我们的 b_h），"
                                  "重置门乘的是它"))
    if not np.allclose(got, want):
        return verdict(False, say("the numbers differ from [b_x; b_h] with each row's blocks reordered r, z, n -> "
                                  "z, r, h",
                                  "数值与 [b_x; b_h]（每行的分块从 r, z, n 重排为 z, r, h）不同"))
    return verdict(True, say("row 0 = b_x, row 1 = b_h, each reordered from r, z, n to Keras's z, r, h",
                             "第 0 行 = b_x，第 1 行 = b_h，各自从 r, z, n 重排为 Keras 的 z, r, h"))
