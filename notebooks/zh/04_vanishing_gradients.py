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
# **04 · 梯度消失与梯度爆炸（vanishing / exploding gradients），实测**
#
# 1. 把循环神经网络（RNN）的通过时间反向传播（backpropagation through time，BPTT）写出来：一串雅可比矩阵（Jacobian）的乘积。
# 2. 这个乘积什么时候*必然*消失：Pascanu 的 λ₁ < 1/γ 与 Hochreiter 的 |w| < 4.0，逐一算出。
# 3. 图示：往回 *k* 步还剩多少误差，RNN 与长短期记忆网络（LSTM）对比，附交互控件。
# 4. 常数误差传送带（constant error carousel, CEC）：f = 1、i = 0，以及门带来了什么。
# 5. 梯度爆炸：Pascanu 的悬崖，以及梯度裁剪（gradient clipping），先看玩具问题，再看真实训练。
# 6. 1997 年长时滞（long time lag）结果的小规模重现：加法问题（adding problem）。

# %% [markdown] slideshow={"slide_type": "notes"}
# 教师路线（一节课，约 50 分钟）。投影：第 1 节的第一张幻灯片和雅可比矩阵的核对；第 2 节的上界和
# Hochreiter 的 |w| < 4（除非有人问起，否则跳过“更大的权重也无济于事”）；第 3 节的图，然后把交互控件和它的“动手试试”自测放在一起做；第 4 节 1,000 步的传送带、“写入—保持—读出”表和 ∏f 那张幻灯片；第 5 节的悬崖图和“真实训练中的梯度裁剪”；第 6 节的规则、基线和表 7。课后作业：“更大的权重也无济于事”、“这堵墙有多薄？”、梯度裁剪的曲线图、截断 BPTT，以及练习 1–4。

# %% [markdown] slideshow={"slide_type": "fragment"}
# > 普通rnn会造成梯度消失和梯度爆炸问题，使的rnn难以学习长距离信息
#
# 本课用本包自己的反向传播把这两种现象都测出来，然后给出补救办法。

# %% slideshow={"slide_type": "skip"}
import time

import matplotlib.pyplot as plt
import numpy as np
from IPython.display import Markdown, display

from lstm_lesson import LSTMCell, LSTMState, RNNCell, bptt, dynamic_rnn, set_language, sigmoid
from lstm_lesson.classroom.exercises.lesson04 import (
    check_carousel_factor,
    check_clip,
    check_rnn_jacobian,
    check_vanishing_guaranteed,
)
from lstm_lesson.classroom.exercises.lesson04_try import check_try_it
from lstm_lesson.classroom.widgets.cliff_descent import CliffDescent, descent_summary
from lstm_lesson.classroom.widgets.gradient_flow import GradientFlowExplorer, power_of_ten
from lstm_lesson.experiments.adding import AddingModel, adding_batch, fraction_correct, train_adding
from lstm_lesson.experiments.adding_experiments import (
    load_long_lag_race,
    load_truncation_race,
    spectral_trace,
)
from lstm_lesson.experiments.cliff import cliff_loss, cliff_loss_and_grad, descend, find_wall
from lstm_lesson.experiments.gradient_flow import gradient_flow, largest_singular_value

np.set_printoptions(precision=4, suppress=True)
set_language("zh")  # 包打印的内容用中文（English: set_language("en")）
notebook_start = time.perf_counter()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 1 · 把 RNN 的 BPTT 写出来
#
# 本包的 RNN：$h_t = \tanh(a_t)$，其中 $a_t = x_t W_x + h_{t-1} W_h + b$（行向量）。设损失 $L$ 只依赖最后一个状态 $h_T$，就像一个只在末尾评分的任务。

# %% [markdown] slideshow={"slide_type": "fragment"}
# 链式法则一次往回走一步：
#
# $$\frac{\partial L}{\partial h_t} = \frac{\partial L}{\partial h_T}\;
#   \frac{\partial h_T}{\partial h_{T-1}}\,\frac{\partial h_{T-1}}{\partial h_{T-2}}\cdots
#   \frac{\partial h_{t+1}}{\partial h_t}
#   \qquad\text{with}\qquad
#   J_k = \frac{\partial h_k}{\partial h_{k-1}} = \operatorname{diag}(1 - h_k^2)\; W_h^{\top}$$
#
# （$J_k$ 的第 $[i, j]$ 个元素是 $\partial h_k[i] / \partial h_{k-1}[j]$；之所以有转置 $\top$，是因为权重作用在行向量上。）

# %% [markdown] slideshow={"slide_type": "fragment"}
# 权重的梯度每个时间步（time step）贡献一项，$\dfrac{\partial L}{\partial W_h} = \sum_t h_{t-1}^{\top}\,
# \delta_t$，其中 $\delta_t = \dfrac{\partial L}{\partial a_t}$；而往回 $T - t$ 步处的误差 $\delta_t$
# 已经穿过了 $T - t$ 个因子 $J_k$。如果这个乘积极小，遥远的过去对学习毫无贡献：梯度**消失**。如果它极大，一步训练就迈得极大：梯度**爆炸**。

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 雅可比矩阵的乘积*就是* `bptt` 算的东西
#
# 一个有 4 个隐藏单元的 RNN，8 个时间步，$L = v \cdot h_T$。先手工把各个 $J_k$ 乘起来；再在同一次前向传播上运行本包的 `bptt`。

# %% slideshow={"slide_type": "fragment"}
rng = np.random.default_rng(0)
cell = RNNCell(input_size=2, hidden_size=4, seed=0)
x = rng.standard_normal((1, 8, 2))  # one sequence, 8 steps
v = rng.standard_normal((1, 4))  # L = v . h_T
outputs, h_T, cache = dynamic_rnn(cell, x, return_cache=True)

hs = outputs[0]  # h_1 ... h_8
g = v[0]  # dL/dh_8
by_hand = [g]
for k in range(7, -1, -1):  # step k+1 maps h_k -> h_{k+1}; hs[k] is h_{k+1}
    J = np.diag(1 - hs[k] ** 2) @ cell.params["W_h"].T
    g = g @ J  # dL/dh_k = dL/dh_{k+1} J_{k+1}
    by_hand.append(g)

_, d_h0, _ = bptt(cell, np.zeros_like(outputs), cache, d_final_state=v)
assert np.allclose(by_hand[-1], d_h0[0], rtol=1e-12, atol=1e-15)
print("‖dL/dh_t‖ for t = 8, 7, ..., 0:", np.round([np.linalg.norm(g) for g in by_hand], 4))
print("By hand (a product of 8 Jacobians) == bptt's gradient on the initial state.")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 2 · 乘积什么时候必然消失？
#
# 每个因子的大小都不超过它两部分大小之积：$\|J_k\| \le \|\operatorname{diag}(f'(a_k))\|
# \,\|W_h\| \le \gamma\,\lambda_1$，其中 $\lambda_1$ 是 $W_h$ 的最大奇异值，$\gamma$ 是激活函数导数的上界。于是 $\|\partial h_T / \partial h_t\| \le
# (\gamma\lambda_1)^{T-t}$。
#
# **Pascanu, Mikolov & Bengio 2013，§2.1：** 若 $\lambda_1 < 1/\gamma$，梯度必然消失（充分条件）；
# $\lambda_1 > 1/\gamma$ 是梯度爆炸的必要条件（但不充分）。

# %% slideshow={"slide_type": "fragment"}
a = np.linspace(-10, 10, 200_001)
gamma_tanh = (1 - np.tanh(a) ** 2).max()
gamma_sigmoid = (sigmoid(a) * (1 - sigmoid(a))).max()
print(f"γ for tanh = {gamma_tanh:.4f}  -> 1/γ = {1 / gamma_tanh:.2f}")
print(f"γ for sigmoid = {gamma_sigmoid:.4f} -> 1/γ = {1 / gamma_sigmoid:.2f}")
assert abs(gamma_tanh - 1) < 1e-9 and abs(gamma_sigmoid - 0.25) < 1e-9

lam_default = [largest_singular_value(RNNCell(8, 32, seed=seed).params["W_h"]) for seed in range(20)]
print(f"The package's default 32-unit RNN, 20 seeds: λ1 from {min(lam_default):.2f} to {max(lam_default):.2f}")
assert 0.95 < min(lam_default) and max(lam_default) < 1.2 and np.mean(np.array(lam_default) > 1) > 0.8
print("At its default initialisation the tanh RNN sits right at the edge, λ1 ≈ 1 = 1/γ: mostly just above,")
print("so Pascanu's condition does not guarantee vanishing. Section 3 measures what happens instead.")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 在每个时滞上核对这个上界
#
# `gradient_flow` 用各个循环单元自己的反向传播（`step_backward`）测量 $\|\partial h_T / \partial h_t\|$，一次测出所有时滞（lag）$T - t$，并在 4 条随机输入序列上取平均。把 $W_h$ 缩放到 $\lambda_1 = 0.9$
# 之后，任何时滞都不得超过 $0.9^{T-t}$。

# %% slideshow={"slide_type": "fragment"}
lags, rnn_09 = gradient_flow("rnn", spectral_scale=0.9, length=100)
bound = lags * np.log10(0.9)  # log10 of 0.9^lag
assert np.all(rnn_09 <= bound + 1e-9)
print(f"λ1 = 0.9, after 99 steps: the bound allows {power_of_ten(bound[99])}, "
      f"the measured ratio is {power_of_ten(rnn_09[99])}.")
print("Below the bound at every one of the 100 lags; the tanh derivatives (< 1) shrink it further.")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Hochreiter 的 |w| < 4.0
#
# Hochreiter & Schmidhuber 1997，§3.1：一个以权重 $w$ 自连接的 logistic（sigmoid）单元，每步把误差乘以 $w\,\sigma'(\mathrm{net})$。由于 $\sigma' \le 1/4$，只要 $|w| < 4.0$，误差就必然消失：这正是上面的 $1/\gamma$，只不过换成了单个单元。

# %% slideshow={"slide_type": "fragment"}
net = np.linspace(-10, 10, 200_001)
slope = sigmoid(net) * (1 - sigmoid(net))
for w in (1.0, 3.9, 4.0, 6.0):
    factor = np.abs(w * slope)
    print(f"w = {w:3.1f}: largest factor per step {factor.max():.3f}; "
          f"at most {factor.max() ** 100:.1e} after 100 steps")
assert (3.9 * slope).max() < 1 and abs((4.0 * slope).max() - 1) < 1e-9 and (6.0 * slope).max() > 1
print("|w| < 4: every factor below 1, the error vanishes whatever the unit does.")
print("|w| = 4: a factor of exactly 1 only at net = 0; anywhere else the error still shrinks.")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 更大的权重也无济于事
#
# w = 6 时打印的“at most 4.1e+17”只是上界，只有单元每一步都恰好处在 net = 0 时才会达到。§3.1 接着说：
# |w| 越大，单元越被推入饱和区，那里 σ' → 0，于是因子 w·σ'(net) 又变小了。下面让这个单元真正运行
# $y_t = \sigma(w\,y_{t-1} - w/2 + u_t)$（偏置 −w/2 使 y = 0.5 时 net = 0，这是最有利的起点），输入 $u_t$ 是小的随机数，再把它 100 步中实际的因子乘起来（每个 w 做 100 次试验）：

# %% slideshow={"slide_type": "fragment"}
def self_loop_log_factor(w, steps=100, trials=100, seed=0):
    """log10 of the product of |w σ'(net_t)| along the unit's own trajectory, one per trial."""
    u = np.random.default_rng(seed).normal(0, 0.1, size=(trials, steps))
    y, total = np.full(trials, 0.5), np.zeros(trials)
    for t in range(steps):
        y = sigmoid(w * y - w / 2 + u[:, t])
        total += np.log10(np.abs(w * y * (1 - y)))
    return total


reach = {w: self_loop_log_factor(w) for w in (4.0, 6.0, 10.0, 20.0)}
for w, logs in reach.items():
    bound = 100 * np.log10(w / 4)
    print(f"w = {w:4.1f}: bound {power_of_ten(bound)}; along the unit's own path the largest of 100 trials "
          f"keeps {power_of_ten(logs.max())}")
assert all(logs.max() < 0 for logs in reach.values())
assert reach[6.0].max() > reach[10.0].max() > reach[20.0].max()
print("Above |w| = 4 the unit leaves net = 0 and saturates: the error still vanishes, and the larger w, the")
print("faster. No choice of w makes a sigmoid unit carry the error: the reason for the linear carousel.")

# %% [markdown] slideshow={"slide_type": "fragment"}
# 要让误差在*任何*净输入下都原样往回流，必须处处满足 $f'(\mathrm{net})\,w = 1$：这个单元必须是
# **线性**的，自连接权重为 **1.0**。Hochreiter 和 Schmidhuber 把这样的单元称为*常数误差传送带*
# （见下面第 4 节）。

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 3 · 图示：往回 *k* 步还剩多少误差
#
# $\|\partial h_T / \partial s_t\|$（Frobenius 范数，相对于时滞 0）随时滞 $T - t$ 的变化：隐藏单元数为 32、刚初始化的网络，随机输入，$T = 100$。状态 $s_t$ 对 RNN 是 $h_t$，对 LSTM 是 $(h_t, c_t)$
# 这一对。由 `step_backward` 实测，而不是套公式。（长乘积会小到 1e-300；测量时每步重新归一化并累加对数，所以不会下溢。）

# %% slideshow={"slide_type": "fragment"}
curves = {}
for scale in (0.9, 1.5, 3.0, 5.0):
    curves[f"RNN λ1 = {scale:g}"] = gradient_flow("rnn", spectral_scale=scale, length=100)[1]
for bias in (0.0, 1.0, 3.0):
    curves[f"LSTM forget bias {bias:g}"] = gradient_flow("lstm", gate_bias=bias, length=100)[1]

fig, ax = plt.subplots(figsize=(9, 4.2))
for (name, curve), color in zip(curves.items(), ["#fdae6b", "#e6550d", "#a63603", "#7f2704",
                                                  "#9ecae1", "#3182bd", "#08519c"]):
    _ = ax.plot(lags, curve, color=color, lw=2, ls="-" if name.startswith("LSTM") else "--", label=name)
_ = ax.axhline(0, color="grey", lw=0.8, ls=":")
_ = ax.set(xlabel="lag T − t (steps back)", ylabel="log10 ‖∂h_T/∂s_t‖ / ‖∂h_T/∂s_T‖",
           title="How much error reaches back: RNN (dashed) and LSTM (solid), T = 100")
_ = ax.legend(ncol=2, fontsize=9)
plt.show()

# %% slideshow={"slide_type": "fragment"}
for name, curve in curves.items():
    print(f"{name:22s}: after 99 steps × {power_of_ten(curve[99])}")
r, s = curves, "RNN λ1 = "
assert r[s + "0.9"][99] < -20 and r[s + "1.5"][99] < -5 and r[s + "5"][99] > 5
assert r["LSTM forget bias 0"][99] < -10 and r["LSTM forget bias 1"][99] < -4 and r["LSTM forget bias 3"][99] > -2
print("This draw: at λ1 <= 1.5 the error from 99 steps back is lost (< 1e-5); at λ1 = 5 it explodes (> 1e+5).")
print("Other draws of the weights move these numbers (the Try-it below measures 8 draws).")
print("LSTM: forget bias 0 loses it as badly (< 1e-10); forget bias 3 keeps a usable share (> 1e-2).")

# %% [markdown] slideshow={"slide_type": "subslide"}
# 为什么要遗忘门偏置（forget bias）：单元状态（cell state，d2l-zh 称记忆元）上的误差每一步都要乘以
# $f_t$（第 4 节）。刚初始化的门大约停在 $\sigma(b_f)$ 附近，所以仅单元状态这条路径就大约保留
# $\sigma(b_f)^{99}$：

# %% slideshow={"slide_type": "fragment"}
estimate, measured = [], []
for bias in (0.0, 1.0, 3.0):
    f = float(sigmoid(bias))
    estimate.append(99 * np.log10(f))
    measured.append(curves[f"LSTM forget bias {bias:g}"][99])
    print(f"b_f = {bias:g}: f ≈ {f:.3f} per step -> {power_of_ten(estimate[-1])} after 99 steps "
          f"(measured: {power_of_ten(measured[-1])})")
assert estimate == sorted(estimate) and measured == sorted(measured)
assert all(m > e for m, e in zip(measured, estimate))
print("The estimate is rough: the real f varies with the input and the h path carries error too, so more")
print("survives than σ(b_f)^99. But both rank the biases alike: a larger forget bias, a longer reach.")

# %% [markdown] slideshow={"slide_type": "subslide"}
# **动手试试。** RNN 的 $\lambda_1$ 和 LSTM 的遗忘门偏置。RNN 的曲线在哪里从消失转为爆炸？答案取决于权重的随机抽取，所以自测会测 8 组权重：λ1 最大到多少时，每一组往回 99 步后保留的都不到
# 1e-2？λ1 从多少起，每一组保留的都超过 1？哪个遗忘门偏置能让每一组都至少保留 1%？把答案写在交互控件后面的单元格里，然后运行它。

# %% slideshow={"slide_type": "fragment"} tags=["nbval-ignore-output"]
GradientFlowExplorer(spectral_scale=1.0, forget_bias=1.0)

# %% slideshow={"slide_type": "fragment"}
my_always_vanishes = None  # the largest of λ1 = 1 ... 5 at which every draw keeps less than 1e-2
my_always_grows = None  # the smallest of λ1 = 1 ... 5 at which every draw keeps more than 1
my_bias_for_1_percent = None  # the smallest forget bias of 0 ... 4 at which every draw keeps at least 1e-2
print(check_try_it(my_always_vanishes, my_always_grows, my_bias_for_1_percent))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 4 · 常数误差传送带
#
# LSTM 的长期记忆靠加法更新：$c_t = f_t \odot c_{t-1} + i_t \odot g_t$，所以沿单元状态这条路径，$\partial c_t / \partial c_{t-1} = f_t$（本包的 `recur_backward`：
# *"the only path from $c_t$ back to $c_{t-1}$ is a multiplication by f"*（译文：从 $c_t$ 回到
# $c_{t-1}$ 的唯一路径就是乘以 f））。当 $f = 1$、$i = 0$ 时，这正是 Hochreiter 和 Schmidhuber
# 那个自连接权重为 1.0 的线性单元。
#
# > LSTM把原本RNN的单元改造成一个叫做CEC的部件，这个部件保证了误差将以常数的形式在网络中流动，
# > 并在此基础上添加输入门和输出门使得模型变成非线性的，并可以调整不同时序的输出对模型后续动作的影响。

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### f = 1、i = 0：误差原样流过 1,000 步
#
# 一个有 4 个隐藏单元的 LSTM，输入门和遗忘门都不看输入：偏置 −40 和 +40 使本包的 sigmoid 在
# float64 下分别恰好等于 0.0 和 1.0。随机输入跑 1,000 步，然后在末尾给每个单元状态一个大小为 1 的误差，由 `step_backward` 往回传。

# %% slideshow={"slide_type": "fragment"}
textbook = 1 / (1 + np.exp(40.0))
print(f"the package's sigmoid(-40) = {float(sigmoid(-40.0))}, sigmoid(40) = {float(sigmoid(40.0))}; "
      f"the textbook 1/(1 + e^40) = {textbook:.2g}")
assert sigmoid(-40.0) == 0.0 and sigmoid(40.0) == 1.0 and 0 < textbook < 1e-17
print("Exact only because the package computes σ(a) = ½·tanh(a/2) + ½ and tanh(20) rounds to 1.0 in float64;")
print("1/(1 + e^40) is 4.2e-18, not 0 (its other end, 1/(1 + e^-40), does round to 1.0).")

# %% slideshow={"slide_type": "fragment"}
def carousel_cell(forget_bias, hidden_size=4):
    cell = LSTMCell(3, hidden_size, seed=0)
    H = hidden_size
    for block, bias in ((0, -40.0), (1, forget_bias)):  # block 0: input gate i, block 1: forget gate f
        cell.params["W_x"][:, block * H:(block + 1) * H] = 0.0
        cell.params["W_h"][:, block * H:(block + 1) * H] = 0.0
        cell.params["b"][block * H:(block + 1) * H] = bias
    return cell


def error_reaching_back(cell, steps, seed=0):
    x = np.random.default_rng(seed).standard_normal((1, steps, 3))
    state, records = cell.zero_state(1), []
    for t in range(steps):
        state, record = cell.step(x[:, t], state)
        records.append(record)
    d = LSTMState(np.zeros((1, cell.hidden_size)), np.ones((1, cell.hidden_size)))  # dL/dc_T = 1
    for record in reversed(records):
        _, d, _ = cell.step_backward(d, record)
    return d.c[0], records


carousel = carousel_cell(forget_bias=40.0)
dc0, records = error_reaching_back(carousel, 1000)
assert all(np.all(r.f == 1.0) and np.all(r.i == 0.0) for r in records)
assert np.array_equal(dc0, np.ones(4))
print("f = 1.0 and i = 0.0 exactly at all 1,000 steps; dL/dc_0 =", dc0, ": exactly the error put in at the end.")

# %% [markdown] slideshow={"slide_type": "fragment"}
# 同一个单元把遗忘门偏置换成 3（f = 0.953），每一步都把误差乘以 f：

# %% slideshow={"slide_type": "fragment"}
for steps in (10, 100, 1000):
    dc0, records = error_reaching_back(carousel_cell(forget_bias=3.0), steps)
    product = np.prod([r.f[0] for r in records], axis=0)
    assert np.allclose(dc0, product, rtol=1e-9)
    print(f"{steps:5d} steps: dL/dc_0 = {dc0[0]:.3g} = f^{steps} (f = {float(sigmoid(3.0)):.4f})")
print("A forget gate below 1 is a leak: slow with bias 3, but after 1,000 steps almost nothing is left.")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 门带来了什么
#
# 不加门的传送带会把每个输入永远加进单元状态，也会时时刻刻把单元状态展示给网络的所有部分。
# Hochreiter 和 Schmidhuber（§3.2–4）加了门来保护它：**输入门**（input gate）把无关的输入挡在外面（*输入权重冲突*，input weight conflict），**输出门**（output gate）在需要之前不让存着的值干扰网络的其余部分（*输出权重冲突*，output weight conflict）。Gers 等人（2000）又加了**遗忘门**（forget
# gate），让单元状态可以被清空。
#
# 单个单元的演示：第 0 步写入一个值（i = 1），随机干扰输入经过时保持住它（f = 1、i = 0），在最后一步读出（o = 1）。门由输入里的标志位打开。

# %% slideshow={"slide_type": "fragment"}
SHUT, OPEN = -40.0, 40.0  # sigmoid(-40) = 0.0 and sigmoid(40) = 1.0 exactly (checked above)
INPUTS = ("value", "write", "read")  # what each step shows the cell
# gate: (the input it reads, its weight, its bias). A flag of 1 moves a gate from SHUT to OPEN.
GATES = {
    "i": ("write", OPEN - SHUT, SHUT),  # shut, open on a write
    "f": (None, 0.0, OPEN),  # always open: keep (forget_bias replaces OPEN below)
    "g": ("value", 1.0, 0.0),  # the candidate: tanh(value)
    "o": ("read", OPEN - SHUT, SHUT),  # shut, open on a read
}


def write_keep_read_cell(forget_bias=OPEN):
    """One LSTM unit wired by the GATES table; W_h = 0, so only the flags move the gates."""
    cell = LSTMCell(len(INPUTS), 1, seed=0)
    p = cell.params
    p["W_h"][:] = 0.0
    p["W_x"][:] = 0.0
    for block, (gate, (source, weight, bias)) in enumerate(GATES.items()):  # blocks in order i, f, g, o
        if source is not None:
            p["W_x"][INPUTS.index(source), block] = weight
        p["b"][block] = forget_bias if gate == "f" else bias
    return cell


print("gate  reads    weight   bias")
for gate, (source, weight, bias) in GATES.items():
    print(f"{gate:>4}  {source or '-':6s} {weight:7.0f} {bias:6.0f}")


def write_then_read(cell, gap, value=0.8, seed=0):
    x = np.zeros((1, gap + 1, 3))
    x[0, :, 0] = np.random.default_rng(seed).uniform(-1, 1, gap + 1)  # distractors
    x[0, 0] = (value, 1.0, 0.0)  # write the value at step 0
    x[0, -1, 2] = 1.0  # read at the last step
    outputs, final, cache = dynamic_rnn(cell, x, return_cache=True)
    d_out = np.zeros_like(outputs)
    d_out[0, -1, 0] = 1.0  # dL/dh_T = 1
    d_inputs, _, _ = bptt(cell, d_out, cache)
    return outputs[0, :, 0], d_inputs[0, 0, 0]  # the outputs, and dh_T / d(value written at step 0)


for gap in (10, 100, 1000):
    h, grad = write_then_read(write_keep_read_cell(), gap)
    assert np.all(h[:-1] == 0.0) and h[-1] == np.tanh(np.tanh(0.8))
    print(f"gap {gap:4d}: h = 0 until the read, then tanh(tanh(0.8)) = {h[-1]:.4f}; dh_T/dvalue_0 = {grad:.6f}")
print("The same number whatever the gap: the input gate kept 1,000 distractors out, the output gate")
print("hid the cell until the read, and the error reaches the written value undiminished.")

# %% [markdown] slideshow={"slide_type": "fragment"}
# 间隔 10 步的那次运行中，各个门每一步的取值（投影时看数字，不必看权重）：

# %% slideshow={"slide_type": "fragment"}
demo = write_keep_read_cell()
x_demo = np.zeros((1, 11, 3))
x_demo[0, :, 0] = np.random.default_rng(0).uniform(-1, 1, 11)
x_demo[0, 0] = (0.8, 1.0, 0.0)
x_demo[0, -1, 2] = 1.0
state = demo.zero_state(1)
print("step  value write read |   i    f    o |     c      h")
for t in range(11):
    state, rec = demo.step(x_demo[:, t], state)
    if t in (0, 1, 2, 9, 10):
        v, w, r = x_demo[0, t]
        print(f"{t:4d} {v:+6.2f} {w:5.0f} {r:4.0f} | {rec.i[0, 0]:3.0f}  {rec.f[0, 0]:3.0f}  {rec.o[0, 0]:3.0f} | "
              f"{state.c[0, 0]:+.3f} {state.h[0, 0]:+.3f}")
    elif t == 3:
        print(" ...")
assert state.c[0, 0] == np.tanh(0.8) and state.h[0, 0] == np.tanh(np.tanh(0.8))

# %% slideshow={"slide_type": "fragment"}
_, leak = write_then_read(write_keep_read_cell(forget_bias=3.0), 100)
_, kept = write_then_read(write_keep_read_cell(), 100)
print(f"With a forget gate of 0.953 instead of 1.0: the gradient after a 100-step gap is {leak:.2g} "
      f"instead of {kept:.2g}.")
assert leak < 0.05 * kept

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### “连乘变成线性加和”：哪个乘积没了，哪个还在
#
# > 将梯度计算中的连乘变成的线性加和，即梯度长时间持续流动
#
# 消失的是**权重矩阵**的乘积：沿 $h$，RNN 每一步都要乘以
# $\operatorname{diag}(1-h_k^2)\,W_h^\top$；沿 $c$，LSTM 根本不乘任何矩阵。但还剩一个乘积：遗忘门的乘积，
# $\partial c_T/\partial c_0 = \prod_t f_t$（逐元素）。下面用本包的反向传播来测，所用单元的门随输入变化，而 W_h 为零，这样 c_{t−1} 只能沿单元状态这条路径到达 c_T：

# %% slideshow={"slide_type": "fragment"}
varying = LSTMCell(3, 4, seed=1, forget_bias=2.0)
varying.params["W_h"][:] = 0.0  # no path through h: what is left is the cell path
x_var = np.random.default_rng(1).standard_normal((1, 100, 3))
state, c_records = varying.zero_state(1), []
for t in range(100):
    state, record = varying.step(x_var[:, t], state)
    c_records.append(record)
d = LSTMState(np.zeros((1, 4)), np.ones((1, 4)))  # dL/dc_100 = 1
for record in reversed(c_records):
    _, d, _ = varying.step_backward(d, record)  # the package's backward step, gates and all
f_values = [r.f[0] for r in c_records]
product = np.prod(f_values, axis=0)
assert np.allclose(d.c[0], product, rtol=1e-9)
print("f varies between", np.round(np.min(f_values), 2), "and", np.round(np.max(f_values), 2), "over the 100 steps")
print("∂c_100/∂c_0 along the cell path = ∏ f_t per unit:", ", ".join(f"{v:.0e}" for v in product))
assert product.max() < 1e-2
print("No weight matrix in the product, but 100 forget gates below 1 still multiply to less than 1%.")
print("The carousel keeps the error only where the forget gates stay near 1: the bias of section 3.")

# %% [markdown] slideshow={"slide_type": "notes"}
# 笔记的总结，照它的说法：RNN 每一步都把记忆乘上 W 和激活函数的导数，所以记忆衰减得很快；LSTM 把记忆和输入*相加*，旧的记忆不会被乘没。单纯相加“太线性”，于是加入了输入门和输出门，后来又加了遗忘门。遗忘门又把乘法带了回来（f < 1）：上一张幻灯片把它算了出来。

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 5 · 梯度爆炸：Pascanu 的悬崖
#
# 一个单元，两个参数（Pascanu, Mikolov & Bengio 2013，图 6）：
#
# $$x_t = w\,\sigma(x_{t-1}) + b,\qquad x_0 = 0.5,\qquad E(w, b) = \big(\sigma(x_{50}) - 0.7\big)^2$$
#
# $w$ 大于 4 左右时，这个单元有两个稳定状态，$b$ 越过某条线时，$x_{50}$ 就在两者之间切换。损失在那里像悬崖一样陡降。`lstm_lesson/experiments/cliff.py` 通过 50 步的反向传播计算 $E$ 及其梯度，一次算完整个 $(w, b)$ 网格。

# %% slideshow={"slide_type": "fragment"}
W_grid, B_grid = np.meshgrid(np.linspace(-2, 16, 241), np.linspace(-12, 4, 201))
E_grid = cliff_loss(W_grid, B_grid)
w0, b0 = np.meshgrid(np.linspace(0, 16, 41), np.linspace(-12, 2, 29))  # 1,189 starting points
free = descend(w0, b0, lr=0.5, steps=300)
clipped = descend(w0, b0, lr=0.5, steps=300, clip=1.0)
jumped = free.jump > 5
valley_free = int((free.loss[-1][jumped] < 0.01).sum())
valley_clipped = int((clipped.loss[-1][jumped] < 0.01).sum())

# %% slideshow={"slide_type": "fragment"} tags=["nbval-ignore-output"]
# The exact counts depend on where paths land near the wall, so they may differ a little elsewhere.
print(f"{w0.size} starts, 300 steps of gradient descent, lr 0.5.")
print(f"Without clipping: {jumped.sum()} starts took a single step longer than 5 units "
      f"(the longest: {free.jump.max():.0f} units); {valley_free} of them ended in the valley (E < 0.01).")
print(f"With clipping at norm 1: the longest step is {clipped.jump.max():.2f} units (= lr × threshold); "
      f"{valley_clipped} of those starts ended in the valley.")

# %% slideshow={"slide_type": "fragment"}
assert jumped.sum() >= 5 and free.jump.max() > 100 and clipped.jump.max() <= 0.5 + 1e-12
print("Without clipping, several starts took single steps of more than 100 units.")
print("With clipping, no step was longer than 0.5 = learning rate × threshold.")

# %% slideshow={"slide_type": "subslide"}
fig, axes = plt.subplots(1, 2, figsize=(11, 4.2), sharey=True)
for ax, paths, title in ((axes[0], free, "no clipping"), (axes[1], clipped, "clipped at norm 1")):
    im = ax.imshow(E_grid, origin="lower", extent=(-2, 16, -12, 4), aspect="auto", cmap="viridis")
    for i, j in np.argwhere(jumped):
        _ = ax.plot(paths.w[:, i, j], paths.b[:, i, j], color="white", lw=0.8)
        _ = ax.plot(paths.w[0, i, j], paths.b[0, i, j], "o", color="white", ms=3)
    _ = ax.set(xlim=(-2, 16), ylim=(-12, 4), xlabel="w", title=title)
_ = axes[0].set_ylabel("b")
_ = fig.suptitle("Gradient descent from the starts (dots) that jumped without clipping; the valley is dark, top left")
_ = fig.colorbar(im, ax=axes, label="E(w, b)")
plt.show()

# %% slideshow={"slide_type": "fragment"}
assert valley_free <= 0.2 * jumped.sum() and valley_clipped >= 0.6 * jumped.sum()
print("Of the starts that jumped, at most 20% reached the valley (E < 0.01) without clipping and at")
print("least 60% with it: the step on the wall threw them onto the far plateau; clipped, they walked down.")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 这堵墙有多薄？
#
# 在 $w = 8$ 处，用二分法找出 $E$ 陡降处的 $b$，再看紧挨着它的梯度。

# %% slideshow={"slide_type": "fragment"} tags=["nbval-ignore-output"]
wall = find_wall(8.0, -5.0, -3.0)
print(f"At w = 8 the wall is at b = {wall:.4f}.")
for d in (-1e-2, -1e-6, -1e-12, 1e-12, 1e-6, 1e-2):
    E, dw, db = cliff_loss_and_grad(8.0, wall + d)
    print(f"  b = wall {d:+.0e}: E = {float(E):.3f}, ‖gradient‖ = {power_of_ten(np.log10(np.hypot(dw, db)))}")

# %% slideshow={"slide_type": "fragment"}
near = min(np.hypot(*cliff_loss_and_grad(8.0, wall + d)[1:]) for d in (-1e-12, 1e-12))
far = max(np.hypot(*cliff_loss_and_grad(8.0, wall + d)[1:]) for d in (-1e-2, 1e-2))
assert near > 1e4 and far < 0.1
print("A hundredth away the gradient is below 0.1; a trillionth away it is above 10,000.")
print("Gradient descent sees a gentle slope, then one enormous step: Pascanu's Algorithm 1 caps it.")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 动手试试：自己走下悬崖
#
# 下面的起点是不裁剪时跳得最远的那个。调一调学习率，打开梯度裁剪（0 = 关闭），或者换一个起点，观察路径（白色；红圈是 300 步后停下的位置）。

# %% slideshow={"slide_type": "fragment"} tags=["nbval-ignore-output"]
i, j = np.unravel_index(np.argmax(free.jump), free.jump.shape)
CliffDescent(w0=float(w0[i, j]), b0=float(b0[i, j]), lr=0.5, clip=0.0)

# %% slideshow={"slide_type": "fragment"}
wild = descent_summary(float(w0[i, j]), float(b0[i, j]), lr=0.5, clip=0)
tame = descent_summary(float(w0[i, j]), float(b0[i, j]), lr=0.5, clip=1.0)
assert wild["longest_step"] > 100 and tame["longest_step"] <= 0.5 + 1e-12
print(f"From w = {w0[i, j]:.1f}, b = {b0[i, j]:.1f}: without clipping one step is longer than 100 units;")
print("clipped at 1, no step is longer than 0.5, the widget's starting settings.")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 真实训练中的梯度裁剪
#
# `lstm_lesson.core.optim.clip_by_global_norm` 就是作用于模型全部梯度的算法 1：若 $\|g\| \ge$ threshold（阈值），则 $g \leftarrow \text{threshold}\cdot g/\|g\|$。这里一个有 16 个隐藏单元、初始 λ1 = 3 的 RNN 在第 6 节的加法问题上用普通 SGD 训练，学习率 0.5，三个随机种子（seed），用阈值为 1 的裁剪和不裁剪各训练一遍。
#
# λ1 = 3 高于 1/γ = 1：爆炸是*可能*的，而非必然（第 3 节的“动手试试”：初始化时，往回 99 步后，有些权重让误差缩小，有些让它增大）。所以来测一下实际发生了什么：训练每一步的 λ1 和梯度范数。

# %% slideshow={"slide_type": "fragment"} tags=["nbval-ignore-output"]
traces = {(clip, seed): spectral_trace(seed, clip=clip) for clip in (None, 1.0) for seed in range(3)}
for (clip, seed), tr in traces.items():
    print(f"clip {clip}, seed {seed}: start λ1 = {tr['lambda1'][0]:.1f}, gradient norm {tr['norm'][0]:5.1f}; "
          f"largest λ1 {power_of_ten(np.log10(tr['lambda1'].max())):>6}, largest norm "
          f"{power_of_ten(np.log10(tr['norm'].max())):>6} ({len(tr['loss'])} steps)")

# %% slideshow={"slide_type": "fragment"}
free_tr = [tr for (c, _), tr in traces.items() if c is None]
safe_tr = [tr for (c, _), tr in traces.items() if c is not None]
assert all(tr["norm"][0] < 50 for tr in traces.values())
assert all(tr["lambda1"].max() > 10 and tr["norm"].max() > 1e3 for tr in free_tr)
assert all(tr["lambda1"].max() < 4 and tr["norm"].max() < 50 for tr in safe_tr)
print("At λ1 = 3 every run starts with a gradient norm below 50: nothing has exploded yet.")
print("Without clipping the first large steps raise λ1 above 10 and the norm above 1,000: training itself")
print("drives the RNN into the exploding regime. Clipped, λ1 stays below 4 and the norm below 50.")

# %% slideshow={"slide_type": "fragment"} tags=["nbval-ignore-output"]
clip_runs = {}
for clip in (None, 1.0):
    for seed in range(3):
        clip_runs[clip, seed] = run = train_adding(
            "rnn", spectral_scale=3.0, optimizer="sgd", lr=0.5, clip=clip, max_steps=300, length=30,
            seed=seed, test_size=256)
        print(f"clip {clip}, seed {seed}: {run.steps:3d} steps, largest gradient norm {max(run.norms):9.3g}, "
              f"largest loss {max(run.losses):9.3g}" + ("  -> diverged" if run.diverged else ""))

# %% slideshow={"slide_type": "subslide"}
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 3.6))
for (clip, seed), run in clip_runs.items():
    style = dict(color="#d55e00" if clip is None else "#0072b2", alpha=0.8)
    label = ("no clipping" if clip is None else "clipped at 1") if seed == 0 else None
    _ = ax1.semilogy(run.losses, label=label, **style)
    _ = ax2.semilogy(run.norms, **style)
_ = ax1.set(xlabel="training step", ylabel="training loss", title="RNN, λ1 = 3, SGD lr 0.5")
_ = ax1.legend()
_ = ax2.axhline(1.0, color="grey", ls=":")
_ = ax2.set(xlabel="training step", ylabel="gradient norm (before clipping)", title="What clipping cut")
plt.show()

# %% slideshow={"slide_type": "fragment"}
free_runs = [r for (c, _), r in clip_runs.items() if c is None]
safe_runs = [r for (c, _), r in clip_runs.items() if c is not None]
assert all(max(r.losses) > 1e3 for r in free_runs)
assert not any(r.diverged for r in safe_runs) and max(max(r.losses) for r in safe_runs) < 10
print("Without clipping the loss rose above 1,000 in all 3 runs (the targets lie in [0, 1]);")
print("runs whose loss passed 1e6 were stopped as diverged.")
print("With clipping all 3 trained for 300 steps with the loss below 10.")

# %% [markdown] slideshow={"slide_type": "fragment"}
# 梯度裁剪并不能让 RNN *学会*这个任务（第 6 节表明它学不会）；它让一个本会在第一道悬崖就把权重甩飞的学习率变得可用。下面的运行用 Adam（它本身已经按每个权重缩放步长），再加上阈值为 1 的裁剪作为保险。

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 6 · 1997 年的长时滞结果，小规模重现
#
# **加法问题**（Hochreiter & Schmidhuber 1997，实验 4）。每一步给出一对数（[−1, 1] 中的值，标记）。规则：
#
# - 有两步标记为 **1**：一个在前十步之中，一个在前 T/2 − 1 步之中；
# - **第一步和最后一步**标记为 **−1**：“序列开始”和“现在回答”；
# - 在末尾，网络必须输出 $0.5 + (X_1 + X_2)/4$，即两个被标记值之和缩放到 [0, 1]；误差小于 **0.04**
#   就算答对；
# - 标记落在第一步时，1 取代那里的 −1，论文把该值设为零。
#
# 标记与回答之间的时滞至少为 T/2。

# %% slideshow={"slide_type": "fragment"}
xs, ys = adding_batch(1, 24, np.random.default_rng(0))
marks = np.flatnonzero(xs[0, :, 1] == 1)
print("values :", " ".join(f"{v:+.1f}" for v in xs[0, :, 0]))
print("markers:", " ".join(f"{m:+4.0f}" for m in xs[0, :, 1]))
print(f"marked values {xs[0, marks, 0].round(3)} -> target 0.5 + sum/4 = {ys[0]:.3f}")
assert np.isclose(ys[0], 0.5 + xs[0, marks, 0].sum() / 4) and 0 not in marks
assert xs[0, 0, 1] == xs[0, -1, 1] == -1

# %% slideshow={"slide_type": "fragment"}
_, many = adding_batch(100_000, 50, np.random.default_rng(0))
half = fraction_correct(np.full_like(many, 0.5), many)
print(f"The trivial baseline: always answering 0.5 is right on {half:.1%} of 100,000 sequences (T = 50).")
assert 0.14 < half < 0.17
print("Any success rate near 15% means nothing was learned; every rate below is printed beside this baseline.")

# %% [markdown] slideshow={"slide_type": "subslide"}
# T = 50（时滞 ≥ 25）。一个 16 个单元、遗忘门偏置为 3 的 LSTM，和一个 32 个单元的普通 tanh RNN
# （权重数量大致相同），都用 Adam（学习率 0.01）训练，每个批次（batch，d2l-zh 称小批量）是 32 条新生成的序列，裁剪阈值为 1，直到 256 条校验序列答对 95%，或用完同样的 3,000 步预算为止；各 3 个种子。然后像论文那样，用 2,560 条新序列测试。这场比赛大约要一分钟，所以本包只跑了一次（`lstm_lesson.experiments.adding_experiments` 中的 `long_lag_race()`）并存下了结果；测试会重算一次带种子的运行。想现场跑一次：`train_adding("lstm", length=50, hidden_size=16, gate_bias=3.0, seed=0, max_steps=3000)`。

# %% slideshow={"slide_type": "fragment"}
sizes = {cell: sum(p.size for p in AddingModel(cell, h).params.values()) for cell, h in (("lstm", 16), ("rnn", 32))}
print(f"weights: LSTM with 16 units {sizes['lstm']:,}; RNN with 32 units {sizes['rnn']:,} (read-out included)")
assert abs(sizes["lstm"] - sizes["rnn"]) < 0.1 * sizes["lstm"]

# %% slideshow={"slide_type": "fragment"}
long_lag = load_long_lag_race()
budget_steps = long_lag["settings"]["max_steps"]
lstm_runs = [r for r in long_lag["runs"] if r["cell"] == "lstm"]
rnn_runs = [r for r in long_lag["runs"] if r["cell"] == "rnn"]
for r in long_lag["runs"]:
    print(f"{r['cell'].upper():4s} seed {r['seed']}: solved={r['solved']} after {r['steps']:,} steps "
          f"({r['sequences']:,} sequences), {r['test_correct']:.1%} of test sequences right "
          f"(always 0.5: {r['baseline']:.1%}), {r['seconds']:.0f} s")

# %% slideshow={"slide_type": "subslide"}
fig, ax = plt.subplots(figsize=(8, 3.4))
for r in long_lag["runs"]:
    steps, right = zip(*r["history"])
    _ = ax.plot(steps, right, color="#0072b2" if r["cell"] == "lstm" else "#d55e00", lw=2,
                ls=("-", "--", ":")[r["seed"]], label=f"{r['cell'].upper()} seed {r['seed']}")
_ = ax.axhline(0.95, color="grey", ls=":", label="solved (95%)")
_ = ax.axhline(half, color="black", lw=0.8, ls="-.", label="always 0.5")
_ = ax.set(xlabel="training step (32 sequences each)", ylabel="check sequences right", ylim=(0, 1.02),
           title="The adding problem, T = 50 (stored run)")
_ = ax.legend(ncol=2, fontsize=8)
plt.show()

# %% slideshow={"slide_type": "fragment"}
assert all(r["solved"] and r["test_correct"] >= 0.9 for r in lstm_runs)
assert not any(r["solved"] for r in rnn_runs) and all(r["steps"] == budget_steps for r in rnn_runs)
assert all(abs(r["test_correct"] - r["baseline"]) < 0.03 for r in rnn_runs)
assert all(2 * r["steps"] <= budget_steps for r in lstm_runs)  # the budget is at least twice what the LSTM needed
assert all(r["clipped_share"] < 0.1 for r in lstm_runs)
print(f"LSTM: 3 of 3 runs solved, each within half of the {budget_steps:,}-step budget; at least 90% of")
print("2,560 test sequences right.")
print(f"RNN: 0 of 3 solved in the same {budget_steps:,} steps; its test scores are within 3 points of always")
print("answering 0.5 on the same test sets: the RNN learned nothing about the marked values.")
print("Clipping at 1 was active on fewer than 10% of the LSTM's Adam steps: with Adam it is a safety net.")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 与论文的表 7 对照
#
# Hochreiter & Schmidhuber（1997）的表 7 有五列：T、最小时滞、权重数、2,560 条测试序列中预测错误的条数，以及直到成功所用的训练序列数；结果是 10 次试验的平均。把他们 T = 100 的那一行和我们的运行逐列并排：

# %% slideshow={"slide_type": "fragment"}
lstm_weights = sizes["lstm"]
rows = ["| | T | minimal lag | weights | wrong of 2,560 test sequences | training sequences until success |",
        "|---|---|---|---|---|---|",
        "| 1997, LSTM (mean of 10 trials) | 100 | 50 | 93 | 1 | 74,000 |"]
for r in lstm_runs:
    wrong = round((1 - r["test_correct"]) * 2560)
    rows.append(f"| here, LSTM seed {r['seed']} | 50 | {50 // 2} | {lstm_weights:,} | {wrong:,} | {r['sequences']:,} |")
for r in rnn_runs:
    wrong = round((1 - r["test_correct"]) * 2560)
    rows.append(f"| here, RNN seed {r['seed']} | 50 | {50 // 2} | {sizes['rnn']:,} | {wrong:,} (always 0.5: "
                f"{round((1 - r['baseline']) * 2560):,}) | not solved in {r['sequences']:,} |")
display(Markdown("\n".join(rows)))
assert lstm_weights > 10 * 93

# %% [markdown] slideshow={"slide_type": "fragment"}
# 两者的区别：
#
# | | 1997 | 本课 |
# |---|---|---|
# | 序列长度 | 长度在 [T, T + T/10] 中随机抽取 | T = 50，固定 |
# | 网络 | 2 个记忆块（memory block），每块 2 个记忆元（memory cell），没有遗忘门：93 个权重 | 16 个单元，带遗忘门，偏置 3（f ≈ 0.95）：权重数是它的 13 倍 |
# | 训练 | 在线训练，每条序列更新一次 | Adam，学习率 0.01，每次更新 32 条序列，裁剪阈值 1 |
# | 何时停止 | *停止准则*（stopping criterion）：平均训练误差 < 0.01，且最近 2,000 条训练序列全部答对 | 256 条校验序列答对 95% |
# | 其他方法 | 论文说该任务 "has never been solved by other recurrent net algorithms"（译文：从未被其他循环网络算法解决过），但并没有运行它们 | 同样大小、同样预算的普通 RNN：成绩与总是回答 0.5 相当 |
#
# 模式与论文一致：LSTM 解决了它，RNN 连起步都没有。数字不能一一对比：我们的时滞是他们的一半，网络更大，优化器更强，停止规则更宽松，而且我们跑了 3 个种子，不是 10 个。第 3 课里有一场类似的比赛，不带遗忘门偏置。

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 截断 BPTT：窗口短于时滞就学不会
#
# 第 5 课在窗口上训练，第 6 课在每个窗口的起点切断梯度：这就是*截断*（truncated）通过时间反向传播。这里来自答案的误差只允许往回流 `window` 步。T = 40 时，标记位于最后一步之前至少 20 步（第一个标记至少 30 步）。这次运行对课堂来说太长（约一分钟），所以本包只跑了一次，即
# `lstm_lesson.experiments.adding_experiments` 中的 `truncation_race()`，并存下了结果；这个单元格读取它，测试会重算其中带种子的一部分并比较。

# %% slideshow={"slide_type": "fragment"}
stored = load_truncation_race()
cfg = stored["settings"]
print(f"LSTM, forget bias {cfg['forget_bias']}, T = {cfg['length']}, up to {cfg['max_steps']:,} Adam steps, "
      f"seeds {cfg['seeds']}:")
by_window = {}
for run in stored["runs"]:
    by_window.setdefault(run["window"], []).append(run)
for window, group in by_window.items():
    rates = [r["test_correct"] for r in group]
    print(f"  window {window:2d}: solved {sum(r['solved'] for r in group)} of {len(group)}; test right "
          f"{np.mean(rates):.1%} (from {min(rates):.1%} to {max(rates):.1%}); always 0.5: "
          f"{np.mean([r['baseline'] for r in group]):.1%}")
short = [r for w, g in by_window.items() if w <= 20 for r in g]
full = by_window[cfg["length"]]
assert len(full) >= 3 and all(r["solved"] for r in full)
assert not any(r["solved"] for r in short) and all(abs(r["test_correct"] - r["baseline"]) < 0.03 for r in short)
print("Windows of 10 and 20 steps, shorter than every lag: no run solved it, all at the always-0.5 baseline.")
print("A window as long as the sequence: every run solved it. Recompute: truncation_race() (about a minute).")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 练习题
#
# 每道练习都有一个自测，会指出错在哪一项。把答案写在新的单元格里，然后调用自测。每道题后面的折叠单元格里有参考答案：请先自己尝试，再特意打开它。给出的“第一次尝试”都是常见错误；notebook 不打印对它们的判定（`assert not first_try`）：打印它，或打印你自己尝试的判定，就能读到提示。会打印结论的自测都是在参考答案上运行的。
#
# ### 练习 1：乘积中的一个因子
# 编写 `rnn_jacobian(h_prev, h_t, W_h)`，返回本包 RNN 的 (H, H) 矩阵 $\partial h_t / \partial
# h_{t-1}$，第 [i, j] 个元素为 ∂h_t[i]/∂h_{t−1}[j]。自测：`check_rnn_jacobian(rnn_jacobian)`。

# %% slideshow={"slide_type": "fragment"}
def rnn_jacobian_first_try(h_prev, h_t, W_h):  # a common first attempt
    return np.diag(1 - h_t ** 2) @ W_h


first_try = check_rnn_jacobian(rnn_jacobian_first_try)
assert not first_try  # print(first_try) to read what the check says about it


# %% jupyter={"source_hidden": true} slideshow={"slide_type": "skip"}
# Worked solution. h_t = tanh(... + h_{t-1} @ W_h): unit i of h_t reads h_{t-1}[j] through W_h[j, i],
# and tanh' = 1 - h_t^2 is taken per output unit i (the rows).
def rnn_jacobian_solution(h_prev, h_t, W_h):
    return np.diag(1 - h_t ** 2) @ W_h.T


# %% slideshow={"slide_type": "fragment"}
feedback = check_rnn_jacobian(rnn_jacobian_solution)
print(feedback)
assert feedback

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 练习 2：Pascanu 的条件
# 编写 `vanishing_guaranteed(W_hh, activation)`：当 λ1 < 1/γ 保证梯度消失时返回 True（activation
# 为 "tanh" 或 "sigmoid"）。自测：`check_vanishing_guaranteed(vanishing_guaranteed)`。

# %% jupyter={"source_hidden": true} slideshow={"slide_type": "skip"}
# Worked solution: the largest SINGULAR value (not the largest eigenvalue, not the Frobenius norm).
def vanishing_guaranteed_solution(W_hh, activation):
    gamma = {"tanh": 1.0, "sigmoid": 0.25}[activation]
    return bool(np.linalg.svd(W_hh, compute_uv=False)[0] < 1 / gamma)


# %% slideshow={"slide_type": "fragment"}
feedback = check_vanishing_guaranteed(vanishing_guaranteed_solution)
print(feedback)
assert feedback
# a mistake: the largest |eigenvalue| instead of the largest singular value
def by_eigenvalues(W, activation):
    return bool(np.abs(np.linalg.eigvals(W)).max() < (4 if activation == "sigmoid" else 1))


assert not check_vanishing_guaranteed(by_eigenvalues)  # print it to read why

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 练习 3：算法 1
# 编写 `clip(grads, threshold)`：给定一个由梯度数组组成的 dict，返回一个新的 dict；当这些梯度的全局范数达到阈值时，把它们一起按比例缩小。自测：`check_clip(clip)`。
#
# （逐个数值单独裁剪，比如 Karpathy 的 min-char-rnn 里的 `np.clip(g, -5, 5)`，是许多人在用的正当替代做法；但它会改变梯度的方向，也不是这个自测要求的 Pascanu 算法 1。）

# %% jupyter={"source_hidden": true} slideshow={"slide_type": "skip"}
# Worked solution: ONE norm over all arrays; the same factor for every array keeps the direction.
def clip_solution(grads, threshold):
    norm = np.sqrt(sum(np.sum(g ** 2) for g in grads.values()))
    scale = threshold / norm if norm >= threshold else 1.0
    return {name: g * scale for name, g in grads.items()}


# %% slideshow={"slide_type": "fragment"}
feedback = check_clip(clip_solution)
print(feedback)
assert feedback
by_value = check_clip(lambda grads, t: {k: np.clip(g, -t, t) for k, g in grads.items()})
assert not by_value  # clipping each number on its own is not Algorithm 1 (print it to read why)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 练习 4：有泄漏的传送带
# 给定第 1..T 步的遗忘门 `f`（形状 (T, H)），返回沿单元状态路径的 $\partial c_T / \partial c_0$，形状 (H,)。然后先在纸上预测：f = 0.953 时，500 步后还剩多少误差（第 4 节打印了 10、100 和
# 1,000 步的结果），再与你的函数比较。自测：`check_carousel_factor(carousel_factor)`。

# %% jupyter={"source_hidden": true} slideshow={"slide_type": "skip"}
# Worked solution: c_t = f_t c_{t-1} + ..., so each step multiplies by its own f_t.
def carousel_factor_solution(f):
    return np.prod(f, axis=0)


# %% slideshow={"slide_type": "fragment"}
feedback = check_carousel_factor(carousel_factor_solution)
print(feedback)
assert feedback
f500 = np.full((500, 1), float(sigmoid(3.0)))
assert np.isclose(carousel_factor_solution(f500)[0], float(sigmoid(3.0)) ** 500)
# your prediction first; then print(carousel_factor_solution(f500)) to compare

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 要点
#
# - BPTT 每一步乘上一个雅可比矩阵；乘积按几何级数缩小或增大，而 λ1 < 1/γ 保证它缩小（tanh 的
#   γ = 1，sigmoid 的 γ = 1/4：即 Hochreiter 的 |w| < 4）。
# - 实测：往回 99 步后，刚初始化、λ1 ≤ 1.5 的 RNN 保留的误差不到 1e-5；LSTM 保留多少取决于遗忘门放行多少：偏置 0 时不到 1e-10，偏置 3 时超过 1%。
# - f = 1、i = 0 时，单元状态能把误差原样传过任意多步：这就是常数误差传送带。门决定什么进入、什么被展示出来。
# - 梯度爆炸就是悬崖：先是缓坡，然后是一堵墙。梯度裁剪保留每一步的方向，只限制它的长度。
# - 在加法问题上，LSTM 解决了 25 步以上的时滞（3 个种子全部成功，在存下这次运行的 2 个共享核心上每个种子 4 到 10 秒）；
#   RNN 的得分和总是回答 0.5 一样（约 15%）：它什么也没学到。
# - 窗口短于时滞的截断 BPTT 学不会这个任务；完整窗口可以（已存储的运行结果，每种窗口 3 个种子）。
#
# **下一课（第 5 课）：** 把一段长文本切成一批批窗口，即训练这些单元的实践层面。（第 3 课展示了门限回归单元（GRU，d2l-zh 称门控循环单元）和带窥视孔连接（peephole connections）的 LSTM，以及一场遗忘门偏置比单元类型更要紧的比赛。）

# %% slideshow={"slide_type": "skip"} tags=["nbval-ignore-output"]
print(f"Whole notebook: {time.perf_counter() - notebook_start:.0f} s elapsed")
