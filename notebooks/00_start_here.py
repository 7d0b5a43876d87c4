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
# **00 · Start here**
#
# A series of notebooks that builds recurrent networks from scratch in numpy, runs on a laptop
# CPU without internet, and checks every number it shows you.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## What the series teaches, in order
#
# | # | lesson | the question it answers |
# |---|---|---|
# | 00 | Start here | how to run the series; one glossary for every naming scheme |
# | 01 | RNN memory | how does a network carry the past in one state vector, and how fast does it forget? |
# | 02 | LSTM gates | what do the learn, forget, remember and use gates compute (i, f, g, o)? |
# | 03 | LSTM variants: GRU and peepholes | what do the GRU and peephole connections change? |
# | 04 | Vanishing and exploding gradients | why does the plain RNN stop learning long lags, and how does the LSTM's cell fix it? |
# | 05 | Batching | how is one long sequence cut into `batch_size` rows of `n_steps` windows? |
# | 06 | Character-level LSTM | can a stacked LSTM learn to write text on a CPU in minutes? |
# | 07 | From numpy to frameworks | how do these weights move to PyTorch, Keras and TensorFlow? |
#
# Each lesson is a notebook in `notebooks/` with the same number: `01_rnn_memory.ipynb`,
# `02_lstm_gates.ipynb`, `03_lstm_variants.ipynb`, `04_vanishing_gradients.ipynb`,
# `05_batching.ipynb`, `06_char_lstm.ipynb`, `07_from_numpy_to_frameworks.ipynb`.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## How to run it
#
# Install once, from the repository root (see `README.md`):
#
# ```bash
# pip install -e ".[test]"
# jupyter lab notebooks/
# ```
#
# Then open a notebook and run its cells from the top (**Run → Run All Cells**). Every notebook
# is seeded, so you see the same numbers as the saved outputs.
#
# `pytest` re-runs every notebook and compares its outputs with the saved ones.
#
# Every cell carries slide metadata, so a teacher can project a lesson as a reveal.js deck.
# `python -m lstm_lesson.tools.slides` (from the repository root) writes one deck per notebook to
# `build/slides/`, with its libraries beside it so it opens with no internet; plain
# `jupyter nbconvert --to slides notebooks/00_start_here.ipynb` makes a deck that loads them
# from CDNs.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Check your setup
#
# This cell imports the helper package the lessons use and checks the versions it needs.

# %% slideshow={"slide_type": "fragment"}
import re

import ipywidgets
import matplotlib
import numpy as np
import threadpoolctl
from IPython.display import Markdown, display

import lstm_lesson
from lstm_lesson.classroom.glossary import TERMS, glossary_table


def version_at_least(version: str, minimum: tuple) -> bool:
    """Is '2.4.6' at least (1, 23)? Only major.minor count ('1.26.0rc1' -> (1, 26))."""
    major, minor = re.match(r"(\d+)\.(\d+)", version).groups()
    return (int(major), int(minor)) >= minimum


needs = {"numpy": (np.__version__, (1, 23)), "matplotlib": (matplotlib.__version__, (3, 6)),
         "ipywidgets": (ipywidgets.__version__, (8, 0)), "threadpoolctl": (threadpoolctl.__version__, (3, 1))}
too_old = [name for name, (version, minimum) in needs.items() if not version_at_least(version, minimum)]
assert not too_old, f"please upgrade: {too_old}"

blas = [lib for lib in threadpoolctl.threadpool_info() if lib["user_api"] == "blas"]
assert all(lib["num_threads"] == 1 for lib in blas), "numpy's BLAS should run on one thread"

print(f"lstm_lesson {lstm_lesson.__version__} is ready.")
print("numpy, matplotlib, ipywidgets and threadpoolctl are recent enough.")
print("numpy's BLAS runs on one thread (lstm_lesson.set_threads(n) raises it).")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## One LSTM, many vocabularies
#
# The course notes (Chinese) tell the LSTM as four gates: 学习门 **learn**, 遗忘门 **forget**,
# 记忆门 **remember** and 使用门 **use**. Papers, Dive into Deep Learning (d2l), deeplearning.ai
# and PyTorch name the same parts differently. The glossary below, from `lstm_lesson.classroom.glossary`,
# maps them all.

# %% slideshow={"slide_type": "subslide"}
display(Markdown(glossary_table(columns=["notes", "english", "standard", "d2l", "dlai", "pytorch"])))

# %% [markdown] slideshow={"slide_type": "subslide"}
# Where each term lives in `lstm_lesson`, and what it means:

# %% slideshow={"slide_type": "subslide"}
display(Markdown(glossary_table(columns=["notes", "attributes", "meaning"])))

# %% [markdown] slideshow={"slide_type": "notes"}
# Three names collide: deeplearning.ai's **update gate Γu** is the LSTM's *input* gate i; the
# notes' **更新门** ("update gate") is the cell update c_t; the GRU's **update gate z** is a third
# thing. The notes also call i_t a 遗忘因子 (forget factor) inside the learn gate; the standard
# forget factor is f_t.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## One step, both vocabularies
#
# One `LSTMCell` step on a tiny input (2 features, 2 hidden units), from a non-zero memory.
# The standard names first:
#
# $i = \sigma(a_i)$, $f = \sigma(a_f)$, $g = \tanh(a_g)$, $o = \sigma(a_o)$ where
# $a = x W_x + h_{t-1} W_h + b$, then $c_t = f \odot c_{t-1} + i \odot g$ and
# $h_t = o \odot \tanh(c_t)$.

# %% slideshow={"slide_type": "fragment"}
cell = lstm_lesson.LSTMCell(input_size=2, hidden_size=2, seed=0, forget_bias=1.0)
x = np.array([[1.0, -0.5]])  # (batch 1, 2 features)
previous = lstm_lesson.LSTMState(h=np.array([[0.2, -0.1]]), c=np.array([[0.5, -0.3]]))
state, step = cell.step(x, previous)


def show(values: dict):
    for name, value in values.items():
        print(f"{name:>14} = {np.array2string(value[0], precision=3, floatmode='fixed')}")


show(step.as_dict("standard"))

# %% [markdown] slideshow={"slide_type": "fragment"}
# The same step in the notes' words: learn gate $= i \odot g$, forget gate $= f \odot c_{t-1}$,
# remember gate $=$ forget $+$ learn $= c_t$, use gate $= o \odot \tanh(c_t) = h_t$.

# %% slideshow={"slide_type": "fragment"}
show(step.as_dict("notes"))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Checked: the two vocabularies are the same numbers
#
# Recompute the step by hand from the cell's weights (a plain sigmoid, no package code), then
# check every name of the notes against the standard names.

# %% slideshow={"slide_type": "fragment"}
H = cell.hidden_size
a = x @ cell.params["W_x"] + previous.h @ cell.params["W_h"] + cell.params["b"]
a_i, a_f, a_g, a_o = (a[:, k * H:(k + 1) * H] for k in range(4))  # PyTorch's order: i, f, g, o
i, f, g, o = 1 / (1 + np.exp(-a_i)), 1 / (1 + np.exp(-a_f)), np.tanh(a_g), 1 / (1 + np.exp(-a_o))
c = f * previous.c + i * g
h = o * np.tanh(c)

by_hand = {"i": i, "f": f, "g": g, "o": o, "c": c, "h": h}
for name, value in by_hand.items():
    np.testing.assert_allclose(getattr(step, name), value, rtol=1e-12, err_msg=name)
np.testing.assert_allclose(step.learn_gate, i * g, rtol=1e-12)
np.testing.assert_allclose(step.forget_gate, f * previous.c, rtol=1e-12)
np.testing.assert_allclose(step.remember_gate, step.forget_gate + step.learn_gate, rtol=1e-12)
np.testing.assert_allclose(step.use_gate, o * np.tanh(step.remember_gate), rtol=1e-12)
np.testing.assert_allclose(state.c, step.remember_gate, rtol=0)
np.testing.assert_allclose(state.h, step.use_gate, rtol=0)

print("i, f, g, o, c, h from the package equal the hand computation.")
print("learn gate = i*g, forget gate = f*c_prev, remember gate = forget + learn = c, use gate = o*tanh(c) = h.")
print(f"The new state carries the remember gate as c and the use gate as h; the glossary has {len(TERMS)} terms.")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Next
#
# Open `01_rnn_memory.ipynb`: a plain RNN, and how quickly its memory of the first input fades.
