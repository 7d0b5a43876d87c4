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
# **01 · The plain RNN: one equation, one memory, and why it is short**
#
# 1. The notes' equation, computed by hand on a 2-unit network, then by the package.
# 2. The notes' story (a wolf picture read against forest memories) as a runnable toy.
# 3. Why the memory fades: one pulse, followed for 50 steps.
# 4. An experiment that measures it: recall the sign you saw *k* steps ago.

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
set_language("en")  # what the package prints, in English (中文: set_language("zh"))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The notes' equation
#
# > 从记忆长短的角度来理解RNN，其本质上是：
# > **本次状态记忆 = 激活函数（由上次状态记忆 和 当前事件的 线性组合）**
# > RNN的输出即是预测结果也是当前状态记忆，再次迭代到下一时刻。
#
# *Seen as memory, an RNN is: **this step's state = activation(a linear combination of the last
# state and the current event)**. Its output is both the prediction and the current state, and it
# is fed back at the next time step.*

# %% [markdown] slideshow={"slide_type": "fragment"}
# $$ s_t = \tanh\big(W\,[s_{t-1},\, x_t] + b\big) $$
#
# One weight matrix $W$ acts on the last state and the current input stacked into one vector.
# The package writes the same thing with two matrices, $h_t = \tanh(x_t W_x + h_{t-1} W_h + b)$,
# and with row vectors (a batch is a stack of rows): $[h_{t-1}, x_t]\,W$ with
# $W = \begin{bmatrix} W_h \\ W_x \end{bmatrix}$. The notes' column-vector $W$ is its transpose.

# %% slideshow={"slide_type": "subslide"} tags=["hide-input"]
display(SVG(unrolled_rnn_svg(4)))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## By hand: 2 units, 1 input, 3 steps
#
# Small enough to check on paper. The weights are `RNN_EXAMPLE` from the exercises module.

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
# ### The same numbers from the package's `RNNCell`
#
# Give the cell our weights, unroll it over the three inputs with `dynamic_rnn`
# (batch of 1, 3 time steps, 1 input), and compare.

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
# Point at t=2 and t=3: the input at t=2 is 0.5, yet the state also carries what t=1 left
# behind. The output *is* the memory: there is nothing else carried forward.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The notes' story: a wolf or a dog?
#
# > 当前输入：狼的图像  长期记忆：自然、森林  短期记忆：松鼠和树 ---> 输出：狼概率和新的长期短期记忆
#
# *Current input: a picture of a wolf. Long-term memory: nature, forest. Short-term memory:
# squirrel and tree. Output: the probability of "wolf", and new long- and short-term memories.*
#
# A runnable toy. **The encoding is made up for illustration:** each event is three numbers
# (how wild, how domestic, how animal-shaped), the 2-unit RNN's weights are set by hand
# (unit 0 collects "wild" evidence, unit 1 "domestic" evidence, each keeps 0.7 of itself per
# step). Nothing here is trained.
#
# The RNN's output *is* its state $h_t$ (two numbers), exactly as the notes say. "Wolf or dog" is
# read from that output by a separate read-out layer, the same kind of `Dense` layer the recall
# experiment below puts on top of its RNN: here with hand-set weights $[4, -4]$ and a sigmoid,
# P(wolf) = σ(4·h₀ − 4·h₁). The read-out keeps nothing; everything remembered is in $h_t$.

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
# Unit 0 ("wild") along the *forest long ago* story, drawn as the width of the state arrow:

# %% slideshow={"slide_type": "fragment"}
_, states = read_story(stories["forest long ago"])
display(SVG(unrolled_rnn_svg(6, values=states[:6, 0])))
print("unit 0 (wild) over the first 6 steps:", states[:6, 0].round(3))

# %% [markdown] slideshow={"slide_type": "notes"}
# Ask the class: what would we need so that "forest" survives 10 blank steps and a sofa? A memory
# that is kept unless something decides to erase it, separate from the short-term state. That is
# the LSTM's cell state, lesson 2.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Why the memory is short: follow one pulse
#
# Feed a 16-unit tanh RNN a single input at t = 0 and zeros after it, and watch the size of the
# state ‖h_t‖. Each step multiplies the state by $W_h$ (then tanh squashes it). If every singular
# value of $W_h$ is λ₁ (the largest one), a small state shrinks or grows by λ₁ per step:
# ‖h_t‖ ≈ λ₁ᵗ ‖h_0‖.
#
# > 太长的记忆在rnn中会产生一些问题，梯度消失等，即rnn只擅长储存短期记忆
#
# *Memories that are too long cause problems in an RNN, vanishing gradients and so on: an RNN is
# only good at short-term memory.* The same factor λ₁ per step acts on the gradient flowing back
# (lesson 4): Pascanu et al. (2013) show it vanishes whenever λ₁ < 1 for tanh.

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
# Above 1 is no cure: the state stays saturated by the amplified pulse, so later inputs barely
# move it, and gradients explode (lesson 4). A plain RNN must sit just below 1 and still forgets
# geometrically.
#
# **Try it.** Slide λ₁ from 0.5 to 1.5 and the pulse from 0.01 to 10. The dashed curves are fixed
# references. Questions for the class: *Where does a strong pulse fade faster than a weak one,
# and why?* *Which λ₁ keeps a pulse of 0.1 above 1% for 50 steps?*
# (This slider needs the live notebook: in a deck it moves but redraws nothing.)

# %% slideshow={"slide_type": "fragment"} tags=["nbval-ignore-output"]
PulseExplorer(scale=0.9, strength=0.1)

# %% [markdown] jupyter={"source_hidden": true} slideshow={"slide_type": "notes"}
# Answers for the teacher (folded: open after the class has tried). A strong pulse fades faster at
# first because tanh squashes big states (tanh(x) < x), so saturation eats part of the pulse before
# λ₁ does. λ₁ = 1 keeps a pulse of 0.1 above 1% for 50 steps, and so does anything from about
# 0.912 up (0.91⁵⁰ = 0.9%, 0.92⁵⁰ = 1.5%).

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The gradient fades like the pulse
#
# Learning to use an input seen k steps ago needs the gradient ∂h_t/∂h_{t−k}: how much the state
# now would change if the state k steps ago had been different. Backpropagation through time
# multiplies one Jacobian per step, $W_h$ times tanh's slope, so while the state is small the
# gradient shrinks by λ₁ per step, as the pulse did. Computed with the package's backward pass
# (`jacobian_log_norms`, lesson 4) on the same pulse RNN at λ₁ = 0.8:

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
# ## Measuring the memory: delayed recall
#
# The input is a stream of random signs ±1. After *k* more steps the network must say which sign
# it saw first. Nothing in the later inputs gives it away: the sign has to be carried in the state
# for k steps while k new signs arrive. Guessing scores 50%: that is the baseline every accuracy
# below is printed beside.

# %% slideshow={"slide_type": "fragment"}
x, y = recall_batch(1, 9, 8, rng=np.random.default_rng(0))  # k = 8: 9 signs, recall the first one
print("input  x_0 .. x_8 :", " ".join(f"{v:+.0f}" for v in x[0, :, 0]))
print(f"target at step 8  : {2 * y[0, 0] - 1:+d}   (the sign x_0, seen 8 steps earlier)")
assert y.shape == (1, 1) and 2 * y[0, 0] - 1 == x[0, 0, 0]

# %% [markdown] slideshow={"slide_type": "subslide"}
# A tanh RNN with 32 units and a two-class read-out, trained from scratch for each delay with the
# package's parts: `dynamic_rnn`, `Dense`, `softmax_cross_entropy`, `bptt`, gradient clipping at
# norm 1 and Adam (see `lstm_lesson/experiments/recall.py`, about 100 lines). 600 steps of 32 fresh sequences each,
# capped by steps, not seconds; accuracy on 256 new sequences; three seeds per delay.
# Lesson 2 reruns this exact call with an LSTM.

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
# Between 12 and 32 is the edge for this network and budget: look at the numbers for 16 and 24
# above. Is every seed on the same side? Why long delays fail is the gradient we just computed:
# it shrinks by about λ₁ per step back, so the signal that would teach the network to keep $x_0$
# arrives multiplied by a tiny factor. Lesson 2 adds a memory that is not multiplied away, and
# reruns this measurement.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Exercises
#
# Each exercise has a self-check that tells you *which* term is wrong. Write your answer in a new
# cell and call the check. A worked solution follows each exercise in a collapsed cell: open it on
# purpose, after trying. (Each collapsed cell also runs the check on its solution; its output
# stays folded until you open it.)
#
# ### Exercise 1: one matrix from two
# Build `W` from `W_h` and `W_x` so that `np.concatenate([h, x]) @ W == h @ W_h + x @ W_x`.
# Check: `check_concat_weights(W)`.

# %% jupyter={"outputs_hidden": true, "source_hidden": true} slideshow={"slide_type": "skip"}
# Worked solution. [h, x] @ W = h @ W[:H] + x @ W[H:]: the first H rows multiply h, so they are W_h.
W_solution = np.vstack([RNN_EXAMPLE["W_h"], RNN_EXAMPLE["W_x"]])
feedback = check_concat_weights(W_solution)
print(feedback)
assert feedback
print(check_concat_weights(np.vstack([RNN_EXAMPLE["W_x"], RNN_EXAMPLE["W_h"]])))  # what a mistake looks like

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 2: one step by hand
# With the weights above, `h_prev = [0.5, -0.5]` and `x = [2.0]`, compute $h_t$ with pencil and
# calculator (three decimals are enough). Check: `check_rnn_state([h1, h2])`.

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
# ### Exercise 3: implement the step
# Write `rnn_step(x, h_prev, W_x, W_h, b)` for a batch: x is (batch, input), h_prev is
# (batch, hidden); return the new h (batch, hidden). The check runs it with one term at a time
# (the others zeroed), so it can tell you which term is wrong. Check: `check_rnn_step(rnn_step)`.

# %% jupyter={"outputs_hidden": true, "source_hidden": true} slideshow={"slide_type": "skip"}
# Worked solution: rows are sequences, so the weights multiply from the right.
def rnn_step_solution(x, h_prev, W_x, W_h, b):
    return np.tanh(x @ W_x + h_prev @ W_h + b)


feedback = check_rnn_step(rnn_step_solution)
print(feedback)
assert feedback

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 4: how long does a pulse last?
# With λ₁ = 0.9 and a small pulse (so tanh is nearly the identity and ‖h_t‖ = 0.9ᵗ ‖h_0‖), after
# how many steps is the pulse first below 1% of its start? Then compare with the widget.
# Check: `check_memory_span(steps, scale=0.9)`.

# %% jupyter={"outputs_hidden": true, "source_hidden": true} slideshow={"slide_type": "skip"}
# Worked solution: 0.9^t < 0.01  <=>  t > ln 0.01 / ln 0.9 = 43.7, so the first whole step is 44.
steps_solution = int(np.floor(np.log(0.01) / np.log(0.9))) + 1
feedback = check_memory_span(steps_solution, scale=0.9)
print(feedback)
assert feedback
assert memory_span(pulse_trace(0.9, 0.001)) == steps_solution  # the simulation agrees
print(f"A pulse of 0.001 in the simulated RNN also falls below 1% at step {steps_solution}.")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## What to take away
#
# - A plain RNN has **one** memory, its state, and the state is also its output.
# - Each step multiplies the memory by $W_h$: below λ₁ = 1 it fades geometrically, above 1 it
#   blows up into saturation; the gradient fades the same way (computed: each step back multiplies it
#   by at most λ₁).
# - Measured (three seeds, guessing = 50%): a 32-unit RNN recalls a sign 12 steps back every time
#   and 32 steps back never, within 600 training steps.
#
# Next, `02_lstm_gates.ipynb`: a second memory that is *added to*, not multiplied, and four gates
# that decide what to forget, learn, remember and use.
