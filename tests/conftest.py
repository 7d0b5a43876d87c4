"""Shared test setup.

Warnings are errors (pyproject.toml), so numpy overflow or invalid-value warnings from
lstm_lesson fail the test that caused them; nothing here silences them.
"""

import matplotlib

# Unit tests draw off-screen. Set in-process, not through the MPLBACKEND environment variable:
# the kernels nbval starts inherit the environment, and the notebooks must keep the inline backend.
matplotlib.use("Agg")
