"""The peers the package is measured against, each as a `step()` closure of the same shape.

- ``package_*``: lstm_lesson's CharModel (forward + BPTT + global-norm clipping + Adam).
- ``torch_*``: torch.nn.LSTM + nn.Linear doing the same work (optional: only if torch imports).
- ``minchar_*``: a batch-1 vanilla RNN written the way Karpathy's min-char-rnn writes it (column
  vectors, one-hot inputs, a Python loop over time, per-element clipping, Adagrad, float64).

Every builder returns ``(step, chars_per_call)``; ``interleave`` runs the steps of several peers
round-robin, so that load from other processes on a shared machine hits every peer alike.
"""

from __future__ import annotations

import time

import numpy as np

import lstm_lesson as L


def interleave(cases, repeat, warmup=2):
    """cases: {name: fn}. Runs ``warmup`` calls of each, then ``repeat`` rounds in which every
    fn runs once (the order rotates each round). Returns {name: median seconds per call}."""
    names = list(cases)
    for name in names:
        for _ in range(warmup):
            cases[name]()
    times = {name: [] for name in names}
    for r in range(repeat):
        k = r % len(names)
        for name in names[k:] + names[:k]:
            t0 = time.perf_counter()
            cases[name]()
            times[name].append(time.perf_counter() - t0)
    return {name: float(np.median(t)) for name, t in times.items()}


def torch_or_none():
    try:
        import torch
    except ImportError:
        return None
    return torch


# ----- lstm_lesson --------------------------------------------------------------------------
def package_train(V, H, T, B, *, dtype=np.float32, seed=0, ids=None):
    model = L.CharModel(V, H, num_layers=1, cell="lstm", dtype=dtype, seed=seed)
    opt = L.Adam(model.params, lr=2e-3)
    rng = np.random.default_rng(seed)
    batches = _batches(ids, V, T, B, rng)
    state = [None]

    def step():
        x, y = next(batches)
        loss, grads, state[0] = model.loss_and_grads(x, y, state[0])
        grads, _ = L.clip_by_global_norm(grads, 5.0)
        opt.step(grads)
        return loss

    return step, B * T, model


def package_forward(V, H, T, B, *, dtype=np.float32, seed=0):
    """Inference over a dense input (B, T, V): one LSTM layer, no records for a backward pass."""
    cell = L.LSTMCell(V, H, seed=seed, dtype=dtype)
    x = np.random.default_rng(seed).standard_normal((B, T, V)).astype(dtype)

    def step():  # without return_cache: no records kept
        return cell.dynamic_rnn(x)[0]

    return step, B * T


def package_char_forward(V, H, T, B, *, dtype=np.float32, seed=0):
    """Inference from character ids to logits (B, T, V)."""
    model = L.CharModel(V, H, num_layers=1, cell="lstm", dtype=dtype, seed=seed)
    x = np.random.default_rng(seed).integers(0, V, (B, T))

    def step():
        return model.predict(x)[0]

    return step, B * T


def _batches(ids, V, T, B, rng):
    """Endless (x, y) windows: random ids if ``ids`` is None, else random windows of the text."""
    while True:
        if ids is None:
            yield rng.integers(0, V, (B, T)), rng.integers(0, V, (B, T))
        else:
            start = rng.integers(0, len(ids) - T - 1, B)
            rows = start[:, None] + np.arange(T + 1)
            w = ids[rows]
            yield w[:, :-1], w[:, 1:]


# ----- torch --------------------------------------------------------------------------------
def torch_train(V, H, T, B, *, seed=0, ids=None):
    torch = torch_or_none()
    nn, F = torch.nn, torch.nn.functional
    torch.manual_seed(seed)

    class CharLSTM(nn.Module):
        def __init__(self):
            super().__init__()
            self.lstm = nn.LSTM(V, H, batch_first=True)
            self.out = nn.Linear(H, V)

        def forward(self, x, state=None):
            h, state = self.lstm(F.one_hot(x, V).float(), state)
            return self.out(h), state

    model = CharLSTM()
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    rng = np.random.default_rng(seed)
    batches = _batches(ids, V, T, B, rng)
    state = [None]

    def step():
        x, y = (torch.from_numpy(a) for a in next(batches))
        logits, st = model(x, state[0])
        loss = F.cross_entropy(logits.reshape(-1, V), y.reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        opt.step()
        state[0] = tuple(s.detach() for s in st)  # carry the memory, not the graph
        return float(loss.detach())

    return step, B * T, model


def torch_forward(V, H, T, B, *, seed=0):
    torch = torch_or_none()
    torch.manual_seed(seed)
    lstm = torch.nn.LSTM(V, H, batch_first=True)
    x = torch.from_numpy(np.random.default_rng(seed).standard_normal((B, T, V)).astype(np.float32))

    def step():
        with torch.no_grad():
            return lstm(x)[0]

    return step, B * T


def torch_char_forward(V, H, T, B, *, seed=0):
    torch = torch_or_none()
    torch.manual_seed(seed)
    lstm, out = torch.nn.LSTM(V, H, batch_first=True), torch.nn.Linear(H, V)
    x = torch.from_numpy(np.random.default_rng(seed).integers(0, V, (B, T)))

    def step():
        with torch.no_grad():
            return out(lstm(torch.nn.functional.one_hot(x, V).float())[0])

    return step, B * T


def torch_threads(n):
    """Set torch's intra-op threads to n; returns the previous count (or None without torch)."""
    torch = torch_or_none()
    if torch is None:
        return None
    old = torch.get_num_threads()
    torch.set_num_threads(n)
    return old


# ----- min-char-rnn -------------------------------------------------------------------------
class MinCharRNN:
    """Karpathy's min-char-rnn (2015), batch 1, kept in its own style: column vectors, dicts of
    per-step values, np.dot, per-element clipping to [-5, 5], Adagrad, float64 throughout."""

    def __init__(self, V, H, seed=0, lr=1e-1):
        rng = np.random.default_rng(seed)
        self.V, self.H, self.lr = V, H, lr
        self.Wxh = rng.standard_normal((H, V)) * 0.01
        self.Whh = rng.standard_normal((H, H)) * 0.01
        self.Why = rng.standard_normal((V, H)) * 0.01
        self.bh, self.by = np.zeros((H, 1)), np.zeros((V, 1))
        self.mem = [np.zeros_like(p) for p in self.params()]
        self.hprev = np.zeros((H, 1))

    def params(self):
        return [self.Wxh, self.Whh, self.Why, self.bh, self.by]

    def loss_fun(self, inputs, targets, hprev):
        xs, hs, ys, ps = {}, {}, {}, {}
        hs[-1] = np.copy(hprev)
        loss = 0.0
        for t in range(len(inputs)):
            xs[t] = np.zeros((self.V, 1))
            xs[t][inputs[t]] = 1
            hs[t] = np.tanh(np.dot(self.Wxh, xs[t]) + np.dot(self.Whh, hs[t - 1]) + self.bh)
            ys[t] = np.dot(self.Why, hs[t]) + self.by
            ps[t] = np.exp(ys[t] - np.max(ys[t])) / np.sum(np.exp(ys[t] - np.max(ys[t])))
            loss += -np.log(ps[t][targets[t], 0])
        dWxh, dWhh, dWhy = np.zeros_like(self.Wxh), np.zeros_like(self.Whh), np.zeros_like(self.Why)
        dbh, dby = np.zeros_like(self.bh), np.zeros_like(self.by)
        dhnext = np.zeros_like(hs[0])
        for t in reversed(range(len(inputs))):
            dy = np.copy(ps[t])
            dy[targets[t]] -= 1
            dWhy += np.dot(dy, hs[t].T)
            dby += dy
            dh = np.dot(self.Why.T, dy) + dhnext
            dhraw = (1 - hs[t] * hs[t]) * dh
            dbh += dhraw
            dWxh += np.dot(dhraw, xs[t].T)
            dWhh += np.dot(dhraw, hs[t - 1].T)
            dhnext = np.dot(self.Whh.T, dhraw)
        for dparam in [dWxh, dWhh, dWhy, dbh, dby]:
            np.clip(dparam, -5, 5, out=dparam)
        return loss / len(inputs), [dWxh, dWhh, dWhy, dbh, dby], hs[len(inputs) - 1]

    def train_step(self, inputs, targets):
        loss, grads, self.hprev = self.loss_fun(inputs, targets, self.hprev)
        for param, dparam, mem in zip(self.params(), grads, self.mem):
            mem += dparam * dparam
            param += -self.lr * dparam / np.sqrt(mem + 1e-8)
        return loss

    def forward_logits(self, ids, h):
        """Logits (len, V) for every position of ``ids`` from state ``h`` (for evaluation)."""
        out = np.empty((len(ids), self.V))
        for t, i in enumerate(ids):
            h = np.tanh(self.Wxh[:, [i]] + np.dot(self.Whh, h) + self.bh)
            out[t] = (np.dot(self.Why, h) + self.by)[:, 0]
        return out, h


def minchar_train(V, H, T, *, seed=0, ids=None):
    net = MinCharRNN(V, H, seed=seed)
    rng = np.random.default_rng(seed)
    pos = [0]

    def step():
        if ids is None:
            x, y = rng.integers(0, V, T).tolist(), rng.integers(0, V, T).tolist()
        else:  # min-char-rnn reads the text in order, wrapping and resetting h at the end
            if pos[0] + T + 1 >= len(ids):
                pos[0], net.hprev = 0, np.zeros((H, 1))
            x, y = ids[pos[0]:pos[0] + T].tolist(), ids[pos[0] + 1:pos[0] + T + 1].tolist()
            pos[0] += T
        return net.train_step(x, y)

    return step, T, net
