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
# **05 · 把一条长序列分成批次**
#
# 字符级模型从一段长文本中学习。为了充分利用 CPU，它会同时并排读取文本的许多片段。本课按笔记的做法把序列切成批次（batch，d2l-zh 称小批量），找出笔记代码中的两个错误并加以修正，再讨论把记忆从一个批次传到下一个批次有什么好处、有什么代价。

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
set_language("zh")  # 包打印的内容用中文（English: set_language("en")）

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 笔记里的例子
#
# > 例如一个list=[1000个元素]组成的时序数组，采用batch_size=10,batch_step=20,即将其转化为二维数组10*100,每batch步长为20个元素
# > ```
# > arr=list.reshape((10,-1)) #将一维数组转换为二维10*100
# > for i in range(5):
# >    x_batch=arr[:,n*i:n*i+batch_step] #x代表输入序列
# >    y_batch=arr[:,n*i+1:n*i+batch_step+1] #y代表输出序列，即时序往后移位一下
# > ```
# > 每个batch为10*20个元素，则总batch数为100/20=5

# %% [markdown] slideshow={"slide_type": "subslide"}
# 我们用数字 0 … 999 作为序列：这样每个元素*就是*它自己的位置，“下一个元素”就是“加一”。（笔记把序列叫作 `list`；Python 列表没有 `.reshape`，所以它必须是 numpy 数组。）

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
# ### 错误 1：`n` 从未定义
#
# 下面的循环与笔记原文完全相同：

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
# ### 错误 2：最后一个 `y` 少了一列
#
# `n` 应当表示窗口长度，即 20。补上它，循环就能运行：

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
# 在批次 4 中，输入一直到第 99 列，即每行的末尾，而切片 `[81:101]` 只有第 81 … 99 列。对第 0 … 8 行，缺少的目标（target）是存在的，它就是*下一行*的第一个元素，但只对一行做切片是取不到它的。对第 9 行，它根本不存在：

# %% slideshow={"slide_type": "fragment"}
print("the last input is", arr[9, 99], "; its target would be element", arr[9, 99] + 1,
      "of a sequence with", sequence.size, "elements (indices 0 ..", sequence.size - 1, ")")
assert arr[9, 99] + 1 == sequence.size

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 一个诱人的补丁，以及它错在哪里
#
# Udacity 的深度学习课程在其 TensorFlow 字符级 RNN notebook（“Anna KaRNNa”）的 `get_batches` 中，用回绕的办法补上缺的那一列：`y[:, :-1], y[:, -1] = x[:, 1:], x[:, 0]`。于是一行的最后一个目标成了同一窗口的*第一个输入*。形状是对的，但这些目标并不是下一个字符：

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
# ## 修正：`get_batches`
#
# 每个输入都需要以它的后继作为目标。因此：
#
# 1. 输入取自前 `len − 1` 个元素（每个都有后继）；
# 2. 只保留**完整的**批次：`n_batches = (len − 1) // (batch_size × n_steps)`；
# 3. 把这 `batch_size × n_batches × n_steps` 个输入切成 `batch_size` 个**连续的**行；目标是同一段后移一位，按同样的方式切分；
# 4. 批次 k 是两者的第 `k·n_steps … (k+1)·n_steps − 1` 列。
#
# 剩下的只有序列的**尾部**，别无其他。

# %% slideshow={"slide_type": "fragment"}
batches = list(get_batches(sequence, batch_size=10, n_steps=20))
print(len(batches), "batches, shapes", {(x.shape, y.shape) for x, y in batches})
print(describe_batches(1000, 10, 20))
assert len(batches) == num_batches(1000, 10, 20) == 4
assert all(x.shape == y.shape == (10, 20) for x, y in batches)

# %% [markdown] slideshow={"slide_type": "fragment"}
# 是**四**个批次，不是五个：五个完整批次需要 10 × 100 个输入，*外加*最后一个输入之后的目标，共 1,001 个元素。序列少了一个元素，于是整整一个批次都被丢掉了。

# %% slideshow={"slide_type": "fragment"}
print("with 1,001 elements:", num_batches(1001, 10, 20), "batches")
assert num_batches(1001, 10, 20) == 5

# %% [markdown] slideshow={"slide_type": "subslide"}
# 下面是第一个和最后一个窗口，并对每个批次的每个元素检查不变量：

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
# ### 练习 1：自己写 `get_batches`
#
# 下面是补上 `n` 之后的笔记循环。运行 `print(check_batches(my_get_batches))`，它会告诉你哪里错了（notebook 不显示第一次尝试的判定结果）。修改 `my_get_batches`，直到自测给出“正确：……”（它会尝试多种序列长度、批量大小（batch size）和窗口长度，不只是笔记里的例子）。

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
# ## 一段真实文本的批次网格
#
# 每个字符落在哪个批次、哪一行、哪一列？上方：文本本身，每个字符按所属批次着色（灰色：被丢弃的尾部），`r0`、`r1`……标出它所在的行。下方：各批次并排摆放，每个输入 x 下方用小字标出它的目标 y。

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
# 沿着各块从左到右读第 1 行：它是句子中连续的一段。批次 0 第 1 行末尾的状态 (h, c)，正是批次 1 第 1 行第一个字符应有的起始状态：正因如此，状态可以在批次之间**传递**。

# %% slideshow={"slide_type": "fragment"}
(xa, _), (xb, _) = list(get_batches(sentence, 3, 6))[:2]
print(f"row 1 of batch 0 is {''.join(xa[1])!r}; row 1 of batch 1 goes on with {''.join(xb[1])!r}")
row_1 = "".join(xa[1]) + "".join(xb[1])
assert row_1 in sentence, "the two windows are one contiguous piece of the text"
plan = batch_plan(len(sentence), 3, 6)
print(f"{plan.n_batches} batches; dropped tail ({plan.n_dropped} characters): {sentence[plan.n_inputs:]!r}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 动手试试：拖动滑块
#
# 改变 `batch_size` 和 `n_steps` 会重新绘制网格。把 `n_steps` 拖到最右端：当一个完整批次都放不下时，图上会写明。

# %% slideshow={"slide_type": "fragment"} tags=["nbval-ignore-output"]
grid_widget = BatchGridWidget(sentence, batch_size=3, n_steps=6)
display(grid_widget)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 练习 2：元素 p 去了哪里？
#
# 编写 `my_position(p, length, batch_size, n_steps)`，返回 `(k, r, j)`：元素 p 是批次 k 的 `x[r, j]`；如果它在被丢弃的尾部，返回 `(-1, -1, -1)`。第一次尝试沿用笔记的行长 `length // batch_size`；自测会指出这样错在哪里。

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
# ## 独热编码与词表
#
# LSTM 单元（cell）只接受数字。**词表**（vocabulary）是所有不同字符组成的列表；字符的 **id** 是它在这个列表中的位置；它的**独热**（one-hot）向量在 id 处为 1，其余位置为 0。

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
# 独热向量乘以输入权重，只是从中**取出一行**：`one_hot(ids) @ W_x` 就是 `W_x[ids]`。各框架把这叫作嵌入（embedding）查找。

# %% slideshow={"slide_type": "fragment"}
W_x = LSTMCell(vocab_size, 8, seed=0).params["W_x"]
assert np.allclose(one_hot(x, vocab_size, dtype=np.float64) @ W_x, W_x[x])
print("one_hot(x) @ W_x equals W_x[x]:", True)

# %% [markdown] slideshow={"slide_type": "fragment"}
# 笔记自己的句子也是同样的处理，每个汉字一个 id：

# %% slideshow={"slide_type": "fragment"}
notes_sentence = "采用batch分割为多个批次，并采用矩阵运算，即多个序列并行处理。"
zh_chars = sorted(set(notes_sentence))
zh_ids = np.array([zh_chars.index(ch) for ch in notes_sentence])
print(f"{len(notes_sentence)} characters, vocabulary of {len(zh_chars)};",
      "one-hot shape", one_hot(zh_ids, len(zh_chars)).shape)
assert one_hot(zh_ids, len(zh_chars)).shape == (len(notes_sentence), len(zh_chars))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 练习 3：独热编码
#
# 编写 `my_one_hot(ids, vocab_size)`：返回形状为 `ids.shape + (vocab_size,)` 的浮点数组。

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
# ## 有状态（stateful）分批：在批次之间传递 (h, c)
#
# 由于批次 k 的第 r 行紧接着批次 k−1 的第 r 行，我们可以让批次 k 从批次 k−1 的最终状态开始。我们的论断：这样得到的输出与一次读完整行的输出**完全相同**。

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
# ### 练习 4：传递状态
#
# 编写 `my_run_stateful(cell, inputs_per_batch)`：按顺序在各批次上运行 `dynamic_rnn`，传递状态，并沿时间轴拼接输出。

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
# ## 无状态（stateless）分批：随机窗口
#
# `random_windows` 让每个批次的每一行都从文本中各自随机的位置取出。批次之间相互独立，因此可以随意打乱，但任何一行都不接续别的内容：每个窗口都必须从**零状态**开始。这有什么代价？
#
# 一个测量的技巧：不对字符分批，而对*位置* `0 … len−1` 分批。这样每个窗口都能告诉我们它来自哪里，我们就能在相同位置上，把它冷启动的状态与在整段文本上不间断运行一次所得的状态（有状态时的真实值）作比较。

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
# 冷启动的状态只能以单元遗忘的速度追上传递而来的状态。默认就倾向于记住的单元（遗忘门偏置 `forget_bias` 很大）在窗口内根本追不上：每个窗口开头附近的输出都来自错误的记忆。

# %% slideshow={"slide_type": "fragment"}
assert warm_up[0.0] < warm_up[1.0] < 100 and warm_up[3.0] is None
print(f"warm-up: {warm_up[0.0]} steps (forget bias 0) < {warm_up[1.0]} (bias 1) < "
      "over 100 (bias 3): the better the memory, the longer the warm-up")

# %% [markdown] slideshow={"slide_type": "subslide"}
# 随机窗口也不会把每个字符恰好读一遍。在一条 100,000 个元素的序列上，给它们与 `get_batches` 相同数量的批次（相当于一个“迭代周期”，epoch）：

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
# ## 两种做法各自的代价
#
# | | 有状态（`get_batches`，传递 h、c） | 无状态（`random_windows`，零状态） |
# |---|---|---|
# | 记忆 | 该行的全部历史：等同于一次读完整行（上文已检查） | 只有窗口内；每个窗口的头几步用的是错误的冷启动记忆（见上文的预热） |
# | 顺序 | 批次必须按顺序，各行步调一致；每开始新的一遍时重置状态 | 任意顺序：可随意打乱 |
# | 覆盖 | 每一遍中每个输入恰好读一次，被丢弃的尾部除外（见下文） | 每“遍”约覆盖文本的三分之二，其中一部分读了两次（上文已测量） |
# | 梯度 | 只在窗口内反向传播（截断的通过时间反向传播，truncated BPTT）：状态作为常数向前传递 | 只在窗口内反向传播，而且窗口之间没有记忆 |
#
# 第 6 课采用有状态训练：用 `get_batches` 切分文本，每个窗口的最终状态作为下一个窗口的起点。

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 每个迭代周期都被丢掉的尾部
#
# `get_batches` 会丢掉填不满一个批次的尾部：在笔记的例子里，是 1,000 个元素中的 200 个，而且每遍遍历文本丢掉的都是同样的 200 个。有两种补救办法：
#
# 1. **每个迭代周期随机偏移**（d2l 的 `seq_data_iter_sequential` 在每个迭代周期从 `random.randint(0, num_steps)` 处开始，即 0 到 `num_steps`，含两端；本包的 `training.train` 取 0 到 `n_steps − 1`）：跳过前 `offset` 个元素，让切分位置稍微移动一点。第 6 课的训练就用这个办法。
# 2. **更短的最后一个窗口**：每行取文本所允许的最大长度 `(len − 1) // batch_size`，先按完整窗口读取，最后再读一个较短的窗口。被丢掉的只有不到 `batch_size` 个元素。
#
# 在 20 个迭代周期上测量，分别用笔记的 1,000 个元素和 90,000 个元素（第 6 课的训练文本）：

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
# ## 实测“采用矩阵运算，即多个序列并行处理”
#
# > 可以采用batch分割为多个批次，并采用矩阵运算，即多个序列并行处理。
#
# 这样真的更快吗？同一个两层 LSTM（64 个隐藏单元），同样的训练步数（在长度为 50 的窗口上做前向和反向传播），一次每批 1 行，一次每批 32 行，在本机的同一次运行中交替进行：

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
# ## 要点
#
# - `get_batches` 把一条长序列切成 `batch_size` 个连续的行，每次读取 `n_steps` 列；`y` 永远是 `x` 后移一位。
# - 笔记的例子得到 4 个批次，不是 5 个：最后一个元素没有后继（上文已检查）。
# - 各行在批次之间首尾相接，所以一个批次最终的 (h, c) 正是下一个批次应有的起点（有状态），结果与一次读完整行相同（上文已检查）。
# - 随机窗口（无状态）可以打乱，但每次都是冷启动，而且对文本读得不均匀。
# - 被丢掉的尾部：每个迭代周期随机偏移能让它稍微移动；更短的最后一个窗口能消除它。
# - 分批就是并行计算：一次 32 行，每秒训练的字符数是一次 1 行的两倍以上（比值见上文实测）。
#
# **下一课（第 6 课）**：在这些窗口上用 numpy 训练一个两层字符级 LSTM，不到一分钟。

# %% [markdown] slideshow={"slide_type": "notes"}
# 教师备注：“诱人的补丁”那张幻灯片是 Udacity 的 TensorFlow `get_batches`（Anna KaRNNa notebook），被广泛照抄；它用 `x[:, 0]` 填充最后一列目标。练习 2 的第一次尝试就是笔记自己的切分方式；自测会解释为什么行长缩短为 80。
