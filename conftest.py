"""Repository-wide pytest setup: lets `pytest` run from any folder of the checkout."""

import os
from pathlib import Path


def pytest_configure(config):
    # pyproject's addopts name the nbval sanitizer relative to the repository root; resolve it
    # there so `cd notebooks && pytest 01_rnn_memory.ipynb` works too.
    path = getattr(config.option, "nbval_sanitize_with", None)
    if path and not Path(path).is_absolute() and not Path(path).exists():
        config.option.nbval_sanitize_with = str(config.rootpath / path)
    # Notebooks run with the inline backend that ipykernel picks when MPLBACKEND is unset; a
    # user's MPLBACKEND (e.g. TkAgg) would reach the kernels and change their outputs.
    os.environ.pop("MPLBACKEND", None)
