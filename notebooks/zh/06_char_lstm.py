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
# **06 · 字符级 LSTM，不到一分钟训练完成**
#
# > 批次处理输入序列，例如建一个rnn模型来预测下一个字母
#
# 这是笔记里的实践部分：用长短期记忆网络（LSTM）搭一个字符级语言模型（character-level language model）。我们用 numpy 实现它，就在这台笔记本电脑上训练，边训练边看进度条和损失曲线变化，然后打开模型，看看它的单元（cell）学到了什么。
#
# (1) 文本及其词表 · (2) 模型 · (3) 一个训练步 · (4) 实时训练 ·
# (5) 带温度的采样，以及模型的前 5 个猜测 · (6) 同等规模的 RNN、GRU 与 LSTM，三个随机种子，对比 n 元语法基线 · (7) 看看模型内部 ·
# (8) 保存与加载 · (9) 其他文本：Python 手册与唐诗 · 练习

# %% slideshow={"slide_type": "skip"}
import math
import re
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from IPython.display import HTML, display

from lstm_lesson import CharModel, clip_by_global_norm, get_batches, set_language
from lstm_lesson.classroom.exercises.lesson06 import (
    check_char_model_param_count,
    check_saturation,
    check_temperature,
    check_train_step,
)
from lstm_lesson.classroom.monitor import TrainingMonitor, status_text
from lstm_lesson.classroom.plots import plot_history
from lstm_lesson.classroom.top_guesses import top_guesses, top_guesses_html
from lstm_lesson.classroom.widgets.cell_viewer import CellViewer, best_cells
from lstm_lesson.core.optim import Adam
from lstm_lesson.core.sizing import char_model_num_params, matching_hidden_size
from lstm_lesson.core.text import (
    Vocabulary,
    bracket_depth,
    fable_corpus,
    inside_quotes,
    line_position,
    python_docs_text,
    read_text_file,
    split_text,
)
from lstm_lesson.core.training import evaluate, train
from lstm_lesson.experiments.char_race import load_char_race
from lstm_lesson.experiments.interpret import (
    color_text_html,
    find_tracking_cell,
    saturation,
    saturation_table,
    trace,
)
from lstm_lesson.experiments.ngram import NGramModel

np.set_printoptions(linewidth=110, precision=3, suppress=True)
set_language("zh")  # 包打印的内容用中文（English: set_language("en")）

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 1 · 用来学习的文本
#
# 不需要下载任何东西。包会自己*生成*一段约 100,000 个字符的文本，每台机器上都一模一样：一些短小的寓言，在多个时间尺度上都有结构，正是 Karpathy, Johnson & Fei-Fei（2015）发现单个 LSTM 单元会跟踪的那类结构：
#
# - **引号里的对白**，每段长达几十个字符，还会跨越换行。在引号里，动物们用名字互相称呼（*Old Fox*，而不是 *the old fox*），句子以 `!` 或 `?` 结尾；引号外则以 `.` 结尾。句子怎样结尾，既可以从几十个字符之前的左引号读出来，也可以从句子里首字母大写的名字读出来：第 6 节会测量模型用的是哪一种；
# - **括号里的插入语**，可以嵌套，`( … [ … ] )`；
# - **文本行**在 64 个字符以内折行，段落之间用空行分隔。

# %% slideshow={"slide_type": "subslide"}
text = fable_corpus()
print(f"{len(text):,} characters; the first 600:\n")
print(text[:600])

# %% slideshow={"slide_type": "fragment"}
quotes = inside_quotes(text)
n_lines = text.count("\n")
print(f"{quotes.mean():.0%} of the characters are inside quotes, in {text.count(chr(34)) // 2:,} quoted passages;")
print(f"{text.count('('):,} asides in brackets, {text.count('['):,} of them with a nested one; "
      f"{n_lines:,} line breaks, {text.count(chr(10) * 2):,} paragraphs.")
assert 0.3 < quotes.mean() < 0.7 and max(len(line) for line in text.split("\n")) <= 64

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 字符变成编号
#
# 词表（vocabulary）由所有不同的字符排序而成，所以每台机器上的编号（id）都相同。文本的最后 10% 留作**验证**文本：模型从不在上面训练，所以它在这部分上的损失能说明，模型学到的是*故事的规则*，还是只背下了文本。

# %% slideshow={"slide_type": "fragment"}
vocab = Vocabulary.from_text(text)
train_text, val_text = split_text(text, validation_fraction=0.1)
train_ids, val_ids = vocab.encode(train_text), vocab.encode(val_text)
print(vocab)
print(f"train: {len(train_ids):,} ids, validation: {len(val_ids):,} ids")
print(f"{train_text[:20]!r} -> {train_ids[:20]}")
assert vocab.decode(train_ids[:20]) == train_text[:20]

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 2 · 模型
#
# 每个字符以独热编码（one-hot）向量 $x_t$ 输入（49 个数，其中一个为 1）。两层 LSTM 堆叠起来，即笔记里的 `MultiRNNCell`，也就是堆叠循环神经网络（stacked RNN）：第 2 层读取第 1 层的短期记忆 $h^{(1)}_t$（即隐层状态，hidden state，d2l-zh 称隐状态）。全连接层（dense layer）把顶层的 $h^{(2)}_t$ 变成每个字符的分数，再由 softmax 变成下一个字符的概率：
#
# $$x_t \;\to\; \text{LSTM}^{(1)} \;\to\; h^{(1)}_t \;\to\; \text{LSTM}^{(2)} \;\to\; h^{(2)}_t
# \;\to\; z_t = h^{(2)}_t W + b \;\to\; p(\text{next} = k) = \frac{e^{z_{t,k}}}{\sum_j e^{z_{t,j}}}$$
#
# 损失是实际出现的下一个字符的负对数概率，单位是**每字符奈特数（nats per character）**。在 49 个字符中均匀随机地猜，损失为 $\ln 49 \approx 3.9$。

# %% slideshow={"slide_type": "subslide"}
HIDDEN, LAYERS = 64, 2
model = CharModel(vocab.size, HIDDEN, LAYERS, cell="lstm", seed=0)  # float32, forget bias 1
print(model.rnn)
for name, p in model.params.items():
    print(f"  {name:<10} {str(p.shape):<10} {p.size:>6,}")
print(f"  {'total':<21} {model.num_params():>6,}")
assert model.num_params() == char_model_num_params("lstm", vocab.size, HIDDEN, LAYERS)

# %% slideshow={"slide_type": "fragment"}
untrained_loss = evaluate(model, val_ids)
print(f"untrained: {untrained_loss:.1f} nats/char; uniform guess: ln {vocab.size} = {math.log(vocab.size):.1f}")
assert abs(untrained_loss - math.log(vocab.size)) < 0.1

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 3 · 一个训练步，逐行写出
#
# 第 5 课用 `get_batches` 把文本切成形状为 `(batch, n_steps)` 的窗口；一个窗口的第 r 行紧接着上一个窗口的第 r 行。所以每个窗口都从**上一个窗口的最终状态**出发（状态向前传递），而梯度只回传到窗口的起点（*截断的*通过时间反向传播，truncated BPTT）。接着按全局范数做梯度裁剪（gradient clipping，Pascanu et al. 2013），再由 Adam 更新一步：
#
# ```python
# loss, grads, state = model.loss_and_grads(x, y, state)   # 前向传播 + 50 步的 BPTT
# grads, norm = clip_by_global_norm(grads, max_norm=5.0)    # 限制更新的幅度
# adam.step(grads)                                          # 更新每个参数
# ```
#
# 下面用一个 float64 的小模型走三步，逐步打印。只有范数达到阈值时，裁剪才起作用；刚初始化的模型，梯度远低于 5.0，所以这里裁剪原样保留梯度：

# %% slideshow={"slide_type": "fragment"}
small = CharModel(vocab.size, 16, 2, seed=0, dtype=np.float64)
adam = Adam(small.params, lr=1e-2)
state = None
for step, (x, y) in enumerate(get_batches(train_ids, batch_size=32, n_steps=50)):
    loss, grads, state = small.loss_and_grads(x, y, state)
    clipped, norm = clip_by_global_norm(grads, max_norm=5.0)
    adam.step(clipped)
    print(f"step {step}: x {x.shape}, loss {loss:.3f} nats/char, gradient norm {norm:.3f} "
          f"({'clipped to 5.0' if norm >= 5.0 else 'below 5.0: not clipped'}); "
          f"carried state: {len(state)} layers of (h, c), each {state[0].h.shape}")
    if step == 2:
        break
assert y[0, 0] == x[0, 1] and len(state) == 2 and state[1].c.shape == (32, 16)
too_long = {k: g * 100 for k, g in grads.items()}  # the same gradient, 100 times as long
capped, long_norm = clip_by_global_norm(too_long, max_norm=5.0)
capped_norm = np.sqrt(sum(float(np.sum(g.astype(np.float64) ** 2)) for g in capped.values()))
assert long_norm > 5.0 and abs(capped_norm - 5.0) < 1e-6
print(f"The same gradient × 100: norm {long_norm:.1f} -> clipped to {capped_norm:.1f}, same direction.")
print("(Karpathy's min-char-rnn clips each number to [-5, 5] instead, np.clip: also used, but it turns the direction.)")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 4 · 实时训练
#
# `train` 把这个训练步运行 400 次，每 100 步测一次验证损失。下面的进度条和曲线在训练*过程中*实时更新（灰色：每个窗口的损失；黑色：它的滑动平均；橙色：验证损失）。在第 25、100 和 200 步，模型各写一段样本，这样事后就能看到学习的各个阶段（就像 Karpathy 在“The Unreasonable Effectiveness of RNNs”一文中所做的那样）。

# %% slideshow={"slide_type": "fragment"} tags=["nbval-ignore-output"]
monitor = TrainingMonitor(title="LSTM 2×64")
display(monitor)
stages = {}


def monitor_and_sample(history):
    monitor(history)
    if history.steps in (25, 100, 200) and history.steps not in stages:
        stages[history.steps] = vocab.decode(model.sample(vocab.encode("The"), 120, temperature=0.8, seed=0))


history = train(model, train_ids, val_ids, max_steps=400, max_seconds=1e9, batch_size=32, n_steps=50,
                lr=1e-2, max_norm=5.0, eval_every=100, seed=0, callback=monitor_and_sample)
stages[400] = vocab.decode(model.sample(vocab.encode("The"), 120, temperature=0.8, seed=0))
print(status_text(history))
print(f"validation loss every 100 steps: {np.round(history.val_loss, 2)}")

# %% slideshow={"slide_type": "fragment"}
assert history.steps == 400 and history.val_loss[-1] < 1.0 < untrained_loss - 2
print(f"In 400 steps the validation loss fell from {untrained_loss:.1f} nats/char "
      f"({untrained_loss / math.log(2):.1f} bits/char) to below 1.0 nats/char ({1 / math.log(2):.2f} bits/char).")
print("Bits per character = nats / ln 2: the unit of Karpathy's and most language-model papers.")

# %% slideshow={"slide_type": "subslide"}
ax = plot_history(history, label="LSTM 2×64")
ax.axhline(math.log(vocab.size), color="grey", ls=":", lw=1)
ax.set_title("Training and validation loss")
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# 训练损失和验证损失始终很接近：寓言遵循规则，而规则能推广到模型没见过的文本上。（换成一部真实的小说，训练损失还在下降时，验证损失会停止下降并开始回升：这就是过拟合（overfitting），也是该停止训练的时候。）

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 学习的各个阶段
#
# 同样以“The”开头，用温度 0.8 和同一个随机种子（seed），在上面训练过程中的四个时刻各采样一次：

# %% slideshow={"slide_type": "fragment"} tags=["nbval-ignore-output"]
for step, sample in stages.items():
    print(f"--- after {step} steps ---\nThe{sample}\n")

# %% slideshow={"slide_type": "fragment"}
corpus_words = set(re.findall(r"[A-Za-z]+", text))


def real_word_fraction(sample):
    words = re.findall(r"[A-Za-z]+", sample)
    return np.mean([w in corpus_words for w in words]) if words else 0.0


stage_words = {step: real_word_fraction(sample) for step, sample in stages.items()}
assert sorted(stages) == [25, 100, 200, 400] and stage_words[25] < 0.5 < stage_words[400]
print("Words of the fables among the sampled words:",
      ", ".join(f"{share:.0%} after {step} steps" for step, share in stage_words.items()))
print("First letters and spaces, then words, then the fables' sentence patterns.")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 5 · 带温度的采样
#
# 要让模型写文本，就先给它一个开头，从它给出的概率中抽取下一个字符，把这个字符再喂回模型，如此重复。在 softmax 之前，分数先除以**温度（temperature）** $T$，即 $p_k \propto e^{z_k / T}$：$T < 1$ 让分布更尖锐（文本稳妥但重复），$T > 1$ 让分布更平坦（文本大胆，错误也更多）。

# %% slideshow={"slide_type": "fragment"}
prime = vocab.encode('The fox said, "')
logits, _, _ = model.forward(prime[None, :])
entropies = []
for T in (0.5, 1.0, 2.0):
    z = logits[0, -1].astype(np.float64) / T
    p = np.exp(z - z.max())
    p /= p.sum()
    entropies.append(-(p * np.log(p + 1e-300)).sum())
assert entropies[0] < entropies[1] < entropies[2]
print("After 'The fox said, \"' the spread of the next-character distribution (its entropy) "
      "grows with the temperature: checked for T = 0.5, 1, 2.")

# %% slideshow={"slide_type": "subslide"} tags=["nbval-ignore-output"]
samples = {}
for T in (0.5, 1.0, 1.5):
    samples[T] = vocab.decode(model.sample(vocab.encode("The"), 300, temperature=T, seed=1))
    print(f"--- temperature {T} ---\nThe{samples[T]}\n")

# %% slideshow={"slide_type": "fragment"}
assert real_word_fraction(samples[0.5]) > 0.8 and real_word_fraction(samples[0.5]) > real_word_fraction(samples[1.5])
print("At temperature 0.5 more than 80% of the sampled words are words of the fables, "
      "and more than at temperature 1.5.")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 模型逐字符的预期
#
# 在一句验证文本的每个字符下面，列出模型对这个字符的前 5 个猜测（在看到它之前做出），最好的在前；模型感到意外（概率低）时字符标红，很有把握时为白色。它在哪里拿不准？在承载新信息的词的开头：是哪种动物，是什么东西。

# %% slideshow={"slide_type": "fragment"} tags=["nbval-ignore-output"]
line = val_text[:val_text.index("\n")]
guesses = top_guesses(model, vocab, line)
display(HTML(top_guesses_html(guesses, title="validation text: the character, and the top-5 guesses under it")))

# %% slideshow={"slide_type": "fragment"}
val_guesses = top_guesses(model, vocab, val_text[:2000])
in_top5 = np.mean([char in [g for g, _ in best] for char, _, best in val_guesses])
in_top1 = np.mean([char == best[0][0] for char, _, best in val_guesses])
gram = NGramModel(train_text, 5, vocab=vocab.chars)
gram_ranks = [np.argsort(-gram.probabilities(val_text[:t + 1]), kind="stable")[:5] for t in range(2000 - 1)]
gram_top1 = np.mean([gram.vocab[r[0]] == val_text[t + 1] for t, r in enumerate(gram_ranks)])
gram_top5 = np.mean([val_text[t + 1] in [gram.vocab[j] for j in r] for t, r in enumerate(gram_ranks)])
assert in_top5 > 0.9 and in_top1 > 0.6
print("On 2,000 validation characters the next character is the model's first guess more than 60% of the")
print("time and among its five best guesses more than 90% of the time.")
print(f"Baseline, the add-0.1 5-gram on the same characters: first guess {gram_top1:.0%}, top 5 {gram_top5:.0%};")
print(f"the LSTM: {in_top1:.0%} and {in_top5:.0%}.")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 6 · 同等规模的 RNN、GRU 与 LSTM
#
# 公平的比较要给每种循环单元**相同的参数量**和**相同的预算**，即相同的步数、批量大小（batch size）和学习率。每层中，普通循环神经网络（RNN）有一组权重，门限回归单元（GRU，d2l-zh 称门控循环单元）有三组，LSTM 有四组，所以在同等规模下 RNN 分到的隐藏单元最多。这里每个模型的规模都与一个 32 个隐藏单元的两层 LSTM 相同。每个模型用三个随机种子各训练 8,000 步，这足以让曲线稳定下来（下面会检验），或者表明它们稳定不下来。这要训练好几分钟，所以包预先运行了一次，即 `lstm_lesson.experiments.char_race` 里的 `char_race()`，并把结果存在 `assets/results/char_race.json`；本节读取这个结果（测试会重新计算其中一部分）。

# %% slideshow={"slide_type": "fragment"}
budget = char_model_num_params("lstm", vocab.size, 32, 2)
sizes = {cell: matching_hidden_size(cell, vocab.size, budget) for cell in ("rnn", "gru", "lstm")}
for cell, H in sizes.items():
    n = char_model_num_params(cell, vocab.size, H, 2)
    print(f"{cell.upper():>4}: hidden size {H:3d} -> {n:,} parameters ({n / budget - 1:+.1%} from the LSTM's)")
    assert abs(n / budget - 1) < 0.02 and n == CharModel(vocab.size, H, 2, cell=cell).num_params()

# %% slideshow={"slide_type": "subslide"}
race = load_char_race()
cfg = race["settings"]
by_cell = {cell: [r for r in race["runs"] if r["cell"] == cell] for cell in cfg["cells"]}
assert all(r["hidden"] == sizes[r["cell"]] and r["steps"] == cfg["max_steps"] for r in race["runs"])
print(f"{cfg['max_steps']:,} steps each, seeds {cfg['seeds']}, validation loss in nats/char (bits/char = nats / ln 2),")
print("smoothed over the last 4 evaluations (1,000 steps):")
final = {cell: [np.mean(r["val_loss"][-4:]) for r in group] for cell, group in by_cell.items()}
for cell, values in final.items():
    print(f"  {cell.upper():>4}: mean {np.mean(values):.3f} ({np.mean(values) / math.log(2):.3f} bits), "
          f"seeds from {min(values):.3f} to {max(values):.3f}")


def best_in(r, first, last):
    """The lowest validation loss measured at steps in [first, last]."""
    return min(v for step, v in zip(r["val_steps"], r["val_loss"]) if first <= step <= last)


gated = by_cell["gru"] + by_cell["lstm"]
assert all(abs(best_in(r, 6250, 8000) - best_in(r, 4250, 6000)) < 0.02 for r in gated)
assert all(v < 0.45 for cell in ("gru", "lstm") for v in final[cell])
assert all(best_in(r, 0, 5000) < 0.46 and r["val_loss"][-1] > 1.0 for r in by_cell["rnn"])
print("GRU and LSTM: settled, their best loss of the last 2,000 steps within 0.02 of the 2,000 before.")
print("RNN: as good as them (below 0.46) within the first 5,000 steps, then every seed blew up and had not")
print("recovered at 8,000 (above 1.0): at this learning rate its training is unstable in the long run.")

# %% slideshow={"slide_type": "fragment"}
fig, ax = plt.subplots(figsize=(8, 3.4))
for cell, colour in zip(by_cell, ("#d55e00", "#009e73", "#0072b2")):
    for k, r in enumerate(by_cell[cell]):
        _ = ax.plot(r["val_steps"], r["val_loss"], color=colour, alpha=0.8, lw=1.5,
                    label=f"{cell.upper()} (3 seeds)" if k == 0 else None)
_ = ax.axhline(race["ngram"]["5"]["all"], color="grey", ls="--", lw=1, label="5-gram counts")
_ = ax.set(xlabel="training step", ylabel="validation loss (nats/char)", ylim=(0, 4.2),
           title="RNN, GRU and LSTM of equal size on the fables, 3 seeds each")
_ = ax.legend()
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 与 n 元语法基线对比
#
# n 元语法（n-gram）模型靠计数，根据前 n − 1 个字符预测下一个字符（见 `lstm_lesson.experiments.ngram`）。存储的 1～5 元模型用的是加 0.1 平滑（add-0.1 smoothing），对稀疏的长上下文估计得很差；后面的单元格用插值 Witten-Bell 平滑重新计算 5 元语法，这是一个估计得当的基线。它预测不了的部分，需要超过 4 个字符的记忆。训练文本相同，验证字符也是同样的 4,000 个：

# %% slideshow={"slide_type": "fragment"}
print(f"uniform guess: {race['uniform_loss']:.2f} nats/char")
for n, losses in race["ngram"].items():
    print(f"{n}-gram: all characters {losses['all']:.2f}, sentence ends {losses['ends']:.2f} nats/char")
for cell, group in by_cell.items():
    print(f"{cell.upper():>4} (3 seeds): all characters {np.mean([r['all_loss'] for r in group]):.2f}, "
          f"sentence ends {np.mean([r['end_loss'] for r in group]):.2f} "
          f"(from {min(r['end_loss'] for r in group):.2f} to {max(r['end_loss'] for r in group):.2f})")
gram5 = race["ngram"]["5"]
assert all(r["all_loss"] < gram5["all"] and r["end_loss"] < gram5["ends"] for r in gated)
assert all(r["all_loss"] > gram5["all"] for r in by_cell["rnn"])
print("Every GRU and LSTM run beats this 5-gram on all characters and on sentence ends. The collapsed RNNs")
print("end worse than it.")

# %% slideshow={"slide_type": "fragment"}
probe_text = val_text[:race["settings"]["val_chars"]]
wb5 = NGramModel(train_text, 5, smoothing="witten-bell", vocab=vocab.chars).char_losses(probe_text)
probe_ends = np.array([c in "!?." for c in probe_text[1:]])
wb_all, wb_ends = wb5.mean(), wb5[probe_ends].mean()
print(f"Witten-Bell 5-gram: all characters {wb_all:.2f}, sentence ends {wb_ends:.2f} nats/char")
assert wb_all < gram5["all"] and all(r["all_loss"] < wb_all and r["end_loss"] < wb_ends for r in gated)
print("Better than add-k, and still beaten by every GRU and LSTM run on both: on sentence ends they use more")
print("than 4 characters of memory. Which memory? The probe below asks.")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 它们记得引号吗？
#
# 句子的结尾在对白里是 `!` 或 `?`，在叙述里是 `.`。但对白里名字的写法也不一样（用 *Old Fox* 而不是 *the old fox*），所以句子本身就泄露了它的结尾：更靠前的引号（距离见下面的测量）并不是必需的。探针（probe）让这两条线索彼此对立。它从一段模型没见过的寓言文本里取出 60 句对白，把其中的名字改成叙述里的写法，然后在句末读出每个模型认为这句是对白的置信度 $p(\,!\,\text{or}\,?\,)\,/\,p(\,!\,\text{or}\,?\,
# \text{or}\,.\,)$：一次放在 `The hare cried, "` 之后，一次当作叙述。两段文本只在这句话之前有差别。保留原来的名字，同样的测量就能显示名字透露了多少信息。注意它的局限：叙述式名字的句子出现在引号里，这在训练文本中从未有过，所以这里名字与引号是*矛盾*的。跟随引号的模型证明了它记得引号；跟随名字的模型只说明名字占了上风，并不说明它对引号毫无记忆。

# %% slideshow={"slide_type": "fragment"}
opened, distances = None, []
for k, ch in enumerate(val_text):
    if ch == '"':
        opened = None if opened is not None else k
    elif ch in "!?" and opened is not None:
        distances.append(k - opened)
lo, mid, hi = np.percentile(distances, [10, 50, 90])
print(f"From an opening quote to a ! or ? inside the speech: median {mid:.0f} characters "
      f"(10% to 90%: {lo:.0f} to {hi:.0f}; longest {max(distances)}).")
names_in_speech = len(re.findall(r"\bthe (?:" + "|".join(("fox", "owl", "crow", "hare", "wolf", "bear", "mole",
                                                             "frog", "goose", "badger")) + r")\b",
                                  "".join(p for p in re.findall(r'"[^"]*"', train_text))))
assert mid > 50 and names_in_speech == 0
print("Half of them lie further back than lesson 6's 50-step training windows (lesson 4: a gradient window")
print("shorter than the lag cannot teach it).")
print(f"'the <animal>' inside quotes in the training text: {names_in_speech} times.")

# %% slideshow={"slide_type": "fragment"}
assert race["ngram5_probe_identical"]
print(f"5-gram: {race['ngram5_probe']:.2f} with or without the quote (the last 4 characters are the same)")
for cell, group in by_cell.items():
    quote = [r["probe_inside"] - r["probe_outside"] for r in group]
    names = [r["named_outside"] - r["probe_outside"] for r in group]
    print(f"{cell.upper():>4}: narration names as narration {np.mean([r['probe_outside'] for r in group]):.2f}, "
          f"after a quote {np.mean([r['probe_inside'] for r in group]):.2f}, speech names "
          f"{np.mean([r['named_outside'] for r in group]):.2f}; the quote moves it by {np.mean(quote):+.3f} "
          f"(seeds {min(quote):+.3f} to {max(quote):+.3f}), the names by {np.mean(names):+.3f} "
          f"(seeds {min(names):+.3f} to {max(names):+.3f})")
effects = {cell: [r["probe_inside"] - r["probe_outside"] for r in group] for cell, group in by_cell.items()}
assert all(abs(e) < 0.1 for group in effects.values() for e in group)
assert all(r["named_outside"] - r["probe_outside"] > 0.5 for r in by_cell["gru"])
print("Where names and quote disagree, no run's belief moves by 0.1 towards the quote: the names win in")
print("all 9 runs. Names move every GRU's belief by more than 0.5: the GRUs end sentences from the names,")
print("up to about 50 characters back, a memory longer than a 5-gram's. That the sentence end 'needs the")
print("quote' was wrong for this corpus; whether any model also remembers the quote, this probe cannot say.")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 这场比赛说明了什么，论文又怎么说
#
# Greff et al.（2017，5,400 次运行）：没有哪个 LSTM 变体显著优于标准 LSTM。Jozefowicz, Zaremba & Sutskever（2015）：在语言建模*以外*的大多数任务上，GRU 领先于 LSTM，除非把 LSTM 的遗忘门（forget gate）偏置设为 1（我们的就是 1；GRU 的更新门偏置也是 1）。我们的测量针对的是一个小型字符级语言模型：

# %% slideshow={"slide_type": "fragment"}
gru_range, lstm_range = (min(final["gru"]), max(final["gru"])), (min(final["lstm"]), max(final["lstm"]))
print(f"GRU {gru_range[0]:.3f} to {gru_range[1]:.3f}, LSTM {lstm_range[0]:.3f} to {lstm_range[1]:.3f} nats/char "
      "(3 seeds each, last 1,000 steps)")
assert gru_range[1] > lstm_range[0] and lstm_range[1] > gru_range[0]
print("The two ranges overlap: at this size and budget neither cell is clearly ahead on all characters.")
print("On sentence ends every GRU (0.72-0.78) beat every LSTM: the measurement above, not a law.")
assert max(r["end_loss"] for r in by_cell["gru"]) < min(r["end_loss"] for r in by_cell["lstm"])

# %% [markdown] slideshow={"slide_type": "notes"}
# 教师备注：排名和探针结果都读自上面存储的测量，而不是凭预期；`char_race()` 会重新计算它（在这里的 2 个共享核心上要 23 分钟），`char_race(cells=["lstm"], seeds=[0], max_steps=1000)` 可以先小规模试一试。

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 7 · 看看模型内部
#
# Karpathy, Johnson & Fei-Fei（2015）按单个单元的值给文本着色，发现有的单元在左引号处打开、在右引号处关闭，还有的单元会计数当前在行中的位置。我们可以自动搜索这样的单元：让训练好的模型读一遍验证文本，记下每个字符处所有门和记忆的值（即每一步的 `LSTMRecord` 记录），再计算每个单元的 $c$ 与“这个字符在引号里吗？”的相关性。

# %% slideshow={"slide_type": "fragment"}
snippet = val_text[:4000]
inside = inside_quotes(snippet)
trained_trace = trace(model, vocab, snippet)
untrained_trace = trace(CharModel(vocab.size, HIDDEN, LAYERS, seed=0), vocab, snippet)
print(f"{len(snippet):,} characters, {len(trained_trace.layers)} layers, "
      f"c of shape {trained_trace.values(0, 'c').shape} per layer")

# %% slideshow={"slide_type": "fragment"} tags=["nbval-ignore-output"]
quote_cell = find_tracking_cell(trained_trace, inside)
untrained_cell = find_tracking_cell(untrained_trace, inside)
print("trained:  ", quote_cell.describe("inside quotes"))
print("untrained:", untrained_cell.describe("inside quotes"))

# %% slideshow={"slide_type": "fragment"}
assert abs(quote_cell.correlation) > 0.35 > 0.3 > abs(untrained_cell.correlation)
print("After training, the best single cell follows the quotes with |r| above 0.35; in an untrained")
print("model of the same size no cell gets above 0.3. A correlation is not yet memory: what is typical")
print("inside quotes (capitalised names) can drive the cell too; section 6's probe asks the model directly.")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 引号单元，着色显示
#
# 红色：该单元的 $\tanh(c)$ 高；蓝色：低；白色：接近零。如果这个单元跟踪引号，颜色会在每个 `"` 处翻转，并一直保持到下一个引号，跨过换行也不变。

# %% slideshow={"slide_type": "fragment"} tags=["nbval-ignore-output"]
values = trained_trace.values(quote_cell.layer, "c")[:, quote_cell.unit] * np.sign(quote_cell.correlation)
display(HTML(color_text_html(snippet[:900], np.tanh(values[:900]),
                             title=f"layer {quote_cell.layer}, cell {quote_cell.unit}: tanh(c)")))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 你来选单元
#
# 用“着色依据：一个单元”和滑块选一个单元，文本就按它的 tanh(c) 着色。在我们看来，大多数单元像噪声；少数会在空格、行尾或括号处切换。“着色依据”选文本的某个性质（是否在引号里、括号深度、在行中的位置）时，就按这个性质本身着色，并列出最能跟随它的五个单元，旁边是未训练模型里最好的单元：一个单元只有明显胜过这个基线，才值得关注。

# %% slideshow={"slide_type": "fragment"} tags=["nbval-ignore-output"]
CellViewer(trained_trace, untrained_trace, chars=600)

# %% slideshow={"slide_type": "fragment"} tags=["nbval-ignore-output"]
depth = bracket_depth(snippet)
depth_cells = {name: best_cells(tr, depth, k=1)[0] for name, tr in (("trained", trained_trace),
                                                                    ("untrained", untrained_trace))}
for name, (layer, unit, r) in depth_cells.items():
    print(f"{name + ':':<10} layer {layer}, c[{unit}] follows the bracket depth with r = {r:+.2f}")

# %% slideshow={"slide_type": "fragment"}
r_depth = {name: abs(r) for name, (_, _, r) in depth_cells.items()}
assert r_depth["trained"] < r_depth["untrained"] + 0.15
print("No trained cell follows the bracket depth clearly better than the best cell of an untrained model")
print("(within 0.15 of it): brackets are rare in this snippet, and this short training made no bracket counter.")

# %% [markdown] slideshow={"slide_type": "subslide"}
# 有没有单元在数行中的位置？和未训练的模型比一比：缓慢漂移的随机单元，也会与一个沿每行递增的数相关。

# %% slideshow={"slide_type": "fragment"} tags=["nbval-ignore-output"]
column = line_position(snippet)
line_cells = {name: find_tracking_cell(trace, column)
              for name, trace in (("trained", trained_trace), ("untrained", untrained_trace))}
for name, found in line_cells.items():
    print(f"{name + ':':<10}", found.describe("the line position"))

# %% slideshow={"slide_type": "fragment"}
r_trained, r_untrained = (abs(line_cells[k].correlation) for k in ("trained", "untrained"))
assert r_trained < r_untrained + 0.15
print("After this short training no cell counts columns clearly better than a random untrained cell")
print("drifting along each line: a negative result, and a reminder to compare every 'interpretable")
print("cell' with an untrained baseline before believing it.")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 门有多果断？
#
# 门的值低于 0.1 时几乎关闭，高于 0.9 时大开。Karpathy, Johnson & Fei-Fei（2015）发现，第一层的门比较分散（大多处在中间），更高的层则出现饱和（saturation），许多遗忘门在大部分时间大开（即这些单元在记住信息）。

# %% slideshow={"slide_type": "fragment"} tags=["nbval-ignore-output"]
trained_stats = saturation(trained_trace)
untrained_stats = saturation(untrained_trace)
print("trained\n" + saturation_table(trained_stats))
print("\nuntrained\n" + saturation_table(untrained_stats))

# %% slideshow={"slide_type": "fragment"}
for s, u in zip(trained_stats, untrained_stats):
    assert s.fraction_low + s.fraction_high > u.fraction_low + u.fraction_high + 0.1
    if s.gate == "f":
        assert s.fraction_high > 0.3 > s.fraction_low
print("Training made every gate more decisive (more often below 0.1 or above 0.9 than untrained),")
print("and in both layers the forget gate is wide open (> 0.9) far more often than shut (< 0.1).")
between = {(s.layer, s.gate): 1 - s.fraction_low - s.fraction_high for s in trained_stats}
assert all(between[0, g] > between[1, g] for g in "ifo")
print("Layer 0's gates sit in between more often than layer 1's, gate for gate: Karpathy et al.'s")
print("diffuse first layer, reproduced.")

# %% slideshow={"slide_type": "subslide"}
fig, axes = plt.subplots(1, 2, figsize=(9, 3.6), sharey=True)
for k, ax in enumerate(axes):
    for s, color in zip([s for s in trained_stats if s.layer == k], ("tab:green", "tab:blue", "tab:red")):
        _ = ax.scatter(s.low, s.high, s=12, color=color, label=f"{s.gate} gate")
    _ = ax.plot([0, 1], [1, 0], color="grey", lw=0.8)
    ax.set_xlabel("fraction of steps < 0.1 (shut)")
    ax.set_title(f"layer {k}: one dot per cell")
axes[0].set_ylabel("fraction of steps > 0.9 (open)")
_ = axes[0].legend()
plt.show()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 8 · 保存与加载，不用 pickle
#
# `model.save` 用 `np.savez` 把每个参数和模型配置写进一个 `.npz` 文件；`CharModel.load` 用 `np.load(allow_pickle=False)` 读取它，所以打开文件不会执行任何代码。词表也用同样的方式保存，存成一个字符数组。

# %% slideshow={"slide_type": "fragment"}
folder = Path(tempfile.mkdtemp(prefix="lesson06_"))
model.save(folder / "fables_lstm.npz")
vocab.save(folder / "fables_vocab.npz")
with np.load(folder / "fables_lstm.npz", allow_pickle=False) as saved:
    print("arrays in the file:", ", ".join(saved.files))
loaded = CharModel.load(folder / "fables_lstm.npz")
loaded_vocab = Vocabulary.load(folder / "fables_vocab.npz")
probe = vocab.encode(val_text[:200])[None, :]
same = np.array_equal(model.forward(probe)[0], loaded.forward(probe)[0])
same_text = model.sample(prime, 80, temperature=0.8, seed=3) == loaded.sample(prime, 80, temperature=0.8, seed=3)
assert same and same_text and loaded_vocab == vocab
print(f"loaded model: identical logits on 200 characters: {same}; identical sampled text: {same_text}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 9 · 其他文本
#
# ### Python 自带的英文文本
#
# 每个 Python 安装都附带其参考手册的各个主题（`pydoc_data.topics`）。我们在运行时从中读取 100,000 个字符（本仓库并没有复制它），用同样的模型训练 300 步。真实的文本比寓言难：字符更多，规则更少。

# %% slideshow={"slide_type": "fragment"} tags=["nbval-ignore-output"]
prose = python_docs_text(100_000)
prose_vocab = Vocabulary.from_text(prose)
prose_train, prose_val = split_text(prose)
prose_model = CharModel(prose_vocab.size, HIDDEN, LAYERS, seed=0)
prose_monitor = TrainingMonitor(title="Python docs", height=120)
display(prose_monitor)
prose_history = train(prose_model, prose_vocab.encode(prose_train), prose_vocab.encode(prose_val),
                      max_steps=300, max_seconds=1e9, lr=1e-2, eval_every=100, callback=prose_monitor)
print(status_text(prose_history))
print(f"{prose_vocab.size} characters; sample at temperature 0.5:\n")
print("The" + prose_vocab.decode(prose_model.sample(prose_vocab.encode("The"), 250, temperature=0.5)))

# %% slideshow={"slide_type": "fragment"}
assert prose_history.val_loss[-1] < math.log(prose_vocab.size) - 1.2
print("On Python's own prose the validation loss fell more than 1.2 nats/char below a uniform guess.")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 你自己的文本，任何语言都行
#
# `read_text_file(path)` 能读取任何 UTF-8 文件。中文在字符级上同样适用：每个汉字就是一个编号。这里先把四首唐诗写进一个文件，就像学习者保存一段文本那样；然后同样的代码把它们读回来，一次一个汉字。只有 107 个字符，所以放在一行里读（`batch_size=1`）：分成更多行的话，整首诗会落进被丢弃的余数里（第 5 课）。107 个字符远远不够学会中文：来看看模型转而做了什么。

# %% slideshow={"slide_type": "fragment"}
poems = ("床前明月光，疑是地上霜。\n举头望明月，低头思故乡。\n\n"
         "春眠不觉晓，处处闻啼鸟。\n夜来风雨声，花落知多少。\n\n"
         "白日依山尽，黄河入海流。\n欲穷千里目，更上一层楼。\n\n"
         "红豆生南国，春来发几枝。\n愿君多采撷，此物最相思。\n")
poem_file = folder / "poems.txt"
poem_file.write_text(poems, encoding="utf-8")
poem_text = read_text_file(poem_file)
poem_vocab = Vocabulary.from_text(poem_text)
print(f"{len(poem_text)} characters, {len(poem_text.encode('utf-8'))} bytes in UTF-8, "
      f"{poem_vocab.size} distinct characters")
assert poem_text == poems and len(poem_vocab.encode(poem_text)) == len(poem_text)

# %% slideshow={"slide_type": "fragment"} tags=["nbval-ignore-output"]
poem_model = CharModel(poem_vocab.size, 32, 2, seed=0)
poem_history = train(poem_model, poem_vocab.encode(poem_text), max_steps=800, max_seconds=1e9,
                     batch_size=1, n_steps=16, lr=1e-2)
print(status_text(poem_history))
print("床" + poem_vocab.decode(poem_model.sample(poem_vocab.encode("床"), 23, temperature=0.2)))

# %% slideshow={"slide_type": "fragment"}
assert poem_history.recent_train_loss() < 0.2 < math.log(poem_vocab.size) - 2
written = "床" + poem_vocab.decode(poem_model.sample(poem_vocab.encode("床"), 200, temperature=1.0, seed=5))
pairs = [written[k:k + 2] for k in range(len(written) - 1) if "\n" not in written[k:k + 2]]
copied = np.mean([pair in poem_text for pair in pairs])
assert copied > 0.8
print(f"The training loss fell from about ln {poem_vocab.size} = {math.log(poem_vocab.size):.1f} nats per 汉字 "
      "to below 0.2,")
print("and more than 80% of the character pairs in 200 sampled characters are pairs of the four poems:")
print("the model has memorised the 107 characters, and even so a sample may go wrong. That is memorisation,")
print("not a model of Chinese: that claim would need a held-out test on poems it never saw, and far more text.")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 练习题
#
# 每道练习都有一个自测，它会指出错的是哪一部分。参考答案在折叠的单元格里：先自己试，再打开。下面每个“第一次尝试”都是一个常见错误；notebook 不会把它的判定显示出来（`assert not first_try`）：把它打印出来，或者打印你自己那次尝试的判定。
#
# ### 练习 1 · 温度
#
# 写出 `next_char_probabilities(logits, temperature)`：沿最后一个轴求 `logits / temperature` 的 softmax，并且对很大的 logit 也安全（logit 为 1000 时不溢出）。

# %% slideshow={"slide_type": "fragment"}
def next_char_probabilities(logits, temperature):
    z = np.asarray(logits, dtype=np.float64) / temperature
    e = np.exp(z)  # try logits of 1000: what goes wrong?
    return e / e.sum(axis=-1, keepdims=True)


with np.errstate(over="ignore", invalid="ignore"):
    first_try = check_temperature(next_char_probabilities)
assert not first_try  # print(first_try) to read what the check says about it


# %% jupyter={"source_hidden": true} slideshow={"slide_type": "skip"}
# Solution: subtract the largest logit first; softmax is unchanged by a constant shift.
def solution_next_char_probabilities(logits, temperature):
    z = np.asarray(logits, dtype=np.float64) / temperature
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


# %% slideshow={"slide_type": "fragment"}
feedback = check_temperature(solution_next_char_probabilities)
print(feedback)
assert feedback

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 练习 2 · 数参数
#
# 写出 `char_lstm_params(vocab_size, hidden_size, num_layers)`：`CharModel(vocab_size, hidden_size, num_layers)` 要训练多少个数？把每层的 `W_x`、`W_h`、`b` 和全连接层都数进去。（再想一想：为什么第 6 节里 RNN 分到的隐藏单元比 LSTM 多那么多？）

# %% slideshow={"slide_type": "fragment"}
def char_lstm_params(vocab_size, hidden_size, num_layers):
    return 0  # your formula


first_try = check_char_model_param_count(char_lstm_params)
assert not first_try  # print(first_try) to read what the check says about it


# %% jupyter={"source_hidden": true} slideshow={"slide_type": "skip"}
# Solution: layer k reads V (k = 0) or H inputs; four blocks i, f, g, o; then the dense layer.
def solution_char_lstm_params(vocab_size, hidden_size, num_layers):
    V, H = vocab_size, hidden_size
    layers = sum(4 * (V if k == 0 else H) * H + 4 * H * H + 4 * H for k in range(num_layers))
    return layers + H * V + V


assert solution_char_lstm_params(vocab.size, HIDDEN, LAYERS) == model.num_params()


# %% slideshow={"slide_type": "fragment"}
feedback = check_char_model_param_count(solution_char_lstm_params)
print(feedback)
assert feedback

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 练习 3 · 一个训练步
#
# 写出用于有状态训练的 `train_step(model, optimizer, x, y, state, max_norm)`：从 `state` 出发计算损失和梯度，按全局范数裁剪梯度，让优化器更新一步，然后返回 `(loss, 下一个窗口的状态)`。

# %% slideshow={"slide_type": "fragment"}
def train_step(model, optimizer, x, y, state, max_norm):
    loss, grads, final_state = model.loss_and_grads(x, y)
    optimizer.step(grads)
    return loss, state


first_try = check_train_step(train_step)
assert not first_try  # print(first_try) to read what the check says about it


# %% jupyter={"source_hidden": true} slideshow={"slide_type": "skip"}
# Solution: start from the carried state, clip ALL gradients together, hand on the final state.
def solution_train_step(model, optimizer, x, y, state, max_norm):
    loss, grads, final_state = model.loss_and_grads(x, y, state)
    grads, _ = clip_by_global_norm(grads, max_norm)
    optimizer.step(grads)
    return loss, final_state


# %% slideshow={"slide_type": "fragment"}
feedback = check_train_step(solution_train_step)
print(feedback)
assert feedback

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 练习 4 · 饱和
#
# 写出 `gate_saturation(gate_values)`：在所有单元、所有时间步上，低于 0.1 的值所占的比例和高于 0.9 的值所占的比例。然后把它用在 `trained_trace.values(1, "f")` 上。

# %% slideshow={"slide_type": "fragment"}
def gate_saturation(gate_values):
    g = np.asarray(gate_values)
    return (g > 0.9).mean(), (g < 0.1).mean()


first_try = check_saturation(gate_saturation)
assert not first_try  # print(first_try) to read what the check says about it


# %% jupyter={"source_hidden": true} slideshow={"slide_type": "skip"}
# Solution: first "nearly shut" (< 0.1), then "wide open" (> 0.9), as fractions.
def solution_gate_saturation(gate_values):
    g = np.asarray(gate_values)
    return float((g < 0.1).mean()), float((g > 0.9).mean())


low, high = solution_gate_saturation(trained_trace.values(1, "f"))
assert np.allclose((low, high), (trained_stats[4].fraction_low, trained_stats[4].fraction_high))


# %% slideshow={"slide_type": "fragment"}
feedback = check_saturation(solution_gate_saturation)
print(feedback)
assert feedback

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 本课回顾
#
# - 用 numpy 写的两层 LSTM（`MultiRNNCell`）在笔记本电脑的 CPU 上，远不到一分钟就学会了写寓言：来自 `get_batches` 的有状态窗口、截断 BPTT、按全局范数裁剪、Adam。
# - 温度在稳妥与多样之间取舍；验证损失说明规则有没有学到。
# - 同等规模、3 个随机种子、8,000 步（结果已存储，调用一次即可重算）：GRU 和 LSTM 稳定在 0.41-0.43 nats/char，处处胜过 5 元语法；普通 RNN 有一段时间与它们持平，随后每个种子都发散了。一个去掉局部线索的探针表明，没有哪个模型根据引号来结束句子：门控模型靠的是名字，这是一种最长可达 50 个字符的记忆。
# - Karpathy 风格：检查点处的样本、每字符比特数（bits per character）、文本下方的前 5 个猜测，以及一个把每个“可解释”单元与未训练基线相比较的查看器。
# - 在训练好的模型内部，有一个单元比未训练模型的任何单元都更紧密地跟随引号；门也变得果断（第 1 层更明显；第 0 层仍然分散，与 Karpathy et al. 的发现一致）。
# - 模型不用 pickle 就能保存和加载；同样的代码能学 Python 的手册，也能背下四首唐诗（107 个字符不足以学到更多）。
#
# **下一课，第 7 课：** 笔记里的 TensorFlow 代码、如今的 PyTorch 和 Keras，以及把这些权重搬到它们那里。
