"""lstm_lesson: how recurrent networks remember, from scratch in numpy.

``import lstm_lesson`` gives the network and its training parts (``core/``). The package has four
folders, one per role, each importing only from the ones below it:

    tools/        build the classroom's files: slide decks, handout figures
    classroom/    what a learner sees: diagrams, plots, glossary, widgets, exercises (self-checks)
    experiments/  the papers' experiments at lesson scale: adding problem, delayed recall, cliff, ...
    core/         the numpy network: reference steps, cells, unrolling, losses, optimizers, training

One naming scheme, everywhere:
    cell=           the cell type as a string: "rnn", "lstm", "gru" or "peephole"
    record          what one step keeps for backpropagation (``LSTMRecord``, ``GRURecord``, ...)
    dynamic_rnn     unroll forward over time (the notes' TensorFlow word); ``bptt`` unrolls backward
    *_step          one readable time step (``core/reference.py``); ``cell.step`` the fused one

Batch-first everywhere: inputs (batch, time, input_size), states (batch, hidden_size).
"""

from .core.activations import log_softmax, sigmoid, softmax, tanh
from .core.batching import get_batches, one_hot
from .core.cells import Cell, LSTMCell, LSTMState, RNNCell
from .core.dense import Dense
from .core.gradcheck import gradcheck
from .core.gru import GRUCell
from .core.interop import (
    from_keras_weights,
    from_tf1_weights,
    from_torch_state_dict,
    to_keras_weights,
    to_tf1_weights,
    to_torch_state_dict,
)
from .core.language import set_language
from .core.losses import softmax_cross_entropy
from .core.model import CharModel, make_cell
from .core.optim import SGD, Adam, clip_by_global_norm, global_norm
from .core.peephole import PeepholeLSTMCell
from .core.reference import gru_step, lstm_step, peephole_step, rnn_step
from .core.text import Vocabulary
from .core.threads import set_threads
from .core.training import evaluate, train
from .core.unrolling import MultiRNNCell, bptt, dynamic_rnn

__version__ = "0.2.0"

set_threads(1)  # see core/threads.py: one BLAS thread is the classroom-safe default

__all__ = [
    # the readable steps (read these first) and the cells that run them fast
    "rnn_step", "lstm_step", "gru_step", "peephole_step",
    "Cell", "RNNCell", "LSTMCell", "LSTMState", "GRUCell", "PeepholeLSTMCell",
    # unrolling in time and stacking (the notes' TensorFlow words)
    "dynamic_rnn", "bptt", "MultiRNNCell",
    # activations, output layer, loss
    "sigmoid", "tanh", "softmax", "log_softmax", "Dense", "softmax_cross_entropy",
    # training
    "SGD", "Adam", "clip_by_global_norm", "global_norm", "gradcheck",
    "CharModel", "make_cell", "train", "evaluate",
    # data
    "Vocabulary", "get_batches", "one_hot",
    # frameworks
    "to_torch_state_dict", "from_torch_state_dict", "to_keras_weights", "from_keras_weights",
    "to_tf1_weights", "from_tf1_weights",
    # threads, and the language the package speaks (English or 中文)
    "set_threads", "set_language",
]
