"""What a learner sees: diagrams, plots, the glossary, live widgets and the exercises' self-checks.

May import: core/ and experiments/. Never tools/.

    diagrams.py   SVG pictures of the cells, gates named both ways (i, f, g, o and 学习门 ...)
    plots.py      a small SVG line plot for widgets; plot_history (matplotlib)
    fonts.py      a CJK font for matplotlib figures drawn in Chinese (English labels without one)
    monitor.py    TrainingMonitor: the live progress bar and loss curve of ``train``
    top_guesses.py  the model's top-5 guesses under each character (HTML, lesson 6)
    glossary.py   one table for every naming scheme (notes, papers, d2l, deeplearning.ai, PyTorch)
    widgets/      sliders: gate explorer, pulse, gradient flow, batch grid
    exercises/    one module of self-checks per lesson; every check returns a Feedback
"""
