"""Self-checks for lesson 5 (batching). Each returns a ``Feedback`` like lessons 1-4: true when the
answer is right, and a message either way, "Correct: ..." or which part is wrong and why.

Every check takes the learner's function and runs it on small sequences whose values are their own
indices (``np.arange(L)``, so "the next element" is simply ``x + 1``). It never raises for a wrong
answer: the message is the point.

- ``check_batches(fn)``: exercise 1, ``fn(arr, batch_size, n_steps)`` yields ``(x, y)`` batches.
- ``check_position(fn)``: exercise 2, ``fn(p, length, batch_size, n_steps)`` -> ``(k, r, j)``.
- ``check_one_hot(fn)``: exercise 3, ``fn(ids, vocab_size)`` -> one-hot array.
- ``check_stateful(fn)``: exercise 4, ``fn(cell, inputs_per_batch)`` -> outputs with the state carried.
"""

from __future__ import annotations

import numpy as np

from ...core.batching import batch_layout, batch_plan, get_batches, one_hot
from ...core.cells import LSTMCell
from ...core.language import say
from ...core.unrolling import dynamic_rnn
from .feedback import Feedback, learner_error, self_check, verdict

# (length, batch_size, n_steps): the notes' example, a ragged tail, a single row, one step.
BATCH_CASES = ((1000, 10, 20), (41, 2, 5), (23, 1, 7), (30, 3, 1))


# ------------------------------------------------------------------------------ exercise 1
def _diagnose_batches(batches, length, B, T):
    """The first thing wrong with ``batches`` for ``np.arange(length)``, or None."""
    plan = batch_plan(length, B, T)
    where = say(f"for {length} elements, batch_size={B}, n_steps={T}",
                f"（{length} 个元素，batch_size={B}，n_steps={T}）")
    for k, pair in enumerate(batches):
        if not (isinstance(pair, tuple) and len(pair) == 2):
            return say(f"batch {k} is not a pair (x, y) {where}", f"第 {k} 个批次不是一对 (x, y){where}")
        x, y = (np.asarray(a) for a in pair)
        if x.shape != (B, T):
            return say(f"batch {k}: x has shape {x.shape}, expected (batch_size, n_steps) = {(B, T)} {where}",
                       f"第 {k} 个批次：x 的形状是 {x.shape}，应为 (batch_size, n_steps) = {(B, T)}{where}")
        if y.shape != (B, T):
            short = y.shape == (B, T - 1) and k == plan.n_batches
            why = say(" - the notes' bug: the last element has no successor, so this batch cannot be "
                      "complete; yield only full batches, (len - 1) // (batch_size * n_steps)",
                      "。这正是笔记里的 bug：最后一个元素没有后继，所以这个批次不可能完整；"
                      "只产出完整的批次，(len - 1) // (batch_size * n_steps) 个") if short else ""
            return say(f"batch {k}: y has shape {y.shape}, expected {(B, T)} {where}{why}",
                       f"第 {k} 个批次：y 的形状是 {y.shape}，应为 {(B, T)}{where}{why}")
    if len(batches) != plan.n_batches:
        return say(f"{len(batches)} batches {where}, expected {plan.n_batches} = (len - 1) // (batch_size * n_steps) "
                   f"= ({length} - 1) // {B * T}: only full batches, and the last element is never an input",
                   f"得到 {len(batches)} 个批次{where}，应为 {plan.n_batches} = (len - 1) // (batch_size * n_steps) "
                   f"= ({length} - 1) // {B * T}：只要完整的批次，而且最后一个元素永远不作为输入")
    xs = [np.asarray(x) for x, _ in batches]
    ys = [np.asarray(y) for _, y in batches]
    for k, (x, y) in enumerate(zip(xs, ys, strict=True)):
        if np.all(y == x + 1):
            continue
        if np.all(y == x):
            return say(f"batch {k}: y equals x; y is not shifted by one (y[r, j] must be the element after x[r, j])",
                       f"第 {k} 个批次：y 等于 x；y 没有错开一位（y[r, j] 必须是 x[r, j] 的下一个元素）")
        if np.all(y == x - 1):
            return say(f"batch {k}: y is shifted the wrong way: y[r, j] must be the NEXT element, arr[p + 1], "
                       "not arr[p - 1]",
                       f"第 {k} 个批次：y 错开的方向反了：y[r, j] 必须是下一个元素 arr[p + 1]，不是 arr[p - 1]")
        if np.all(y[:, :-1] == x[:, :-1] + 1) and np.all(y[:, -1] == x[:, 0]):
            return say(f"batch {k}: the last column of y wraps around to the first column of x; its target must be "
                       "the element after x[:, -1] in the sequence, not x[:, 0]",
                       f"第 {k} 个批次：y 的最后一列绕回到了 x 的第一列；它的目标必须是序列中 x[:, -1] 的下一个元素，"
                       "不是 x[:, 0]")
        r, j = np.argwhere(y != x + 1)[0]
        return say(f"batch {k}: y[{r}, {j}] = {y[r, j]}, but the element after x[{r}, {j}] = {x[r, j]} is "
                   f"{x[r, j] + 1}",
                   f"第 {k} 个批次：y[{r}, {j}] = {y[r, j]}，但 x[{r}, {j}] = {x[r, j]} 的下一个元素是 {x[r, j] + 1}")
    for k, x in enumerate(xs):
        if T > 1 and not np.all(np.diff(x, axis=1) == 1):
            if B > 1 and np.all(np.diff(x, axis=1) == B):
                return say(f"batch {k}: rows are interleaved instead of contiguous (row 0 reads "
                           f"{x[0, :3].tolist()}...): cut the sequence into batch_size contiguous rows, "
                           "arr[:n].reshape(batch_size, -1)",
                           f"第 {k} 个批次：各行是交错的，而不是连续的（第 0 行是 {x[0, :3].tolist()}...）："
                           "把序列切成 batch_size 个连续的行，arr[:n].reshape(batch_size, -1)")
            return say(f"batch {k}: row 0 is {x[0].tolist()}, not consecutive elements of the sequence",
                       f"第 {k} 个批次：第 0 行是 {x[0].tolist()}，不是序列中相邻的元素")
    for k in range(1, len(xs)):
        if not np.all(xs[k][:, 0] == xs[k - 1][:, -1] + 1):
            return say(f"row r of batch {k} does not continue row r of batch {k - 1} (row 0: ... "
                       f"{xs[k - 1][0, -1]} | {xs[k][0, 0]} ...), so the carried state would be wrong: reshape the "
                       "whole sequence into rows first, then cut columns",
                       f"第 {k} 个批次的第 r 行没有接着第 {k - 1} 个批次的第 r 行（第 0 行：... {xs[k - 1][0, -1]} | "
                       f"{xs[k][0, 0]} ...），这样传下去的状态就错了：先把整个序列变形成若干行，再按列切")
    used = np.concatenate([x.ravel() for x in xs])
    if len(np.unique(used)) != len(used):
        return say("an element is used as input in two places", "有一个元素在两个地方被用作输入")
    return None


@self_check("function", call="fn(arr, batch_size, n_steps)",
            returns=("(x, y) pairs of shape (batch_size, n_steps)",
                     "形状为 (batch_size, n_steps) 的 (x, y) 对"))
def check_batches(fn) -> Feedback:
    """Exercise 1: ``fn(arr, batch_size, n_steps)`` must yield full ``(x, y)`` batches, y the next elements."""
    for length, B, T in BATCH_CASES:
        try:
            batches = list(fn(np.arange(length), B, T))
        except Exception as err:  # noqa: BLE001 - any error is the learner's to see
            return learner_error(f"fn(np.arange({length}), {B}, {T})", err)
        problem = _diagnose_batches(batches, length, B, T)
        if problem:
            return verdict(False, problem)
    reference = [x for x, _ in get_batches(np.arange(1000), 10, 20)]
    mine = [np.asarray(x) for x, _ in fn(np.arange(1000), 10, 20)]
    same = all(np.array_equal(a, b) for a, b in zip(reference, mine, strict=True))
    note = "" if same else say(" (your rows are laid out differently from get_batches, e.g. the notes' 10 x 100 "
                               "rows with each row's tail dropped; the invariant still holds)",
                               "（你的行排布与 get_batches 不同，例如笔记里 10 x 100 的行、每行丢掉末尾；"
                               "但不变量仍然成立）")
    return verdict(True, say("every batch has shape (batch_size, n_steps), y is x shifted by one, rows are contiguous "
                             "and continue across batches, and only full batches are kept",
                             "每个批次的形状都是 (batch_size, n_steps)，y 是 x 错开一位，各行连续且跨批次衔接，"
                             "并且只保留完整的批次") + note)


# ------------------------------------------------------------------------------ exercise 2
POSITION_CASES = ((1000, 10, 20), (41, 2, 5), (60, 3, 6), (23, 1, 7))


@self_check("function", call="fn(p, length, batch_size, n_steps)",
            returns=("a triple (k, r, j) of ints", "由整数组成的三元组 (k, r, j)"))
def check_position(fn) -> Feedback:
    """Exercise 2: ``fn(p, length, batch_size, n_steps)`` -> ``(k, r, j)``: element p is x[r, j] of batch k,
    or ``(-1, -1, -1)`` if p is in the dropped tail."""
    for length, B, T in POSITION_CASES:
        plan = batch_plan(length, B, T)
        R = plan.row_length
        layout = batch_layout(length, B, T)
        for p in range(length):
            want = tuple(int(v) for v in layout[p])
            try:
                got = fn(p, length, B, T)
                got = tuple(int(v) for v in got)
            except Exception as err:  # noqa: BLE001
                return learner_error(f"fn({p}, {length}, {B}, {T})", err)
            if got == want:
                continue
            where = say(f"element p={p} ({length} elements, batch_size={B}, n_steps={T}): got {got}, expected {want}",
                        f"元素 p={p}（{length} 个元素，batch_size={B}，n_steps={T}）：得到 {got}，应为 {want}")
            if want[0] < 0:
                return verdict(False, say(f"{where}; p >= batch_size * row_length = {plan.n_inputs} is in the "
                                          "dropped tail",
                                          f"{where}；p >= batch_size * row_length = {plan.n_inputs} 属于被丢弃的尾部"))
            if got[0] < 0:
                return verdict(False, say(f"{where}; only p >= {plan.n_inputs} is dropped",
                                          f"{where}；只有 p >= {plan.n_inputs} 才被丢弃"))
            k, r, j = want
            if got[1] != r:
                if B > 1 and got[1] == p // (length // B) and length // B != R:
                    why = say(f"you used the notes' row length len // batch_size = {length // B}; only full batches "
                              f"are kept, so a row holds n_batches * n_steps = {R} elements",
                              f"你用了笔记里的行长 len // batch_size = {length // B}；只有完整的批次被保留，"
                              f"所以一行有 n_batches * n_steps = {R} 个元素")
                elif B > 1 and got[1] == p % B:
                    why = say("rows are interleaved instead of contiguous: r = p // row_length, not p % batch_size",
                              "各行是交错的，而不是连续的：r = p // row_length，不是 p % batch_size")
                else:
                    why = say(f"the row is r = p // row_length with row_length = n_batches * n_steps = {R}",
                              f"行号是 r = p // row_length，其中 row_length = n_batches * n_steps = {R}")
                return verdict(False, say(f"{where}; the row r is wrong: {why}", f"{where}；行号 r 错了：{why}"))
            if got[0] != k:
                return verdict(False, say(f"{where}; the batch k is wrong: k = (p % row_length) // n_steps "
                                          f"= ({p} % {R}) // {T}",
                                          f"{where}；批次号 k 错了：k = (p % row_length) // n_steps "
                                          f"= ({p} % {R}) // {T}"))
            return verdict(False, say(f"{where}; the column j is wrong: j = p % n_steps = {p} % {T}",
                                      f"{where}；列号 j 错了：j = p % n_steps = {p} % {T}"))
    return verdict(True, say("every element lands in the right batch, row and column, and the tail is dropped",
                             "每个元素都落在正确的批次、行和列上，尾部也被丢弃了"))


# ------------------------------------------------------------------------------ exercise 3
@self_check("function", call="fn(ids, vocab_size)",
            returns=("a float array of shape (..., vocab_size)", "形状为 (..., vocab_size) 的浮点数组"))
def check_one_hot(fn) -> Feedback:
    """Exercise 3: ``fn(ids, vocab_size)`` -> float array (..., vocab_size) with one 1 per position, at the id."""
    cases = [(np.array([2, 0, 1, 1]), 3), (np.array([[0, 4], [3, 3]]), 5)]
    for ids, V in cases:
        want = one_hot(ids, V, dtype=np.float64)
        try:
            got = np.asarray(fn(ids, V))
        except Exception as err:  # noqa: BLE001
            return learner_error(f"fn({ids.tolist()}, {V})", err)
        if got.shape != want.shape:
            if got.shape == (V,) + ids.shape:
                return verdict(False, say(f"shape {got.shape}: the vocabulary axis must come last, "
                                          f"ids {ids.shape} -> {want.shape}",
                                          f"形状 {got.shape}：词表那一维必须放在最后，ids {ids.shape} -> {want.shape}"))
            return verdict(False, say(f"shape {got.shape} for ids of shape {ids.shape}, expected {want.shape} "
                                      "= ids.shape + (vocab_size,)",
                                      f"ids 的形状是 {ids.shape} 时得到形状 {got.shape}，应为 {want.shape} "
                                      "= ids.shape + (vocab_size,)"))
        if got.dtype.kind != "f":
            return verdict(False, say(f"dtype {got.dtype}: the inputs of a cell must be floats (float32 or float64)",
                                      f"dtype 是 {got.dtype}：单元的输入必须是浮点数（float32 或 float64）"))
        ones = (got == 1).sum(axis=-1)
        if not (np.all(ones == 1) and np.all((got == 0) | (got == 1))):
            return verdict(False, say("each position must hold exactly one 1 and zeros elsewhere",
                                      "每个位置必须恰好有一个 1，其余位置都是零"))
        at = got.argmax(axis=-1)
        if not np.array_equal(at, ids):
            off = say(" - off by one?", "。是不是差了一位？") if any(np.array_equal(at, (ids + d) % V)
                                                                 for d in (1, -1)) else ""
            return verdict(False, say(f"the 1s sit at {at.tolist()}, expected at the ids {ids.tolist()}{off}",
                                      f"1 的位置在 {at.tolist()}，应当在 ids {ids.tolist()} 处{off}"))
    return verdict(True, say("shape ids.shape + (vocab_size,), floats, one 1 per position, at the id",
                             "形状为 ids.shape + (vocab_size,)，浮点数，每个位置一个 1，位于 id 处"))


# ------------------------------------------------------------------------------ exercise 4
def _stateful_case():
    rng = np.random.default_rng(5)
    ids = rng.integers(0, 6, size=61)
    batches = [one_hot(x, 6, dtype=np.float64) for x, _ in get_batches(ids, 3, 5)]  # 4 batches (3, 5, 6)
    cell = LSTMCell(6, 4, seed=2, forget_bias=1.0)
    return cell, batches


@self_check("function", call="fn(cell, inputs_per_batch)",
            returns=("an array (batch, n_batches * n_steps, hidden)",
                     "一个 (batch, n_batches * n_steps, hidden) 数组"))
def check_stateful(fn) -> Feedback:
    """Exercise 4: ``fn(cell, inputs_per_batch)`` runs ``dynamic_rnn`` batch after batch, carrying the final
    state into the next batch, and returns all outputs joined along time: (batch, n_batches * n_steps, hidden)."""
    cell, batches = _stateful_case()
    rows = np.concatenate(batches, axis=1)  # each row read in one go: what carrying the state must reproduce
    want, _ = dynamic_rnn(cell, rows)
    reset = np.concatenate([dynamic_rnn(cell, b)[0] for b in batches], axis=1)
    try:
        got = np.asarray(fn(cell, [b.copy() for b in batches]))
    except Exception as err:  # noqa: BLE001
        return learner_error("fn(cell, inputs_per_batch)", err)
    if got.shape != want.shape:
        return verdict(False, say(f"shape {got.shape}, expected {want.shape}: join the batches' outputs along time "
                                  "(np.concatenate(outputs, axis=1))",
                                  f"形状是 {got.shape}，应为 {want.shape}：把各批次的输出沿时间维拼接起来"
                                  "（np.concatenate(outputs, axis=1)）"))
    if np.allclose(got, want, rtol=1e-7, atol=1e-9):
        return verdict(True, say("carrying (h, c) across batches gives exactly the outputs of reading each row at once",
                                 "把 (h, c) 跨批次传下去，得到的输出与一次读完每一行完全相同"))
    if np.allclose(got, reset, rtol=1e-7, atol=1e-9):
        return verdict(False, say("the state is reset to zero at every batch: pass batch k-1's final state "
                                  "(dynamic_rnn's second result) as initial_state of batch k",
                                  "每个批次都把状态重置成了零：把第 k-1 个批次的最终状态"
                                  "（dynamic_rnn 的第二个返回值）作为第 k 个批次的 initial_state"))
    T = batches[0].shape[1]
    first_bad = int(np.argmax(~np.isclose(got, want).all(axis=(0, 2))))
    if first_bad < T:
        return verdict(False, say(f"the outputs differ already in batch 0 (step {first_bad}): start from the zero "
                                  "state (initial_state=None) and run the cell over each batch in order",
                                  f"输出在第 0 个批次（第 {first_bad} 步）就不同了：从零状态开始"
                                  "（initial_state=None），按顺序在每个批次上运行单元"))
    return verdict(False, say(f"batch 0 is right but batch {first_bad // T} is not: the state carried into it is not "
                              "the final LSTMState(h, c) of the batch before (both h and c, every row)",
                              f"第 0 个批次对了，但第 {first_bad // T} 个批次不对：传进它的状态不是前一个批次最终的 "
                              "LSTMState(h, c)（h 和 c 都要，每一行都要）"))
