"""lstm_lesson: how recurrent networks remember, from scratch in numpy.

Batch-first everywhere: inputs (batch, time, input_size), states (batch, hidden_size).
"""

from .activations import log_softmax, sigmoid, softmax, tanh
from .adding import adding_batch, train_adding
from .batching import batch_layout, describe_batches, get_batches, num_batches, one_hot, random_windows
from .cells import Cell, LSTMCell, LSTMState, LSTMStep, RNNCell, RNNStep
from .diagrams import cell_diagram_svg, gru_cell_svg, lstm_cell_svg, peephole_cell_svg, unrolled_rnn_svg
from .gradcheck import gradcheck, numerical_gradient, relative_error
from .gradient_flow import gradient_flow
from .interop import (
    LAYOUTS,
    describe_layout,
    from_keras_weights,
    from_tf1_weights,
    from_torch_state_dict,
    to_keras_weights,
    to_tf1_weights,
    to_torch_state_dict,
)
from .interpret import color_text_html, find_tracking_cell, saturation, trace
from .losses import Dense, softmax_cross_entropy
from .model import CharModel, make_cell
from .optim import SGD, Adam, clip_by_global_norm, global_norm
from .recall import train_recall
from .text import Vocabulary, fable_corpus, python_docs_text, read_text_file, split_text
from .threads import set_threads
from .training import TrainingMonitor, evaluate, train
from .unrolling import MultiRNNCell, bptt, dynamic_rnn
from .variants import GRUCell, GRUStep, PeepholeLSTMCell, PeepholeLSTMStep
from .widgets.gate_explorer import explore_gates

__version__ = "0.1.0"

set_threads(1)  # see threads.py: one BLAS thread is the classroom-safe default

__all__ = [
    "Adam", "Cell", "CharModel", "Dense", "GRUCell", "GRUStep", "LSTMCell", "LSTMState", "LSTMStep",
    "MultiRNNCell", "PeepholeLSTMCell", "PeepholeLSTMStep", "RNNCell", "RNNStep", "SGD", "bptt",
    "clip_by_global_norm", "dynamic_rnn", "global_norm", "gradcheck", "log_softmax", "make_cell",
    "numerical_gradient", "relative_error", "set_threads", "sigmoid", "softmax", "softmax_cross_entropy", "tanh",
    "batch_layout", "describe_batches", "get_batches", "num_batches", "one_hot", "random_windows",
    "LAYOUTS", "describe_layout", "from_keras_weights", "from_tf1_weights", "from_torch_state_dict",
    "to_keras_weights", "to_tf1_weights", "to_torch_state_dict",
    "cell_diagram_svg", "explore_gates", "gru_cell_svg", "lstm_cell_svg", "peephole_cell_svg", "train_recall",
    "unrolled_rnn_svg", "adding_batch", "gradient_flow", "train_adding",
    "Vocabulary", "fable_corpus", "python_docs_text", "read_text_file", "split_text",
    "TrainingMonitor", "evaluate", "train", "color_text_html", "find_tracking_cell", "saturation", "trace",
]
