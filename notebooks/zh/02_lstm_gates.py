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
# **02 · 长短期记忆网络（LSTM）：两种记忆，四个门**
#
# 1. 长期记忆 *c* 与短期记忆 *h*；笔记对门的两种讲法。
# 2. 按笔记的顺序讲四个门，每个门都先手算，再与包的结果对照。
# 3. 使用门的两种讲法；1997 年的 LSTM，以及遗忘门从何而来（实测）。
# 4. 笔记里狼的故事：这次有两种记忆，门由手工设定。
# 5. 回答第 1 课留下的悬念：同一个回忆实验，循环神经网络（RNN）与 LSTM 并排比较。
# 6. 门控探索器、门在真实字符序列上的变化，以及每个数组的形状。

# %% slideshow={"slide_type": "skip"}
import math

import matplotlib.pyplot as plt
import numpy as np
from IPython.display import SVG, display

from lstm_lesson import CharModel, LSTMCell, LSTMState, MultiRNNCell, dynamic_rnn, set_language, sigmoid
from lstm_lesson.classroom.diagrams import gate_heatmap_svg, lstm_cell_svg
from lstm_lesson.classroom.exercises.lesson02 import (
    GATE_EXAMPLE,
    check_cell_state,
    check_forget_gate,
    check_hidden_state,
    check_learn_gate,
    check_lstm_forward,
    check_lstm_step,
)
from lstm_lesson.classroom.widgets.gate_explorer import (
    PRESETS,
    GateExplorer,
    UnrollExplorer,
    gate_traces,
    preset_values,
)
from lstm_lesson.core.training import train
from lstm_lesson.experiments.gate_ablation import cell_state_drift
from lstm_lesson.experiments.recall import train_recall

np.set_printoptions(precision=4, suppress=True)
set_language("zh")  # 包打印的内容用中文（English: set_language("en")）

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 两种记忆
#
# > 长短记忆单元可以储存长期记忆，并且能够分别处理
#
# > 采用LSTM重点在于增加了一种单元状态cell（类似于长期记忆），sigmoid控制门是压缩至0-1的输出，即代表控制遗忘，
# > tanh压制至-1-1的输出，隐层状态由单元状态计算而得，然后继续往右边和往上边传递
#
# “往右边”是传给下一个时间步（time step），“往上边”是在堆叠 LSTM 时传给上一层（`MultiRNNCell`，第 6 课）。
#
# | 记忆 | 符号 | 笔记的叫法 | 作用 |
# |---|---|---|---|
# | 长期 | $c_t$ | 长期记忆 LTM，单元状态（cell state；d2l-zh 称记忆元） | 沿顶部那条线传下去，只被 × f 和 + (i·g) 改变 |
# | 短期 | $h_t$ | 短期记忆 STM，隐层状态（hidden state；d2l-zh 称隐状态） | 单元的输出，也是下一步各个门的输入 |

# %% slideshow={"slide_type": "subslide"} tags=["hide-input"]
display(SVG(lstm_cell_svg()))

# %% [markdown] slideshow={"slide_type": "notes"}
# 同一张图也在 `lstm_lesson.classroom.diagrams` 里（`lstm_cell_svg()`），供幻灯片和讲义使用；传入 `vocabulary="standard"` 或 `"notes"` 可以只显示一套叫法。

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### “往上边传递”：向上，传给下一层
#
# 在堆叠 LSTM 中，第 1 层的短期记忆 $h^{(1)}_t$ 既向右传（给本层的下一步），也向上传（作为第 2 层的输入 $x^{(2)}_t$）。长期记忆 $c$ 留在本层。
#
# ```
#   layer 2:   c2 ──▶ [LSTM] ──▶ [LSTM] ──▶      h2_t ──▶ 输出
#                       ▲          ▲
#   layer 1:   c1 ──▶ [LSTM] ──▶ [LSTM] ──▶      h1_t 既向右，也向上
#                       ▲          ▲
#                      x_1        x_2
# ```

# %% slideshow={"slide_type": "fragment"}
layer1, layer2 = LSTMCell(3, 4, seed=0), LSTMCell(4, 4, seed=1)
stack = MultiRNNCell([layer1, layer2])
xs = np.random.default_rng(0).standard_normal((2, 5, 3))  # (batch 2, time 5, 3 features)
top, _ = dynamic_rnn(stack, xs)
h1, _ = dynamic_rnn(layer1, xs)  # layer 1 alone: its h at every step...
h2, _ = dynamic_rnn(layer2, h1)  # ...is the input sequence of layer 2
assert np.allclose(top, h2, atol=1e-12)
print(f"The stack's output {top.shape} equals layer 2 run on layer 1's h: h goes up, c stays in its layer.")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 笔记把门讲了两遍
#
# 第一遍按 Udacity 的顺序（学习门、遗忘门、记忆门、使用门）；第二遍在讲梯度消失（vanishing gradients）的那一节，按 colah 的顺序（单元状态传递、遗忘门、更新门、输出门）。两遍讲的是同样的四步：
#
# | colah 的顺序（笔记第 2 遍） | 公式 | Udacity 的顺序（笔记第 1 遍） |
# |---|---|---|
# | 单元状态传递 | $c_{t-1}$ 在顶部那条线上 | （长期记忆 LTM） |
# | 遗忘门（forget gate） | $f_t \odot c_{t-1}$ | 2 · 遗忘门 |
# | 更新门：遗忘 + 新增 | $c_t = f_t \odot c_{t-1} + i_t \odot g_t$ | 1 · 学习门（learn gate，$i_t g_t$）和 3 · 记忆门（remember gate，$c_t$） |
# | 输出门（output gate） | $h_t = o_t \odot \tanh(c_t)$ | 4 · 使用门（use gate，有两种读法，见下文） |
#
# 笔记里的更新门是 LSTM 的单元状态更新；d2l-zh 里的更新门是 GRU 的 $z$（第 3 课）。

# %% [markdown] slideshow={"slide_type": "slide"}
# ## sigmoid 管“多少”，tanh 管“什么”
#
# 门是一个 sigmoid，σ(a) = 1 / (1 + e^(−a))：一个介于 0（关）和 1（开）之间的比例，拿去乘别的量。写入记忆的值是一个 tanh：介于 −1 和 1 之间，所以既能加，也能减。

# %% slideshow={"slide_type": "fragment"} tags=["hide-input"]
a = np.linspace(-6, 6, 241)
fig, ax = plt.subplots(figsize=(7, 3.2))
_ = ax.plot(a, sigmoid(a), lw=2, label="σ(a): gates i, f, o, in 0..1")
_ = ax.plot(a, np.tanh(a), lw=2, label="tanh(a): candidate g and tanh(c), in −1..1")
_ = ax.axhline(0, color="grey", lw=0.8)
_ = ax.set(xlabel="pre-activation a", ylim=(-1.1, 1.1))
_ = ax.legend(loc="lower right")
plt.show()

# %% slideshow={"slide_type": "fragment"} tags=["hide-input"]
extreme = np.array([-1e4, -6.0, 0.0, 6.0, 1e4])
squashed, signed = sigmoid(extreme), np.tanh(extreme)
print("a         :", extreme)
print("sigmoid(a):", squashed.round(4))
print("tanh(a)   :", signed.round(4))
assert np.all((0 <= squashed) & (squashed <= 1)) and np.all((-1 <= signed) & (signed <= 1))
assert squashed[2] == 0.5 and signed[2] == 0.0
print("Even at a = ±10⁴: sigmoid stays in [0, 1] and tanh in [−1, 1], with no overflow.")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 一步计算，逐门拆开
#
# 一个单元，一个输入，所有权重都是 1，所以每个预激活（pre-activation）就是 $a = x_t + h_{t-1} + b$。下面这一步：$x_t = 1.0$，$h_{t-1} = 0.2$，$c_{t-1} = -0.6$（长期记忆里存着一个负值），偏置 $b_i = 0$，$b_f = 1$，$b_g = -0.5$，$b_o = 0.5$。

# %% slideshow={"slide_type": "fragment"}
x, h_prev, c_prev = 1.0, 0.2, -0.6
b_i, b_f, b_g, b_o = 0.0, 1.0, -0.5, 0.5


def sig(a):
    return 1.0 / (1.0 + math.exp(-a))


a_i, a_f, a_g, a_o = (x + h_prev + bias for bias in (b_i, b_f, b_g, b_o))
print(f"pre-activations: a_i = {a_i:.1f}, a_f = {a_f:.1f}, a_g = {a_g:.1f}, a_o = {a_o:.1f}")

# the package's cell with the same numbers: W_x, W_h all ones, b in the block order i, f, g, o
lstm = LSTMCell(input_size=1, hidden_size=1)
lstm.params["W_x"][...] = 1.0
lstm.params["W_h"][...] = 1.0
lstm.params["b"][...] = [b_i, b_f, b_g, b_o]
(h_new, c_new), step = lstm.step(np.array([[x]]), LSTMState(np.array([[h_prev]]), np.array([[c_prev]])))


def side_by_side(name, by_hand, package):
    package = float(np.asarray(package).item())
    print(f"{name:<44} by hand {by_hand:+.4f}   package {package:+.4f}")
    assert abs(by_hand - package) < 1e-12


# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 1 · 学习门（learn gate）：$i_t \cdot N_t$
#
# > 学习门：通过tanh将短期记忆和当前事件结合得到Nt，并乘以遗忘因子it得Nt*it，而遗忘因子it来自于短期记忆和当前事件的另一个组合
#
# 笔记在这里也把 i_t 叫作遗忘因子；Udacity 叫它忽略因子（ignore factor），即决定放进多少 N_t。论文里它叫输入门（input gate），N_t 则是候选值 g_t（d2l-zh 称候选记忆元）。
#
# $$ N_t = g_t = \tanh(a_g) \qquad i_t = \sigma(a_i) \qquad \text{learn}_t = i_t \cdot g_t $$

# %% slideshow={"slide_type": "fragment"}
g, i = math.tanh(a_g), sig(a_i)
learn = i * g
side_by_side("candidate N_t = g = tanh(a_g)", g, step.g)
side_by_side("ignore factor i = σ(a_i)", i, step.i)
side_by_side("learn gate i·g (step.learn_gate)", learn, step.learn_gate)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 2 · 遗忘门（forget gate）：$c_{t-1} \cdot f_t$
#
# > 遗忘门：长期记忆LTM（t-1） * ft ，ft是遗忘因子，来自短期记忆和当前事件的组合
#
# f 接近 0 时抹掉记忆，接近 1 时保留记忆。
#
# $$ f_t = \sigma(a_f) \qquad \text{forget}_t = f_t \cdot c_{t-1} $$

# %% slideshow={"slide_type": "fragment"}
f = sig(a_f)
forget = f * c_prev
side_by_side("forget factor f = σ(a_f)", f, step.f)
side_by_side("forget gate f·c_prev (step.forget_gate)", forget, step.forget_gate)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 3 · 记忆门（remember gate）：新的长期记忆
#
# > 记忆门：将遗忘门输出的长期记忆和学习门学的到的短期记忆进行组合
#
# 这个组合是**求和**：在这条路径上，除了 f 之外没有任何东西去乘记忆。记忆因此能够长久保存：这就是第 4 课的常数误差传送带（constant error carousel, CEC）。
#
# $$ c_t = f_t \cdot c_{t-1} + i_t \cdot g_t $$

# %% slideshow={"slide_type": "fragment"}
c = forget + learn
side_by_side("remember gate c_t (step.remember_gate)", c, step.remember_gate)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 4 · 使用门（use gate）：新的短期记忆
#
# > 使用门：将遗忘门得到的长期记忆经过tanh后和 …
#
# 笔记里这句话没有写完（下一张幻灯片再细说）。笔记后文把 $o_t$ 也叫作遗忘因子（“经过遗忘因子后输出为隐层”）：这是笔记对每个 sigmoid 因子的统称。标准形式是：
#
# $$ o_t = \sigma(a_o) \qquad h_t = o_t \cdot \tanh(c_t) $$

# %% slideshow={"slide_type": "fragment"}
o = sig(a_o)
h = o * math.tanh(c)
side_by_side("output factor o = σ(a_o)", o, step.o)
side_by_side("use gate h_t = o·tanh(c_t) (step.use_gate)", h, step.use_gate)
print(f"\nThe old memory {c_prev:+.2f} was mostly kept (f = {f:.2f}) and {learn:+.2f} was learned:"
      f" c_t = {c:+.3f}, h_t = {h:+.3f}.")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 使用门的两种讲法
#
# 笔记先讲 Udacity 的版本：使用门把**遗忘门的输出**送进一个小的 tanh 层（有自己的权重 $W_u$），再乘以 $[h_{t-1}, x_t]$ 的一个 sigmoid：
#
# $$ U_t = \tanh(W_u\,(f_t \cdot c_{t-1}) + b_u) \qquad V_t = \sigma(W_v\,[h_{t-1}, x_t] + b_v)
#    \qquad h_t = U_t \cdot V_t $$
#
# 笔记后来又讲了标准的输出门：**新的单元状态**直接经过一个 tanh，再乘以输出门，即 $h_t = o_t \cdot \tanh(c_t)$。在同样的输入上比较两者：

# %% slideshow={"slide_type": "fragment"}
def use_gate_udacity(forget_output, h_prev, x, W_u, b_u, W_v, b_v):
    """Udacity's story: a tanh LAYER on the forget gate's output, times a sigmoid of [h_prev, x]."""
    U = np.tanh(forget_output @ W_u + b_u)
    V = sigmoid(np.concatenate([h_prev, x], axis=-1) @ W_v + b_v)
    return U * V


def use_gate_standard(c_new, o):
    """Every framework's output gate: the NEW cell state through a fixed tanh, times o."""
    return o * np.tanh(c_new)


# The kindest comparison: W_u = 1, b_u = 0 (the tanh layer adds nothing of its own) and
# W_v, b_v = the output gate's own weights, so that V_t is exactly o_t.
W_u, b_u = np.array([[1.0]]), np.array([0.0])
W_v, b_v = np.array([[1.0], [1.0]]), np.array([b_o])
V = sigmoid(np.array([[h_prev, x]]) @ W_v + b_v)
assert np.isclose(V.item(), step.o.item())
udacity = use_gate_udacity(step.forget_gate, step.h_prev, np.array([[x]]), W_u, b_u, W_v, b_v).item()
standard = use_gate_standard(step.c, step.o).item()
print(f"Udacity's use gate  o·tanh(f·c_prev) = {udacity:+.3f}")
print(f"standard use gate   o·tanh(c_t)      = {standard:+.3f}")
assert abs(udacity - standard) > 0.1
print("Different: Udacity's version reads the memory BEFORE the learn gate wrote to it.")

# %% slideshow={"slide_type": "fragment"}
# They agree only when nothing is learned (i·g = 0), then c_t = f·c_prev:
quiet = LSTMCell(1, 1)
quiet.params["W_x"][...] = 1.0
quiet.params["W_h"][...] = 1.0
quiet.params["b"][...] = [-50.0, b_f, b_g, b_o]  # input gate shut: i = σ(-48.8), about 6e-22
_, q = quiet.step(np.array([[x]]), LSTMState(np.array([[h_prev]]), np.array([[c_prev]])))
same_u = use_gate_udacity(q.forget_gate, q.h_prev, np.array([[x]]), W_u, b_u, W_v, b_v).item()
assert abs(same_u - use_gate_standard(q.c, q.o).item()) < 1e-12
print(f"With the input gate shut both give {same_u:+.3f}: the difference is exactly what was just learned.")

# %% [markdown] slideshow={"slide_type": "subslide"}
# **实际用的是哪一种？** 标准的那种，$h_t = o_t \odot \tanh(c_t)$：PyTorch 的 `nn.LSTM`、Keras 和 TensorFlow 的 `LSTM`，以及 cuDNN，用的都是它。这是今天的形式：1997 年的结构，加上 Gers, Schmidhuber & Cummins（2000）的遗忘门（其演变过程见 Greff et al. 2017）。第一篇 LSTM 论文（Hochreiter & Schmidhuber 1997）结构相同，也是输出门乘以压缩后的单元状态，只是公式不同：没有遗忘门（单元靠一个固定为 1.0 的权重保留自身的值），单元输入被压缩到 [−2, 2]，即 $g(x) = 4\sigma(x) - 2$，输出压缩函数为 $h(s) = 2\sigma(s) - 1$（等于 $\tanh(s/2)$）。本系列后面都用标准形式，因为：
#
# - 在这里训练的权重可以载入任何一个框架，并给出相同的输出（第 7 课）；
# - 输出能用到单元在这一步刚学到的内容，而不只是它保留下来的内容；
# - 单元状态经过一个没有自身权重的固定 tanh 到达 $h$，这让记忆容易解读，也让从 $h$ 到 $c$ 的梯度路径很短。
#
# Udacity 的讲法很好地描绘了这个门*做什么*（使用长期记忆，并由当前输入加以筛选）；公式则用标准形式。

# %% slideshow={"slide_type": "skip"}
s_ = np.linspace(-5, 5, 101)
assert np.allclose(2 * sigmoid(s_) - 1, np.tanh(s_ / 2), atol=1e-12)  # the 1997 h(s) is tanh(s/2)
assert np.allclose([4 * sigmoid(-50.0) - 2, 4 * sigmoid(50.0) - 2], [-2, 2])  # the 1997 g is in [-2, 2]

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 遗忘门是后来才加的
#
# > 为了让不同时序的记忆对当前影响变得可控，LSTM引入了输入门和输出门，之后又有人对LSTM进行了扩展，引入了遗忘门。
#
# 笔记讲的这段历史是对的。1997 年的单元就是常数误差传送带：$c_t = c_{t-1} + i_t g_t$，一个权重固定为 1 的自连接。Gers, Schmidhuber & Cummins（2000，“Learning to Forget: Continual Prediction with LSTM”）把这个 1 换成了门 $f_t$，因为在一条从不切分成序列（也从不重置）的长数据流上，1997 年的单元状态会漂移、不断变大。
#
# 实测：取三个随机种子（seed），让同一批未经训练的 LSTM 单元（8 个隐藏单元）读同一条由 2,000 个随机输入组成的数据流，一次用 1997 年的自连接（$f = 1$），一次用遗忘门（偏置 1）。

# %% slideshow={"slide_type": "fragment"} tags=["hide-input"]
DRIFT_SEEDS = (0, 1, 2)
drift = {name: np.array([cell_state_drift(name, seed=seed) for seed in DRIFT_SEEDS]) for name in ("NFG", "LSTM")}
fig, ax = plt.subplots(figsize=(7, 3.2))
for name, label in (("NFG", "no forget gate (1997)"), ("LSTM", "forget gate (2000), bias 1")):
    for k, trace in enumerate(drift[name]):
        _ = ax.plot(trace, lw=1.5, color="#d55e00" if name == "NFG" else "#0072b2",
                    label=label if k == 0 else None)
_ = ax.set(yscale="log", xlabel="time step of one unsegmented stream", ylabel="mean |c_t| over 8 units",
           title="The cell state on a stream that is never reset (three seeds each)")
_ = ax.legend()
plt.show()

# %% slideshow={"slide_type": "fragment"} tags=["hide-input"]
for name in ("NFG", "LSTM"):
    at = drift[name][:, [199, 1999]]
    print(f"{name:5s} mean |c| after 200 steps: {', '.join(f'{v:6.2f}' for v in at[:, 0])};"
          f"  after 2,000: {', '.join(f'{v:6.2f}' for v in at[:, 1])}")
assert np.all(drift["NFG"][:, 1999] > 5 * drift["NFG"][:, 199])  # still growing
assert np.all(drift["NFG"][:, 1999] > 10 * drift["LSTM"][:, 1999])
assert drift["LSTM"].max() < 2.0 and drift["NFG"][:, 1999].min() > 100
print("Without a forget gate |c| keeps growing (5x and more from step 200 to 2,000, every seed);")
print("with one it stays below 2: f < 1 shrinks the old memory a little every step. Without: past 100, every seed.")

# %% [markdown] slideshow={"slide_type": "fragment"}
# 状态达到 100 时，已经深入 tanh 平坦的尾部：$\tanh(c)$ 等于 ±1，单元的输出不再取决于它读到了什么，梯度 $1 - \tanh^2(c)$ 也为零。1997 年的 LSTM 靠在每个训练序列开始时重置状态来避免这一点；遗忘门则让单元能够自己重置。（第 3 课会测量：在序列**会**被重置的任务上，去掉遗忘门要付出多少代价。）

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 笔记里狼的故事：这次有两种记忆
#
# > 当前输入：狼的图像  长期记忆：自然、森林  短期记忆：松鼠和树 ---> 输出：狼概率和新的长期短期记忆
#
# 第 1 课用普通 RNN 讲过这个故事：森林出现在图片之前 10 步时，结果和抛硬币差不多（P(wolf) = 0.52），记忆已经淡去。现在换成有 4 个单元的 LSTM，每个门都**手工设定**（特征还是那几个编出来的：野性（wild）、居家（domestic）、动物外形（animal shape）；没有任何训练）：
#
# | 单元 | 遗忘门 f | 存的是什么 |
# |---|---|---|
# | 0 “wild”，1 “domestic” | 打开（偏置 +6，f = 0.998） | **长期**记忆 $c$：到目前为止见过的一切（自然、森林、松鼠、树） |
# | 2 “wild”，3 “domestic” | 关闭（偏置 −6，f = 0.002） | 只有最近一个事件：它们的 $c$ 每一步都被替换，所以它们的输出 $h$ 就是**短期**记忆 |
#
# 所有输入门和输出门都打开（偏置 +6）；候选记忆元为 $g = \tanh(1.5 \cdot$ wild$)$ 或 $\tanh(1.5 \cdot$ domestic$)$。最上面的读出为 P(wolf) = σ(4·h₀ − 4·h₁)，只取自两个长期单元。

# %% slideshow={"slide_type": "fragment"}
EVENTS = {  # (wild, domestic, animal shape): the features of lesson 1
    "nature": [1.0, 0.0, 0.0], "forest": [1.0, 0.0, 0.0], "squirrel": [0.6, 0.0, 0.3], "tree": [0.6, 0.0, 0.0],
    "house": [0.0, 1.0, 0.0], "sofa": [0.0, 1.0, 0.0], "ball": [0.0, 0.6, 0.0], "cat": [0.0, 0.6, 0.3],
    "blank": [0.0, 0.0, 0.0], "PICTURE": [0.0, 0.0, 1.0],
}
H4 = 4
wolf = LSTMCell(input_size=3, hidden_size=H4)
W_x, b = wolf.params["W_x"], wolf.params["b"]
wolf.params["W_h"][...] = 0.0  # no recurrent weights: the memories are the point here
W_x[...] = 0.0
b[0:H4] = 6.0  # input gates open: write what comes
b[H4:2 * H4] = [6.0, 6.0, -6.0, -6.0]  # forget gates: units 0, 1 keep (long-term), 2, 3 forget (short-term)
W_x[0, 2 * H4 + 0] = W_x[0, 2 * H4 + 2] = 1.5  # candidate g: "wild" into units 0 and 2
W_x[1, 2 * H4 + 1] = W_x[1, 2 * H4 + 3] = 1.5  # "domestic" into units 1 and 3
b[2 * H4:3 * H4] = 0.0
b[3 * H4:] = 6.0  # output gates open


def read_story_lstm(events, cell=wolf):
    """P(wolf) after the last event, the cell states c and the outputs h at every step (time, 4)."""
    inputs = np.array([[EVENTS[e] for e in events]])
    hs, _, (_, _, _, records) = cell.dynamic_rnn(inputs, return_cache=True)
    h = hs[0, -1]
    return float(sigmoid(4.0 * h[0] - 4.0 * h[1])), np.array([r.c[0] for r in records]), hs[0]


stories = {
    "the notes' story": ["nature", "forest", "squirrel", "tree", "PICTURE"],
    "at home": ["house", "sofa", "ball", "cat", "PICTURE"],
    "the picture alone": ["PICTURE"],
    "forest long ago": ["nature", "forest"] + ["blank"] * 10 + ["PICTURE"],
}
p_wolf = {}
for name, events in stories.items():
    p_wolf[name], _, _ = read_story_lstm(events)
    print(f"{name:<18} P(wolf) = {p_wolf[name]:.2f}")

# %% slideshow={"slide_type": "fragment"}
_, cs, hs = read_story_lstm(stories["the notes' story"][:-1])
print("before the picture, long-term  c (units 0, 1):", cs[-1, :2].round(2), "  <- nature, forest, squirrel, tree")
print("before the picture, short-term h (units 2, 3):", hs[-1, 2:].round(2), "  <- the tree only")
_, cs_long, hs_long = read_story_lstm(stories["forest long ago"])
print("forest 10 blanks ago, at the picture: long c", cs_long[-1, :2].round(2), " short h", hs_long[-1, 2:].round(2))
assert p_wolf["the notes' story"] > 0.9 and p_wolf["at home"] < 0.1 and abs(p_wolf["the picture alone"] - 0.5) < 1e-9
assert p_wolf["forest long ago"] > 0.9  # lesson 1's RNN: 0.52
assert abs(hs[-1, 2] - np.tanh(np.tanh(1.5 * 0.6))) < 0.01  # h = o·tanh(c), c = g(tree) = tanh(1.5 · 0.6)
assert abs(hs_long[-1, 2]) < 1e-6 < cs_long[-1, 0] - 1.5
print("The long-term memory kept the forest through 10 blank steps: P(wolf) > 0.9 (the RNN of lesson 1: 0.52).")
print("The short-term memory holds only the last event: the tree, then nothing after the blanks.")

# %% [markdown] slideshow={"slide_type": "subslide"}
# **哪个门决定保留什么？** 哪些单元存长期记忆，只由遗忘门决定。把单元 0 和 1 的遗忘门关上（偏置 −6），同一个 LSTM 就会像 RNN 那样忘掉森林：

# %% slideshow={"slide_type": "fragment"}
forgetful = LSTMCell(input_size=3, hidden_size=H4)
for name in ("W_x", "W_h", "b"):
    forgetful.params[name][...] = wolf.params[name]
forgetful.params["b"][H4:H4 + 2] = -6.0  # the long units' forget gates shut
p_forgetful, _, _ = read_story_lstm(stories["forest long ago"], forgetful)
print(f"forest long ago, forget gates shut: P(wolf) = {p_forgetful:.2f}")
assert abs(p_forgetful - 0.5) < 0.01
print("A coin toss: with f = 0 every memory is short-term.")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 第 1 课的悬念：同一个回忆实验，换成 LSTM
#
# 第 1 课训练了一个有 32 个单元的 RNN，让它回忆 k 步之前的一个正负号：回忆 12 步之前，每个随机种子都做到了；回忆 32 步之前，一个也没做到。这里用完全相同的调用 `train_recall`，大小、训练步数、数据和随机种子都相同，分别运行 RNN 和一个遗忘门偏置为 1 的 LSTM（f 从 σ(1) = 0.73 附近起步，而不是 0.5）。随机猜测的准确率是 50%。

# %% slideshow={"slide_type": "fragment"} tags=["nbval-ignore-output"]
RECALL = dict(hidden_size=32, steps=600, extra_steps=1)  # lesson 1's settings
SEEDS = (0, 1, 2)
recall = {}


def run(cell, k, seeds=SEEDS, **kwargs):
    accs = [train_recall(k, cell=cell, seed=seed, **RECALL, **kwargs).accuracy for seed in seeds]
    recall[cell, k] = recall.get((cell, k), []) + accs
    print(f"{cell:4s} delay {k}: {', '.join(f'{a:6.1%}' for a in accs)} right (seeds {seeds}; guessing 50%)")


run("rnn", 16)
run("rnn", 32)

# %% slideshow={"slide_type": "fragment"} tags=["hide-input", "nbval-ignore-output"]
run("lstm", 16, gate_bias=1.0)

# %% slideshow={"slide_type": "fragment"} tags=["hide-input", "nbval-ignore-output"]
run("lstm", 32, seeds=SEEDS[:2], gate_bias=1.0)  # two cells, to keep each under 15 s on a busy laptop

# %% slideshow={"slide_type": "fragment"} tags=["hide-input", "nbval-ignore-output"]
run("lstm", 32, seeds=SEEDS[2:], gate_bias=1.0)

# %% slideshow={"slide_type": "subslide"} tags=["hide-input", "nbval-ignore-output"]
print("recall right, mean (min..max) over 3 seeds")
print(f"{'delay':>5s} | {'RNN':^17s} | {'LSTM, forget bias 1':^19s} | guessing")
for k in (16, 32):
    r, m = np.array(recall["rnn", k]), np.array(recall["lstm", k])
    print(f"{k:5d} | {f'{r.mean():.0%} ({r.min():.0%}..{r.max():.0%})':^17s} "
          f"| {f'{m.mean():.0%} ({m.min():.0%}..{m.max():.0%})':^19s} | 50%")
assert min(recall["lstm", 16]) >= 0.95 and min(recall["lstm", 32]) >= 0.85
assert max(recall["rnn", 32]) <= 0.60
print("Delay 32: every LSTM seed recalls (>= 85%), every RNN seed guesses (<= 60%). Same data, same budget.")

# %% [markdown] slideshow={"slide_type": "fragment"}
# 在同样的 600 步内，LSTM 跨过了 RNN 跨不过的延迟。它的记忆每一步乘的不是 $W_h$，而是 $f$：f 从 0.73 附近起步，LSTM 可以学着把存放正负号的那个单元的 f 推向 1。延迟 48 步还行吗？试试 `train_recall(48, cell="lstm", gate_bias=1.0, **RECALL)`，并与随机猜测比较。第 4 课会测量两者背后的梯度。

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 门控探索器
#
# 滑块控制输入 $x_t$、两种记忆 $h_{t-1}$ 和 $c_{t-1}$，以及四个门的偏置。图里画的就是包自己的 `LSTMCell`（一个单元，权重为 1）：每条路径的粗细对应它传递的数值大小，正值为橙色，负值为紫色，接近零时为细灰线。先选一个**情景**（story）作为起点，再问“如果……会怎样”。

# %% slideshow={"slide_type": "subslide"} tags=["nbval-ignore-output"]
GateExplorer("lstm", preset="write a new memory")

# %% [markdown] slideshow={"slide_type": "notes"}
# 课堂提问。*Keep everything*（全部保留）：哪个滑块最快破坏记忆？*Read without writing*（只读不写）：c 是 1.0 时，h 为什么只有 0.76？*Add to memory*（加进记忆）：在脑子里把它连按两次：这样走 5 步之后，c 会是多少？h 又是多少？同一个探索器也能运行门限回归单元（GRU，d2l-zh 称门控循环单元）和带窥视孔连接（peephole connections）的 LSTM：`GateExplorer("gru")`、`GateExplorer("peephole")`（第 3 课）。滑块需要在运行中的 notebook 里才能拖动；幻灯片显示的是 notebook 最后一次画出的图。

# %% [markdown] jupyter={"source_hidden": true} slideshow={"slide_type": "notes"}
# 答案（已折叠：等全班试过之后再打开）。遗忘门偏置 b_f：它直接缩放记忆。tanh：h = o·tanh(c)，而 tanh(1.0) = 0.76。c 每一步增加 g（一个计数器），而 h = o·tanh(c) 在 o 附近饱和。

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 各个情景的检验（这些是答案：等全班试过之后再展示）
#
# 每个预设都把门的偏置设为 ±6（σ(±6) = 0.998 或 0.002：开或关）。它们的效果如下：

# %% slideshow={"slide_type": "fragment"}
print(f"{'story':<22} {'x':>5} {'c_prev':>7} | {'i':>5} {'f':>5} {'g':>6} {'o':>5} | {'c_t':>6} {'h_t':>6}")
stories = {name: preset_values("lstm", name) for name in PRESETS["lstm"]}
for name, v in stories.items():
    print(f"{name:<22} {v['x']:5.1f} {v['c_prev']:7.2f} | {v['i']:5.2f} {v['f']:5.2f} {v['g']:+6.2f} {v['o']:5.2f}"
          f" | {v['c']:+6.2f} {v['h']:+6.2f}")
s = stories
assert abs(s["forget everything"]["c"]) < 0.01
assert abs(s["keep everything"]["c"] - s["keep everything"]["c_prev"]) < 0.01
assert s["write a new memory"]["c_prev"] < 0 < s["write a new memory"]["c"]
assert abs(s["read without writing"]["h"] - math.tanh(s["read without writing"]["c"])) < 0.01
assert abs(s["keep but hide"]["h"]) < 0.01 < abs(s["keep but hide"]["c"])
assert abs(s["add to memory"]["c"] - (s["add to memory"]["c_prev"] + s["add to memory"]["g"])) < 0.01
print("forget: c -> 0.  keep: c unchanged.  write: the old -1 replaced by g.  read: h = tanh(c), c kept.")
print("hide: c kept, h = 0.  add: c = c_prev + g, a counter.")

# %% [markdown] slideshow={"slide_type": "subslide"}
# 同一张图的静态版，用于讲义：*write a new memory*（写入新记忆）。

# %% slideshow={"slide_type": "fragment"} tags=["hide-input"]
display(SVG(lstm_cell_svg(stories["write a new memory"])))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 字符序列上的门
#
# 一个小 LSTM（8 个单元，随机种子 0）在一个重复的短语上学习预测下一个字符，训练 300 步，然后把短语读一遍。训练用的是 `train`，也就是第 6 课要拆开的那个循环：窗口、Adam、梯度裁剪（gradient clipping）。热图显示每个单元（行）在每个字符（列）上的输入门 i、遗忘门 f、输出门 o、单元状态 c 和输出 h。

# %% slideshow={"slide_type": "fragment"}
phrase = "hello world, hello lstm. "
text = phrase * 40
vocab = sorted(set(text))
ids = np.array([vocab.index(ch) for ch in text])
model = CharModel(len(vocab), 8, num_layers=1, cell="lstm", seed=0, dtype=np.float64, gate_bias=1.0)
# capped by steps: max_seconds is only a safety net an hour away, so no claim depends on the clock
history = train(model, ids, max_steps=300, max_seconds=3600, batch_size=16, n_steps=25, lr=2e-2, max_norm=1.0)
losses = history.train_loss
assert history.stopped_by == "max_steps", f"training stopped by {history.stopped_by} after {history.steps} steps"
assert np.mean(losses[:10]) > 2.0 and np.mean(losses[-20:]) < 0.3
print(f"{len(vocab)} characters; loss fell from above 2.0 to below 0.3 nats per character "
      f"(guessing uniformly costs ln {len(vocab)} = {np.log(len(vocab)):.2f} nats).")

# %% slideshow={"slide_type": "subslide"} tags=["nbval-ignore-output"]
cell = model.rnn.cells[0]
traces = gate_traces(cell, np.eye(len(vocab))[[vocab.index(ch) for ch in phrase]])
UnrollExplorer(traces, phrase)

# %% slideshow={"slide_type": "fragment"} tags=["hide-input"]
assert set(traces) >= {"i", "f", "o", "c", "h"} and traces["c"].shape == (len(phrase), 8)
assert np.all((traces["f"] > 0) & (traces["f"] < 1)) and np.all(np.abs(traces["h"]) < 1)
print(f"{len(phrase)} steps × 8 units per panel; gates within (0, 1), h within (−1, 1).")

# %% slideshow={"slide_type": "fragment"} tags=["hide-input", "nbval-ignore-output"]
# The heatmap drawn statically at the last step, for a deck or a handout without a kernel:
display(SVG(gate_heatmap_svg(traces, list(phrase), len(phrase) - 1)))

# %% [markdown] slideshow={"slide_type": "notes"}
# 拖动时间滑块（仅限运行中的 notebook）。提问：在空格或逗号处，哪些单元会变化？有没有哪个单元的遗忘门在词首下降？读完 "hello " 之后，模型必须在 "w" 和 "l" 之间作出选择：在两个 "hello" 处，哪些单元的状态不同？

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 读完 "hello " 之后："w" 还是 "l"？
#
# 两个空格之前的输入都是同样的六个字符 "hello "，所以能告诉模型下一个词是什么的信息，只能在它的记忆里。把短语读两遍来检验（第一遍给模型提供上下文；从空白记忆开始，它无法知道哪个 "hello" 在前）：

# %% slideshow={"slide_type": "fragment"} tags=["nbval-ignore-output"]
twice = phrase * 2
ids2 = np.array([[vocab.index(ch) for ch in twice]])
first = len(phrase) + phrase.index("hello ") + 5  # the spaces after the two "hello"s of the 2nd reading
second = len(phrase) + phrase.index("hello ", 1) + 5
logits, _, _ = model.forward(ids2)
_, _, (_, _, _, records) = cell.dynamic_rnn(model.one_hot(ids2), return_cache=True)
guess = {t: vocab[int(logits[0, t].argmax())] for t in (first, second)}
gap = np.abs(records[first].c[0] - records[second].c[0])
print(f"after the 1st 'hello ' the model predicts {guess[first]!r}, after the 2nd {guess[second]!r}")
print(f"the cell states at the two spaces differ by up to {gap.max():.2f} (unit {gap.argmax()}): same input, "
      f"different memory")
assert guess == {first: "w", second: "l"} and gap.max() > 0.1

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 一步之中每个数组的形状
#
# 批量大小（batch size）$B$，输入维度 $D$，隐藏单元数 $H$。本包把一个批次（batch，d2l-zh 称小批量）按**行**存放（批次维在前，与 PyTorch 设 `batch_first=True` 时相同）；deeplearning.ai 的 numpy 课程把样本按**列**存放（$m$ = 批量大小）；PyTorch 把权重转置后再堆叠存放，形状为 $(4H, D)$。
#
# | 数组 | 本包（按行） | deeplearning.ai（按列） | PyTorch `nn.LSTM` |
# |---|---|---|---|
# | 输入 $x_t$ | (B, D) | `xt` ($n_x$, m) | (N, L, D) 中第 t 步的 (N, D) |
# | 状态 $h_{t-1}, c_{t-1}$ | 各为 (B, H) | `a_prev`、`c_prev` ($n_a$, m) | `h_0`、`c_0` (layers, N, H) |
# | 输入权重 | `W_x` (D, 4H) | `Wf`、`Wi`、`Wc`、`Wo` 各为 ($n_a$, $n_a + n_x$)，按 [a, x] 堆叠 | `weight_ih_l0` (4H, D) |
# | 循环权重 | `W_h` (H, 4H) | （含在上面四个里） | `weight_hh_l0` (4H, H) |
# | 偏置 | `b` (4H,) | `bf`、`bi`、`bc`、`bo` ($n_a$, 1) | `bias_ih_l0`、`bias_hh_l0` 各为 (4H,) |
# | 预激活 $a$ | (B, 4H)，分块顺序 i, f, g, o | 四个 ($n_a$, m) | (N, 4H)，分块顺序 i, f, g, o |
# | 门 $i, f, o$，候选记忆元 $g$ | 各为 (B, H) | 各为 ($n_a$, m) | 各为 (N, H) |
# | 新的 $c_t$、$h_t$ | 各为 (B, H) | 各为 ($n_a$, m) | 各为 (N, H) |
# | 整个序列的 $h_t$ | (B, T, H) | ($n_a$, m, $T_x$) | (N, L, H) |
#
# 第 7 课会在这些布局之间搬运权重，并用各框架的实际输出来核对。

# %% slideshow={"slide_type": "fragment"}
B, D, H = 5, 3, 4
cell = LSTMCell(D, H, seed=0)
x_t, state0 = np.zeros((B, D)), cell.zero_state(B)
_, rec = cell.step(x_t, state0)
shapes = {"W_x": cell.params["W_x"].shape, "W_h": cell.params["W_h"].shape, "b": cell.params["b"].shape,
          "i, f, g, o": rec.i.shape, "c_t, h_t": rec.c.shape,
          "sequence": dynamic_rnn(cell, np.zeros((B, 7, D)))[0].shape}
for name, shape in shapes.items():
    print(f"{name:>10s}: {shape}")
assert shapes == {"W_x": (D, 4 * H), "W_h": (H, 4 * H), "b": (4 * H,), "i, f, g, o": (B, H), "c_t, h_t": (B, H),
                  "sequence": (B, 7, H)}
assert cell.params["W_x"].T.shape == (4 * H, D)  # PyTorch's weight_ih_l0 is this transpose
print(f"Checked with B={B}, D={D}, H={H}, T=7: every shape in the 'here' column.")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 练习题
#
# 手算练习都用 `GATE_EXAMPLE`：一个单元，权重为 1，$x = 0.5$，$h_{t-1} = -0.2$，$c_{t-1} = 0.8$，偏置 $b_i = -0.5$，$b_f = 1$，$b_g = 0.5$，$b_o = 0$。用计算器算（保留三位小数就够了），然后调用自测。每个自测都会指出哪一项错了。参考答案已折叠：要看时再特意打开。每个折叠的单元格也会用参考答案运行一次自测；它的输出在你打开之前一直是折叠的。

# %% slideshow={"slide_type": "fragment"} tags=["hide-input"]
print(GATE_EXAMPLE)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 练习 1：遗忘门
# 计算 $f_t \cdot c_{t-1}$。自测：`check_forget_gate(value)`。

# %% jupyter={"outputs_hidden": true, "source_hidden": true} slideshow={"slide_type": "skip"}
# Worked solution: a_f = 0.5 + (-0.2) + 1.0 = 1.3;  f = σ(1.3) = 0.7858;  f·c_prev = 0.7858 · 0.8 = 0.6286
forget_solution = sig(0.5 - 0.2 + 1.0) * 0.8
feedback = check_forget_gate(forget_solution)
print(feedback)
assert feedback
print(check_forget_gate(sig(1.3)))  # what a mistake looks like

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 练习 2：学习门
# 计算 $i_t \cdot g_t$。自测：`check_learn_gate(value)`。

# %% jupyter={"outputs_hidden": true, "source_hidden": true} slideshow={"slide_type": "skip"}
# Worked solution: a_i = 0.3 - 0.5 = -0.2, i = σ(-0.2) = 0.4502;  a_g = 0.3 + 0.5 = 0.8, g = tanh(0.8) = 0.6640
learn_solution = sig(-0.2) * math.tanh(0.8)  # = 0.2989
feedback = check_learn_gate(learn_solution)
print(feedback)
assert feedback

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 练习 3：记忆门
# 计算新的长期记忆 $c_t$。自测：`check_cell_state(value)`。

# %% jupyter={"outputs_hidden": true, "source_hidden": true} slideshow={"slide_type": "skip"}
# Worked solution: c_t = f·c_prev + i·g = 0.6286 + 0.2989 = 0.9276
c_solution = forget_solution + learn_solution
feedback = check_cell_state(c_solution)
print(feedback)
assert feedback

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 练习 4：使用门
# 计算新的短期记忆 $h_t$。自测：`check_hidden_state(value)`。

# %% jupyter={"outputs_hidden": true, "source_hidden": true} slideshow={"slide_type": "skip"}
# Worked solution: a_o = 0.3 + 0 = 0.3, o = σ(0.3) = 0.5744;  h = o · tanh(0.9276) = 0.5744 · 0.7295 = 0.4190
h_solution = sig(0.3) * math.tanh(c_solution)
feedback = check_hidden_state(h_solution)
print(feedback)
assert feedback

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 练习 5：实现单步计算
# 为一个批次写出 `lstm_step(x, h_prev, c_prev, W_x, W_h, b) -> (h, c)`：x 为 (batch, input)，h_prev 和 c_prev 为 (batch, hidden)，W_x 为 (input, 4·hidden)，W_h 为 (hidden, 4·hidden)，b 为 (4·hidden,)，四个分块按本包的顺序 **i, f, g, o** 排列。自测把它与 `LSTMCell` 对比，并指出错在哪里（门的顺序、漏了 tanh、把 c_{t−1}·f 写成了 c_{t−1}·i……）。自测：`check_lstm_step(lstm_step)`。

# %% jupyter={"outputs_hidden": true, "source_hidden": true} slideshow={"slide_type": "skip"}
# Worked solution
def lstm_step_solution(x, h_prev, c_prev, W_x, W_h, b):
    H = h_prev.shape[1]
    a = x @ W_x + h_prev @ W_h + b  # all four pre-activations in one matmul: (batch, 4H)
    i = sigmoid(a[:, 0 * H:1 * H])  # input gate (the ignore factor)
    f = sigmoid(a[:, 1 * H:2 * H])  # forget gate
    g = np.tanh(a[:, 2 * H:3 * H])  # candidate N_t
    o = sigmoid(a[:, 3 * H:4 * H])  # output gate
    c = f * c_prev + i * g  # 遗忘门 + 学习门 = 记忆门
    h = o * np.tanh(c)  # 使用门
    return h, c


feedback = check_lstm_step(lstm_step_solution)
print(feedback)
assert feedback

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 练习 6：沿时间循环
# 一步还不是一个网络。为批次维在前的序列 x (batch, time, input) 写出 `lstm_forward(x, h0, c0, W_x, W_h, b) -> (hs, c_T)`：在每个 t 上对 `x[:, t]` 调用你的单步函数，把 h 和 c **都**传到下一步，返回把所有 h_t 堆叠起来的 hs (batch, time, hidden)，以及最后的单元状态 c_T (batch, hidden)。`dynamic_rnn` 做的正是这件事。自测：`check_lstm_forward(lstm_forward)`。

# %% jupyter={"outputs_hidden": true, "source_hidden": true} slideshow={"slide_type": "skip"}
# Worked solution
def lstm_forward_solution(x, h0, c0, W_x, W_h, b):
    h, c, hs = h0, c0, []
    for t in range(x.shape[1]):  # batch-first: step t is x[:, t], shape (batch, input)
        h, c = lstm_step_solution(x[:, t], h, c, W_x, W_h, b)
        hs.append(h)
    return np.stack(hs, axis=1), c  # (batch, time, hidden), (batch, hidden)


feedback = check_lstm_forward(lstm_forward_solution)
print(feedback)
assert feedback

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 要点
#
# - 两种记忆：长期记忆 $c_t$ 只会被乘以 $f_t$、再加上 $i_t g_t$；短期记忆 $h_t$ 是单元对外展示的内容。
# - 学习门 $i_t g_t$ · 遗忘门 $f_t c_{t-1}$ · 记忆门 $c_t$ = 两者之和 · 使用门 $h_t = o_t \tanh(c_t)$。
# - Udacity 的使用门读的是学习之前的记忆；所有框架读的都是新的 $c_t$。
# - 1997 年的 LSTM 没有遗忘门；Gers et al.（2000）加上了它，因为在从不重置的数据流上，单元状态会漂移（实测：没有遗忘门时，2,000 步后 |c| 超过 100）。
# - 与第 1 课相同的回忆实验：延迟 32 步时，LSTM 在每个随机种子下都能回忆，RNN 在每个随机种子下都只是在猜。遗忘门负责保留记忆；第 4 课说明梯度为什么能保持下来。
#
# 下一课 `03_lstm_variants.ipynb`：门限回归单元（GRU）和带窥视孔连接的 LSTM，用的是同一个探索器。
