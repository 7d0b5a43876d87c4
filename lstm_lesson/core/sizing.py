"""Model sizing: parameter counts by formula, and the hidden size that matches a budget.

Used to compare cells fairly: an RNN, a GRU and an LSTM with the SAME number of parameters.
"""

from __future__ import annotations

from . import validate as check
from .language import say
from .model import CELL_TYPES


def char_model_num_params(cell, vocab_size, hidden_size, num_layers=2):
    """Parameters of ``CharModel(vocab_size, hidden_size, num_layers, cell=cell)``, by formula.

    A layer with input D, hidden H and G gate blocks has D*G*H + H*G*H weights and G*H biases
    (the GRU keeps two bias vectors, the peephole LSTM adds 3H peepholes); the dense layer H*V + V.
    """
    if not isinstance(cell, str) or cell not in CELL_TYPES:
        raise ValueError(say(f"cell: expected one of {sorted(CELL_TYPES)}, got {cell!r}",
                             f"cell：应为 {sorted(CELL_TYPES)} 之一，传入的是 {cell!r}"))
    V = check.positive_int("vocab_size", vocab_size)
    H = check.positive_int("hidden_size", hidden_size)
    n = check.positive_int("num_layers", num_layers)
    G = CELL_TYPES[cell].n_blocks  # hidden-sized gate blocks
    biases = 2 if cell == "gru" else 1
    total = 0
    for k in range(n):
        D = V if k == 0 else H
        total += D * G * H + H * G * H + biases * G * H + (3 * H if cell == "peephole" else 0)
    return total + H * V + V


def matching_hidden_size(cell, vocab_size, num_params, num_layers=2):
    """The hidden size that brings ``cell``'s model closest to ``num_params`` parameters."""
    target = check.positive_int("num_params", num_params)
    best, best_gap = 1, None
    for H in range(1, 4096):
        gap = abs(char_model_num_params(cell, vocab_size, H, num_layers) - target)
        if best_gap is None or gap < best_gap:
            best, best_gap = H, gap
        elif char_model_num_params(cell, vocab_size, H, num_layers) > target:
            break
    return best
