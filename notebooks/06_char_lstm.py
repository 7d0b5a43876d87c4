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
# **06 · A character-level LSTM, trained in under a minute**
#
# > 批次处理输入序列，例如建一个rnn模型来预测下一个字母
#
# *Process the input sequence in batches, for example build an RNN model that predicts the next
# letter.* This is the notes' practice. We build it in numpy, train it here, on this laptop,
# while a progress bar and a loss curve move, and then look inside to see what its cells learned.
#
# 1. a text and its vocabulary · 2. the model · 3. one training step · 4. training, live ·
# 5. sampling with temperature · 6. RNN, GRU and LSTM at equal size · 7. looking inside ·
# 8. save and load · 9. other texts: Python's manual and Chinese poems · exercises

# %% slideshow={"slide_type": "skip"}
import math
import re
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from IPython.display import HTML, display

from lstm_lesson import CharModel, clip_by_global_norm, get_batches
from lstm_lesson.classroom.exercises.lesson06 import (
    check_char_model_param_count,
    check_saturation,
    check_temperature,
    check_train_step,
)
from lstm_lesson.classroom.monitor import TrainingMonitor, status_text
from lstm_lesson.classroom.plots import plot_history
from lstm_lesson.core.optim import Adam
from lstm_lesson.core.sizing import char_model_num_params, matching_hidden_size
from lstm_lesson.core.text import (
    Vocabulary,
    fable_corpus,
    inside_quotes,
    line_position,
    python_docs_text,
    read_text_file,
    split_text,
)
from lstm_lesson.core.training import char_losses, evaluate, train
from lstm_lesson.experiments.interpret import (
    color_text_html,
    find_tracking_cell,
    saturation,
    saturation_table,
    trace,
)

np.set_printoptions(linewidth=110, precision=3, suppress=True)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 1 · A text to learn from
#
# Nothing is downloaded. The package *writes* a text of about 100,000 characters, the same on
# every machine: short fables with structure at several time scales, the kind of structure
# Karpathy, Johnson & Fei-Fei (2015) found single LSTM cells tracking:
#
# - **quoted speech** that runs for dozens of characters and across line breaks. Inside quotes
#   the animals call each other by name (*Old Fox*, not *the old fox*) and sentences end with
#   `!` or `?`; outside they end with `.`. To get a sentence's end right, the model must
#   remember whether a quote was opened, perhaps 60 characters ago;
# - **asides in brackets** that nest, `( … [ … ] )`;
# - **lines** wrapped at 64 characters and paragraphs separated by blank lines.

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
# ### Characters become ids
#
# The vocabulary is every distinct character, sorted, so the ids are the same on every machine.
# The last 10% of the text is held out as **validation** text: the model never trains on it,
# so its loss there tells whether it learned the *story's rules* or just memorised the text.

# %% slideshow={"slide_type": "fragment"}
vocab = Vocabulary.from_text(text)
train_text, val_text = split_text(text, validation_fraction=0.1)
train_ids, val_ids = vocab.encode(train_text), vocab.encode(val_text)
print(vocab)
print(f"train: {len(train_ids):,} ids, validation: {len(val_ids):,} ids")
print(f"{train_text[:20]!r} -> {train_ids[:20]}")
assert vocab.decode(train_ids[:20]) == train_text[:20]

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 2 · The model
#
# Each character enters as a one-hot vector $x_t$ (49 numbers, one of them 1). Two LSTM layers
# are stacked, the notes' `MultiRNNCell`: layer 2 reads layer 1's short-term memory $h^{(1)}_t$.
# A dense layer turns the top $h^{(2)}_t$ into a score per character, and the softmax into
# probabilities for the next character:
#
# $$x_t \;\to\; \text{LSTM}^{(1)} \;\to\; h^{(1)}_t \;\to\; \text{LSTM}^{(2)} \;\to\; h^{(2)}_t
# \;\to\; z_t = h^{(2)}_t W + b \;\to\; p(\text{next} = k) = \frac{e^{z_{t,k}}}{\sum_j e^{z_{t,j}}}$$
#
# The loss is the negative log-probability of the character that really comes next, in
# **nats per character**. Guessing uniformly among 49 characters costs $\ln 49 \approx 3.9$.

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
# ## 3 · One training step, written out
#
# Lesson 5 cut the text into `(batch, n_steps)` windows with `get_batches`; row r of one window
# continues row r of the window before. So each window starts from the **final state of the
# previous window** (carried forward), while the gradient stops at the window's start
# (*truncated* backpropagation through time). Then the gradient is clipped by its global norm
# (Pascanu et al. 2013) and Adam takes a step:
#
# ```python
# loss, grads, state = model.loss_and_grads(x, y, state)   # forward + BPTT over 50 steps
# grads, norm = clip_by_global_norm(grads, max_norm=5.0)    # cap the step length
# adam.step(grads)                                          # update every parameter
# ```
#
# Three steps on a small float64 model, printed:

# %% slideshow={"slide_type": "fragment"}
small = CharModel(vocab.size, 16, 2, seed=0, dtype=np.float64)
adam = Adam(small.params, lr=1e-2)
state = None
for step, (x, y) in enumerate(get_batches(train_ids, batch_size=32, n_steps=50)):
    loss, grads, state = small.loss_and_grads(x, y, state)
    clipped, norm = clip_by_global_norm(grads, max_norm=0.5)
    adam.step(clipped)
    print(f"step {step}: x {x.shape}, loss {loss:.3f} nats/char, gradient norm {norm:.3f} -> "
          f"{min(norm, 0.5):.3f}; carried state: {len(state)} layers of (h, c), each {state[0].h.shape}")
    if step == 2:
        break
assert y[0, 0] == x[0, 1] and len(state) == 2 and state[1].c.shape == (32, 16)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 4 · Training, live
#
# `train` runs that step until 800 steps are done or 25 seconds have passed, whichever comes
# first, and measures the validation loss every 100 steps. The bar and the curve below update
# *while* it trains (grey: each window's loss; black: its running mean; orange: validation).

# %% slideshow={"slide_type": "fragment"} tags=["nbval-ignore-output"]
monitor = TrainingMonitor(title="LSTM 2×64")
display(monitor)
history = train(model, train_ids, val_ids, max_steps=800, max_seconds=60, batch_size=32, n_steps=50,
                lr=1e-2, max_norm=5.0, eval_every=100, seed=0, callback=monitor)
print(status_text(history))
print(f"validation loss every 100 steps: {np.round(history.val_loss, 2)}")

# %% slideshow={"slide_type": "fragment"}
assert history.val_loss[-1] < 1.5 < untrained_loss - 2
print(f"In at most 25 s the validation loss fell from {untrained_loss:.1f} nats/char to below 1.5 "
      "(the 'useful' level of GUIDE.md); the numbers above are this machine's.")

# %% slideshow={"slide_type": "subslide"}
ax = plot_history(history, label="LSTM 2×64")
ax.axhline(math.log(vocab.size), color="grey", ls=":", lw=1)
ax.set_title("Training and validation loss")
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# Training and validation loss stay close: the fables follow rules, and rules carry over to
# text the model has not seen. (On a real novel, the validation loss would stop falling and rise
# while the training loss keeps falling: that is overfitting, and the moment to stop.)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 5 · Sampling with temperature
#
# To write text, feed the model a start, draw the next character from its probabilities, feed
# that character back in, and repeat. The **temperature** $T$ divides the scores before the
# softmax, $p_k \propto e^{z_k / T}$: $T < 1$ sharpens the distribution (safe, repetitive text),
# $T > 1$ flattens it (adventurous text, more mistakes).

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
corpus_words = set(re.findall(r"[A-Za-z]+", text))


def real_word_fraction(sample):
    words = re.findall(r"[A-Za-z]+", sample)
    return np.mean([w in corpus_words for w in words])


assert real_word_fraction(samples[0.5]) > 0.8 and real_word_fraction(samples[0.5]) > real_word_fraction(samples[1.5])
print("At temperature 0.5 more than 80% of the sampled words are words of the fables, "
      "and more than at temperature 1.5.")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 6 · RNN, GRU and LSTM at equal size
#
# A fair comparison gives each cell the **same number of parameters** and the **same budget**
# (steps, batch, learning rate). Per layer, a plain RNN has one block of weights, a GRU three,
# an LSTM four, so at equal size the RNN gets the most hidden units. Here every model has the
# size of a two-layer LSTM with 32 units, and 400 steps (at most 10 seconds) to learn.

# %% slideshow={"slide_type": "fragment"}
budget = char_model_num_params("lstm", vocab.size, 32, 2)
sizes = {cell: matching_hidden_size(cell, vocab.size, budget) for cell in ("rnn", "gru", "lstm")}
for cell, H in sizes.items():
    n = char_model_num_params(cell, vocab.size, H, 2)
    print(f"{cell.upper():>4}: hidden size {H:3d} -> {n:,} parameters ({n / budget - 1:+.1%} from the LSTM's)")
    assert abs(n / budget - 1) < 0.02 and n == CharModel(vocab.size, H, 2, cell=cell).num_params()

# %% slideshow={"slide_type": "subslide"} tags=["nbval-ignore-output"]
runs = {}
for cell, H in sizes.items():
    contender = CharModel(vocab.size, H, 2, cell=cell, seed=0)
    watch = TrainingMonitor(title=f"{cell.upper()} ×{H}", height=120)
    display(watch)
    hist = train(contender, train_ids, val_ids, max_steps=400, max_seconds=30, lr=1e-2, eval_every=100,
                 seed=0, callback=watch)
    runs[cell] = contender, hist
    print(f"{cell.upper()}: {status_text(hist)}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# Which characters need a memory? A sentence's **end**: `!` or `?` inside quotes, `.` outside.
# Nothing near the end says which; only the quote, perhaps 60 characters back. Compare each
# cell's loss on those characters with its loss on all characters:

# %% slideshow={"slide_type": "fragment"} tags=["nbval-ignore-output"]
ends = np.array([c in "!?." for c in val_text[1:]])  # targets that end a sentence
end_loss = {}
for cell, (contender, hist) in runs.items():
    losses = char_losses(contender, val_ids)
    end_loss[cell] = losses[ends].mean(), losses.mean()
    print(f"{cell.upper():>4}: {hist.steps} steps; all characters {losses.mean():.2f}, "
          f"sentence ends {losses[ends].mean():.2f} nats/char")
best = min(end_loss, key=lambda c: end_loss[c][0])
print(f"On this budget the {best.upper()} gets the sentence ends best.")

# %% slideshow={"slide_type": "fragment"}
assert all(run[1].val_loss[-1] < 2.5 for run in runs.values())
assert all(end > everything for end, everything in end_loss.values())
print("All three cells learned (validation loss below 2.5, from 3.9), and for every one of them")
print("the sentence ends, which need the memory of an open quote, are harder than the average character.")

# %% [markdown] slideshow={"slide_type": "notes"}
# Teacher's note: read the ranking from the numbers printed above, not from expectations. On
# budgets this short the LSTM often starts slowest (its output $h = o \cdot \tanh(c)$ starts small,
# because $c$ starts at zero and grows by $i \cdot g \approx 0.5\,g$ per step). Greff et al. (2017)
# and Jozefowicz et al. (2015) found no variant clearly better than the LSTM on long training;
# ask the class to double `max_steps` and see whether the ranking holds.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 7 · Looking inside
#
# Karpathy, Johnson & Fei-Fei (2015) colored text by the value of one cell and found cells that
# switch on at an opening quote and off at the closing one, and cells that count the position in
# a line. We can search for them automatically: run the trained model over validation text,
# keep every gate and memory at every character (the `LSTMRecord` records of each step), and
# correlate every cell's $c$ with "is this character inside quotes?".

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
print("model of the same size no cell gets above 0.3. Training made a cell that remembers the quote.")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The quote cell, colored
#
# Red: the cell's $\tanh(c)$ is high; blue: low; white: near zero. If the cell tracks quotes,
# the color flips at each `"` and holds until the next one, across line breaks.

# %% slideshow={"slide_type": "fragment"} tags=["nbval-ignore-output"]
values = trained_trace.values(quote_cell.layer, "c")[:, quote_cell.unit] * np.sign(quote_cell.correlation)
display(HTML(color_text_html(snippet[:900], np.tanh(values[:900]),
                             title=f"layer {quote_cell.layer}, cell {quote_cell.unit}: tanh(c)")))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Your choice of cell
#
# Change `layer` and `unit` and run the cell again. Most cells look like noise to us; a few
# switch at spaces, line ends or brackets.

# %% slideshow={"slide_type": "fragment"} tags=["nbval-ignore-output"]
layer, unit = 1, 0
chosen = trained_trace.values(layer, "c")[:, unit]
display(HTML(color_text_html(snippet[:600], np.tanh(chosen[:600]), title=f"layer {layer}, cell {unit}: tanh(c)")))

# %% [markdown] slideshow={"slide_type": "subslide"}
# Does any cell count the position in the line? Compare with the untrained model: random cells
# that slowly drift also correlate with a number that grows along each line.

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
# ### How decisive are the gates?
#
# A gate below 0.1 is nearly shut, above 0.9 wide open. Karpathy et al. found many forget gates
# wide open most of the time (cells that remember) and few gates in between.

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
# ## 8 · Save and load, without pickle
#
# `model.save` writes every parameter and the configuration to one `.npz` file with `np.savez`;
# `CharModel.load` reads it with `np.load(allow_pickle=False)`, so opening a file cannot run code.
# The vocabulary is saved the same way, as an array of characters.

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
# ## 9 · Other texts
#
# ### English prose that ships with Python
#
# Every Python installation carries its reference manual's topics (`pydoc_data.topics`). We read
# 100,000 characters of it at run time (it is not copied into this repository) and train the same
# model for at most 10 seconds. Real prose is harder than the fables: more characters, fewer rules.

# %% slideshow={"slide_type": "fragment"} tags=["nbval-ignore-output"]
prose = python_docs_text(100_000)
prose_vocab = Vocabulary.from_text(prose)
prose_train, prose_val = split_text(prose)
prose_model = CharModel(prose_vocab.size, HIDDEN, LAYERS, seed=0)
prose_monitor = TrainingMonitor(title="Python docs", height=120)
display(prose_monitor)
prose_history = train(prose_model, prose_vocab.encode(prose_train), prose_vocab.encode(prose_val),
                      max_steps=400, max_seconds=30, lr=1e-2, eval_every=100, callback=prose_monitor)
print(status_text(prose_history))
print(f"{prose_vocab.size} characters; sample at temperature 0.5:\n")
print("The" + prose_vocab.decode(prose_model.sample(prose_vocab.encode("The"), 250, temperature=0.5)))

# %% slideshow={"slide_type": "fragment"}
assert prose_history.val_loss[-1] < math.log(prose_vocab.size) - 1.2
print("On Python's own prose the validation loss fell more than 1.2 nats/char below a uniform guess.")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Your own text, in any language
#
# `read_text_file(path)` reads any UTF-8 file. Chinese works at the character level too: each
# 汉字 is one id. Here four Tang poems are written to a file first, as a learner would save a
# text; the same code then models them, one 汉字 at a time, in about a second. With only 107
# characters, read them in one row (`batch_size=1`): in more rows, whole poems would fall into
# the dropped remainder (lesson 5).

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
poem_history = train(poem_model, poem_vocab.encode(poem_text), max_steps=800, max_seconds=30,
                     batch_size=1, n_steps=16, lr=1e-2)
print(status_text(poem_history))
print("床" + poem_vocab.decode(poem_model.sample(poem_vocab.encode("床"), 23, temperature=0.2)))

# %% slideshow={"slide_type": "fragment"}
assert poem_history.recent_train_loss() < 1.0 < math.log(poem_vocab.size) - 2
print(f"The training loss fell from about ln {poem_vocab.size} = {math.log(poem_vocab.size):.1f} "
      "nats per 汉字 to below 1.0: the same code models Chinese text character by character.")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Exercises
#
# Each exercise has a self-check that names the part that is wrong. The worked solutions are in
# collapsed cells: open them after you have tried.
#
# ### Exercise 1 · Temperature
#
# Write `next_char_probabilities(logits, temperature)`: the softmax of `logits / temperature`
# along the last axis, safe for large logits (no overflow for a logit of 1000).

# %% slideshow={"slide_type": "fragment"}
def next_char_probabilities(logits, temperature):
    z = np.asarray(logits, dtype=np.float64) / temperature
    e = np.exp(z)  # try logits of 1000: what goes wrong, and how does subtracting the max help?
    return e / e.sum(axis=-1, keepdims=True)


with np.errstate(over="ignore", invalid="ignore"):
    print(check_temperature(next_char_probabilities))


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
# ### Exercise 2 · Counting parameters
#
# Write `char_lstm_params(vocab_size, hidden_size, num_layers)`: how many numbers does
# `CharModel(vocab_size, hidden_size, num_layers)` train? Count each layer's `W_x`, `W_h`, `b`
# and the dense layer. (Then: why did the RNN in section 6 get so many more hidden units than the LSTM?)

# %% slideshow={"slide_type": "fragment"}
def char_lstm_params(vocab_size, hidden_size, num_layers):
    return 0  # your formula


print(check_char_model_param_count(char_lstm_params))


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
# ### Exercise 3 · One training step
#
# Write `train_step(model, optimizer, x, y, state, max_norm)` for stateful training: compute the
# loss and gradients starting from `state`, clip the gradients by their global norm, take one
# optimizer step, and return `(loss, state for the next window)`.

# %% slideshow={"slide_type": "fragment"}
def train_step(model, optimizer, x, y, state, max_norm):
    loss, grads, final_state = model.loss_and_grads(x, y)
    optimizer.step(grads)
    return loss, state


print(check_train_step(train_step))


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
# ### Exercise 4 · Saturation
#
# Write `gate_saturation(gate_values)`: the fraction of values below 0.1 and the fraction above
# 0.9, over every unit and step. Then use it on `trained_trace.values(1, "f")`.

# %% slideshow={"slide_type": "fragment"}
def gate_saturation(gate_values):
    g = np.asarray(gate_values)
    return (g > 0.9).mean(), (g < 0.1).mean()


print(check_saturation(gate_saturation))


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
# ## What we did
#
# - A two-layer LSTM (`MultiRNNCell`) in numpy learned to write fables in well under a minute on a
#   laptop CPU: stateful windows from `get_batches`, truncated BPTT, clipping by the global norm, Adam.
# - Temperature trades safety for variety; the validation loss says whether rules were learned.
# - At equal size and budget all three cells learn, and for every one of them the sentence ends,
#   which need the memory of an open quote, are harder than the average character.
# - Inside the trained model, one cell follows the quotes more closely than any cell of an
#   untrained model, and the gates become decisive: forget gates mostly wide open.
# - The model is saved and loaded without pickle; the same code learns Python's manual and Chinese poems.
#
# **Next, lesson 7:** the notes' TensorFlow lines, today's PyTorch and Keras, and carrying these
# weights to them.
