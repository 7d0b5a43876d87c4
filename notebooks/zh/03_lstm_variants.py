# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown] slideshow={"slide_type": "slide"}
# # 循环神经网络如何记忆
#
# **03 · 长短期记忆网络（LSTM）的亲戚：门限回归单元（GRU）与窥视孔 LSTM**
#
# 1. 三种单元并排：方程、每个门看到什么、用大白话讲 GRU。
# 2. 两种窥视孔，以及同样大小下的参数量，由单元本身算出。
# 3. 两种 GRU：arXiv 1406.1078 v1（也是 PyTorch 的）与 v3，在相同的输入上对比。
# 4. 长时滞（long lag）任务上的一场公平比赛：起作用的是单元，还是门的偏置？
# 5. 哪些门重要：仿照 Greff et al. (2017) 测量。
# 6. 门控探索器（gate explorer），这次驱动窥视孔 LSTM 和 GRU。

# %% [markdown] slideshow={"slide_type": "fragment"}
# > 一些新的LSTM框架
# > * 门限回归单元 简单实用
# > * 将LSTM和窥视孔连接结合
#
# > 即在生成遗忘因子的时候考虑了长期记忆——窥视孔连接
#
# 笔记里的“门限回归单元”就是门控循环单元（gated recurrent unit，GRU），“窥视孔连接”即 peephole
# connections。第二段引文在笔记里写在一张图下面；其中的“遗忘因子”是笔记对每个门的 sigmoid 输出的统称，不只指遗忘门。

# %% slideshow={"slide_type": "skip"}
import time

import matplotlib.pyplot as plt
import numpy as np
from IPython.display import SVG, display

from lstm_lesson import GRUCell, LSTMCell, LSTMState, PeepholeLSTMCell, make_cell, set_language, sigmoid
from lstm_lesson.classroom.diagrams import cell_diagram_svg, gru_cell_svg, peephole_cell_svg
from lstm_lesson.classroom.exercises.lesson03 import check_gru_step, check_param_count, check_peephole_step
from lstm_lesson.classroom.widgets.gate_explorer import GateExplorer, explore_gates, preset_values
from lstm_lesson.core.text import pad
from lstm_lesson.experiments.adding import race
from lstm_lesson.experiments.gate_ablation import ablation_table, load_ablation
from lstm_lesson.experiments.race_record import load_record, record_table
from lstm_lesson.experiments.stored import asset_path

np.set_printoptions(precision=4, suppress=True)
set_language("zh")  # 包打印的内容用中文（English: set_language("en")）
notebook_start = time.perf_counter()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 1 · 三种单元并排
#
# 和包里其他地方一样用行向量（$x_t W$），$\sigma$ 是 sigmoid，$\odot$ 是逐元素乘积。
#
# | | LSTM | 窥视孔 LSTM（Gers & Schmidhuber 2000，对角） | GRU（Cho et al. 2014，arXiv 1406.1078 v1 = PyTorch） |
# |---|---|---|---|
# | 门 1 | $i = \sigma(x W_{xi} + h_{t-1} W_{hi} + b_i)$ | $i = \sigma(\ldots + p_i \odot c_{t-1})$ | 重置门 $r = \sigma(x W_{xr} + b_{xr} + h_{t-1} W_{hr} + b_{hr})$ |
# | 门 2 | $f = \sigma(x W_{xf} + h_{t-1} W_{hf} + b_f)$ | $f = \sigma(\ldots + p_f \odot c_{t-1})$ | 更新门 $z = \sigma(x W_{xz} + b_{xz} + h_{t-1} W_{hz} + b_{hz})$ |
# | 候选值 | $g = \tanh(x W_{xg} + h_{t-1} W_{hg} + b_g)$ | 同左 | $n = \tanh\big(x W_{xn} + b_{xn} + r \odot (h_{t-1} W_{hn} + b_{hn})\big)$ |
# | 记忆 | $c_t = f \odot c_{t-1} + i \odot g$ | 同左 | $h_t = (1 - z) \odot n + z \odot h_{t-1}$ |
# | 输出 | $o = \sigma(\ldots)$，$h_t = o \odot \tanh(c_t)$ | $o = \sigma(\ldots + p_o \odot c_t)$，$h_t$ 同左 | $h_t$ 本身 |
# | 状态 | $(h_t, c_t)$ | $(h_t, c_t)$ | 只有 $h_t$ |

# %% [markdown] slideshow={"slide_type": "fragment"}
# 窥视孔 LSTM 就是门也能看到长期记忆的 LSTM，每个隐藏单元（hidden unit）一个权重（对角矩阵，而不是满矩阵；第 2 节给出矩阵版本）。
#
# **用大白话讲 GRU，并放进四个门的故事里。** 一份记忆 $h$，两个门：
#
# - **更新门（update gate）** $z$ 同时充当遗忘门和学习门：保留旧状态的 $z$，写入候选隐状态（candidate hidden state）的 $1 - z$。用笔记的话说，$z$ 是遗忘门的因子，$1 - z$ 是学习门的因子；两者之和总是 1（LSTM 的 $f$ 和 $i$ 则不一定）。
# - **重置门（reset gate）** $r$ 决定*候选隐状态*能读到多少旧状态。d2l 是这么说的（用 d2l-zh 的译文）：重置门有助于捕获序列中的短期依赖关系，更新门有助于捕获序列中的长期依赖关系。
#   $r \approx 0$ 让候选隐状态只取决于当前输入（从头开始）；$z \approx 1$ 让旧状态原样传下去，不论多久。
# - 没有输出门（使用门），也没有单独的单元状态（cell state，d2l-zh 称记忆元）：隐层状态（hidden state，d2l-zh 称隐状态）原样输出。

# %% slideshow={"slide_type": "subslide"} tags=["hide-input"]
display(SVG(peephole_cell_svg()))

# %% slideshow={"slide_type": "subslide"} tags=["hide-input"]
display(SVG(gru_cell_svg()))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 方程就是包的计算
#
# 用 NumPy 手算一步，与 `GRUCell.step` 和 `PeepholeLSTMCell.step` 对照。

# %% slideshow={"slide_type": "fragment"}
rng = np.random.default_rng(0)
x, h_prev, c_prev = rng.standard_normal((2, 3)), rng.uniform(-1, 1, (2, 4)), rng.uniform(-1, 1, (2, 4))
H = 4

gru = GRUCell(3, H, seed=1)
p = gru.params
a_x, a_h = x @ p["W_x"] + p["b_x"], h_prev @ p["W_h"] + p["b_h"]
r = sigmoid(a_x[:, :H] + a_h[:, :H])
z = sigmoid(a_x[:, H:2 * H] + a_h[:, H:2 * H])
n = np.tanh(a_x[:, 2 * H:] + r * a_h[:, 2 * H:])  # reset AFTER the matmul: r * (h W_hn + b_hn)
h_gru = (1 - z) * n + z * h_prev
assert np.allclose(h_gru, gru.step(x, h_prev)[0], atol=1e-12)

peep = PeepholeLSTMCell(3, H, seed=1)
p = peep.params
a = x @ p["W_x"] + h_prev @ p["W_h"] + p["b"]
i = sigmoid(a[:, :H] + p["p_i"] * c_prev)  # i and f peek at the OLD cell
f = sigmoid(a[:, H:2 * H] + p["p_f"] * c_prev)
g = np.tanh(a[:, 2 * H:3 * H])
c = f * c_prev + i * g
o = sigmoid(a[:, 3 * H:] + p["p_o"] * c)  # o peeks at the NEW cell
h_peep = o * np.tanh(c)
state, _ = peep.step(x, LSTMState(h_prev, c_prev))
assert np.allclose(h_peep, state.h, atol=1e-12) and np.allclose(c, state.c, atol=1e-12)
print("GRU and peephole LSTM by hand == the package's cells (batch of 2, 3 inputs, 4 units).")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 每个门看到什么
#
# 轻推一下旧的长期记忆 $c_{t-1}$，看哪些门会动。标准 LSTM 的门只读 $x_t$ 和 $h_{t-1}$，所以哪个门都不动。有了窥视孔，三个门都会动。

# %% slideshow={"slide_type": "fragment"}
def gate_response(cell, x, h_prev, c_prev, nudge=1e-3):
    """How much each gate of one step moves when c_prev moves by ``nudge``."""
    _, before = cell.step(x, LSTMState(h_prev, c_prev))
    _, after = cell.step(x, LSTMState(h_prev, c_prev + nudge))
    return {gate: float(np.abs(getattr(after, gate) - getattr(before, gate)).max()) for gate in "ifo"}


lstm = LSTMCell(3, H, seed=1)
for name, cell in (("LSTM", lstm), ("peephole", peep)):
    moved = gate_response(cell, x, h_prev, c_prev)
    print(f"{name:9s}: change of i, f, o when c_prev moves by 0.001:",
          ", ".join(f"{k} {v:.1e}" for k, v in moved.items()))
assert max(gate_response(lstm, x, h_prev, c_prev).values()) == 0.0
assert min(gate_response(peep, x, h_prev, c_prev).values()) > 1e-6

# %% [markdown] slideshow={"slide_type": "fragment"}
# 输出门看的是哪个单元状态，$c_{t-1}$ 还是新的 $c_t$？让 $c_t$ 与 $c_{t-1}$ 无关：关闭遗忘门（偏置 −40，使 $f$ 恰好等于 0），并去掉输入门的窥视孔。如果 $o$ 看的是 $c_{t-1}$，它仍然会动：

# %% slideshow={"slide_type": "fragment"}
shut = PeepholeLSTMCell(3, H, seed=1)
shut.params["W_x"][:, H:2 * H] = 0.0
shut.params["W_h"][:, H:2 * H] = 0.0
shut.params["b"][H:2 * H] = -40.0
shut.params["p_f"][:] = 0.0
shut.params["p_i"][:] = 0.0
moved = gate_response(shut, x, h_prev, c_prev)
print("f = 0 and no input peephole, so c_t is independent of c_prev:",
      ", ".join(f"{k} {v:.1e}" for k, v in moved.items()))
assert moved["o"] == 0.0
assert gate_response(peep, x, h_prev, c_prev)["o"] > 1e-6  # with f open, o moves (previous cell)
print("The output gate no longer moves: it looks at the new c_t, not at c_prev.")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 2 · 两种窥视孔
#
# 窥视孔最早出现在 Gers & Schmidhuber (2000, "Recurrent nets that time and count")，每个隐藏单元一个权重：单元 j 的门只看单元 j 自己的单元状态，即 $p \odot c$。colah 的博文（笔记所引参考资料译的就是它）和 Udacity 的课程把它画成满矩阵：每个门都读取拼接向量 $[c, h_{t-1}, x_t]$，
#
# $$ f_t = \sigma\big([c_{t-1}, h_{t-1}, x_t]\, W_f + b_f\big) = \sigma\big(c_{t-1} P_f + h_{t-1} W_{hf} + x_t W_{xf} + b_f\big), $$
#
# 因此三个门各有一个 $H \times H$ 矩阵 $P$，而不是向量 $p$。对角形式是 $P = \mathrm{diag}(p)$ 的特例：

# %% slideshow={"slide_type": "fragment"}
def full_peephole_step(x, h_prev, c_prev, params, P):
    """colah's / Udacity's peephole LSTM: each gate reads c through a full (H, H) matrix P[gate]."""
    H = h_prev.shape[1]
    a = x @ params["W_x"] + h_prev @ params["W_h"] + params["b"]
    i = sigmoid(a[:, :H] + c_prev @ P["i"])
    f = sigmoid(a[:, H:2 * H] + c_prev @ P["f"])
    c = f * c_prev + i * np.tanh(a[:, 2 * H:3 * H])
    o = sigmoid(a[:, 3 * H:] + c @ P["o"])
    return o * np.tanh(c), c


diagonal = {gate: np.diag(peep.params[f"p_{gate}"]) for gate in "ifo"}
h_full, c_full = full_peephole_step(x, h_prev, c_prev, peep.params, diagonal)
assert np.allclose(h_full, h_peep, atol=1e-12) and np.allclose(c_full, c, atol=1e-12)
print("The full-matrix form with P = diag(p) gives the package's PeepholeLSTMCell exactly.")
print(f"Weights of the peepholes at H = {H}: diagonal 3H = {3 * H}, full 3H² = {3 * H * H}.")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 同样大小下的参数量
#
# 输入大小为 $D$、有 $H$ 个隐藏单元时，一块权重有 $D \cdot H + H \cdot H + H$ 个参数。RNN 有一块，
# LSTM 有四块（i, f, g, o），窥视孔 LSTM 是四块再加 $3H$ 个对角窥视孔权重（用 colah 的满矩阵则是 $3H^2$）。包里的 GRU 有三块，外加第二个长为 $3H$ 的偏置向量，即 PyTorch 的 `bias_hh`。其中只有候选部分 $b_{hn}$
# 是必需的，因为重置门乘的是 $(h_{t-1} W_{hn} + b_{hn})$；$b_{hr}$ 和 $b_{hz}$ 只是加到 $b_{xr}$ 和 $b_{xz}$ 上。包保留全部 $3H$ 个，是为了让 PyTorch 的权重原样载入。出于同样的原因，`nn.LSTM` 有两个偏置向量：
# $4H(D + H) + 8H$，其实一个偏置就够了。

# %% slideshow={"slide_type": "fragment"}
formulas = {
    "rnn": lambda D, H: H * (D + H + 1),
    "lstm": lambda D, H: 4 * H * (D + H + 1),
    "peephole": lambda D, H: 4 * H * (D + H + 1) + 3 * H,
    "gru": lambda D, H: 3 * H * (D + H + 1) + 3 * H,
}
others = {  # not package cells: counted from their arrays' shapes
    "full peephole (colah)": lambda D, H: 4 * H * (D + H + 1) + 3 * H * H,
    "nn.LSTM (PyTorch)": lambda D, H: 4 * H * D + 4 * H * H + 4 * H + 4 * H,  # weight_ih, weight_hh, two biases
}
sizes = ((2, 16), (65, 128))  # the race below; a Shakespeare-sized character model (65 characters, 128 units)
print(f"{'cell':22s}" + "".join(f"{f'D={D}, H={H}':>16s}" for D, H in sizes))
for kind, formula in formulas.items():
    counts = [make_cell(kind, D, H).num_params() for D, H in sizes]
    assert counts == [formula(D, H) for D, H in sizes]
    print(f"{kind:22s}" + "".join(f"{n:16,d}" for n in counts))
for kind, formula in others.items():
    print(f"{kind:22s}" + "".join(f"{formula(D, H):16,d}" for D, H in sizes))
assert all(others["full peephole (colah)"](D, H) - formulas["peephole"](D, H) == 3 * H * H - 3 * H for D, H in sizes)
assert all(others["nn.LSTM (PyTorch)"](D, H) - formulas["lstm"](D, H) == 4 * H for D, H in sizes)
ratios = [formulas["gru"](D, H) / formulas["lstm"](D, H) for D, H in sizes]
print(f"Package cells counted with num_params(), equal to the formulas. The GRU has {ratios[0]:.0%} of the LSTM's "
      f"weights at D=2, H=16 and {ratios[1]:.0%} at D=65, H=128; diagonal peepholes add 3H, full ones 3H².")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 3 · 两种 GRU
#
# GRU 的论文（Cho et al. 2014, "Learning Phrase Representations using RNN Encoder-Decoder for
# Statistical Machine Translation", arXiv 1406.1078）有几个版本，彼此差一行。最新的 **v3** 在矩阵乘法
# *之前*把重置门作用到旧状态上：
#
# $$n = \tanh\big(x W_{xn} + b_n + (r \odot h_{t-1})\,W_{hn}\big)$$
#
# 最初的 **v1** 在*之后*作用，PyTorch、cuDNN 以及 `reset_after=True` 的 Keras（自 TensorFlow 2 起为默认）也是如此。Keras 的文档这样说它的两种变体：“The default one is based on 1406.1078v3 and has reset gate
# applied to hidden state before matrix multiplication. The other one is based on original 1406.1078v1
# and has the order reversed.”（译文：默认的一种基于 1406.1078v3，在矩阵乘法之前把重置门作用于隐层状态。另一种基于最初的 1406.1078v1，顺序相反。）这段话出自 TensorFlow 1.15 的文档，当时 v3 形式仍是默认。
#
# $$n = \tanh\big(x W_{xn} + b_{xn} + r \odot (h_{t-1} W_{hn} + b_{hn})\big)$$
#
# 包遵循 v1 和 PyTorch，所以训练好的权重可以在两者之间精确搬运；这就需要第二个偏置 $b_{hn}$，并让重置门也乘在它上面。两者更新状态的方式相同：$h_t = (1 - z) \odot n + z \odot h_{t-1}$（colah 则把 $z$ 写在新状态上，
# $h_t = (1 - z) \odot h_{t-1} + z \odot \tilde h$：同一个单元，只是 $z$ 和 $1 - z$ 对调）。

# %% slideshow={"slide_type": "fragment"}
def cho_gru_step(cell, x, h_prev):
    """The GRU of arXiv 1406.1078 v3 with the package's weights: reset BEFORE the matmul, one bias per block."""
    p, H = cell.params, cell.hidden_size
    b = p["b_x"] + p["b_h"]  # one bias per block; for r and z the two conventions agree exactly
    a = x @ p["W_x"] + b
    rz = sigmoid(a[:, :2 * H] + h_prev @ p["W_h"][:, :2 * H])
    r, z = rz[:, :H], rz[:, H:]
    n = np.tanh(a[:, 2 * H:] + (r * h_prev) @ p["W_h"][:, 2 * H:])  # the one line that differs
    return (1 - z) * n + z * h_prev


gru = GRUCell(3, H, seed=1)
x_many, h_many = rng.standard_normal((256, 3)), rng.uniform(-1, 1, (256, 4))
gap = np.abs(cho_gru_step(gru, x_many, h_many) - gru.step(x_many, h_many)[0]).max()
print(f"Same weights, same 256 inputs: the v3 GRU and the v1/PyTorch GRU differ by up to {gap:.2f}.")
assert gap > 0.01

open_reset = GRUCell(3, H, seed=1)
open_reset.params["W_x"][:, :H] = 0.0
open_reset.params["W_h"][:, :H] = 0.0
open_reset.params["b_x"][:H], open_reset.params["b_h"][:H] = 40.0, 0.0  # r = 1 exactly
assert np.allclose(cho_gru_step(open_reset, x_many, h_many), open_reset.step(x_many, h_many)[0], atol=1e-12)
print("With the reset gate fully open (r = 1) they agree: the difference is only where r acts.")

# %% [markdown] slideshow={"slide_type": "fragment"}
# 两者都不是“唯一正宗”的 GRU；要说清楚你用的是哪一种（以及引用的是 arXiv 的哪个版本）。用一种约定训练的模型，放到另一种约定下算出的是别的东西（即上面的差异），所以权重不能盲目互换。

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 4 · 长时滞任务上的公平比赛
#
# **加法问题（adding problem）**（Hochreiter & Schmidhuber 1997；第 4 课）：每一步给出一个数值和一个标记；最后，单元必须对两个被标记的数值输出 $0.5 + (X_1 + X_2)/4$，这两个数值至少出现在 $T/2$ 步之前。误差低于 0.04 的序列算作正确。
#
# **比赛：** LSTM、窥视孔 LSTM 和 GRU，都是 16 个隐藏单元，T = 30。每种单元都分别在有、无“默认记住”偏置（取 3）的情况下训练：即 LSTM 的遗忘门偏置、GRU 的更新门偏置（$\sigma(3) = 0.95$：在学到别的之前，每步保留 95% 的记忆）。每种三个随机种子（seed），同一个种子下各单元用相同的数据。Adam（学习率 0.01），每步 32 条序列，按 1 做梯度裁剪（gradient clipping）；一次运行在 256 条检查序列上答对 95% 即算*解决*了任务，并就此停止。预算：每次运行 600 步（19,200 条序列），按步数计，绝不按时间限制。平凡基线：总是回答 0.5，约能答对 15% 的序列。

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 一个种子，现场训练
#
# 整场比赛共 18 次运行；种子 0 下 LSTM 的两次运行就在这里当着你的面训练。另外 16 次由同一个调用训练并存储（下一张幻灯片）；下面的单元格检查现场运行的结果与存储的一致。

# %% slideshow={"slide_type": "fragment"} tags=["nbval-ignore-output"]
RACE = dict(length=30, hidden_size=16, max_steps=600, lr=0.01, clip=1.0)
SEEDS = (0, 1, 2)
record = load_record(asset_path("adding_race.json"))
assert record["settings"] == RACE and record["seeds"] == list(SEEDS)

live = race(["lstm"], [3.0, 0.0], SEEDS[:1], **RACE)
for r in live:
    outcome = f"solved after {r.steps:4d} steps" if r.solved else f"not solved in {r.steps} steps"
    print(f"{r.cell} bias {r.gate_bias:g}, seed {r.seed}: {outcome}, "
          f"{r.test_correct:6.1%} of 2,560 test sequences right")
    stored = next(x for x in record["runs"] if (x["cell"], x["gate_bias"], x["seed"]) == (r.cell, r.gate_bias, r.seed))
    assert (stored["solved"], stored["steps"]) == (r.solved, r.steps)
    assert abs(stored["test_correct"] - r.test_correct) < 0.005
print("Both live runs match the stored record.")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 整场比赛（已存储）
#
# 由一个调用记录（在这台共享的 2 核机器上用了 52 s）：
#
# ```python
# save_record(record_race(), "assets/adding_race.json")   # from lstm_lesson.experiments.race_record
# ```

# %% slideshow={"slide_type": "fragment"} tags=["hide-input"]
baseline = float(np.mean(list(record["always_half_baseline"].values())))
table = record_table(record)
print(f"{'cell':9s} {'bias':>4s} {'solved':>7s} {'steps to solve (min..median..max)':>34s} "
      f"{'test right (min..max)':>22s}")
for row in table:
    steps = "-" if row["steps"] is None else "{} .. {} .. {}".format(*row["steps"])
    lo, _, hi = row["right"]
    print(f"{row['cell']:9s} {row['gate_bias']:4g} {row['solved']:>4d}/{row['runs']} {steps:>34s} "
          f"{f'{lo:.1%} .. {hi:.1%}':>22s}")
print(f"{'always answering 0.5 (same test sequences)':58s} {baseline:11.1%}")

# %% slideshow={"slide_type": "subslide"} tags=["hide-input"]
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 3.6))
kinds = record["cells"]
for k, bias in enumerate((3.0, 0.0)):
    color = "#0072b2" if bias else "#d55e00"
    rows = {row["cell"]: row for row in table if row["gate_bias"] == bias}
    solved = [rows[kind]["solved"] for kind in kinds]
    xs = np.arange(3) + 0.38 * k
    _ = ax1.bar(xs, solved, width=0.36, color=color, label=f"gate bias {bias:g}")
    for xpos, n_solved in zip(xs, solved):
        _ = ax1.text(xpos, n_solved + 0.05, f"{n_solved}/{len(SEEDS)}", ha="center", va="bottom")
    for j, kind in enumerate(kinds):
        steps = [r["steps"] for r in record["runs"] if r["cell"] == kind and r["gate_bias"] == bias and r["solved"]]
        _ = ax2.plot([j] * len(steps), steps, "o", color=color, label=f"gate bias {bias:g}" if j == 0 else None)
_ = ax1.set(xticks=np.arange(3) + 0.19, xticklabels=kinds, yticks=range(len(SEEDS) + 1),
            ylabel=f"runs solved (of {len(SEEDS)})", ylim=(0, len(SEEDS) + 1.3),
            title=f"Solved within {RACE['max_steps']} steps")
_ = ax1.legend(loc="upper center", ncol=2)
_ = ax2.axhline(RACE["max_steps"], color="grey", ls=":", label="budget")
_ = ax2.set(xticks=range(3), xticklabels=kinds, xlim=(-0.5, 2.5), ylabel="steps to solve",
            ylim=(0, RACE["max_steps"] + 50), title="Steps of the runs that solved it")
_ = ax2.legend(loc="lower right")
plt.show()

# %% slideshow={"slide_type": "fragment"} tags=["hide-input"]
with_bias = [row for row in table if row["gate_bias"] == 3.0]
without = [row for row in table if row["gate_bias"] == 0.0]
n_runs = len(SEEDS) * 3
solved_with, solved_without = sum(row["solved"] for row in with_bias), sum(row["solved"] for row in without)
best_without = max(row["right"][2] for row in without)
assert solved_with == n_runs and solved_without == 0
assert best_without < baseline + 0.05
medians = [row["steps"][1] for row in with_bias]
assert max(medians) < 2.5 * min(medians)
print(f"With the bias of 3: {solved_with} of {n_runs} runs solved the task (every cell, every seed).")
print(f"Without it: {solved_without} of {n_runs}, at most {best_without:.0%} of the test sequences right; "
      f"always answering 0.5 gets {baseline:.0%}.")
print(f"So the runs without the bias learned nothing a constant could not do, within {RACE['max_steps']} steps.")
print("Between the cells (with the bias), the median steps to solve differ by less than a factor 2.5.")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 比赛说明了什么，没说明什么
#
# “默认记住”的偏置决定了一次运行能否在预算内解决任务；单元的选择只改变快慢。我们只比较了偏置 0 和 3。
# Jozefowicz, Zaremba & Sutskever (2015) 建议 LSTM 的遗忘门偏置取 1，在他们的实验中这弥补了 LSTM 与 GRU
# 的差距；他们的 GRU 不需要特殊偏置也表现很好，而我们的 GRU 在这个任务和预算下需要它。
#
# 我们的比赛很小：一个任务、一种大小、三个种子、600 步的预算；不带偏置的单元我们没有训练更久，所以这场比赛说明不了它们多训练一些会怎样。16 个隐藏单元时各单元的大小也不同（GRU 的权重是 LSTM 的 79%）。第 4 课说明偏置*为什么*重要：偏置为 0 时门停在 $\sigma(0) = 0.5$ 附近，所以记忆上的误差每往回一步就减半。

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 5 · 哪些门重要？仿照 Greff et al. (2017) 测量
#
# Greff, Srivastava, Koutník, Steunebrink & Schmidhuber 的 "LSTM: A Search Space Odyssey"（IEEE TNNLS 2017；
# arXiv 1503.04069）在语音、手写和音乐任务上训练了他们的 **vanilla LSTM（带窥视孔的标准 LSTM）** 的八种变体（5,400 次运行）。他们的摘要说：没有哪种变体显著优于标准 LSTM，而**遗忘门**（NFG 去掉它）和**输出激活函数**（NOAF）是它最关键的部件。他们的结论还补充：耦合输入门和遗忘门（CIFG）、去掉窥视孔（NP）都能简化 LSTM，而不会显著损害性能；只要单元状态无界，就需要输出激活函数。
#
# 把同一个问题放到我们的比赛任务上（加法问题，T = 30，16 个隐藏单元，遗忘门偏置 3，800 步，三个种子）：每个变体都是包里的 LSTM 去掉或加上一个部件（`lstm_lesson.experiments.gate_ablation`）。这 21 次运行在这台共享的 2 核机器上用了 59 s，课堂上太长，所以 notebook 展示存储的结果；下面这一个调用可以重新算出它：
#
# ```python
# save_ablation(run_ablation(), "assets/gate_ablation.json")   # from lstm_lesson.experiments.gate_ablation
# ```

# %% slideshow={"slide_type": "subslide"}
ablation = load_ablation(asset_path("gate_ablation.json"))
settings = ablation["settings"]
chance = np.mean(list(ablation["always_half_baseline"].values()))
print(f"adding problem T={settings['length']}, H={settings['hidden_size']}, forget bias {settings['forget_bias']:g}, "
      f"{settings['max_steps']} steps, seeds {ablation['seeds']}; share of 2,560 test sequences right")
print(f"{'variant':8s} {'what':42s} {'mean':>6s} {'min..max':>12s} {'solved':>7s} {'steps':>6s}")
ablation_rows = {row["variant"]: row for row in ablation_table(ablation)}
for v, row in ablation_rows.items():
    print(f"{v:8s} {pad(row['description'], 42)} {row['mean']:6.1%} {row['min']:5.1%}..{row['max']:5.1%} "
          f"{row['solved']:>4d}/{row['runs']} {row['median_steps']:6d}")
print(f"{'always 0.5':51s} {chance:6.1%}   (the trivial baseline, same test sequences)")

# %% slideshow={"slide_type": "fragment"} tags=["hide-input"]
std = ablation_rows["LSTM"]
assert std["solved"] == std["runs"] == len(ablation["seeds"]) >= 3
assert ablation_rows["NIG"]["max"] < chance + 0.05  # no input gate: nothing learned
assert all(ablation_rows[v]["solved"] == ablation_rows[v]["runs"] for v in ("NFG", "NOG", "NOAF", "CIFG", "PH"))
others = [v for v in ablation_rows if v != "NIG"]
assert all(ablation_rows[v]["min"] >= 0.9 for v in others)
print(f"No input gate: at most {ablation_rows['NIG']['max']:.0%} right, the level of always answering 0.5 "
      f"({chance:.0%}): every distractor is written into the memory.")
print("Every other variant solved the task with every seed, all within the 3-seed spread of 93% to 100%.")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 与 Greff et al. 对比
#
# - **一致：** CIFG 和窥视孔在这里没有可测量的代价。（我们的 CIFG 耦合成 i = 1 − f，Greff 写的是 f = 1 − i；遗忘门偏置为 3 时，我们的 CIFG 起步时 i ≈ σ(−3) = 0.05，相当于一个标准 LSTM 没有的输入门偏置，所以它解得快，并不说明耦合本身有什么作用。）
# - **不同：** 没有遗忘门（NFG）或没有输出激活函数（NOAF）时，我们的单元和其余变体一样好，差别在三个种子的波动之内。一条加法问题序列是从全新状态开始的 30 步，而遗忘门偏置 3 让 c 保持较小：单元状态始终有界，正是 Greff et al. 认为输出激活不必要的情形；而且从来不需要遗忘什么（第 2 课在一条长数据流上测过没有 f 会出什么问题）。Greff 的语音、手写和音乐序列要长得多。真正破坏我们任务的是去掉输入门：它必须忽略 28 个干扰项。
# - **这是什么：** 一个小任务、16 个隐藏单元、三个种子、800 步。它是去读论文的理由，不能代替论文。

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 6 · 门控探索器：窥视孔 LSTM 与 GRU
#
# 第 2 课的探索器能驱动包里任何一种单元（只用一个隐藏单元）：输入和每个门的偏置都有滑块，图会按这些值重画。
#
# **动手试试。** 在窥视孔单元里把遗忘门偏置设为 0，再拖动 $c_{t-1}$：遗忘门现在会怎样？GRU 一开始处于
# *overwrite*（覆盖）预设：找出无论 $x_t$ 是多少，$h_t$ 都等于 $h_{t-1}$ 的设置。这要靠哪个门？（两个探索器都需要实时运行的 notebook；在幻灯片里它们能拖动，但什么也不会重画，由下面的静态图代替。）

# %% slideshow={"slide_type": "fragment"} tags=["nbval-ignore-output"]
GateExplorer("peephole", preset="keep everything")

# %% slideshow={"slide_type": "fragment"} tags=["nbval-ignore-output"]
GateExplorer("gru", preset="overwrite")

# %% slideshow={"slide_type": "fragment"} tags=["hide-input"]
# The same two starting points drawn statically, for a deck or a handout without a kernel:
display(SVG(cell_diagram_svg(preset_values("peephole", "keep everything"))))
display(SVG(cell_diagram_svg(preset_values("gru", "overwrite"))))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 答案：算出来看
#
# GRU 在更新门 $z$ 打开时保持状态（$z \to 1$：全部保留）；有窥视孔时，一份大的记忆会让它自己的遗忘门保持打开。

# %% slideshow={"slide_type": "fragment"}
keep = preset_values("gru", "keep everything")
over = preset_values("gru", "overwrite")
print(f"keep everything: z = {keep['z']:.3f}, h_prev = {keep['h_prev']:+.2f} -> h = {keep['h']:+.3f}")
print(f"overwrite:       z = {over['z']:.3f}, candidate n = {over['n']:+.3f} -> h = {over['h']:+.3f}")
assert abs(keep["h"] - keep["h_prev"]) < 0.01 and abs(over["h"] - over["n"]) < 0.01
peek = explore_gates("peephole", x=0.0, h_prev=0.0, c_prev=2.0)
plain = explore_gates("lstm", x=0.0, h_prev=0.0, c_prev=2.0)
print(f"c_prev = 2, all biases 0: forget gate f = {plain['f']:.3f} without peepholes, "
      f"{peek['f']:.3f} with (p_f = 1 adds p_f·c_prev = 2 to its input).")
assert abs(plain["f"] - 0.5) < 1e-12 and peek["f"] > 0.85

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 练习题
#
# 每个练习都有一个自测，会指出错的是哪一项。在新的单元格里写下答案，再调用自测。每个练习后面的折叠单元格里有参考答案：先自己试，再有意打开它。每个折叠单元格也会用自测检查它的参考答案；输出在你打开之前一直折叠着。
#
# ### 练习 1：GRU 的一步
# 按包的约定（重置作用在矩阵乘法之后），为一个批次写出 `gru_step(x, h_prev, params)`。`params` 包含
# W_x (input, 3H)、W_h (H, 3H)、b_x 和 b_h (3H,)，按 r, z, n 分块。自测：`check_gru_step(gru_step)`。

# %% slideshow={"slide_type": "fragment"}
def gru_step_first_try(x, h_prev, params):  # a first attempt
    H = h_prev.shape[1]
    a = x @ params["W_x"] + params["b_x"] + params["b_h"]
    r = sigmoid(a[:, :H] + h_prev @ params["W_h"][:, :H])
    z = sigmoid(a[:, H:2 * H] + h_prev @ params["W_h"][:, H:2 * H])
    n = np.tanh(a[:, 2 * H:] + (r * h_prev) @ params["W_h"][:, 2 * H:])
    return (1 - z) * n + z * h_prev


first_try = check_gru_step(gru_step_first_try)
assert not first_try
print("The check says this first try is wrong. Find why before you run print(check_gru_step(gru_step_first_try)).")


# %% jupyter={"outputs_hidden": true, "source_hidden": true} slideshow={"slide_type": "skip"}
# Worked solution: two projections with their own biases, and r multiplies the WHOLE recurrent
# part of the candidate block, bias b_hn included.
def gru_step_solution(x, h_prev, params):
    H = h_prev.shape[1]
    a_x = x @ params["W_x"] + params["b_x"]
    a_h = h_prev @ params["W_h"] + params["b_h"]
    r = sigmoid(a_x[:, :H] + a_h[:, :H])
    z = sigmoid(a_x[:, H:2 * H] + a_h[:, H:2 * H])
    n = np.tanh(a_x[:, 2 * H:] + r * a_h[:, 2 * H:])
    return (1 - z) * n + z * h_prev


print("first try:", first_try)
feedback = check_gru_step(gru_step_solution)
print(feedback)
assert feedback

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 练习 2：窥视孔的一步
# 写出 `peephole_step(x, h_prev, c_prev, params)`，返回 `(h, c)`。`params`：W_x (input, 4H)、
# W_h (H, 4H)、b (4H,)，按 i, f, g, o 分块，以及窥视孔权重 p_i, p_f, p_o (H,)。自测：`check_peephole_step(peephole_step)`。

# %% jupyter={"outputs_hidden": true, "source_hidden": true} slideshow={"slide_type": "skip"}
# Worked solution: i and f peek at c_prev; o is computed AFTER the new c and peeks at it.
def peephole_step_solution(x, h_prev, c_prev, params):
    H = h_prev.shape[1]
    a = x @ params["W_x"] + h_prev @ params["W_h"] + params["b"]
    i = sigmoid(a[:, :H] + params["p_i"] * c_prev)
    f = sigmoid(a[:, H:2 * H] + params["p_f"] * c_prev)
    g = np.tanh(a[:, 2 * H:3 * H])
    c = f * c_prev + i * g
    o = sigmoid(a[:, 3 * H:] + params["p_o"] * c)
    return o * np.tanh(c), c


feedback = check_peephole_step(peephole_step_solution)
print(feedback)
assert feedback

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 练习 3：数权重
# 写出 `count_params(kind, input_size, hidden_size)`，支持 "rnn"、"lstm"、"peephole" 和 "gru"
# （即包里的单元，含偏置），不要构造单元。自测：`check_param_count(count_params)`。

# %% jupyter={"outputs_hidden": true, "source_hidden": true} slideshow={"slide_type": "skip"}
# Worked solution: blocks × (input weights + recurrent weights + bias), plus the extras.
def count_params_solution(kind, input_size, hidden_size):
    D, H = input_size, hidden_size
    blocks = {"rnn": 1, "lstm": 4, "peephole": 4, "gru": 3}[kind]
    extra = {"peephole": 3 * H, "gru": 3 * H}.get(kind, 0)  # peepholes p_i, p_f, p_o; the GRU's b_h
    return blocks * H * (D + H + 1) + extra


feedback = check_param_count(count_params_solution)
print(feedback)
assert feedback

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 要点
#
# - GRU 把遗忘门和输入门合并成一个更新门 $z$（保留 $z$，写入 $1 - z$），也没有单独的单元状态；它的重置门决定候选隐状态读取多少旧状态。
# - 窥视孔 LSTM 让 i 和 f 看到 $c_{t-1}$，让 o 看到新的 $c_t$：Gers & Schmidhuber (2000) 用对角权重，
#   $3H$ 个；colah 的博文和 Udacity 的课程用满矩阵，$3H^2$ 个。
# - 同样大小下，GRU 的权重是 LSTM 的 3/4 到 4/5（H = 128 时 75%，H = 16 时 79%）。
# - “GRU”其实是两样东西：arXiv 1406.1078 v3 在矩阵乘法之前重置，v1（以及 PyTorch）在之后。同样的权重，它们算出不同的数；包用的是 v1 / PyTorch 的形式。
# - 在我们的比赛中，“默认记住”的偏置 3 决定了成败；单元类型只改变速度。无论选哪种单元，都让保持记忆的门一开始就打开（我们用 3；Jozefowicz et al. 建议 LSTM 的遗忘门偏置取 1）。
# - 去掉部件（仿照 Greff et al. 2017）：没有输入门就什么也学不到；CIFG 和窥视孔没有代价；在从不重置的数据流上，遗忘门很重要（第 2 课）。
#
# **下一课（第 4 课）：** 那个偏置为什么重要：梯度消失与梯度爆炸（vanishing/exploding gradients），实测。

# %% slideshow={"slide_type": "skip"} tags=["nbval-ignore-output"]
print(f"Whole notebook: {time.perf_counter() - notebook_start:.0f} s elapsed")
