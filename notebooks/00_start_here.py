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
# | 00 | Start here | how to run the series; where the glossary lives |
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
# From the repository root (see `README.md`), one command sets everything up and opens the lessons:
#
# ```bash
# make lab
# ```
#
# It copies the lessons into `lstm-lesson-notebooks/`, a folder of your own: change anything there,
# and `lstm-lesson reset 02` gives you lesson 02 back as it was. Without `make` (on Windows):
# `pip install -e ".[test]"`, then `lstm-lesson lab`.
#
# Then open a notebook and run its cells from the top (**Run → Run All Cells**). Every notebook
# is seeded, so you see the same numbers as the saved outputs. `make test` re-runs every notebook
# and compares its outputs with the saved ones.
#
# Every cell carries slide metadata, so a teacher can project a lesson as a reveal.js deck:
# `lstm-lesson slides` writes one deck per notebook to `build/slides/`, with its libraries beside
# it so it opens with no internet, and `lstm-lesson handouts` prints them as PDFs. Teachers: the
# student edition without solutions is `lstm-lesson student OUT`, the guide `docs/teachers.md`.
#
# **中文版**: the same lessons in Chinese, with the same code, are in `notebooks/zh/`:
# `make lab EDITION=zh` or `lstm-lesson lab --lang zh` opens them (every `lstm-lesson` command above
# takes `--lang zh`).

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

lstm_lesson.set_language("en")  # what the package prints, in English (中文: set_language("zh"))


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
# ## Where the glossary lives
#
# The course notes (Chinese) tell the LSTM as four gates: 学习门 **learn**, 遗忘门 **forget**,
# 记忆门 **remember** and 使用门 **use**. Papers, Dive into Deep Learning (d2l and its Chinese
# edition d2l-zh), colah's blog post, deeplearning.ai and PyTorch name the same parts differently.
# One glossary maps them all: `lstm_lesson.classroom.glossary` (`glossary_table()` prints it, `lookup("学习门")`
# finds one row). The lessons explain each term when they reach it; here is the whole map, five
# rows at a time, to come back to.

# %% slideshow={"slide_type": "skip"}
NAMES = ["notes", "english", "standard", "d2l", "d2l_zh", "colah", "dlai", "pytorch"]
groups = [TERMS[k:k + 5] for k in range(0, len(TERMS), 5)]
assert sum(len(group) for group in groups) == len(TERMS) and max(len(group) for group in groups) <= 5

# %% slideshow={"slide_type": "subslide"} tags=["hide-input"]
display(Markdown(glossary_table(columns=NAMES, terms=groups[0])))

# %% slideshow={"slide_type": "subslide"} tags=["hide-input"]
display(Markdown(glossary_table(columns=NAMES, terms=groups[1])))

# %% slideshow={"slide_type": "subslide"} tags=["hide-input"]
display(Markdown(glossary_table(columns=NAMES, terms=groups[2])))

# %% slideshow={"slide_type": "subslide"} tags=["hide-input"]
display(Markdown(glossary_table(columns=NAMES, terms=groups[3])))

# %% slideshow={"slide_type": "subslide"} tags=["hide-input"]
display(Markdown(glossary_table(columns=NAMES, terms=groups[4])))

# %% [markdown] slideshow={"slide_type": "subslide"}
# What each term means (the same rows, five at a time):

# %% slideshow={"slide_type": "fragment"} tags=["hide-input"]
display(Markdown(glossary_table(columns=["notes", "meaning"], terms=groups[0])))

# %% slideshow={"slide_type": "subslide"} tags=["hide-input"]
display(Markdown(glossary_table(columns=["notes", "meaning"], terms=groups[1])))

# %% slideshow={"slide_type": "subslide"} tags=["hide-input"]
display(Markdown(glossary_table(columns=["notes", "meaning"], terms=groups[2])))

# %% slideshow={"slide_type": "subslide"} tags=["hide-input"]
display(Markdown(glossary_table(columns=["notes", "meaning"], terms=groups[3])))

# %% slideshow={"slide_type": "subslide"} tags=["hide-input"]
display(Markdown(glossary_table(columns=["notes", "meaning"], terms=groups[4])))

# %% [markdown] slideshow={"slide_type": "notes"}
# Three names collide: deeplearning.ai's **update gate Γu** is the LSTM's *input* gate i; the
# notes' **更新门** ("update gate") is the cell update c_t; the GRU's **update gate z** (d2l-zh: 更新门
# Z_t) is a third thing. The notes use **遗忘因子** ("forget factor") for every sigmoid factor: f_t,
# but also i_t in the learn gate and o_t in the output gate. `glossary_table(columns=["notes",
# "attributes", "meaning"])` shows where the package computes each term.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## For the teacher: slides and live widgets
#
# The decks (`python -m lstm_lesson.tools.slides`) hide the setup code and show every figure as the
# notebook last drew it. Sliders in a deck have no kernel: they move but redraw nothing. These
# need the live notebook (JupyterLab, **Run All** first):
#
# | lesson | widget | what the class does with it |
# |---|---|---|
# | 01 | `PulseExplorer` | slide λ₁ and the pulse size, watch the memory fade |
# | 02 | `GateExplorer("lstm")`, `UnrollExplorer` | set gate biases by hand; scroll the gates over a phrase |
# | 03 | `GateExplorer("peephole")`, `GateExplorer("gru")` | the same sliders on the relatives |
# | 04 | `GradientFlowExplorer` | slide λ₁ and the forget bias, watch the gradient against the lag |
# | 05 | `BatchGridWidget` | change batch_size and n_steps, watch the windows move |
#
# Each of them also has a static drawing in the deck (the SVG under it), for handouts.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Next
#
# Open `01_rnn_memory.ipynb`: a plain RNN, and how quickly its memory of the first input fades.
