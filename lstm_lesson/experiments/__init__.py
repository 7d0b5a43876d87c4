"""The papers' experiments at lesson scale, each one call that a notebook runs and a test checks.

May import: core/. Never classroom/ or tools/ (no widgets, no drawing here).

    pulse.py          a pulse fading from a plain RNN's state (lesson 1)
    recall.py         delayed recall: repeat the input k steps later (lessons 1-2)
    gradient_flow.py  ||dh_T/ds_t|| against the lag, RNN vs LSTM (lesson 4; Pascanu et al. 2013)
    adding.py         the adding problem (Hochreiter & Schmidhuber 1997, section 5.4)
    gate_ablation.py  which gates matter (Greff et al. 2017) and the forget gate's drift (Gers et al. 2000)
    race_record.py    lesson 3's race on the adding problem, stored with its seeds and baseline
    cliff.py          Pascanu et al.'s one-unit cliff and gradient clipping (lesson 4)
    interpret.py      what the cells of a trained char model track (lesson 6; Karpathy et al. 2015)
    adding_experiments.py  λ1 during training, truncated BPTT on the adding problem (lesson 4, stored)
    ngram.py          character n-gram counts: the baseline a char model must beat (lesson 6)
    char_race.py      RNN/GRU/LSTM at equal size, 3 seeds, and the quote probe (lesson 6, stored)
    framework_fixtures.py  the package against outputs PyTorch, Keras and TF really produced (lesson 7)
"""
