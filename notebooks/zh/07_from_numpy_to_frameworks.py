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
# **07 · 从 numpy 到深度学习框架**
#
# > 采用tensorflow框架建立rnn
# > ```
# > lstm = tf.contrib.rnn.BasicLSTMCell(lstm_size)#lstm_size代表的是lstm的维度，即四类们的隐层维度
# > tf.nn.dynamic_rnn()#多时间步长执行
# > MultiRNNCell() #堆砌cell，即多层lstm
# > ```
#
# 这三行里的每个部件，如今在本包中都有 numpy 实现。本课把它们与 TensorFlow 1、当今的 PyTorch 和 Keras 并排对照，并把一个训练好的模型的权重搬到这三个框架中，检查这些数字在各个框架中含义相同。

# %% slideshow={"slide_type": "skip"}
import math
import tempfile
from pathlib import Path

import numpy as np

from lstm_lesson import (
    CharModel,
    LSTMCell,
    LSTMState,
    MultiRNNCell,
    dynamic_rnn,
    from_keras_weights,
    from_tf1_weights,
    from_torch_state_dict,
    set_language,
    sigmoid,
    to_keras_weights,
    to_tf1_weights,
    to_torch_state_dict,
)
from lstm_lesson.classroom.exercises.lesson07 import (
    check_keras_gru_bias,
    check_tf1_export,
    check_torch_export,
    check_torch_import,
)
from lstm_lesson.classroom.monitor import status_text
from lstm_lesson.core.interop import describe_layout
from lstm_lesson.core.text import Vocabulary, fable_corpus, split_text
from lstm_lesson.core.training import train
from lstm_lesson.experiments.framework_fixtures import FIXTURES, compare_fixture, load_fixture

np.set_printoptions(linewidth=110, precision=3, suppress=True)
set_language("zh")  # 包打印的内容用中文（English: set_language("en")）

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 1 · 笔记的三行代码在本包中的对应
#
# | 笔记（TensorFlow 1） | 本包 | 含义 |
# |---|---|---|
# | `tf.contrib.rnn.BasicLSTMCell(lstm_size)` | `LSTMCell(input_size, hidden_size)` | 长短期记忆网络（LSTM）的一步；`lstm_size` = `hidden_size` = 四个门块（gate block）各自的宽度 |
# | `tf.nn.dynamic_rnn(cell, inputs)` | `dynamic_rnn(cell, inputs)` | 在 `(batch, time, features)` 的每个时间步（time step）上运行这一步；返回 `(outputs, final_state)` |
# | `tf.contrib.rnn.MultiRNNCell([cell1, cell2])` | `MultiRNNCell([cell1, cell2])` | 多层堆叠：第 2 层读取第 1 层的 `h` |
#
# TensorFlow 1 在第一次调用单元（cell）时才得知输入大小；我们的单元则在创建时就要指定它。笔记所说的“四类们的隐层维度”，指的是四个门块，每块 `lstm_size` 列：

# %% slideshow={"slide_type": "fragment"}
lstm_size, input_size = 64, 49
cell = LSTMCell(input_size, lstm_size, seed=0)
for name, p in cell.params.items():
    print(f"{name}: {p.shape}")
print(f"four gate blocks (i, f, g, o) of lstm_size = {lstm_size} columns each: 4 x {lstm_size} = {4 * lstm_size}")
assert cell.params["W_x"].shape == (input_size, 4 * lstm_size)

# %% slideshow={"slide_type": "fragment"}
inputs = np.random.default_rng(0).normal(size=(3, 5, input_size))  # (batch, time, features)
stack = MultiRNNCell([LSTMCell(input_size, lstm_size, seed=1), LSTMCell(lstm_size, lstm_size, seed=2)])
outputs, final_state = dynamic_rnn(stack, inputs)
print(f"dynamic_rnn over a MultiRNNCell: outputs {outputs.shape}; final state: "
      f"{len(final_state)} layers, each LSTMState(h {final_state[0].h.shape}, c {final_state[0].c.shape})")
assert np.array_equal(outputs[:, -1], final_state[1].h)

# %% [markdown] slideshow={"slide_type": "subslide"}
# TensorFlow 1 中一个经典错误是 `MultiRNNCell([cell] * 2)`：把*同一个*单元对象用了两次，于是两层会共享同一组权重（TF 1.x 后来的版本会拒绝这种写法）。本包同样拒绝，并在消息中说明该怎么做：

# %% slideshow={"slide_type": "fragment"}
one = LSTMCell(lstm_size, lstm_size)
try:
    MultiRNNCell([one] * 2)
except ValueError as err:
    print(f"ValueError: {err}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 2 · 三个框架中的同一个模型（供复制的代码，这里不运行）
#
# 这些框架都不是本课的依赖，所以这里只展示代码，不执行。每段代码训练的都是第 6 课的模型：独热编码（one-hot）的字符，两层堆叠的 LSTM，一个全连接层（dense layer），在窗口上做截断的通过时间反向传播（truncated BPTT）并传递状态，按全局范数做梯度裁剪（gradient clipping），优化器为 Adam。
#
# **TensorFlow 1**（笔记用的 API；在 TensorFlow 2 中为 `tf.compat.v1`；自 TensorFlow 2.16 起，这些单元还需要 `pip install tf_keras` 并设置环境变量 `TF_USE_LEGACY_KERAS=1`）：
#
# ```python
# import tensorflow.compat.v1 as tf
# tf.disable_v2_behavior()
# x = tf.placeholder(tf.int32, [batch_size, n_steps])
# y = tf.placeholder(tf.int32, [batch_size, n_steps])
# cells = [tf.nn.rnn_cell.BasicLSTMCell(lstm_size) for _ in range(2)]   # 两个对象，而不是 [cell] * 2
# stack = tf.nn.rnn_cell.MultiRNNCell(cells)
# initial_state = stack.zero_state(batch_size, tf.float32)
# outputs, final_state = tf.nn.dynamic_rnn(stack, tf.one_hot(x, vocab_size), initial_state=initial_state)
# logits = tf.layers.dense(outputs, vocab_size)
# loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
# grads, _ = tf.clip_by_global_norm(tf.gradients(loss, tf.trainable_variables()), 5.0)
# train_op = tf.train.AdamOptimizer(1e-2).apply_gradients(zip(grads, tf.trainable_variables()))
# # 在循环中：把最终状态作为初始状态送回去
# # state = sess.run(initial_state)
# # loss_value, state, _ = sess.run([loss, final_state, train_op],
# #                                 {x: xb, y: yb, initial_state: state})
# ```

# %% [markdown] slideshow={"slide_type": "subslide"}
# **PyTorch**（当今）：一个模块包含两层；`batch_first=True` 就是我们的布局。
#
# ```python
# import torch
# from torch import nn
#
# class CharLSTM(nn.Module):
#     def __init__(self, vocab_size, hidden_size):
#         super().__init__()
#         self.vocab_size = vocab_size
#         self.lstm = nn.LSTM(vocab_size, hidden_size, num_layers=2, batch_first=True)
#         self.out = nn.Linear(hidden_size, vocab_size)
#
#     def forward(self, x, state=None):                 # x: (batch, time) 的字符 id
#         h, state = self.lstm(nn.functional.one_hot(x, self.vocab_size).float(), state)
#         return self.out(h), state
#
# model = CharLSTM(vocab_size, 64)
# opt = torch.optim.Adam(model.parameters(), lr=1e-2)
# state = None
# for xb, yb in get_batches(train_ids, 32, 50):          # 本包的批次可以直接使用
#     logits, state = model(torch.from_numpy(xb), state)
#     state = tuple(s.detach() for s in state)        # 传递状态，切断梯度：截断 BPTT
#     loss = nn.functional.cross_entropy(logits.reshape(-1, vocab_size), torch.from_numpy(yb).reshape(-1))
#     opt.zero_grad()
#     loss.backward()
#     nn.utils.clip_grad_norm_(model.parameters(), 5.0)   # 全局范数，与 clip_by_global_norm 相同
#     opt.step()
# ```

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Keras**（当今）：每个堆叠的单元对应一个 `LSTM` 层；`return_sequences=True` 保留每个时间步的输出（类似 `dynamic_rnn` 的 `outputs`），`stateful=True` 把状态从一个批次传到下一个批次（因此批量大小固定），`global_clipnorm` 按全局范数裁剪（`clipnorm` 则会对每个权重分别裁剪）。
#
# ```python
# import keras
# from keras import layers
#
# model = keras.Sequential([
#     keras.Input(shape=(n_steps,), batch_size=batch_size, dtype="int32"),
#     layers.CategoryEncoding(vocab_size, output_mode="one_hot"),   # 或 layers.Lambda(one_hot)
#     layers.LSTM(64, return_sequences=True, stateful=True),
#     layers.LSTM(64, return_sequences=True, stateful=True),
#     layers.Dense(vocab_size),
# ])
# model.compile(optimizer=keras.optimizers.Adam(1e-2, global_clipnorm=5.0),
#               loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
# for epoch in range(n_epochs):
#     for layer in model.layers:
#         if hasattr(layer, "reset_states"):
#             layer.reset_states()                      # 新一遍遍历文本从零状态开始
#     for xb, yb in get_batches(train_ids, batch_size, n_steps):
#         model.train_on_batch(xb, yb)
# ```
#
# 这段训练代码不在这里运行；它构建的层（`keras.layers.LSTM`）会在第 6 节与该层的真实输出作对照检查。

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 3 · 一个待导出的模型
#
# 本 notebook 自己训练一个小模型（各课相互独立），使用 float64，这样下面的比较才能要求在 1e-12 以内一致。你在第 6 课用 `model.save(path)` 保存的模型同样可用：`model = CharModel.load(path)`。

# %% slideshow={"slide_type": "fragment"} tags=["nbval-ignore-output"]
text = fable_corpus()
vocab = Vocabulary.from_text(text)
train_text, val_text = split_text(text)
model = CharModel(vocab.size, 32, 2, cell="lstm", seed=0, dtype=np.float64)
history = train(model, vocab.encode(train_text), vocab.encode(val_text), max_steps=200, max_seconds=1e9,
                lr=1e-2, eval_every=100)
print(status_text(history))

# %% slideshow={"slide_type": "fragment"}
assert history.val_loss[-1] < math.log(vocab.size) - 1
print(f"A float64 model, 2 layers x 32 units, {model.num_params():,} parameters, trained to a validation loss")
print(f"more than 1 nat/char below a uniform guess (ln {vocab.size} = {math.log(vocab.size):.1f}).")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 4 · 同一组数字的四种布局
#
# 同一组 LSTM 权重有四种存储方式。不同之处有三：**形状**（PyTorch 乘的是列向量，$W x$，所以它的矩阵是我们的转置）、**四个门块的顺序**，以及**偏置**。

# %% slideshow={"slide_type": "fragment"}
for framework in ("ours", "torch", "keras", "tf1"):
    print(describe_layout(framework, "lstm"), end="\n\n")

# %% [markdown] slideshow={"slide_type": "subslide"}
# 有两种偏置约定需要小心：
#
# - **PyTorch 保存两个偏置** `bias_ih` 和 `bias_hh`，而且只会把它们相加。我们唯一的 `b` 放进 `bias_ih`，`bias_hh` 置零；导入时再把两者加回来。（cuDNN 的内核有两个偏置，所以 PyTorch 也有两个。）
# - **TensorFlow 1 的 `BasicLSTMCell(lstm_size, forget_bias=1.0)` 在每一步都把 `forget_bias` 加到遗忘门（forget gate）的预激活值上**，叠加在存储的偏置之上。我们的 `forget_bias` 则在初始化时一次性加进了 `b`。所以导出到 TF1 时存的是 $b_f - \text{forget\_bias}$，而且构建 TF1 单元时必须使用与导出时相同的 `forget_bias`。

# %% slideshow={"slide_type": "fragment"}
rnn = model.rnn
torch_sd = to_torch_state_dict(rnn)
keras_weights = to_keras_weights(rnn)
tf1_vars = to_tf1_weights(rnn, forget_bias=1.0)
print("PyTorch state dict:", ", ".join(f"{k} {v.shape}" for k, v in torch_sd.items() if k.endswith("l0")), "...")
print("Keras, layer 0:    ", ", ".join(str(w.shape) for w in keras_weights[0]))
print("TF1 variables:     ", *(f"{k} {v.shape}" for k, v in tf1_vars.items()), sep="\n  ")
assert len(torch_sd) == 8 and len(keras_weights) == 2 and len(tf1_vars) == 4

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 5 · 用各框架自己的方程运行导出的数组
#
# 如果导出正确，用框架*文档中*的方程运行导出的数组，就会得到我们的输出。下面是这三套方程，按文档用 numpy 写成（PyTorch 的 `nn.LSTM` 页面、Keras 的 `LSTM` 层、TensorFlow 1 的 `BasicLSTMCell.call`）。每套都在 4 行、每行 60 个字符的验证文本上运行。

# %% slideshow={"slide_type": "fragment"}
def torch_lstm(state_dict, x, num_layers):
    """nn.LSTM(batch_first=True), as its documentation writes it:
    i = σ(W_ii x + b_ii + W_hi h + b_hi), f = σ(...), g = tanh(...), o = σ(...),
    c' = f ⊙ c + i ⊙ g, h' = o ⊙ tanh(c'); weight_ih_l{k} = [W_ii | W_if | W_ig | W_io] stacked by rows."""
    for k in range(num_layers):
        w_ih, w_hh = state_dict[f"weight_ih_l{k}"], state_dict[f"weight_hh_l{k}"]
        b_ih, b_hh = state_dict[f"bias_ih_l{k}"], state_dict[f"bias_hh_l{k}"]
        H = w_hh.shape[1]
        h = c = np.zeros((x.shape[0], H))
        out = []
        for t in range(x.shape[1]):
            gates = x[:, t] @ w_ih.T + b_ih + h @ w_hh.T + b_hh
            i, f, g, o = (gates[:, n * H:(n + 1) * H] for n in range(4))
            c = sigmoid(f) * c + sigmoid(i) * np.tanh(g)
            h = sigmoid(o) * np.tanh(c)
            out.append(h)
        x = np.stack(out, axis=1)
    return x


def keras_lstm(layer_weights, x):
    """Stacked keras.layers.LSTM(return_sequences=True): z = x·kernel + h·recurrent_kernel + bias,
    split into i, f, c, o; activation tanh, recurrent_activation sigmoid (the default since TF 2)."""
    for kernel, recurrent_kernel, bias in layer_weights:
        H = recurrent_kernel.shape[0]
        h = c = np.zeros((x.shape[0], H))
        out = []
        for t in range(x.shape[1]):
            z = x[:, t] @ kernel + h @ recurrent_kernel + bias
            zi, zf, zc, zo = (z[:, n * H:(n + 1) * H] for n in range(4))
            c = sigmoid(zf) * c + sigmoid(zi) * np.tanh(zc)
            h = sigmoid(zo) * np.tanh(c)
            out.append(h)
        x = np.stack(out, axis=1)
    return x


def tf1_lstm(variables, x, num_layers, forget_bias):
    """MultiRNNCell of BasicLSTMCell, as TF1's source computes it: one kernel on concat([x, h]),
    i, j, f, o = split(gates, 4); c' = c·σ(f + forget_bias) + σ(i)·tanh(j); h' = tanh(c')·σ(o)."""
    for k in range(num_layers):
        kernel = variables[f"rnn/multi_rnn_cell/cell_{k}/basic_lstm_cell/kernel"]
        bias = variables[f"rnn/multi_rnn_cell/cell_{k}/basic_lstm_cell/bias"]
        H = kernel.shape[1] // 4
        h = c = np.zeros((x.shape[0], H))
        out = []
        for t in range(x.shape[1]):
            gates = np.concatenate([x[:, t], h], axis=1) @ kernel + bias
            i, j, f, o = (gates[:, n * H:(n + 1) * H] for n in range(4))
            c = c * sigmoid(f + forget_bias) + sigmoid(i) * np.tanh(j)
            h = np.tanh(c) * sigmoid(o)
            out.append(h)
        x = np.stack(out, axis=1)
    return x


# %% slideshow={"slide_type": "subslide"}
ids = vocab.encode(val_text[:240]).reshape(4, 60)
x = model.one_hot(ids)  # (4, 60, vocab)
ours, _ = dynamic_rnn(rnn, x)
runs = {
    "PyTorch": torch_lstm(torch_sd, x, num_layers=2),
    "Keras": keras_lstm(keras_weights, x),
    "TF1": tf1_lstm(tf1_vars, x, num_layers=2, forget_bias=1.0),
}
for name, theirs in runs.items():
    gap = np.abs(theirs - ours).max()
    assert gap < 1e-12, (name, gap)
    print(f"{name:>7} layout, run by its own equations: every output within 1e-12 of ours "
          f"({theirs.shape[0]} x {theirs.shape[1]} x {theirs.shape[2]} numbers)")

# %% [markdown] slideshow={"slide_type": "subslide"}
# 看看偏置约定在数字上意味着什么。PyTorch：把我们的 `b` 以任意方式拆成两个偏置，得到的都是同一个网络。TF1：构建单元时所用的 `forget_bias` 若与导出权重时不同，得到的就是一个*不同的*网络。

# %% slideshow={"slide_type": "fragment"}
rng = np.random.default_rng(0)
split_sd = dict(torch_sd)
for k in range(2):
    noise = rng.normal(size=split_sd[f"bias_ih_l{k}"].shape)
    split_sd[f"bias_ih_l{k}"] = torch_sd[f"bias_ih_l{k}"] - noise
    split_sd[f"bias_hh_l{k}"] = torch_sd[f"bias_hh_l{k}"] + noise
split_gap = np.abs(torch_lstm(split_sd, x, 2) - ours).max()
wrong_fb_gap = np.abs(tf1_lstm(tf1_vars, x, 2, forget_bias=0.0) - ours).max()
assert split_gap < 1e-12 and wrong_fb_gap > 0.1
print("PyTorch, our b split at random between bias_ih and bias_hh: the same outputs (within 1e-12).")
print("TF1 weights exported for forget_bias=1.0 but run with forget_bias=0.0: outputs off by more than 0.1;")
print("every forget gate is shut a little more at every step, so the network forgets faster.")

# %% [markdown] slideshow={"slide_type": "subslide"}
# 全连接输出层的转换方式相同：PyTorch 的 `nn.Linear` 存储的是我们 `W` 的转置，Keras 的 `Dense` 和 TF1 的 `tf.layers.dense` 则原样存储。整个模型，PyTorch 布局：

# %% slideshow={"slide_type": "fragment"}
linear_weight, linear_bias = model.out.params["W"].T.copy(), model.out.params["b"].copy()  # nn.Linear
logits_theirs = runs["PyTorch"] @ linear_weight.T + linear_bias
logits_ours, _, _ = model.forward(ids)
assert np.abs(logits_theirs - logits_ours).max() < 1e-12
print("Next-character scores from the PyTorch layout (nn.LSTM + nn.Linear): within 1e-12 of ours.")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 6 · 与真实框架对照
#
# 第 5 节对照的是*我们对各框架文档的理解*：如果我们读错了某个页面，检查也会跟着我们一起错。因此，本仓库的脚本 `tools/make_framework_fixtures.py` 在一个一次性环境中把真实框架运行了一次：按每个框架**自己的**布局随机生成权重（PyTorch 的两个偏置都不为零），使用非零的初始状态和随机输入，由框架自己的层算出输出。`assets/fixtures/` 中的小 `.npz` 文件保存了权重、输入、输出和框架的版本。这里由本包导入这些权重、运行并比较：不需要任何框架。

# %% slideshow={"slide_type": "fragment"}
fixture_checks = {name: compare_fixture(name) for name in FIXTURES}
for result in fixture_checks.values():
    print(result.describe())
for name, result in fixture_checks.items():
    if name != "keras_gru_reset_after_false":
        assert not result.error and result.out_gap < 1e-12 and result.state_gap < 1e-12, name
assert "reset_after=False applies r before the matmul" in fixture_checks["keras_gru_reset_after_false"].error

# %% [markdown] slideshow={"slide_type": "fragment"}
# 1e-12 能排除什么：同一组 PyTorch 权重，如果导入时交换了两个门块（f 和 g，门顺序弄错时就会这样），结果会差得很远。

# %% slideshow={"slide_type": "fragment"}
meta, fx = load_fixture("torch_lstm")
H = fx["weight_hh_l0"].shape[1]
swapped = {}
for key, value in fx.items():
    if key.startswith(("weight_", "bias_")):
        blocks = np.split(value, 4, axis=0)
        swapped[key] = np.concatenate([blocks[0], blocks[2], blocks[1], blocks[3]], axis=0)
state0 = tuple(LSTMState(h, c) for h, c in zip(fx["h0"], fx["c0"]))
wrong_order = dynamic_rnn(from_torch_state_dict(swapped, cell="lstm"), fx["x"], state0)[0]
assert np.abs(wrong_order - fx["out"]).max() > 1e-2
print(f"f and g blocks swapped: off by more than 0.01 from PyTorch {meta['version']}'s outputs.")

# %% [markdown] slideshow={"slide_type": "fragment"}
# 本包转换的每一种 LSTM 和门限回归单元（GRU，d2l-zh 称门控循环单元）布局，都能在 1e-12 以内复现框架自己的输出和最终状态（两边都是 float64；上面的单元格显示，门顺序错了会差出 0.01 以上）。上面显示的版本号就是生成这些文件的版本，从文件中读出。

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### GRU：学习者容易出错的地方
#
# 三种 GRU 共用一个名字。下面是本包对它们布局的描述：

# %% slideshow={"slide_type": "fragment"}
for framework in ("ours", "torch", "keras"):
    print(describe_layout(framework, "gru"), end="\n\n")

# %% [markdown] slideshow={"slide_type": "fragment"}
# PyTorch（门顺序 **r, z, n**）和 `reset_after=True` 的 Keras（门顺序 **z, r, h**，自 TensorFlow 2 起为默认）都在循环矩阵乘法*之后*施加重置门（reset gate），与 Cho 等人 arXiv 1406.1078 的 **v1** 以及我们的 `GRUCell` 一致。`reset_after=False` 的 Keras 则在*之前*施加，即 $(r \odot h)\,U$，与该论文的 **v3** 一致：这是一个不同的函数，本包拒绝导入它（上面的消息说明了原因）。用 numpy 写出的 v3 方程可以复现这个 Keras 层：

# %% slideshow={"slide_type": "fragment"}
def gru_reset_before(kernel, recurrent_kernel, bias, x, h):
    """keras.layers.GRU(reset_after=False): gates z, r, h; one bias (3H,)."""
    H = recurrent_kernel.shape[0]
    outputs = []
    for t in range(x.shape[1]):
        xw = x[:, t] @ kernel + bias
        z = sigmoid(xw[:, :H] + h @ recurrent_kernel[:, :H])
        r = sigmoid(xw[:, H:2 * H] + h @ recurrent_kernel[:, H:2 * H])
        candidate = np.tanh(xw[:, 2 * H:] + (r * h) @ recurrent_kernel[:, 2 * H:])  # r BEFORE the matmul
        h = z * h + (1 - z) * candidate
        outputs.append(h)
    return np.stack(outputs, axis=1)


meta, fx = load_fixture("keras_gru_reset_after_false")
layer_input = fx["x"]
for k in range(2):
    layer_input = gru_reset_before(fx[f"layer{k}_kernel"], fx[f"layer{k}_recurrent_kernel"], fx[f"layer{k}_bias"],
                                   layer_input, fx["h0"][k])
v3_gap = np.abs(layer_input - fx["out"]).max()
assert v3_gap < 1e-12
# the same numbers read as a reset-AFTER GRU (the bias as the input bias, a zero recurrent bias)
as_v1 = from_keras_weights([[fx[f"layer{k}_kernel"], fx[f"layer{k}_recurrent_kernel"],
                             np.stack([fx[f"layer{k}_bias"], np.zeros_like(fx[f"layer{k}_bias"])])] for k in range(2)],
                           cell="gru")
v1_gap = np.abs(dynamic_rnn(as_v1, fx["x"], tuple(fx["h0"]))[0] - fx["out"]).max()
assert v1_gap > 1e-2
print(f"Keras {meta['version']} GRU(reset_after=False): the v3 equations match it within 1e-12;")
print(f"our reset-after GRU with the same numbers is off by {v1_gap:.2f}: r before or after the matmul matters.")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 7 · 往返转换，以及可以带走的文件
#
# 导入函数把每种布局读回我们的单元。对 PyTorch 和 Keras，本包 → 框架 → 本包的往返是精确的；TF1 的遗忘门块要经过 $b_f - 1 + 1$，只差一次浮点舍入。

# %% slideshow={"slide_type": "fragment"}
def largest_gap(a, b):
    return max(np.abs(a.params[k] - b.params[k]).max() for k in a.params)


back_torch = from_torch_state_dict(torch_sd, cell="lstm")
back_keras = from_keras_weights(keras_weights, cell="lstm")
back_tf1 = from_tf1_weights(tf1_vars, cell="lstm", forget_bias=1.0)
assert largest_gap(back_torch, rnn) == 0 and largest_gap(back_keras, rnn) == 0
assert largest_gap(back_tf1, rnn) <= 1e-14
print("PyTorch and Keras: every parameter back exactly. TF1: within 1e-14, one float64 rounding "
      "(the f block's b_f - forget_bias + forget_bias).")

# %% [markdown] slideshow={"slide_type": "subslide"}
# 要把权重带到装有 PyTorch 的机器上，先用 `np.savez` 保存导出的数组，再在那台机器上把它们转成张量：
#
# ```python
# # 在那台装有 PyTorch 的机器上：
# with np.load("fables_lstm_torch.npz", allow_pickle=False) as f:
#     lstm.load_state_dict({k: torch.from_numpy(f[k]) for k in f.files})
# ```

# %% slideshow={"slide_type": "fragment"}
folder = Path(tempfile.mkdtemp(prefix="lesson07_"))
np.savez(folder / "fables_lstm_torch.npz", **torch_sd)
np.savez(folder / "fables_lstm_keras.npz", **{f"layer{k}_{n}": w for k, ws in enumerate(keras_weights)
                                               for n, w in zip(("kernel", "recurrent_kernel", "bias"), ws)})
np.savez(folder / "fables_lstm_tf1.npz", **{k.replace("/", "__"): v for k, v in tf1_vars.items()})
with np.load(folder / "fables_lstm_torch.npz", allow_pickle=False) as saved:
    reloaded = from_torch_state_dict({k: saved[k] for k in saved.files}, cell="lstm")
assert largest_gap(reloaded, rnn) == 0
print("written:", ", ".join(sorted(p.name for p in folder.iterdir())))
print("the PyTorch file, read back without pickle, gives every parameter exactly.")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 练习题
#
# 每个练习都有一个自测，会指出错在哪一部分。参考答案在折叠的单元格里。下面每个“第一次尝试”都是一个常见错误；notebook 不显示它的判定结果（`assert not first_try`）：把它或你自己尝试的结果打印出来，就能读到提示。
#
# ### 练习 1 · 把一层导出到 PyTorch
#
# 编写 `to_torch_layer(W_x, W_h, b)`，返回一个供 `nn.LSTM` 使用的字典，包含 `weight_ih_l0`、`weight_hh_l0`、`bias_ih_l0`、`bias_hh_l0`。

# %% slideshow={"slide_type": "fragment"}
def to_torch_layer(W_x, W_h, b):
    return {"weight_ih_l0": W_x, "weight_hh_l0": W_h, "bias_ih_l0": b, "bias_hh_l0": b}


first_try = check_torch_export(to_torch_layer)
assert not first_try  # print(first_try) to read what the check says about it


# %% jupyter={"source_hidden": true} slideshow={"slide_type": "skip"}
# Solution: transpose the weights (PyTorch computes W @ x); same gate order; b in one bias only.
def solution_to_torch_layer(W_x, W_h, b):
    return {"weight_ih_l0": W_x.T, "weight_hh_l0": W_h.T, "bias_ih_l0": b.copy(), "bias_hh_l0": np.zeros_like(b)}


# %% slideshow={"slide_type": "fragment"}
feedback = check_torch_export(solution_to_torch_layer)
print(feedback)
assert feedback

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 练习 2 · 从 PyTorch 导入一层
#
# 别人训练的 PyTorch 模型，*两个*偏置都不为零。编写 `from_torch_layer(weight_ih, weight_hh, bias_ih, bias_hh)`，返回我们的 `(W_x, W_h, b)`。

# %% slideshow={"slide_type": "fragment"}
def from_torch_layer(weight_ih, weight_hh, bias_ih, bias_hh):
    return weight_ih.T, weight_hh.T, bias_ih


first_try = check_torch_import(from_torch_layer)
assert not first_try  # print(first_try) to read what the check says about it


# %% jupyter={"source_hidden": true} slideshow={"slide_type": "skip"}
# Solution: transpose back; the two biases are only ever added, so ours is their sum.
def solution_from_torch_layer(weight_ih, weight_hh, bias_ih, bias_hh):
    return weight_ih.T, weight_hh.T, bias_ih + bias_hh


# %% slideshow={"slide_type": "fragment"}
feedback = check_torch_import(solution_from_torch_layer)
print(feedback)
assert feedback

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 练习 3 · 把一层导出到 TensorFlow 1
#
# 编写 `to_tf1_layer(W_x, W_h, b, forget_bias)`，返回供 `BasicLSTMCell(H, forget_bias=forget_bias)` 使用的 `(kernel, bias)`：一个作用于 `concat([x, h])` 的 kernel，门顺序为 i, j, f, o（j 就是我们的 g）；别忘了该单元在运行时还会加上什么。

# %% slideshow={"slide_type": "fragment"}
def to_tf1_layer(W_x, W_h, b, forget_bias):
    kernel = np.concatenate([W_x, W_h])
    return kernel, b


first_try = check_tf1_export(to_tf1_layer)
assert not first_try  # print(first_try) to read what the check says about it


# %% jupyter={"source_hidden": true} slideshow={"slide_type": "skip"}
# Solution: reorder blocks i, f, g, o -> i, g, f, o in kernel and bias; subtract forget_bias from f.
def solution_to_tf1_layer(W_x, W_h, b, forget_bias):
    H = W_h.shape[0]

    def tf1_order(a):
        i, f, g, o = (a[..., n * H:(n + 1) * H] for n in range(4))
        return np.concatenate([i, g, f - (forget_bias if a.ndim == 1 else 0.0), o], axis=-1)

    return tf1_order(np.concatenate([W_x, W_h])), tf1_order(b)


kernel, bias = solution_to_tf1_layer(*(rnn.cells[0].params[n] for n in ("W_x", "W_h", "b")), 1.0)
assert np.array_equal(kernel, tf1_vars["rnn/multi_rnn_cell/cell_0/basic_lstm_cell/kernel"])
assert np.array_equal(bias, tf1_vars["rnn/multi_rnn_cell/cell_0/basic_lstm_cell/bias"])


# %% slideshow={"slide_type": "fragment"}
feedback = check_tf1_export(solution_to_tf1_layer)
print(feedback)
assert feedback

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 练习 4 · Keras GRU 的偏置
#
# 我们的 `GRUCell` 保存两个偏置 `b_x` 和 `b_h`，形状都是 (3H,)，门顺序为 r, z, n。编写 `keras_gru_bias(b_x, b_h)`，返回 `keras.layers.GRU(reset_after=True)` 所存储的 `bias`：形状为 (2, 3H)，门顺序为 z, r, h（第 6 节打印过这个布局）。

# %% slideshow={"slide_type": "fragment"}
def keras_gru_bias(b_x, b_h):
    return np.stack([b_x, b_h])


first_try = check_keras_gru_bias(keras_gru_bias)
assert not first_try  # print(first_try) to read what the check says about it


# %% jupyter={"source_hidden": true} slideshow={"slide_type": "skip"}
# Solution: two rows (input bias, recurrent bias); in each, the blocks r, z, n become z, r, n (Keras: z, r, h).
def solution_keras_gru_bias(b_x, b_h):
    H = len(b_x) // 3

    def keras_order(a):
        return np.concatenate([a[H:2 * H], a[:H], a[2 * H:]])

    return np.stack([keras_order(b_x), keras_order(b_h)])


# %% slideshow={"slide_type": "fragment"}
feedback = check_keras_gru_bias(solution_keras_gru_bias)
print(feedback)
assert feedback

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 本课回顾
#
# - 笔记中的 `BasicLSTMCell`、`dynamic_rnn` 和 `MultiRNNCell`，在本包中是 `LSTMCell`、`dynamic_rnn` 和 `MultiRNNCell`；如今在 PyTorch 中是 `nn.LSTM(num_layers=2, batch_first=True)`，在 Keras 中是堆叠的 `LSTM(return_sequences=True)` 层。
# - 一组 LSTM 权重，四种布局：转置与否，门顺序是 i, f, g, o 还是 i, j, f, o，一个偏置还是两个，遗忘门偏置是存储起来还是在运行时加上。
# - 用各框架自己文档中的方程运行导出的权重，得到的输出与我们的相差不超过 1e-12，而且权重能精确地导回（TF1：差一次舍入）。
# - 由 PyTorch、Keras 和 TensorFlow 1 自己的层生成的权重，导入本包后，能在 1e-12 以内复现这些框架保存的输出，GRU 也不例外；Keras 的 `reset_after=False` GRU 是另一个函数（Cho 的 v3），本包会明确指出这一点，而不是把它错误地转换过来。
#
# 本系列到此结束：从“本次状态记忆 = 激活函数(上次状态记忆, 当前事件)”，到一个你亲手训练、看过其内部、并且能带到任何框架中的堆叠 LSTM。
