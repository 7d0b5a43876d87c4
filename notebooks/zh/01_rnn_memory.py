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
# **01 · 普通循环神经网络（RNN）：一个方程、一份记忆，以及记忆为什么短**
#
# 1. 笔记里的方程：先在一个只有 2 个隐藏单元（hidden unit）的网络上手算，再用包来算。
# 2. 笔记里的故事（对照森林的记忆来看一张狼的图片），做成一个可运行的玩具模型。
# 3. 记忆为什么会消退：跟踪一个脉冲 50 步。
# 4. 一个测量记忆的实验：回忆 *k* 步之前看到的正负号。

# %% slideshow={"slide_type": "skip"}
import matplotlib.pyplot as plt
import numpy as np
from IPython.display import SVG, display

from lstm_lesson import Dense, RNNCell, dynamic_rnn, set_language, sigmoid
from lstm_lesson.classroom.diagrams import unrolled_rnn_svg
from lstm_lesson.classroom.exercises.lesson01 import (
    RNN_EXAMPLE,
    check_concat_weights,
    check_memory_span,
    check_rnn_state,
    check_rnn_step,
    memory_span_reference,
)
from lstm_lesson.classroom.widgets.pulse import PulseExplorer
from lstm_lesson.experiments.gradient_flow import jacobian_log_norms
from lstm_lesson.experiments.pulse import describe_pulse, memory_span, pulse_trace, recurrent_matrix
from lstm_lesson.experiments.recall import recall_batch, train_recall

np.set_printoptions(precision=4, suppress=True)
set_language("zh")  # 包打印的内容用中文（English: set_language("en")）

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 笔记里的方程
#
# > 从记忆长短的角度来理解RNN，其本质上是：
# > **本次状态记忆 = 激活函数（由上次状态记忆 和 当前事件的 线性组合）**
# > RNN的输出即是预测结果也是当前状态记忆，再次迭代到下一时刻。

# %% [markdown] slideshow={"slide_type": "fragment"}
# $$ s_t = \tanh\big(W\,[s_{t-1},\, x_t] + b\big) $$
#
# 一个权重矩阵 $W$ 作用在上一步状态（state）和当前输入拼成的一个向量上。包里把同一件事写成两个矩阵，$h_t = \tanh(x_t W_x + h_{t-1} W_h + b)$，并且用行向量（一个批次就是若干行叠在一起；批次即 batch，d2l-zh 称小批量）：$[h_{t-1}, x_t]\,W$，其中 $W = \begin{bmatrix} W_h \\ W_x \end{bmatrix}$。笔记用列向量，它的 $W$ 是这里的转置。

# %% slideshow={"slide_type": "subslide"} tags=["hide-input"]
display(SVG(unrolled_rnn_svg(4)))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 手算：2 个单元、1 个输入、3 步
#
# 小到可以在纸上验算。权重是练习模块里的 `RNN_EXAMPLE`。

# %% slideshow={"slide_type": "fragment"}
W_h, W_x, b = RNN_EXAMPLE["W_h"], RNN_EXAMPLE["W_x"], RNN_EXAMPLE["b"]
W = np.vstack([W_h, W_x])  # (hidden + input, hidden) = (3, 2): the rows of W_h first, as h comes first
print("W_h =", W_h.tolist(), "  W_x =", W_x.tolist(), "  b =", b.tolist())
print("W = [W_h; W_x] =\n", W)

# %% slideshow={"slide_type": "fragment"}
xs = [np.array([1.0]), np.array([0.5]), np.array([-1.0])]
state = np.zeros(2)  # s_0: nothing seen yet
by_hand = []
for t, x in enumerate(xs, start=1):
    stacked = np.concatenate([state, x])  # [s_{t-1}, x_t]
    mixed = stacked @ W + b  # the linear combination
    state = np.tanh(mixed)  # the activation: this is s_t, the output AND the memory
    by_hand.append(state)
    print(f"t={t}: [s_{t - 1}, x_{t}] = {stacked}  ->  W·[..] + b = {mixed}  ->  s_{t} = tanh(..) = {state}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 包里的 `RNNCell` 算出同样的数
#
# 把我们的权重填进这个 `RNNCell`，用 `dynamic_rnn` 在三个输入上展开：3 个时间步（time step），批量大小（batch size）为 1，输入维度为 1。然后比较。

# %% slideshow={"slide_type": "fragment"}
cell = RNNCell(input_size=1, hidden_size=2)
cell.params["W_h"][...] = W_h
cell.params["W_x"][...] = W_x
cell.params["b"][...] = b
outputs, final_state = dynamic_rnn(cell, np.array([xs]))  # inputs (1, 3, 1)
print("RNNCell outputs:\n", outputs[0])
assert np.allclose(outputs[0], np.array(by_hand), atol=1e-12)
# one W on the stacked vector equals two matrices on the parts:
h_prev, x = by_hand[0], xs[1]
assert np.allclose(np.concatenate([h_prev, x]) @ W, h_prev @ W_h + x @ W_x)
print("By hand == RNNCell at every step, and [h, x]·W == h·W_h + x·W_x.")

# %% [markdown] slideshow={"slide_type": "notes"}
# 指着 t=2 和 t=3 讲：t=2 的输入是 0.5，可状态里还带着 t=1 留下的东西。输出*就是*记忆：除此之外，没有别的东西被带到下一步。

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 笔记里的故事：狼还是狗？
#
# > 当前输入：狼的图像  长期记忆：自然、森林  短期记忆：松鼠和树 ---> 输出：狼概率和新的长期短期记忆
#
# 一个可运行的玩具模型。**这里的编码是为了演示而编的**：每个事件是三个数（有多野、有多居家、有多像动物），2 单元 RNN 的权重是手动设定的（单元 0 收集“野性”的证据，单元 1 收集“居家”的证据，每一步各保留自身的 0.7）。这里没有任何训练。
#
# RNN 的输出*就是*它的状态 $h_t$（两个数），正如笔记所说。“狼还是狗”由一个单独的读出层从这个输出中读出，它和下面回忆实验放在 RNN 之上的 `Dense` 层是同一种层：这里权重手动设为 $[4, -4]$，再接一个 sigmoid，是狼的概率 P(wolf) = σ(4·h₀ − 4·h₁)。读出层什么也不保存；记住的一切都在 $h_t$ 里。

# %% slideshow={"slide_type": "subslide"}
EVENTS = {  # (wild, domestic, animal shape): made-up features
    "nature": [1.0, 0.0, 0.0], "forest": [1.0, 0.0, 0.0], "squirrel": [0.6, 0.0, 0.3], "tree": [0.6, 0.0, 0.0],
    "house": [0.0, 1.0, 0.0], "sofa": [0.0, 1.0, 0.0], "ball": [0.0, 0.6, 0.0], "cat": [0.0, 0.6, 0.3],
    "blank": [0.0, 0.0, 0.0], "PICTURE": [0.0, 0.0, 1.0],  # the picture: animal-shaped, wolf or dog?
}
story_cell = RNNCell(input_size=3, hidden_size=2)
story_cell.params["W_x"][...] = [[1.5, 0.0], [0.0, 1.5], [0.0, 0.0]]  # wild -> unit 0, domestic -> unit 1
story_cell.params["W_h"][...] = [[0.7, 0.0], [0.0, 0.7]]  # each unit keeps 0.7 of itself
story_cell.params["b"][...] = 0.0
read_out = Dense(2, 1)  # not part of the RNN: it turns the RNN's output h into one number
read_out.params["W"][...] = [[4.0], [-4.0]]
read_out.params["b"][...] = 0.0


def read_story(events):
    """Run the toy RNN over the events; return P(wolf) after the last one, and every state."""
    inputs = np.array([[EVENTS[e] for e in events]])  # (1, time, 3)
    outputs, final_state = dynamic_rnn(story_cell, inputs)
    assert np.array_equal(outputs[0, -1], final_state[0])  # the RNN's output IS its state
    return float(sigmoid(read_out.forward(outputs[:, -1]))[0, 0]), outputs[0]


stories = {
    "the notes' story": ["nature", "forest", "squirrel", "tree", "PICTURE"],
    "at home": ["house", "sofa", "ball", "cat", "PICTURE"],
    "the picture alone": ["PICTURE"],
    "forest long ago": ["nature", "forest"] + ["blank"] * 10 + ["PICTURE"],
    "forest, then sofa": ["nature", "forest", "house", "sofa", "PICTURE"],
}
p_wolf = {}
for name, events in stories.items():
    p_wolf[name], _ = read_story(events)
    print(f"{name:<18} P(wolf) = {p_wolf[name]:.2f}   ({' -> '.join(events)})")

# %% slideshow={"slide_type": "fragment"} tags=["hide-input"]
assert p_wolf["the notes' story"] > 0.85 and p_wolf["at home"] < 0.15
assert abs(p_wolf["the picture alone"] - 0.5) < 1e-9
assert abs(p_wolf["forest long ago"] - 0.5) < 0.05
assert p_wolf["forest, then sofa"] < 0.5
print("The same picture: 'wolf' after forest memories, 'dog' at home, a coin toss alone.")
print(f"Forest seen 10 steps ago: a coin toss again (P(wolf) = {p_wolf['forest long ago']:.2f}), the memory faded.")
print("Forest first, sofa recently: the recent memory wins. One state holds both, and old things fade.")

# %% [markdown] slideshow={"slide_type": "subslide"}
# 单元 0（“野性”）在 *forest long ago*（森林在很久以前）这个故事里的值，画成状态箭头的宽度：

# %% slideshow={"slide_type": "fragment"}
_, states = read_story(stories["forest long ago"])
display(SVG(unrolled_rnn_svg(6, values=states[:6, 0])))
print("unit 0 (wild) over the first 6 steps:", states[:6, 0].round(3))

# %% [markdown] slideshow={"slide_type": "notes"}
# 问问全班：要让“forest”（森林）熬过 10 个空白步和一张沙发，我们需要什么？需要一份记忆：除非有什么决定擦掉它，否则一直保留，而且和短期状态分开。这就是第 2 课要讲的长短期记忆网络（LSTM）的单元状态（cell state，d2l-zh 称记忆元）。

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 记忆为什么短：跟踪一个脉冲
#
# 给一个 16 单元的 tanh RNN 在 t = 0 时输入一个值，之后全是零，观察状态的大小 ‖h_t‖。每一步都把状态乘以 $W_h$（再由 tanh 压缩）。如果 $W_h$ 的每个奇异值都等于 λ₁（最大的那个），一个小的状态每步就缩小或放大 λ₁ 倍：‖h_t‖ ≈ λ₁ᵗ ‖h_0‖。
#
# > 太长的记忆在rnn中会产生一些问题，梯度消失等，即rnn只擅长储存短期记忆
#
# 同一个每步 λ₁ 倍的因子也作用在反向流动的梯度上（第 4 课）：Pascanu et al. (2013) 证明，对 tanh 而言，只要 λ₁ < 1，梯度就会消失（vanishing gradients）。

# %% slideshow={"slide_type": "subslide"} tags=["hide-input"]
scales = {0.8: "below 1", 1.0: "at 1", 1.2: "above 1"}
traces = {s: pulse_trace(s, 0.1) for s in scales}
fig, ax = plt.subplots(figsize=(7, 3.6))
for s, tr in traces.items():
    _ = ax.semilogy(tr, label=f"λ₁ = {s} ({scales[s]})", lw=2)
_ = ax.axhline(0.01 * 0.1, color="grey", ls=":", lw=1, label="1% of the pulse")
_ = ax.set(xlabel="time step t after the pulse", ylabel="‖h_t‖", title="A pulse of 0.1 in a 16-unit tanh RNN")
_ = ax.legend()
plt.show()

# %% slideshow={"slide_type": "fragment"} tags=["hide-input"]
for s, tr in traces.items():
    print(describe_pulse(s, 0.1, tr))
assert memory_span(traces[0.8]) == memory_span_reference(0.8) == 21  # 0.8^21 < 1% < 0.8^20
assert traces[1.0][-1] > 0.9 * traces[1.0][0]
assert traces[1.2][-1] > 10 * traces[1.2][0] and traces[1.2].max() <= 4.0  # 16 units, each capped at 1
print("Below 1: gone in about 20 steps. At 1: kept. Above 1: amplified until tanh saturates.")

# %% [markdown] slideshow={"slide_type": "subslide"}
# λ₁ 大于 1 也无济于事：被放大的脉冲让状态一直处于饱和，之后的输入几乎推不动它，梯度还会爆炸（exploding gradients，第 4 课）。普通 RNN 只能停在略低于 1 的地方，而且仍然按几何级数遗忘。
#
# **动手试试。** 把 λ₁ 从 0.5 拖到 1.5，把脉冲从 0.01 拖到 10。虚线是固定的参照曲线。给全班的问题：*在哪里强脉冲比弱脉冲消退得更快？为什么？* *哪个 λ₁ 能让 0.1 的脉冲在 50 步内保持在 1% 以上？*
# （这个滑块需要实时运行的 notebook：在幻灯片里它能拖动，但什么也不会重画。）

# %% slideshow={"slide_type": "fragment"} tags=["nbval-ignore-output"]
PulseExplorer(scale=0.9, strength=0.1)

# %% [markdown] jupyter={"source_hidden": true} slideshow={"slide_type": "notes"}
# 给教师的答案（已折叠：等全班试过之后再打开）。强脉冲起初消退得更快，因为 tanh 会压缩大的状态（tanh(x) < x），所以在 λ₁ 起作用之前，饱和就已吃掉了脉冲的一部分。λ₁ = 1 能让 0.1 的脉冲在 50 步内保持在 1% 以上，大约 0.912 及以上的值也都可以（0.91⁵⁰ = 0.9%，0.92⁵⁰ = 1.5%）。

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 梯度像脉冲一样消退
#
# 要学会利用 k 步之前看到的输入，需要梯度 ∂h_t/∂h_{t−k}：假如 k 步之前的状态不同，现在的状态会变多少。通过时间反向传播（backpropagation through time，BPTT）每一步乘一个雅可比矩阵（Jacobian），即 $W_h$ 乘以 tanh 的斜率；所以状态很小时，梯度每往回一步就缩小 λ₁ 倍，和脉冲一样。下面用包的反向传播（`jacobian_log_norms`，第 4 课）在同一个脉冲 RNN 上计算，λ₁ = 0.8：

# %% slideshow={"slide_type": "fragment"}
pulse_cell = RNNCell(1, 16, seed=0)
pulse_cell.params["W_h"][...] = recurrent_matrix(16, 0.8, seed=0)
pulse_cell.params["b"][...] = 0.0
w = np.random.default_rng(1).standard_normal(16)
pulse_cell.params["W_x"][...] = w / np.linalg.norm(w)  # as in pulse_trace: the same 16-unit RNN
pulse = np.zeros((1, 31, 1))
pulse[0, 0, 0] = 0.1
log_norms = jacobian_log_norms(pulse_cell, pulse)[0]  # log10 ‖∂h_30/∂h_(30-k)‖ for k = 0..30
per_step = 10 ** np.diff(log_norms)  # the factor each step back multiplies the gradient by
print("gradient factor per step back, k = 1..10:", per_step[:10].round(3))
print(f"‖∂h_30/∂h_10‖ / ‖∂h_30/∂h_30‖ = {10 ** (log_norms[20] - log_norms[0]):.2e}   (0.8^20 = {0.8 ** 20:.2e})")
assert np.all(per_step <= 0.8 + 1e-9) and np.all(per_step > 0.75)
print("Every step back multiplies the gradient by at most λ₁ = 0.8 (a little less where tanh bends).")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 测量记忆：延迟回忆
#
# 输入是一串随机的正负号 ±1。再过 *k* 步，网络必须说出它看到的第一个正负号。后面的输入不会透露答案：这个正负号必须在状态里保存 k 步，同时又有 k 个新的正负号到来。随机猜测的准确率是 50%：下面每个准确率旁边都打印这个基线。

# %% slideshow={"slide_type": "fragment"}
x, y = recall_batch(1, 9, 8, rng=np.random.default_rng(0))  # k = 8: 9 signs, recall the first one
print("input  x_0 .. x_8 :", " ".join(f"{v:+.0f}" for v in x[0, :, 0]))
print(f"target at step 8  : {2 * y[0, 0] - 1:+d}   (the sign x_0, seen 8 steps earlier)")
assert y.shape == (1, 1) and 2 * y[0, 0] - 1 == x[0, 0, 0]

# %% [markdown] slideshow={"slide_type": "subslide"}
# 一个 32 单元的 tanh RNN 加一个二分类读出层，对每个延迟都用包里的部件从零训练：`dynamic_rnn`、
# `Dense`、`softmax_cross_entropy`、`bptt`、按范数 1 做梯度裁剪（gradient clipping），以及 Adam
# （见 `lstm_lesson/experiments/recall.py`，约 100 行）。训练 600 步，每步 32 条新序列，上限按步数而不是秒数；在 256 条新序列上测准确率；每个延迟用三个随机种子（seed）。第 2 课用 LSTM 原样重跑这个调用。

# %% slideshow={"slide_type": "fragment"} tags=["nbval-ignore-output"]
RECALL = dict(hidden_size=32, steps=600, extra_steps=1)  # extra_steps=1: one recall, at the last step
SEEDS = (0, 1, 2)
results = {}


def run_delays(delays, cell="rnn", **kwargs):
    for k in delays:
        results[cell, k] = [train_recall(k, cell=cell, seed=seed, **RECALL, **kwargs).accuracy for seed in SEEDS]
        print(f"{cell} delay {k:2d}: {', '.join(f'{a:6.1%}' for a in results[cell, k])} right "
              f"(seeds {SEEDS}; guessing: 50%)")


run_delays((4, 8, 12))

# %% slideshow={"slide_type": "fragment"} tags=["nbval-ignore-output"]
run_delays((16, 24, 32))

# %% slideshow={"slide_type": "subslide"} tags=["hide-input"]
delays = sorted(k for _, k in results)
accs = np.array([results["rnn", k] for k in delays])  # (delays, seeds)
fig, ax = plt.subplots(figsize=(7, 3.4))
for j, seed in enumerate(SEEDS):
    _ = ax.plot(delays, accs[:, j], "o-", lw=1.5, alpha=0.8, label=f"seed {seed}")
_ = ax.axhline(0.5, color="grey", ls=":", label="guessing (50%)")
_ = ax.set(xticks=delays, ylim=(0.4, 1.05), xlabel="delay k (steps)", ylabel="recall accuracy",
           title="Plain RNN, 32 units, 600 steps, three seeds")
_ = ax.legend(loc="lower left")
plt.show()

# %% slideshow={"slide_type": "fragment"} tags=["hide-input", "nbval-ignore-output"]
short = accs[[delays.index(k) for k in (4, 8, 12)]]
longest = accs[delays.index(32)]
assert short.min() >= 0.95, short
assert longest.max() <= 0.60, longest
print(f"Delays 4, 8, 12: every seed recalls (worst {short.min():.0%}; guessing 50%).")
print(f"Delay 32: every seed at chance (best {longest.max():.0%}; guessing 50%).")

# %% [markdown] slideshow={"slide_type": "subslide"}
# 对这个网络和这份训练预算来说，界限在 12 和 32 之间：看看上面 16 和 24 的数字。每个种子都落在同一侧吗？长延迟为什么失败，原因就是我们刚算过的梯度：它每往回一步缩小约 λ₁ 倍，所以本该教会网络保住 $x_0$
# 的信号，到达时已被乘上一个极小的因子。第 2 课加入一份不会被乘没的记忆，并重做这个测量。

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 练习题
#
# 每个练习都有一个自测，它会告诉你*哪一项*错了。在新的单元格里写下答案，再调用自测。每个练习后面的折叠单元格里有参考答案：先自己试，再有意打开它。每个折叠单元格也会用自测检查它的参考答案；输出在你打开之前一直折叠着。
#
# ### 练习 1：两个矩阵拼成一个
# 用 `W_h` 和 `W_x` 构造 `W`，使 `np.concatenate([h, x]) @ W == h @ W_h + x @ W_x`。自测：`check_concat_weights(W)`。

# %% jupyter={"outputs_hidden": true, "source_hidden": true} slideshow={"slide_type": "skip"}
# Worked solution. [h, x] @ W = h @ W[:H] + x @ W[H:]: the first H rows multiply h, so they are W_h.
W_solution = np.vstack([RNN_EXAMPLE["W_h"], RNN_EXAMPLE["W_x"]])
feedback = check_concat_weights(W_solution)
print(feedback)
assert feedback
print(check_concat_weights(np.vstack([RNN_EXAMPLE["W_x"], RNN_EXAMPLE["W_h"]])))  # what a mistake looks like

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 练习 2：手算一步
# 用上面的权重，取 `h_prev = [0.5, -0.5]`、`x = [2.0]`，用纸笔和计算器算出 $h_t$
# （保留三位小数即可）。自测：`check_rnn_state([h1, h2])`。

# %% jupyter={"outputs_hidden": true, "source_hidden": true} slideshow={"slide_type": "skip"}
# Worked solution.
# x @ W_x       = 2.0 * [1.0, -0.5]                              = [ 2.0 , -1.0 ]
# h_prev @ W_h  = [0.5*0.5 + (-0.5)*0.2, 0.5*(-0.3) + (-0.5)*0.4] = [ 0.15, -0.35]
# + b           = [0.1, 0.0]
# sum           = [2.25, -1.35];  tanh -> [0.978, -0.874]
h_solution = np.tanh(np.array([2.25, -1.35]))
feedback = check_rnn_state(h_solution)
print(feedback)
assert feedback

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 练习 3：实现这一步
# 为一个批次写出 `rnn_step(x, h_prev, W_x, W_h, b)`：x 的形状是 (batch, input)，h_prev 是
# (batch, hidden)；返回新的 h (batch, hidden)。自测每次只保留一项来运行它（其余项置零），所以能告诉你哪一项错了。自测：`check_rnn_step(rnn_step)`。

# %% jupyter={"outputs_hidden": true, "source_hidden": true} slideshow={"slide_type": "skip"}
# Worked solution: rows are sequences, so the weights multiply from the right.
def rnn_step_solution(x, h_prev, W_x, W_h, b):
    return np.tanh(x @ W_x + h_prev @ W_h + b)


feedback = check_rnn_step(rnn_step_solution)
print(feedback)
assert feedback

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 练习 4：一个脉冲能持续多久？
# 取 λ₁ = 0.9，脉冲很小（于是 tanh 近似恒等映射，‖h_t‖ = 0.9ᵗ ‖h_0‖）：多少步之后脉冲第一次低于初始值的 1%？然后和交互控件对照。自测：`check_memory_span(steps, scale=0.9)`。

# %% jupyter={"outputs_hidden": true, "source_hidden": true} slideshow={"slide_type": "skip"}
# Worked solution: 0.9^t < 0.01  <=>  t > ln 0.01 / ln 0.9 = 43.7, so the first whole step is 44.
steps_solution = int(np.floor(np.log(0.01) / np.log(0.9))) + 1
feedback = check_memory_span(steps_solution, scale=0.9)
print(feedback)
assert feedback
assert memory_span(pulse_trace(0.9, 0.001)) == steps_solution  # the simulation agrees
print(f"A pulse of 0.001 in the simulated RNN also falls below 1% at step {steps_solution}.")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 要点
#
# - 普通 RNN 只有**一份**记忆，即它的状态，而状态同时也是它的输出。
# - 每一步都把记忆乘以 $W_h$：λ₁ 小于 1 时记忆按几何级数消退，大于 1 时膨胀到饱和；梯度也以同样的方式消退（已计算：每步至多乘 λ₁）。
# - 实测（三个种子，随机猜测 = 50%）：在 600 个训练步内，32 单元的 RNN 每次都能回忆出 12 步之前的正负号，
#   32 步之前的则一次也不能。
#
# 下一课 `02_lstm_gates.ipynb`：第二份记忆，它是被*加上*的，而不是被乘的；还有四个门，决定遗忘、学习、记忆和使用什么。
