"""Shared test setup.

Warnings are errors (pyproject.toml), so numpy overflow or invalid-value warnings from
lstm_lesson fail the test that caused them; nothing here silences them.
"""

import matplotlib

# Unit tests draw off-screen. Set in-process, not through the MPLBACKEND environment variable:
# the kernels nbval starts inherit the environment, and the notebooks must keep the inline backend.
matplotlib.use("Agg")


import pytest  # noqa: E402

from lstm_lesson.core import language  # noqa: E402


@pytest.fixture(autouse=True)
def english_unless_asked():
    """Every test starts in English and leaves the package in English, whatever it switched to."""
    language.set_language("en")
    yield
    language.set_language("en")


@pytest.fixture
def chinese():
    """The package speaking Chinese for the length of one test."""
    language.set_language("zh")
    yield
