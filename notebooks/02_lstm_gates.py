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
# # How recurrent networks remember
#
# **02 · The LSTM: two memories and four gates**
#
# 1. Long-term memory *c* and short-term memory *h*; sigmoid gates in 0..1, tanh values in −1..1.
# 2. The four gates in the notes' order, each computed by hand next to the package's result.
# 3. The use gate told two ways (Udacity's story and the standard output gate), side by side.
# 4. The gate explorer: move the sliders and watch every path of the cell.
# 5. The gates over a real character sequence.

# %% slideshow={"slide_type": "skip"}
import math

import matplotlib.pyplot as plt
import numpy as np
from IPython.display import SVG, display

from lstm_lesson import CharModel, LSTMCell, LSTMState, sigmoid
from lstm_lesson.classroom.diagrams import gate_heatmap_svg, lstm_cell_svg
from lstm_lesson.classroom.exercises.lesson02 import (
    GATE_EXAMPLE,
    check_cell_state,
    check_forget_gate,
    check_hidden_state,
    check_learn_gate,
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

np.set_printoptions(precision=4, suppress=True)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Two memories
#
# > 长短记忆单元可以储存长期记忆，并且能够分别处理
#
# *The long short-term memory unit can store long-term memory, and handles the two separately.*
#
# > 采用LSTM重点在于增加了一种单元状态cell（类似于长期记忆），sigmoid控制门是压缩至0-1的输出，即代表控制遗忘，
# > tanh压制至-1-1的输出，隐层状态由单元状态计算而得，然后继续往右边和往上边传递
#
# *The key of the LSTM is an added cell state (like a long-term memory). Sigmoid gates squash to
# 0..1 and control forgetting; tanh squashes to −1..1. The hidden state is computed from the cell
# state and passed on to the right (the next step) and upwards (the output).*
#
# | memory | symbol | the notes | role |
# |---|---|---|---|
# | long-term | $c_t$ | 长期记忆 LTM, 单元状态 cell state | carried along the top line, changed only by × f and + (i·g) |
# | short-term | $h_t$ | 短期记忆 STM, 隐层状态 hidden state | the output, and the input to the gates at the next step |

# %% slideshow={"slide_type": "subslide"}
display(SVG(lstm_cell_svg()))

# %% [markdown] slideshow={"slide_type": "notes"}
# The same drawing is in `lstm_lesson.classroom.diagrams` for slides and handouts (`lstm_cell_svg()`), with
# `vocabulary="standard"` or `"notes"` to show one naming only.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Sigmoid says *how much*, tanh says *what*
#
# A gate is a sigmoid σ(a) = 1 / (1 + e^(−a)): a fraction between 0 (shut) and 1 (open) that
# multiplies something. A value written into memory is a tanh: between −1 and 1, so it can add or
# subtract.

# %% slideshow={"slide_type": "fragment"}
a = np.linspace(-6, 6, 241)
fig, ax = plt.subplots(figsize=(7, 3.2))
_ = ax.plot(a, sigmoid(a), lw=2, label="σ(a): gates i, f, o, in 0..1")
_ = ax.plot(a, np.tanh(a), lw=2, label="tanh(a): candidate g and tanh(c), in −1..1")
_ = ax.axhline(0, color="grey", lw=0.8)
_ = ax.set(xlabel="pre-activation a", ylim=(-1.1, 1.1))
_ = ax.legend(loc="lower right")
plt.show()

# %% slideshow={"slide_type": "fragment"}
extreme = np.array([-1e4, -6.0, 0.0, 6.0, 1e4])
squashed, signed = sigmoid(extreme), np.tanh(extreme)
print("a         :", extreme)
print("sigmoid(a):", squashed.round(4))
print("tanh(a)   :", signed.round(4))
assert np.all((0 <= squashed) & (squashed <= 1)) and np.all((-1 <= signed) & (signed <= 1))
assert squashed[2] == 0.5 and signed[2] == 0.0
print("Even at a = ±10⁴: sigmoid stays in [0, 1] and tanh in [−1, 1], with no overflow.")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## One step, gate by gate
#
# One unit, one input, every weight 1, so each pre-activation is just
# $a = x_t + h_{t-1} + b$. The step below: $x_t = 1.0$, $h_{t-1} = 0.2$, $c_{t-1} = -0.6$
# (the long-term memory holds something negative), biases $b_i = 0$, $b_f = 1$, $b_g = -0.5$,
# $b_o = 0.5$.

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
# ### 1 · 学习门, the learn gate: $i_t \cdot N_t$
#
# > 学习门：通过tanh将短期记忆和当前事件结合得到Nt，并乘以遗忘因子it得Nt*it，而遗忘因子it来自于短期记忆和当前事件的另一个组合
#
# *Learn gate: tanh combines the short-term memory and the current event into N_t, which is
# multiplied by a factor i_t, itself another combination of short-term memory and current event.*
# (The notes call i_t a 遗忘因子 here too; Udacity calls it the *ignore factor*: how much of N_t
# to let in. The papers call it the input gate, and N_t the candidate g_t.)
#
# $$ N_t = g_t = \tanh(a_g) \qquad i_t = \sigma(a_i) \qquad \text{learn}_t = i_t \cdot g_t $$

# %% slideshow={"slide_type": "fragment"}
g, i = math.tanh(a_g), sig(a_i)
learn = i * g
side_by_side("candidate N_t = g = tanh(a_g)", g, step.g)
side_by_side("ignore factor i = σ(a_i)", i, step.i)
side_by_side("learn gate i·g (step.learn_gate)", learn, step.learn_gate)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 2 · 遗忘门, the forget gate: $c_{t-1} \cdot f_t$
#
# > 遗忘门：长期记忆LTM（t-1） * ft ，ft是遗忘因子，来自短期记忆和当前事件的组合
#
# *Forget gate: the long-term memory LTM(t−1) times f_t, the forget factor, a combination of the
# short-term memory and the current event.* f near 0 erases the memory, near 1 keeps it.
#
# $$ f_t = \sigma(a_f) \qquad \text{forget}_t = f_t \cdot c_{t-1} $$

# %% slideshow={"slide_type": "fragment"}
f = sig(a_f)
forget = f * c_prev
side_by_side("forget factor f = σ(a_f)", f, step.f)
side_by_side("forget gate f·c_prev (step.forget_gate)", forget, step.forget_gate)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 3 · 记忆门, the remember gate: the new long-term memory
#
# > 记忆门：将遗忘门输出的长期记忆和学习门学的到的短期记忆进行组合
#
# *Remember gate: combine the long-term memory coming out of the forget gate with what the learn
# gate learned.* The combination is a **sum**: nothing multiplies the memory on this path except
# f. That is why it can last (the "constant error carousel" of lesson 4).
#
# $$ c_t = f_t \cdot c_{t-1} + i_t \cdot g_t $$

# %% slideshow={"slide_type": "fragment"}
c = forget + learn
side_by_side("remember gate c_t (step.remember_gate)", c, step.remember_gate)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 4 · 使用门, the use gate: the new short-term memory
#
# > 使用门：将遗忘门得到的长期记忆经过tanh后和 …
#
# *Use gate: take the long-term memory from the forget gate through a tanh, and …* (the sentence
# breaks off in the notes; more on it on the next slide). The standard form:
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
# ## The use gate, told two ways
#
# The notes first tell Udacity's story: the use gate puts the **forget gate's output** through a
# small tanh layer (with its own weights $W_u$) and multiplies it by a sigmoid of $[h_{t-1}, x_t]$:
#
# $$ U_t = \tanh(W_u\,(f_t \cdot c_{t-1}) + b_u) \qquad V_t = \sigma(W_v\,[h_{t-1}, x_t] + b_v)
#    \qquad h_t = U_t \cdot V_t $$
#
# Later they describe the standard output gate (输出门): the **new cell state** through a plain tanh,
# times the output gate: $h_t = o_t \cdot \tanh(c_t)$. Both, on the same inputs:

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
# **Which one is used?** The standard one, $h_t = o_t \odot \tanh(c_t)$, in the LSTM papers
# (Hochreiter & Schmidhuber 1997, Gers et al. 2000), in PyTorch's `nn.LSTM`, Keras' and
# TensorFlow's `LSTM`, and in cuDNN. The rest of the series uses it too, because:
#
# - weights trained here load into every framework and give the same outputs (lesson 7);
# - the output can use what the cell learned at this very step, not only what it kept;
# - the cell reaches $h$ through a fixed tanh with no weights of its own, which keeps the memory
#   readable and the gradient path from $h$ to $c$ short.
#
# Udacity's story is a fine picture of *what* the gate does (use the long-term memory, filtered by
# the present); the formula is the standard one.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The gate explorer
#
# Sliders for the input $x_t$, the two memories $h_{t-1}$ and $c_{t-1}$, and the four gate
# biases. The drawing is the package's own `LSTMCell` (one unit, weights 1): every path is as
# wide as the number it carries, orange when positive, purple when negative, thin grey near zero.
# Pick a **story** to start from, then ask "what happens if…".

# %% slideshow={"slide_type": "subslide"} tags=["nbval-ignore-output"]
GateExplorer("lstm", preset="write a new memory")

# %% [markdown] slideshow={"slide_type": "notes"}
# Questions for the class. *Keep everything*: which slider breaks the memory fastest? (b_f.)
# *Read without writing*: why is h only 0.76 when c is 1.0? (tanh.) *Add to memory*: press it
# twice in your head: what would c be after 5 such steps, and what would h be? (c grows, h
# saturates.) The same explorer runs a GRU and a peephole LSTM: `GateExplorer("gru")`,
# `GateExplorer("peephole")` (lesson 3).

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The stories, checked
#
# Each preset sets a gate bias to ±6 (σ(±6) = 0.998 or 0.002: open or shut). What they do:

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
# The same drawing, static, for a handout: *write a new memory*.

# %% slideshow={"slide_type": "fragment"}
display(SVG(lstm_cell_svg(stories["write a new memory"])))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The gates over a character sequence
#
# A small LSTM (8 units, seed 0) learns to predict the next character of a repeated phrase for
# 300 steps (with `train`, the loop lesson 6 takes apart: windows, Adam, clipping), then reads the
# phrase once. The heatmap shows every unit (rows) at every character
# (columns) for the input gate i, forget gate f, output gate o, the cell c and the output h.

# %% slideshow={"slide_type": "fragment"}
phrase = "hello world, hello lstm. "
text = phrase * 40
vocab = sorted(set(text))
ids = np.array([vocab.index(ch) for ch in text])
model = CharModel(len(vocab), 8, num_layers=1, cell="lstm", seed=0, dtype=np.float64, gate_bias=1.0)
history = train(model, ids, max_steps=300, max_seconds=60, batch_size=16, n_steps=25, lr=2e-2, max_norm=1.0)
losses = history.train_loss
assert history.steps == 300 and np.mean(losses[:10]) > 2.0 and np.mean(losses[-20:]) < 0.3
print(f"{len(vocab)} characters; loss fell from above 2.0 to below 0.3 nats per character.")

# %% slideshow={"slide_type": "subslide"} tags=["nbval-ignore-output"]
cell = model.rnn.cells[0]
traces = gate_traces(cell, np.eye(len(vocab))[[vocab.index(ch) for ch in phrase]])
UnrollExplorer(traces, phrase)

# %% slideshow={"slide_type": "fragment"}
assert set(traces) >= {"i", "f", "o", "c", "h"} and traces["c"].shape == (len(phrase), 8)
assert np.all((traces["f"] > 0) & (traces["f"] < 1)) and np.all(np.abs(traces["h"]) < 1)
print(f"{len(phrase)} steps × 8 units per panel; gates within (0, 1), h within (−1, 1).")

# %% slideshow={"slide_type": "fragment"} tags=["nbval-ignore-output"]
# The heatmap drawn statically at the last step, for a deck or a handout without a kernel:
display(SVG(gate_heatmap_svg(traces, list(phrase), len(phrase) - 1)))

# %% [markdown] slideshow={"slide_type": "notes"}
# Move the time slider. Ask: which units change at the space or the comma? Is there a unit whose
# forget gate drops at the start of a word? After "hello " the model must decide between "w" and
# "l": which cell units differ between the two "hello"s? (They must, or it could not predict.)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Exercises
#
# The hand exercises use one unit with weights 1 at `GATE_EXAMPLE`: $x = 0.5$,
# $h_{t-1} = -0.2$, $c_{t-1} = 0.8$, biases $b_i = -0.5$, $b_f = 1$, $b_g = 0.5$, $b_o = 0$.
# Compute with a calculator (three decimals are enough), then call the check. Each check says
# which term is wrong. The worked solutions are collapsed: open them on purpose.

# %% slideshow={"slide_type": "fragment"}
print(GATE_EXAMPLE)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 1: the forget gate (遗忘门)
# Compute $f_t \cdot c_{t-1}$. Check: `check_forget_gate(value)`.

# %% jupyter={"source_hidden": true} slideshow={"slide_type": "skip"}
# Worked solution: a_f = 0.5 + (-0.2) + 1.0 = 1.3;  f = σ(1.3) = 0.7858;  f·c_prev = 0.7858 · 0.8 = 0.6286
forget_solution = sig(0.5 - 0.2 + 1.0) * 0.8

# %% slideshow={"slide_type": "fragment"}
feedback = check_forget_gate(forget_solution)
print(feedback)
assert feedback
print(check_forget_gate(sig(1.3)))  # what a mistake looks like

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 2: the learn gate (学习门)
# Compute $i_t \cdot g_t$. Check: `check_learn_gate(value)`.

# %% jupyter={"source_hidden": true} slideshow={"slide_type": "skip"}
# Worked solution: a_i = 0.3 - 0.5 = -0.2, i = σ(-0.2) = 0.4502;  a_g = 0.3 + 0.5 = 0.8, g = tanh(0.8) = 0.6640
learn_solution = sig(-0.2) * math.tanh(0.8)  # = 0.2989

# %% slideshow={"slide_type": "fragment"}
feedback = check_learn_gate(learn_solution)
print(feedback)
assert feedback

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 3: the remember gate (记忆门)
# Compute the new long-term memory $c_t$. Check: `check_cell_state(value)`.

# %% jupyter={"source_hidden": true} slideshow={"slide_type": "skip"}
# Worked solution: c_t = f·c_prev + i·g = 0.6286 + 0.2989 = 0.9276
c_solution = forget_solution + learn_solution

# %% slideshow={"slide_type": "fragment"}
feedback = check_cell_state(c_solution)
print(feedback)
assert feedback

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 4: the use gate (使用门)
# Compute the new short-term memory $h_t$. Check: `check_hidden_state(value)`.

# %% jupyter={"source_hidden": true} slideshow={"slide_type": "skip"}
# Worked solution: a_o = 0.3 + 0 = 0.3, o = σ(0.3) = 0.5744;  h = o · tanh(0.9276) = 0.5744 · 0.7295 = 0.4190
h_solution = sig(0.3) * math.tanh(c_solution)

# %% slideshow={"slide_type": "fragment"}
feedback = check_hidden_state(h_solution)
print(feedback)
assert feedback

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 5: implement the step
# Write `lstm_step(x, h_prev, c_prev, W_x, W_h, b) -> (h, c)` for a batch: x (batch, input),
# h_prev and c_prev (batch, hidden), W_x (input, 4·hidden), W_h (hidden, 4·hidden), b (4·hidden,)
# with the four blocks in the package's order **i, f, g, o**. The check compares it with
# `LSTMCell` and names the mistake (gate order, a missing tanh, c_{t−1}·i instead of c_{t−1}·f, …).
# Check: `check_lstm_step(lstm_step)`.

# %% jupyter={"source_hidden": true} slideshow={"slide_type": "skip"}
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


# %% slideshow={"slide_type": "fragment"}
feedback = check_lstm_step(lstm_step_solution)
print(feedback)
assert feedback

# %% [markdown] slideshow={"slide_type": "slide"}
# ## What to take away
#
# - Two memories: the long-term $c_t$ is changed only by a multiplication by $f_t$ and an
#   addition of $i_t g_t$; the short-term $h_t$ is what the cell shows.
# - 学习门 $i_t g_t$ · 遗忘门 $f_t c_{t-1}$ · 记忆门 $c_t$ = their sum · 使用门 $h_t = o_t \tanh(c_t)$.
# - Udacity's use gate reads the memory before learning; every framework reads the new $c_t$.
#
# Next, `03_lstm_variants.ipynb`: the GRU and the peephole LSTM, in the same explorer.
