"""The verdict every lesson's self-check returns, and the one path every answer goes through.

A ``Feedback`` is true when the answer is right and speaks in one voice either way:
"Correct: ..." or "Not yet: ..." naming what is wrong and the likely mistake.

Every ``check_*`` function is wrapped by ``self_check``, which
- looks at the answer before the check does: a function where numbers were expected (or the
  reverse), None, text, a dict, a function that takes the wrong arguments: each gets a verdict
  that says so;
- runs the check (and with it the learner's function) under a time limit, so an endless loop
  becomes a verdict instead of a hung kernel (where the platform has SIGALRM: Linux, macOS);
- turns any exception into a verdict: raised in the learner's own code, it names the line;
  raised while checking a strange return value, it names what came back;
- puts every message into the one voice.
No answer, of any type, produces a traceback from inside the package, and none is judged correct
unless the check said so.

``diagnose`` compares an answer with the reference and names the usual mistake that reproduces
it (lessons 1-4); ``verdict`` words a check's own finding the same way (lessons 5-7).
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import os
import signal
import threading
import traceback
from dataclasses import dataclass

import numpy as np

TIME_LIMIT_SECONDS = 20.0  # a check whose learner code runs longer is stopped (an endless loop?)
_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


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


def in_one_voice(feedback: Feedback) -> Feedback:
    """The message starting with "Correct: " when right and "Not yet: " when not."""
    message = feedback.message.strip()
    for prefix in ("Correct: ", "Not yet: "):
        if message.startswith(prefix):
            message = message[len(prefix):]
    if not message.endswith((".", "!", "?", ")")):
        message += "."
    return Feedback(feedback.ok, ("Correct: " if feedback.ok else "Not yet: ") + message)


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


def learner_error(what, err, context="") -> Feedback:
    """The verdict for an exception raised by the learner's code: its type, its message, the line
    of the learner's code it came from, and what was being tested (``context``)."""
    hint = " (an undefined name?)" if isinstance(err, NameError) else ""
    where = f" while testing {context}" if context else ""
    return verdict(False, f"your {what} raised {type(err).__name__}: {err}{hint}{_learner_line(err)}{where}")


def call_learner(fn, what, *args):
    """Run the learner's function; an exception becomes feedback instead of a traceback.

    Returns ``(value, None)`` when it ran, ``(None, Feedback)`` when it raised."""
    try:
        return fn(*args), None
    except Exception as err:  # the learner's code: report its error as feedback
        return None, learner_error(what, err)


# ----- the one path every answer goes through ---------------------------------------------------
class LearnerTimeout(BaseException):
    """The learner's code ran longer than ``TIME_LIMIT_SECONDS``. A BaseException, so that a check's
    own ``except Exception`` around the learner's call lets it through to ``self_check``."""


@contextlib.contextmanager
def time_limit(seconds):
    """Raise ``LearnerTimeout`` in the running code after ``seconds`` (main thread with SIGALRM only;
    elsewhere, e.g. on Windows, the code runs without a limit)."""
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable or not seconds:
        yield
        return

    def stop(signum, frame):
        raise LearnerTimeout

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _describe(value) -> str:
    """What a value is, in a learner's words: 'None', 'the text "abc"', 'a dict', 'an array of shape (2, 3)'."""
    if value is None:
        return "None"
    if isinstance(value, str):
        return f"the text {value[:40]!r}"
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    if callable(value):
        return f"a function ({getattr(value, '__name__', type(value).__name__)})"
    name = type(value).__name__
    return f"{'an' if name[:1] in 'aeiou' else 'a'} {name}"


def _learner_line(err) -> str:
    """' (line 3 of your code: y = x[5])' for the innermost frame outside the package, or ''."""
    frames = [f for f in traceback.extract_tb(err.__traceback__)
              if not os.path.abspath(f.filename).startswith(_PACKAGE_DIR + os.sep)
              and "site-packages" not in f.filename and f.filename != "<string>"]
    if not frames:
        return ""
    f = frames[-1]
    code = f" `{f.line.strip()}`" if f.line else ""
    return f" (line {f.lineno} of your code:{code})" if code else f" (line {f.lineno} of your code)"


def _raised_by_learner(err) -> bool:
    return bool(_learner_line(err))


def _arity_problem(fn, call: str) -> str | None:
    """Does ``fn`` accept the arguments of ``call`` ('rnn_step(x, h_prev, W_x, W_h, b)')?"""
    n = len([a for a in call[call.find("(") + 1:call.rfind(")")].split(",") if a.strip()])
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):  # builtins without a signature: let the call decide
        return None
    try:
        sig.bind(*([None] * n))
    except TypeError:
        return (f"your function takes {fn.__name__ if hasattr(fn, '__name__') else 'it'}{sig}, but the check "
                f"calls it as {call}: it needs exactly {n} argument{'s' * (n != 1)}")
    return None


def _answer_problem(answer, expects: str, call: str) -> str | None:
    if expects == "function":
        if not callable(answer):
            return f"expected a function {call}, got {_describe(answer)}: pass the function itself, e.g. check(my_fn)"
        if isinstance(answer, type):
            return f"expected a function {call}, got the class {answer.__name__}"
        return _arity_problem(answer, call)
    # expects numbers (an array, a list of numbers or a single number)
    if answer is None:
        return "got None: assign your answer first (did you forget to compute or return it?)"
    if callable(answer):
        return f"expected numbers, got {_describe(answer)}: call it and pass its result"
    if isinstance(answer, (str, bytes, dict, set)):
        return f"expected numbers, got {_describe(answer)}"
    try:
        array = np.asarray(answer, dtype=np.float64)
    except (TypeError, ValueError):
        return f"expected numbers, got {_describe(answer)}"
    if array.size == 0:
        return "got an empty array: expected numbers"
    if not np.all(np.isfinite(array)):
        return "your answer contains NaN or inf"
    if expects == "number" and array.size != 1:
        return f"expected one number, got {_describe(array)}"
    return None


def self_check(expects="function", *, call="", returns=""):
    """Wrap a ``check_*`` function so that every answer goes through one path (see the module).

    expects: "function" (the answer is a function the check calls as ``call``, returning
    ``returns``), "numbers" (an array or list of numbers) or "number" (a single number).
    """
    if expects not in ("function", "numbers", "number"):
        raise ValueError(f"expects: expected 'function', 'numbers' or 'number', got {expects!r}")

    def wrap(check):
        name = call.split("(")[0] or "answer"

        @functools.wraps(check)
        def run(answer=None, *args, **kwargs):
            problem = _answer_problem(answer, expects, call)
            if problem:
                return in_one_voice(Feedback(False, problem))
            try:
                with time_limit(TIME_LIMIT_SECONDS):
                    feedback = check(answer, *args, **kwargs)
            except LearnerTimeout:
                return in_one_voice(Feedback(False, f"your {name} ran for more than {TIME_LIMIT_SECONDS:g} s and was "
                                                    "stopped: is there a loop that never ends?"))
            except Exception as err:  # noqa: BLE001 - any failure becomes a verdict, never a traceback
                if _raised_by_learner(err):
                    message = f"your {name} raised {type(err).__name__}: {err}{_learner_line(err)}"
                else:
                    want = f" it should return {returns}" if returns else ""
                    message = (f"your {name if expects == 'function' else 'answer'} could not be checked "
                               f"({type(err).__name__}: {err});{want}")
                return in_one_voice(Feedback(False, message))
            if not isinstance(feedback, Feedback):  # pragma: no cover - a check's own bug
                raise TypeError(f"{check.__name__} returned {type(feedback).__name__}, not a Feedback")
            return in_one_voice(feedback)

        run.expects, run.call = expects, call
        return run

    return wrap
