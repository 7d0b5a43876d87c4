"""The verdict every lesson's self-check returns: a ``Feedback`` that is true when the answer is
right and carries a message either way ("Correct: ..." or which term is wrong and why).

``diagnose`` compares an answer with the reference and names the usual mistake that reproduces
it (lessons 1-4); ``verdict`` words a check's own finding the same way (lessons 5-7).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Feedback:
    """The verdict of a self-check: ``bool(feedback)`` is True when the answer is right."""

    ok: bool
    message: str

    def __bool__(self):
        return self.ok

    def __str__(self):
        return self.message

    def __repr__(self):
        return self.message


def right(what: str) -> Feedback:
    return Feedback(True, f"Correct: {what}.")


def verdict(ok: bool, message: str) -> Feedback:
    """"Correct: <message>." when ``ok``; otherwise "Not yet: <message>", the message naming the mistake."""
    return right(message) if ok else Feedback(False, f"Not yet: {message}")


def diagnose(answer, reference, mistakes, what, *, atol=2e-3, rtol=1e-3) -> Feedback:
    """Compare ``answer`` with ``reference``; if it differs, name the first entry of ``mistakes``
    (a dict message -> the value that mistake produces) that reproduces it.

    atol 2e-3 lets a hand computation rounded to 3 decimals pass.
    """
    try:
        answer = np.asarray(answer, dtype=np.float64)
    except (TypeError, ValueError):
        return Feedback(False, f"{what}: expected numbers, got {type(answer).__name__}.")
    reference = np.asarray(reference, dtype=np.float64)
    if answer.shape != reference.shape:
        if answer.size == reference.size:
            answer = answer.reshape(reference.shape)
        else:
            return Feedback(False, f"{what}: expected shape {reference.shape}, got {answer.shape}.")
    if not np.all(np.isfinite(answer)):
        return Feedback(False, f"{what}: your answer contains NaN or inf.")
    if np.allclose(answer, reference, atol=atol, rtol=rtol):
        return right(what)
    for message, value in mistakes.items():
        value = np.asarray(value, dtype=np.float64)
        if value.shape == reference.shape and np.allclose(answer, value, atol=atol, rtol=rtol):
            return Feedback(False, f"{what} is off: {message}")
    worst = float(np.max(np.abs(answer - reference)))
    return Feedback(False, f"{what} is off by up to {worst:.3g}, and not by one of the usual single mistakes: "
                           "recompute each term separately and compare.")


def call_learner(fn, what, *args):
    """Run the learner's function; an exception becomes feedback instead of a traceback.

    Returns ``(value, None)`` when it ran, ``(None, Feedback)`` when it raised."""
    try:
        return fn(*args), None
    except Exception as err:  # the learner's code: report its error as feedback
        return None, Feedback(False, f"your {what} raised {type(err).__name__}: {err}.")
