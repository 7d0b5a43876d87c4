"""The lessons' equations, one line each: the readable steps every fused cell is proven equal to.

Read this file first. Each function is one time step of a cell, written the way the lessons write
it, in plain numpy: rows are sequences (batch-first), so a step multiplies ``x @ W_x`` and
``h_prev @ W_h``. The arguments are named like the cells' ``params``, so ``lstm_step(x, h, c,
**cell.params)`` runs the package's ``LSTMCell`` the readable way.

Shapes, for a batch of B sequences, D input features and H hidden units:
    x: (B, D)    h_prev, c_prev: (B, H)    W_x: (D, G*H)    W_h: (H, G*H)    b: (G*H,)
where G is the number of gate blocks, stacked side by side in W_x, W_h and b:
    RNN G=1; LSTM G=4 in order i, f, g, o (PyTorch's order); GRU G=3 in order r, z, n.

The cells in ``cells.py``, ``gru.py`` and ``peephole.py`` compute the same numbers faster (one
fused matmul per step, one ``tanh`` for all four LSTM blocks, the input projection for every time
step done before the time loop) and keep each step's record for backpropagation;
``tests/test_reference_steps.py`` proves them equal to these functions to 1e-12 in float64.
"""

from __future__ import annotations

import numpy as np


def sigmoid(a):
    """The logistic function 1 / (1 + e^-a), written the textbook way."""
    return 1.0 / (1.0 + np.exp(-a))


def blocks(a, n):
    """Split the fused pre-activation a: (B, n*H) into n blocks of (B, H), left to right."""
    return np.split(a, n, axis=-1)


def rnn_step(x, h_prev, W_x, W_h, b):
    """The plain RNN (the notes' memory): h_t = tanh(x_t W_x + h_{t-1} W_h + b). Returns h_t (B, H)."""
    return np.tanh(x @ W_x + h_prev @ W_h + b)


def lstm_step(x, h_prev, c_prev, W_x, W_h, b):
    """One LSTM step with the four gates named. Returns (h_t, c_t), each (B, H).

    In the notes' words: 学习门 learn = i*g, 遗忘门 forget = f*c_prev, 记忆门 remember = c_t,
    使用门 use = h_t.
    """
    a_i, a_f, a_g, a_o = blocks(x @ W_x + h_prev @ W_h + b, 4)
    i = sigmoid(a_i)            # input gate: how much of the candidate to write
    f = sigmoid(a_f)            # forget gate: how much of the old memory to keep
    g = np.tanh(a_g)            # candidate memory (d2l's "input node")
    o = sigmoid(a_o)            # output gate: how much of the memory to show
    c = f * c_prev + i * g      # long-term memory: keep some, add some
    h = o * np.tanh(c)          # short-term memory, the output
    return h, c


def gru_step(x, h_prev, W_x, W_h, b_x, b_h):
    """One GRU step in PyTorch's convention (the reset gate AFTER the recurrent matmul, as in
    arXiv 1406.1078v1; v3 of that paper resets BEFORE it). Returns h_t (B, H)."""
    xr, xz, xn = blocks(x @ W_x + b_x, 3)
    hr, hz, hn = blocks(h_prev @ W_h + b_h, 3)
    r = sigmoid(xr + hr)        # reset gate: how much of the old state the candidate may see
    z = sigmoid(xz + hz)        # update gate: how much of the old state to keep
    n = np.tanh(xn + r * hn)    # candidate state
    return (1 - z) * n + z * h_prev


def peephole_step(x, h_prev, c_prev, W_x, W_h, b, p_i, p_f, p_o):
    """One LSTM step with diagonal peepholes (Gers & Schmidhuber 2000): i and f see c_{t-1},
    o sees the new c_t, each through one weight per unit (p_i, p_f, p_o: (H,)). Returns (h_t, c_t)."""
    a_i, a_f, a_g, a_o = blocks(x @ W_x + h_prev @ W_h + b, 4)
    i = sigmoid(a_i + p_i * c_prev)
    f = sigmoid(a_f + p_f * c_prev)
    g = np.tanh(a_g)
    c = f * c_prev + i * g
    o = sigmoid(a_o + p_o * c)  # the output gate peeks at the NEW memory
    h = o * np.tanh(c)
    return h, c
