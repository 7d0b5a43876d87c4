"""Self-checks for lesson 3 (the GRU and the peephole LSTM).

Each ``check_*`` runs the learner's function against the package's own cells on random inputs
and, when the answer is wrong, tries the usual mistakes one at a time (arXiv v3's reset instead of
v1's and PyTorch's, z and 1 - z swapped, the output gate peeking at the old cell, a forgotten bias ...)
and names the one that reproduces it. It returns a ``Feedback`` like lessons 1, 2 and 4.
"""

from __future__ import annotations

import numpy as np

from ...core.activations import sigmoid
from ...core.gru import GRUCell
from ...core.language import say
from ...core.model import make_cell
from ...core.peephole import PeepholeLSTMCell
from ...core.reference import gru_step as gru_step_reference
from ...core.reference import peephole_step as peephole_step_reference
from .feedback import Feedback, call_learner, diagnose, right, self_check


# ----- exercise 1: a GRU step in the package's (PyTorch's) convention --------------------------
def _gru_example():
    rng = np.random.default_rng(3)
    cell = GRUCell(3, 4, seed=5)
    for p in cell.params.values():  # larger weights than the default, so every term shows
        p[...] = rng.uniform(-1.0, 1.0, p.shape)
    x, h_prev = rng.standard_normal((2, 3)), rng.uniform(-1, 1, (2, 4))
    return cell, x, h_prev


def gru_variant(params, x, h_prev, *, reset="after", z_keeps="old", b_hn_inside=True, order="rzn"):
    """A GRU step written out, with switches for the usual variations (the defaults are the package's).

    reset="before": Cho 2014, (r * h_prev) @ W_hn; z_keeps="new": h = z n + (1 - z) h_prev;
    b_hn_inside=False: r * (h_prev @ W_hn) + b_hn; order="zrn": r and z blocks swapped.
    """
    H = h_prev.shape[1]
    W_x, W_h, b_x, b_h = params["W_x"], params["W_h"], params["b_x"], params["b_h"]
    xp, hp = x @ W_x + b_x, h_prev @ W_h + b_h
    first, second = sigmoid(xp[:, :H] + hp[:, :H]), sigmoid(xp[:, H:2 * H] + hp[:, H:2 * H])
    r, z = (first, second) if order == "rzn" else (second, first)
    if reset == "before":
        inner = (r * h_prev) @ W_h[:, 2 * H:] + b_h[2 * H:]
    elif b_hn_inside:
        inner = r * hp[:, 2 * H:]
    else:
        inner = r * (h_prev @ W_h[:, 2 * H:]) + b_h[2 * H:]
    n = np.tanh(xp[:, 2 * H:] + inner)
    return (1 - z) * n + z * h_prev if z_keeps == "old" else z * n + (1 - z) * h_prev


@self_check("function", call="gru_step(x, h_prev, params)",
            returns=("h_t of shape (batch, hidden)", "形状为 (batch, hidden) 的 h_t"))
def check_gru_step(gru_step) -> Feedback:
    """Exercise 1: ``gru_step(x, h_prev, params) -> h`` for a batch (x: (batch, input),
    h_prev: (batch, hidden)), in the package's convention (PyTorch's: reset AFTER the matmul).
    params: W_x (input, 3H), W_h (H, 3H), b_x, b_h (3H,), blocks r, z, n."""
    cell, x, h_prev = _gru_example()
    params = {k: v.copy() for k, v in cell.params.items()}
    got, error = call_learner(gru_step, "gru_step", x.copy(), h_prev.copy(), params)
    if error is not None:
        return error
    reference = gru_step_reference(x, h_prev, **cell.params)
    p = cell.params
    no_bh = dict(p, b_h=np.zeros_like(p["b_h"]))
    mistakes = {
        say("you applied the reset before the matmul, (r * h_prev) @ W_hn: that is the GRU of arXiv 1406.1078 v3 "
            "(Cho et al. 2014). The package, like v1, PyTorch and cuDNN, resets after it: "
            "n = tanh(x W_xn + b_xn + r * (h_prev W_hn + b_hn)).",
            "你在矩阵乘法之前做了重置，(r * h_prev) @ W_hn：这是 arXiv 1406.1078 v3（Cho et al. 2014）的 GRU。"
            "本包和 v1、PyTorch、cuDNN 一样，在矩阵乘法之后重置："
            "n = tanh(x W_xn + b_xn + r * (h_prev W_hn + b_hn))。"):
            gru_variant(p, x, h_prev, reset="before"),
        say("z and 1 - z are swapped: z is the share of the OLD state that is kept, h = (1 - z) * n + z * h_prev.",
            "z 和 1 - z 弄反了：z 是保留下来的旧状态所占的比例，h = (1 - z) * n + z * h_prev。"):
            gru_variant(p, x, h_prev, z_keeps="new"),
        say("b_hn is outside the reset: it belongs inside, r * (h_prev W_hn + b_hn).",
            "b_hn 放在了重置之外：它应当在里面，r * (h_prev W_hn + b_hn)。"):
            gru_variant(p, x, h_prev, b_hn_inside=False),
        say("the r and z blocks are swapped: the fused blocks are ordered r, z, n (PyTorch's order).",
            "r 和 z 两个分块弄反了：合并后的分块顺序是 r, z, n（PyTorch 的顺序）。"):
            gru_variant(p, x, h_prev, order="zrn"),
        say("the hidden bias b_h is missing: the package's GRU has two biases, b_x and b_h (3H each).",
            "缺了隐藏偏置 b_h：本包的 GRU 有两个偏置，b_x 和 b_h（各 3H 个）。"):
            gru_variant(no_bh, x, h_prev),
    }
    return diagnose(got, reference, mistakes, say("the GRU's new h", "GRU 的新 h"), atol=1e-8, rtol=1e-6)


# ----- exercise 2: a peephole step ---------------------------------------------------------------
def _peephole_example():
    rng = np.random.default_rng(6)
    cell = PeepholeLSTMCell(3, 4, seed=2)
    for p in cell.params.values():
        p[...] = rng.uniform(-1.0, 1.0, p.shape)
    x, h_prev, c_prev = rng.standard_normal((2, 3)), rng.uniform(-1, 1, (2, 4)), rng.uniform(-2, 2, (2, 4))
    return cell, x, h_prev, c_prev


def peephole_variant(params, x, h_prev, c_prev, *, peep_i=True, peep_f=True, peep_o=True, o_sees="new"):
    """A peephole LSTM step written out, with switches for the usual mistakes. Returns (h, c)."""
    H = h_prev.shape[1]
    a = x @ params["W_x"] + h_prev @ params["W_h"] + params["b"]
    i = sigmoid(a[:, :H] + (params["p_i"] * c_prev if peep_i else 0))
    f = sigmoid(a[:, H:2 * H] + (params["p_f"] * c_prev if peep_f else 0))
    g = np.tanh(a[:, 2 * H:3 * H])
    c = f * c_prev + i * g
    seen = c if o_sees == "new" else c_prev
    o = sigmoid(a[:, 3 * H:] + (params["p_o"] * seen if peep_o else 0))
    return o * np.tanh(c), c


@self_check("function", call="peephole_step(x, h_prev, c_prev, params)",
            returns=("the pair (h, c), each (batch, hidden)", "一对 (h, c)，形状都是 (batch, hidden)"))
def check_peephole_step(peephole_step) -> Feedback:
    """Exercise 2: ``peephole_step(x, h_prev, c_prev, params) -> (h, c)`` for a batch.
    params: W_x (input, 4H), W_h (H, 4H), b (4H,) in blocks i, f, g, o, and p_i, p_f, p_o (H,)."""
    cell, x, h_prev, c_prev = _peephole_example()
    params = {k: v.copy() for k, v in cell.params.items()}
    got, error = call_learner(peephole_step, "peephole_step", x.copy(), h_prev.copy(), c_prev.copy(), params)
    if error is not None:
        return error
    if not (isinstance(got, tuple) and len(got) == 2):
        return Feedback(False, say(f"peephole_step: expected a pair (h, c), got {type(got).__name__}.",
                                   f"peephole_step：应当返回一对 (h, c)，收到的是 {type(got).__name__}。"))
    h_ref, c_ref = peephole_step_reference(x, h_prev, c_prev, **cell.params)  # = PeepholeLSTMCell
    p = cell.params
    c_mistakes = {
        say("the input gate does not peek: i = sigmoid(a_i + p_i * c_prev).",
            "输入门没有窥视单元状态：i = sigmoid(a_i + p_i * c_prev)。"):
            peephole_variant(p, x, h_prev, c_prev, peep_i=False)[1],
        say("the forget gate does not peek: f = sigmoid(a_f + p_f * c_prev) (the peephole the notes describe).",
            "遗忘门没有窥视单元状态：f = sigmoid(a_f + p_f * c_prev)（笔记里描述的正是这个窥视孔连接）。"):
            peephole_variant(p, x, h_prev, c_prev, peep_f=False)[1],
        say("no gate peeks: this is the standard LSTM. Add p_i * c_prev, p_f * c_prev and p_o * c_t.",
            "没有一个门在窥视：这是标准的 LSTM。请加上 p_i * c_prev、p_f * c_prev 和 p_o * c_t。"):
            peephole_variant(p, x, h_prev, c_prev, peep_i=False, peep_f=False, peep_o=False)[1],
    }
    fb = diagnose(got[1], c_ref, c_mistakes, "c_t", atol=1e-8, rtol=1e-6)
    if not fb:
        return fb
    h_mistakes = {
        say("the output gate peeked at the OLD cell c_prev. It is computed after the update and sees the new "
            "c_t: o = sigmoid(a_o + p_o * c_t).",
            "输出门窥视的是旧的单元状态 c_prev。它在更新之后才计算，看到的是新的 c_t："
            "o = sigmoid(a_o + p_o * c_t)。"): peephole_variant(p, x, h_prev, c_prev, o_sees="old")[0],
        say("the output gate does not peek: o = sigmoid(a_o + p_o * c_t).",
            "输出门没有窥视单元状态：o = sigmoid(a_o + p_o * c_t)。"):
            peephole_variant(p, x, h_prev, c_prev, peep_o=False)[0],
    }
    fb = diagnose(got[0], h_ref, h_mistakes, "h_t", atol=1e-8, rtol=1e-6)
    return right(say("peephole_step matches the package's PeepholeLSTMCell: i and f see c_prev, o sees c_t",
                     "peephole_step 与本包的 PeepholeLSTMCell 一致：i 和 f 看 c_prev，o 看 c_t")) if fb else fb


# ----- exercise 3: parameter counts ------------------------------------------------------------
SIZES = ((2, 16), (65, 128), (1, 1), (10, 3))


def param_count_reference(kind, input_size, hidden_size):
    """The package's parameter count, from the cell itself."""
    return make_cell(kind, input_size, hidden_size).num_params()


@self_check("function", call="count_params(cell, input_size, hidden_size)", returns=("an int", "一个整数"))
def check_param_count(count_params) -> Feedback:
    """Exercise 3: ``count_params(kind, input_size, hidden_size) -> int`` for kind "rnn", "lstm",
    "peephole" or "gru" (the package's cells, biases included)."""
    for kind in ("rnn", "lstm", "peephole", "gru"):
        for D, H in SIZES:
            got, error = call_learner(count_params, "count_params", kind, D, H)
            if error is not None:
                return error
            want = param_count_reference(kind, D, H)
            if got == want:
                continue
            blocks = {"rnn": 1, "lstm": 4, "peephole": 4, "gru": 3}[kind]
            where = say(f"for {kind} with input_size={D}, hidden_size={H}: expected {want:,}, got {got!r}",
                        f"：{kind} 在 input_size={D}、hidden_size={H} 时应为 {want:,}，收到的是 {got!r}")
            if got == blocks * H * (D + H):
                why = say("the biases are missing: every block has one bias per unit.",
                          "缺了偏置：每个分块的每个单元都有一个偏置。")
            elif kind in ("lstm", "peephole") and got == H * (D + H + 1) + (3 * H if kind == "peephole" else 0):
                why = say("the LSTM has FOUR blocks (i, f, g, o), each with its own W_x, W_h and b.",
                          "LSTM 有四个分块（i, f, g, o），每块都有自己的 W_x、W_h 和 b。")
            elif kind in ("lstm", "peephole") and got == 4 * H * (D + H) + 8 * H + (3 * H if kind == "peephole" else 0):
                why = say("that is PyTorch's nn.LSTM count, 4H(D+H) + 8H: it keeps two bias vectors, bias_ih and "
                          "bias_hh, which only ever appear as their sum. The package's LSTM has one bias b (4H).",
                          "这是 PyTorch 的 nn.LSTM 的参数量 4H(D+H) + 8H：它保留两个偏置向量 bias_ih 和 bias_hh，"
                          "而它们只以和的形式出现。本包的 LSTM 只有一个偏置 b（4H）。")
            elif kind == "gru" and got == 3 * H * (D + H + 1):
                why = say("the package's GRU (PyTorch's convention) has TWO bias vectors, b_x and b_h (3H each). Only "
                          "b_hn is really needed, because the reset multiplies (h W_hn + b_hn); b_hr and b_hz just add "
                          "to b_xr and b_xz. Count both full vectors: 3H more than one bias.",
                          "本包的 GRU（PyTorch 的约定）有两个偏置向量 b_x 和 b_h（各 3H）。真正必需的只有 b_hn，"
                          "因为重置门乘的是 (h W_hn + b_hn)；b_hr 和 b_hz 只是加到 b_xr 和 b_xz 上。"
                          "两个完整的向量都要算：比一个偏置多 3H。")
            elif kind == "gru" and got == 3 * H * (D + H + 1) + H:
                why = say("that is the smallest GRU with PyTorch's reset (one extra bias, b_hn). The package keeps "
                          "PyTorch's two full bias vectors b_x and b_h, so count 3H, not H, for the second one.",
                          "这是采用 PyTorch 重置方式的最小 GRU（多一个偏置 b_hn）。本包保留 PyTorch 的两个完整"
                          "偏置向量 b_x 和 b_h，所以第二个要算 3H，不是 H。")
            elif kind == "gru" and got == 4 * H * (D + H + 1):
                why = say("the GRU has three blocks (r, z, n), not four.", "GRU 有三个分块（r, z, n），不是四个。")
            elif kind == "peephole" and got == 4 * H * (D + H + 1):
                why = say("the peepholes are missing: p_i, p_f, p_o add one weight per unit each (3H).",
                          "缺了窥视孔连接：p_i、p_f、p_o 各为每个单元加一个权重（共 3H）。")
            elif kind == "peephole" and got == 4 * H * (D + H + 1) + 3 * H * H:
                why = say("you counted the full-matrix peepholes of colah's post and Udacity's course (each of the "
                          "three gates reads [c, h, x]: 3H² more). The package uses the diagonal peepholes of Gers & "
                          "Schmidhuber (2000): one weight per unit per gate, 3H.",
                          "你算的是 colah 的博文和 Udacity 课程里的全矩阵窥视孔（三个门都读 [c, h, x]：多出 3H²）。"
                          "本包用的是 Gers & Schmidhuber (2000) 的对角窥视孔：每个门每个单元一个权重，共 3H。")
            else:
                why = say("count W_x (input × blocks·H), W_h (H × blocks·H) and the biases separately.",
                          "把 W_x（input × blocks·H）、W_h（H × blocks·H）和偏置分开来数。")
            return Feedback(False, say(f"count_params is off {where}: {why}", f"count_params 有误{where}。{why}"))
    return right(say("count_params matches num_params() of every package cell at four sizes",
                     "count_params 与本包每种单元的 num_params() 在四种尺寸下都一致"))
