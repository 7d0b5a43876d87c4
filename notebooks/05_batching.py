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
# **05 · Batching one long sequence**
#
# A character model learns from one long text. To keep the CPU busy it reads many pieces of
# the text side by side. This lesson cuts a sequence into batches the way the notes do, finds the
# two bugs in the notes' code, fixes them, and asks what carrying the memory from one batch to
# the next buys and costs.

# %% slideshow={"slide_type": "skip"}
import platform
import time

import matplotlib.pyplot as plt
import numpy as np
from IPython.display import SVG, display

from lstm_lesson import CharModel, LSTMCell, dynamic_rnn, set_language
from lstm_lesson.classroom.exercises.lesson05 import (
    check_batches,
    check_one_hot,
    check_position,
    check_stateful,
)
from lstm_lesson.classroom.widgets.batch_grid import BatchGridWidget, batch_grid_svg
from lstm_lesson.core.batching import (
    batch_layout,
    batch_plan,
    describe_batches,
    get_batches,
    num_batches,
    one_hot,
    random_windows,
)

np.set_printoptions(linewidth=110)
set_language("en")  # what the package prints, in English (中文: set_language("zh"))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The notes' example
#
# > 例如一个list=[1000个元素]组成的时序数组，采用batch_size=10,batch_step=20,即将其转化为二维数组10*100,每batch步长为20个元素
# > ```
# > arr=list.reshape((10,-1)) #将一维数组转换为二维10*100
# > for i in range(5):
# >    x_batch=arr[:,n*i:n*i+batch_step] #x代表输入序列
# >    y_batch=arr[:,n*i+1:n*i+batch_step+1] #y代表输出序列，即时序往后移位一下
# > ```
# > 每个batch为10*20个元素，则总batch数为100/20=5
#
# *A sequence of 1,000 elements, batch_size = 10, batch_step = 20: reshape it to a 10 × 100
# array; each batch is 20 columns; x is the input, y the output, the sequence shifted by one.
# Each batch has 10 × 20 elements, so there are 100 / 20 = 5 batches.*

# %% [markdown] slideshow={"slide_type": "subslide"}
# We use the numbers 0 … 999 as the sequence: then every element *is* its own position, and
# "the next element" is simply "plus one". (The notes call the sequence `list`; a Python list has
# no `.reshape`, so it has to be a numpy array.)

# %% slideshow={"slide_type": "fragment"}
try:
    list(range(1000)).reshape((10, -1))
except AttributeError as err:
    print(f"a Python list: {type(err).__name__}: {err}")

sequence = np.arange(1000)
arr = sequence.reshape((10, -1))
print("arr.shape =", arr.shape, "-> batches of 20 columns:", arr.shape[1] // 20)
assert arr.shape == (10, 100) and arr.shape[1] // 20 == 5

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Bug 1: `n` is never defined
#
# The loop, exactly as the notes write it:

# %% slideshow={"slide_type": "fragment"}
assert "n" not in globals(), "this cell shows the notes' NameError, so no global n may exist"
batch_step = 20
try:
    for i in range(5):
        x_batch = arr[:, n * i:n * i + batch_step]  # noqa: F821 - the notes' undefined n
        y_batch = arr[:, n * i + 1:n * i + batch_step + 1]  # noqa: F821
except NameError as err:
    print(f"{type(err).__name__}: {err}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Bug 2: the last `y` is one column short
#
# `n` must mean the window length, 20. With that, the loop runs:

# %% slideshow={"slide_type": "fragment"}
def notes_batches(arr, batch_step=20):
    """The notes' loop with n = batch_step."""
    n = batch_step
    for i in range(5):
        yield arr[:, n * i:n * i + batch_step], arr[:, n * i + 1:n * i + batch_step + 1]


for i, (x_batch, y_batch) in enumerate(notes_batches(arr)):
    print(f"batch {i}: x {x_batch.shape}, y {y_batch.shape}")
assert x_batch.shape == (10, 20) and y_batch.shape == (10, 19)

# %% [markdown] slideshow={"slide_type": "fragment"}
# In batch 4 the inputs reach column 99, the end of each row, and the slice `[81:101]` only has
# columns 81 … 99. For rows 0 … 8 the missing target exists, it is the first element of the
# *next* row, but a slice of one row cannot reach it. For row 9 it does not exist at all:

# %% slideshow={"slide_type": "fragment"}
print("the last input is", arr[9, 99], "; its target would be element", arr[9, 99] + 1,
      "of a sequence with", sequence.size, "elements (indices 0 ..", sequence.size - 1, ")")
assert arr[9, 99] + 1 == sequence.size

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### A tempting patch, and why it is wrong
#
# Udacity's deep-learning course fills the short column by wrapping around, in the `get_batches`
# of its TensorFlow character-RNN notebook ("Anna KaRNNa"): `y[:, :-1], y[:, -1] = x[:, 1:], x[:, 0]`.
# The last target of a row becomes the *first input* of the same window. Shapes are right, but
# those targets are not the next characters:

# %% slideshow={"slide_type": "fragment"}
wrong = 0
for x_batch, _ in notes_batches(arr):
    y_patched = np.empty_like(x_batch)
    y_patched[:, :-1], y_patched[:, -1] = x_batch[:, 1:], x_batch[:, 0]
    wrong += int((y_patched != x_batch + 1).sum())
print(f"{wrong} of {5 * 10 * 20} targets are not the next element ({wrong / 1000:.0%}): "
      "the model would learn that a row's first character follows its last")
assert wrong == 50

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The fix: `get_batches`
#
# An input needs its successor as its target. So:
#
# 1. the inputs come from the first `len − 1` elements (each one has a successor);
# 2. keep only **full** batches: `n_batches = (len − 1) // (batch_size × n_steps)`;
# 3. cut those `batch_size × n_batches × n_steps` inputs into `batch_size` **contiguous** rows,
#    and the targets, the same slice moved by one, the same way;
# 4. batch k is columns `k·n_steps … (k+1)·n_steps − 1` of both.
#
# What is left over is the **tail** of the sequence, and nothing else.

# %% slideshow={"slide_type": "fragment"}
batches = list(get_batches(sequence, batch_size=10, n_steps=20))
print(len(batches), "batches, shapes", {(x.shape, y.shape) for x, y in batches})
print(describe_batches(1000, 10, 20))
assert len(batches) == num_batches(1000, 10, 20) == 4
assert all(x.shape == y.shape == (10, 20) for x, y in batches)

# %% [markdown] slideshow={"slide_type": "fragment"}
# **Four** batches, not five: five full batches need 10 × 100 inputs *and* a target after the
# last one, 1,001 elements. The sequence is one element short, so a whole batch goes.

# %% slideshow={"slide_type": "fragment"}
print("with 1,001 elements:", num_batches(1001, 10, 20), "batches")
assert num_batches(1001, 10, 20) == 5

# %% [markdown] slideshow={"slide_type": "subslide"}
# The first and the last windows, and the invariant checked for every element of every batch:

# %% slideshow={"slide_type": "fragment"}
(x0, y0), (x3, y3) = batches[0], batches[-1]
print("batch 0, row 0: x =", x0[0])
print("                y =", y0[0])
print("batch 3, row 9: x =", x3[9])
print("                y =", y3[9])
assert all(np.array_equal(y, x + 1) for x, y in batches), "every target is the next element"
for k in range(1, len(batches)):
    assert np.array_equal(batches[k][0][:, 0], batches[k - 1][0][:, -1] + 1)
print("every y[r, j] is the element after x[r, j], and row r of batch k continues row r of batch k-1")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 1: write `get_batches` yourself
#
# Below is the notes' loop with `n` defined. Run `print(check_batches(my_get_batches))`: it tells
# you what is wrong (the notebook keeps the first try's verdict to itself). Change
# `my_get_batches` until the check says *Correct* (it tries several lengths, batch sizes and
# window lengths, not only the notes' example).

# %% slideshow={"slide_type": "fragment"}
def my_get_batches(arr, batch_size, n_steps):
    arr = np.asarray(arr).reshape((batch_size, -1))
    n = n_steps
    for i in range(arr.shape[1] // n_steps):
        yield arr[:, n * i:n * i + n_steps], arr[:, n * i + 1:n * i + n_steps + 1]


first_try = check_batches(my_get_batches)
assert not first_try  # print(first_try) to read what the check says about it

# %% jupyter={"source_hidden": true} slideshow={"slide_type": "skip"}
# Solution (open it when you have tried).
def solution_get_batches(arr, batch_size, n_steps):
    arr = np.asarray(arr)
    n_batches = (len(arr) - 1) // (batch_size * n_steps)  # full batches; the last element is never an input
    n_inputs = n_batches * batch_size * n_steps
    x_rows = arr[:n_inputs].reshape(batch_size, -1)  # contiguous rows
    y_rows = arr[1:n_inputs + 1].reshape(batch_size, -1)  # the same rows moved by one
    for k in range(n_batches):
        columns = slice(k * n_steps, (k + 1) * n_steps)
        yield x_rows[:, columns], y_rows[:, columns]


# %% slideshow={"slide_type": "fragment"}
feedback = check_batches(solution_get_batches)
print(feedback)
assert feedback

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The batch grid of a real text
#
# Which character lands in which batch, row and column? Top: the text, each character colored
# by its batch (grey: the dropped tail), `r0`, `r1`, … its row. Bottom: the batches side by side,
# each input x with its target y (small) underneath.

# %% slideshow={"slide_type": "fragment"}
text = ("A recurrent network reads a text one character at a time and guesses the next one. "
        "To keep the computer busy, the long text is cut into rows that are read side by side, "
        "and each row is read a window at a time. Row r of the next window starts exactly where "
        "row r of this window stopped, so the memory at the end of one window is the right memory "
        "to start the next. Random windows forget this: each starts with an empty memory and needs "
        "a few characters to warm up before its guesses are as good as they can be.")
sentence = text[:text.index(".") + 1]
display(SVG(batch_grid_svg(sentence, batch_size=3, n_steps=6)))

# %% [markdown] slideshow={"slide_type": "fragment"}
# Read row 1 from left to right across the blocks: it is one piece of the sentence. The
# state (h, c) at the end of row 1 of batch 0 is exactly the state that the first character of
# row 1 of batch 1 should start from: that is why the state can be **carried** from batch to batch.

# %% slideshow={"slide_type": "fragment"}
(xa, _), (xb, _) = list(get_batches(sentence, 3, 6))[:2]
print(f"row 1 of batch 0 is {''.join(xa[1])!r}; row 1 of batch 1 goes on with {''.join(xb[1])!r}")
row_1 = "".join(xa[1]) + "".join(xb[1])
assert row_1 in sentence, "the two windows are one contiguous piece of the text"
plan = batch_plan(len(sentence), 3, 6)
print(f"{plan.n_batches} batches; dropped tail ({plan.n_dropped} characters): {sentence[plan.n_inputs:]!r}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Try it: move the sliders
#
# `batch_size` and `n_steps` redraw the grid. Push `n_steps` to the right end: when no full
# batch fits, the picture says so.

# %% slideshow={"slide_type": "fragment"} tags=["nbval-ignore-output"]
grid_widget = BatchGridWidget(sentence, batch_size=3, n_steps=6)
display(grid_widget)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 2: where does element p go?
#
# Write `my_position(p, length, batch_size, n_steps)` returning `(k, r, j)`: element p is
# `x[r, j]` of batch k; `(-1, -1, -1)` if it is in the dropped tail. The first try uses the notes'
# rows of `length // batch_size`; the check says what that gets wrong.

# %% slideshow={"slide_type": "fragment"}
def my_position(p, length, batch_size, n_steps):
    row_length = length // batch_size  # the notes' 10 x 100 rows
    r, col = divmod(p, row_length)
    return col // n_steps, r, col % n_steps


first_try = check_position(my_position)
assert not first_try  # print(first_try) to read what the check says about it

# %% jupyter={"source_hidden": true} slideshow={"slide_type": "skip"}
# Solution.
def solution_position(p, length, batch_size, n_steps):
    n_batches = (length - 1) // (batch_size * n_steps)
    row_length = n_batches * n_steps  # only full batches: a row holds n_batches * n_steps inputs
    if p >= batch_size * row_length:
        return -1, -1, -1  # the dropped tail
    r, col = divmod(p, row_length)
    return col // n_steps, r, col % n_steps


assert all(tuple(batch_layout(1000, 10, 20)[p]) == solution_position(p, 1000, 10, 20) for p in range(1000))


# %% slideshow={"slide_type": "fragment"}
feedback = check_position(solution_position)
print(feedback)
assert feedback

# %% [markdown] slideshow={"slide_type": "slide"}
# ## One-hot encoding and the vocabulary
#
# The cell needs numbers. The **vocabulary** is the list of distinct characters; a character's
# **id** is its place in that list; its **one-hot** vector has a 1 at the id and 0 elsewhere.

# %% slideshow={"slide_type": "fragment"}
chars = sorted(set(text))
char_to_id = {ch: i for i, ch in enumerate(chars)}
ids = np.array([char_to_id[ch] for ch in text])
vocab_size = len(chars)
print(f"{len(text)} characters, vocabulary of {vocab_size}: {''.join(chars)!r}")
assert "".join(chars[i] for i in ids) == text, "decoding the ids gives the text back"

# %% slideshow={"slide_type": "fragment"}
word = "lstm"
print(f"one_hot({word!r}) as rows, columns = the {vocab_size} characters of the vocabulary:")
print(one_hot([char_to_id[ch] for ch in word], vocab_size).astype(int))
x, y = next(get_batches(ids, batch_size=4, n_steps=10))
inputs = one_hot(x, vocab_size)
print("a batch of ids", x.shape, "-> one-hot inputs", inputs.shape, inputs.dtype)
assert inputs.shape == (4, 10, vocab_size) and np.all(inputs.sum(-1) == 1)

# %% [markdown] slideshow={"slide_type": "fragment"}
# Multiplying a one-hot vector by the input weights just **picks a row** of them: `one_hot(ids) @ W_x`
# is `W_x[ids]`. Frameworks call that an embedding lookup.

# %% slideshow={"slide_type": "fragment"}
W_x = LSTMCell(vocab_size, 8, seed=0).params["W_x"]
assert np.allclose(one_hot(x, vocab_size, dtype=np.float64) @ W_x, W_x[x])
print("one_hot(x) @ W_x equals W_x[x]:", True)

# %% [markdown] slideshow={"slide_type": "fragment"}
# The notes' own sentence works the same way, one id per Chinese character:

# %% slideshow={"slide_type": "fragment"}
notes_sentence = "采用batch分割为多个批次，并采用矩阵运算，即多个序列并行处理。"
zh_chars = sorted(set(notes_sentence))
zh_ids = np.array([zh_chars.index(ch) for ch in notes_sentence])
print(f"{len(notes_sentence)} characters, vocabulary of {len(zh_chars)};",
      "one-hot shape", one_hot(zh_ids, len(zh_chars)).shape)
assert one_hot(zh_ids, len(zh_chars)).shape == (len(notes_sentence), len(zh_chars))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 3: one-hot encoding
#
# Write `my_one_hot(ids, vocab_size)`: float array of shape `ids.shape + (vocab_size,)`.

# %% slideshow={"slide_type": "fragment"}
def my_one_hot(ids, vocab_size):
    return np.eye(vocab_size)[:, ids]  # first try: columns of the identity


first_try = check_one_hot(my_one_hot)
assert not first_try  # print(first_try) to read what the check says about it

# %% jupyter={"source_hidden": true} slideshow={"slide_type": "skip"}
# Solution: row v of the identity is the one-hot vector of v; indexing puts the vocabulary axis last.
def solution_one_hot(ids, vocab_size):
    return np.eye(vocab_size)[np.asarray(ids)]


# %% slideshow={"slide_type": "fragment"}
feedback = check_one_hot(solution_one_hot)
print(feedback)
assert feedback

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Stateful batching: carry (h, c) from batch to batch
#
# Because row r of batch k continues row r of batch k−1, we can start batch k from the final
# state of batch k−1. Claim: that gives **exactly** the outputs of reading each whole row in one go.

# %% slideshow={"slide_type": "fragment"}
cell = LSTMCell(vocab_size, 16, seed=0, forget_bias=1.0)
id_batches = list(get_batches(ids, batch_size=4, n_steps=12))
state, outputs = None, []
for x, _ in id_batches:
    out, state = dynamic_rnn(cell, one_hot(x, vocab_size, dtype=np.float64), state)
    outputs.append(out)
carried = np.concatenate(outputs, axis=1)

rows = np.concatenate([x for x, _ in id_batches], axis=1)  # each row: one contiguous piece of the text
whole, _ = dynamic_rnn(cell, one_hot(rows, vocab_size, dtype=np.float64))
print(f"{len(id_batches)} batches of (4, 12) carried: outputs {carried.shape}; whole rows at once: {whole.shape}")
assert np.allclose(carried, whole, rtol=0, atol=1e-12)
print("carrying the state reproduces the whole-row run (max |difference| below 1e-12)")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 4: carry the state
#
# Write `my_run_stateful(cell, inputs_per_batch)`: run `dynamic_rnn` over the batches in order,
# carrying the state, and join the outputs along time.

# %% slideshow={"slide_type": "fragment"}
def my_run_stateful(cell, inputs_per_batch):
    outputs = []
    for inputs in inputs_per_batch:
        out, final_state = dynamic_rnn(cell, inputs)  # first try
        outputs.append(out)
    return np.concatenate(outputs, axis=1)


first_try = check_stateful(my_run_stateful)
assert not first_try  # print(first_try) to read what the check says about it

# %% jupyter={"source_hidden": true} slideshow={"slide_type": "skip"}
# Solution: dynamic_rnn's second result is the final LSTMState(h, c); it starts the next batch.
def solution_run_stateful(cell, inputs_per_batch):
    state, outputs = None, []
    for inputs in inputs_per_batch:
        out, state = dynamic_rnn(cell, inputs, state)
        outputs.append(out)
    return np.concatenate(outputs, axis=1)


# %% slideshow={"slide_type": "fragment"}
feedback = check_stateful(solution_run_stateful)
print(feedback)
assert feedback

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Stateless batching: random windows
#
# `random_windows` draws every row of every batch from its own random place in the text. The
# batches are independent, so they can be shuffled freely, but a row never continues anything:
# each window must start from the **zero state**. What does that cost?
#
# A trick to measure it: batch the *positions* `0 … len−1` instead of the characters. Then each
# window tells us where it came from, and we can compare its cold-start states with the states
# of one uninterrupted run over the whole text (the stateful truth) at the same positions.

# %% slideshow={"slide_type": "fragment"}
positions = np.arange(len(ids))
pos, _ = next(random_windows(positions, batch_size=32, n_steps=100, seed=0))
print("window starts:", np.sort(pos[:, 0])[:8], "...; each row is consecutive:", bool(np.all(np.diff(pos) == 1)))

warm_up, gaps = {}, {}
for forget_bias in (0.0, 1.0, 3.0):
    lstm = LSTMCell(vocab_size, 32, seed=0, forget_bias=forget_bias)
    truth, _ = dynamic_rnn(lstm, one_hot(ids[None], vocab_size, dtype=np.float64))  # (1, len, 32)
    cold, _ = dynamic_rnn(lstm, one_hot(ids[pos], vocab_size, dtype=np.float64))  # (32, 100, 32), zero start
    gap = np.abs(cold - truth[0, pos]).max(axis=-1).mean(axis=0)  # per column j of the window
    gaps[forget_bias] = gap
    close = np.flatnonzero(gap < 0.01)
    warm_up[forget_bias] = int(close[0]) if close.size else None
    steps = f"{warm_up[forget_bias]} steps" if close.size else "more than the 100 steps of the window"
    print(f"forget_bias {forget_bias:.0f}: the cold start differs by {gap[0]:.2f} at the first step; "
          f"within 0.01 after {steps}")

# %% slideshow={"slide_type": "fragment"}
fig, ax = plt.subplots(figsize=(7, 3.2))
for forget_bias, gap in gaps.items():
    _ = ax.semilogy(gap, label=f"forget_bias {forget_bias:.0f}")
_ = ax.axhline(0.01, color="grey", lw=0.8, ls="--")
ax.set_xlabel("column j of the window (steps since the zero state)")
ax.set_ylabel("|h cold - h carried|")
ax.set_title("Stateless windows: how far the zero-started state is from the carried one")
_ = ax.legend()
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# The cold-started state catches up with the carried one only as fast as the cell forgets. A cell
# that remembers by default (a large forget bias) does not catch up within the window at all:
# its outputs near the start of every window come from the wrong memory.

# %% slideshow={"slide_type": "fragment"}
assert warm_up[0.0] < warm_up[1.0] < 100 and warm_up[3.0] is None
print(f"warm-up: {warm_up[0.0]} steps (forget bias 0) < {warm_up[1.0]} (bias 1) < "
      "over 100 (bias 3): the better the memory, the longer the warm-up")

# %% [markdown] slideshow={"slide_type": "subslide"}
# Random windows also do not read every character once. Give them the same number of batches as
# `get_batches` has (one "epoch"), over a 100,000-element sequence:

# %% slideshow={"slide_type": "fragment"}
length = 100_000
reads = np.zeros(length, int)
for window, _ in random_windows(np.arange(length), batch_size=32, n_steps=50, seed=0):
    np.add.at(reads, window.ravel(), 1)
read, twice = (reads > 0).mean(), (reads > 1).mean()
print(f"{num_batches(length, 32, 50)} batches of random windows read {read:.0%} of the positions; "
      f"{twice:.0%} of all positions were read more than once, {twice / read:.0%} of those read at all")
print(f"(get_batches: every input exactly once; for comparison, 1 - 1/e = {1 - np.exp(-1):.0%})")
assert 0.55 < read < 0.70 and 0.2 < twice < 0.3 and 0.35 < twice / read < 0.5

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## What each costs
#
# | | stateful (`get_batches`, carry h, c) | stateless (`random_windows`, zero state) |
# |---|---|---|
# | memory | the whole past of the row: equals the whole-row run (checked above) | only the window; the first steps of each window use a wrong, cold memory (the warm-up above) |
# | order | batches must go in order, rows in lockstep; reset the state when a new pass begins | any order: shuffle freely |
# | coverage | every input once per pass, except the dropped tail (see below) | about two thirds of the text per "pass", some of it twice (measured above) |
# | gradient | flows back only inside the window (truncated BPTT): the state is carried forward as a constant | flows back only inside the window, and there is no memory across windows |
#
# Lesson 6 trains stateful: the text is cut with `get_batches`, and each window's final state
# starts the next window.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The dropped tail, epoch after epoch
#
# `get_batches` drops the tail that does not fill a batch: for the notes' example, 200 of 1,000
# elements, the same 200 in every pass over the text. Two remedies:
#
# 1. **A random offset per epoch** (d2l's `seq_data_iter_sequential` starts each epoch at
#    `random.randint(0, num_steps)`, 0 to `num_steps` inclusive; the package's `training.train`
#    draws 0 to `n_steps − 1`): skip the first `offset` elements, so the cut moves a little.
#    Lesson 6 trains with it.
# 2. **A shorter final window**: rows as long as the text allows, `(len − 1) // batch_size`,
#    read in full windows and one last, shorter window. Nothing but fewer than `batch_size`
#    elements is dropped.
#
# Measured over 20 epochs, on the notes' 1,000 elements and on 90,000 (lesson 6's training text):

# %% slideshow={"slide_type": "fragment"}
def batches_with_short_last_window(arr, batch_size, n_steps):
    """Rows of (len - 1) // batch_size elements, read n_steps at a time; the last window may be shorter."""
    row = (len(arr) - 1) // batch_size
    x_rows = arr[:batch_size * row].reshape(batch_size, row)
    y_rows = arr[1:batch_size * row + 1].reshape(batch_size, row)
    for start in range(0, row, n_steps):
        yield x_rows[:, start:start + n_steps], y_rows[:, start:start + n_steps]


def never_read(length, batch_size, n_steps, strategy, epochs=20, seed=0):
    """Share of the positions 0 .. length-2 (each has a successor) that no epoch reads as an input."""
    rng, seen = np.random.default_rng(seed), np.zeros(length, bool)
    positions = np.arange(length)
    for _ in range(epochs):
        if strategy == "short last window":
            batches = batches_with_short_last_window(positions, batch_size, n_steps)
        else:
            offset = int(rng.integers(n_steps)) if strategy == "random offset" else 0
            batches = get_batches(positions[offset:], batch_size, n_steps)
        for x, _ in batches:
            seen[x.ravel()] = True
    return 1 - seen[:-1].mean()


strategies = ("fixed start", "random offset", "short last window")
dropped = {(n, st): never_read(n, b, k, st) for n, b, k in ((1000, 10, 20), (90_000, 32, 50)) for st in strategies}
for (n, st), share in dropped.items():
    print(f"{n:6,} elements, {st:17s}: {share:6.2%} never read in 20 epochs")
assert abs(dropped[1000, "fixed start"] - 0.2) < 0.01 and dropped[1000, "random offset"] > 0.15
assert all(dropped[n, "random offset"] <= dropped[n, "fixed start"] for n in (1000, 90_000))
assert all(dropped[n, "short last window"] < 0.01 for n in (1000, 90_000))
print("A random offset of at most n_steps moves the cut by at most n_steps, so it shrinks the never-read tail")
print("only a little; what it buys is variety (d2l: 'both coverage and randomness'): the windows start at")
print("different characters every epoch. A shorter last window reads all but fewer than batch_size")
print("elements, at the price of one odd-sized batch per pass.")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## "采用矩阵运算，即多个序列并行处理": measured
#
# > 可以采用batch分割为多个批次，并采用矩阵运算，即多个序列并行处理。
#
# *Split into batches and use matrix operations: several sequences processed in parallel.* Is that
# faster? The same two-layer LSTM (64 units), the same number of training steps (forward and
# backward over windows of 50), once with 1 row per batch and once with 32 rows, interleaved in
# one run on this machine:

# %% slideshow={"slide_type": "fragment"} tags=["nbval-ignore-output"]
speed_text = np.random.default_rng(0).integers(0, vocab_size, 200_000)
speed_model = CharModel(vocab_size, 64, 2, seed=0)
best = {1: np.inf, 32: np.inf}  # the best of 5 rounds: the least disturbed by other programs
for _round in range(5):
    for B in (1, 32):
        x, y = next(get_batches(speed_text, batch_size=B, n_steps=50))
        t0 = time.perf_counter()
        for _ in range(4):
            speed_model.loss_and_grads(x, y)
        best[B] = min(best[B], time.perf_counter() - t0)
chars_per_second = {B: B * 50 * 4 / t for B, t in best.items()}
speed_up = chars_per_second[32] / chars_per_second[1]
try:
    cpu = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
except (OSError, StopIteration):
    cpu = platform.processor() or platform.machine()
print(f"machine: {cpu}, one BLAS thread")
for B, cps in chars_per_second.items():
    print(f"batch {B:2d}: {cps:9,.0f} characters per second")
print(f"32 sequences in parallel: {speed_up:.0f} times as many characters per second")

# %% slideshow={"slide_type": "fragment"}
assert speed_up > 2
print("Measured in the same run: a batch of 32 rows trains more than twice as many characters per second as")
print("one row (the ratio itself is printed above). Each step is one matrix product for all rows, instead of")
print("32 small ones in turn.")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## What to take away
#
# - `get_batches` cuts one long sequence into `batch_size` contiguous rows and reads them
#   `n_steps` columns at a time; `y` is `x` shifted by one, always.
# - The notes' example gives 4 batches, not 5: the last element has no successor (checked above).
# - Rows continue each other from batch to batch, so the final (h, c) of one batch is the right
#   start for the next (stateful), which equals reading the whole row at once (checked above).
# - Random windows (stateless) can be shuffled but start cold and read the text unevenly.
# - The dropped tail: a random offset per epoch moves it a little; a shorter last window removes it.
# - Batching is parallel work: 32 rows at once train more than twice as many characters per second
#   as one row (the ratio measured above).
#
# **Next, lesson 6:** a two-layer character LSTM trained on these windows, in numpy, in under a minute.

# %% [markdown] slideshow={"slide_type": "notes"}
# Teacher's note: the "tempting patch" slide is Udacity's TensorFlow `get_batches` (Anna KaRNNa
# notebook), widely copied; it fills the last target column with `x[:, 0]`.
# Exercise 2's first try is the notes' own layout; the check explains why rows shrink to 80.
