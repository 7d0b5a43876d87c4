"""The numpy network and its training parts: the bottom of the package.

May import: numpy and threadpoolctl only; nothing from experiments/, classroom/ or tools/.

    reference.py    the lessons' equations, one readable line each (read this first)
    activations.py  sigmoid, tanh, softmax and their derivatives
    cells.py        the Cell protocol, RNNCell, LSTMCell (fused, fast; proven equal to reference.py)
    gru.py          GRUCell (the notes' 门限回归单元)
    peephole.py     PeepholeLSTMCell (the notes' 窥视孔连接)
    unrolling.py    dynamic_rnn, bptt, MultiRNNCell (the notes' TensorFlow words)
    dense.py        Dense: the output layer at every time step
    losses.py       softmax_cross_entropy
    optim.py        SGD, Adam, gradient clipping
    gradcheck.py    finite-difference gradient checks
    model.py        CharModel: cells + Dense + loss, make_cell
    sizing.py       parameter counts by formula, matching model sizes
    training.py     train, evaluate: the loop (stateful truncated BPTT)
    batching.py     get_batches, one_hot: one long sequence cut into batches
    text.py         Vocabulary and the lessons' corpora
    interop.py      weights to and from PyTorch, Keras and TensorFlow 1
    threads.py      one BLAS thread by default
    validate.py     argument checks with errors that name the argument, the expectation and the value
"""
