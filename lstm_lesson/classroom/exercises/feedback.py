"""The verdict every lesson's self-check returns, and the one path every answer goes through.

A ``Feedback`` is true when the answer is right and speaks in one voice either way:
"Correct: ..." or "Not yet: ..." naming what is wrong and the likely mistake (in Chinese,
"正确：……。" or "还不对：……", see ``core/language.py``).

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

from ...core.language import language, say

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


# The one voice, in each language: (right, not yet). Read at call time, so set_language applies at once.
_PREFIXES = {"en": ("Correct: ", "Not yet: "), "zh": ("正确：", "还不对：")}


def _prefix(ok: bool) -> str:
    return _PREFIXES[language()][0 if ok else 1]


def right(what: str) -> Feedback:
    return Feedback(True, say(f"Correct: {what}.", f"正确：{what}。"))


def verdict(ok: bool, message: str) -> Feedback:
    """"Correct: <message>." when ``ok``; otherwise "Not yet: <message>", the message naming the mistake
    (Chinese: "正确：<message>。" / "还不对：<message>")."""
    return right(message) if ok else Feedback(False, _prefix(False) + message)


def in_one_voice(feedback: Feedback) -> Feedback:
    """The message starting with "Correct: " when right and "Not yet: " when not (in Chinese "正确：" and
    "还不对：", ending with a full-width stop); either language's prefix is recognised and replaced."""
    message = feedback.message.strip()
    for prefix in (*_PREFIXES["en"], *_PREFIXES["zh"]):
        if message.startswith(prefix):
            message = message[len(prefix):]
    if language() == "zh":
        if message.endswith(".") and not message.endswith(".."):
            message = message[:-1]
        if not message.endswith(("。", "！", "？")):
            message += "。"
    elif not message.endswith((".", "!", "?", ")")):
        message += "."
    return Feedback(feedback.ok, _prefix(feedback.ok) + message)


def diagnose(answer, reference, mistakes, what, *, atol=2e-3, rtol=1e-3) -> Feedback:
    """Compare ``answer`` with ``reference``; if it differs, name the first entry of ``mistakes``
    (a dict message -> the value that mistake produces) that reproduces it.

    atol 2e-3 lets a hand computation rounded to 3 decimals pass.
    """
    try:
        answer = np.asarray(answer, dtype=np.float64)
    except (TypeError, ValueError):
        return Feedback(False, say(f"{what}: expected numbers, got {type(answer).__name__}.",
                                   f"{what}：应当是数字，收到的是 {type(answer).__name__}。"))
    reference = np.asarray(reference, dtype=np.float64)
    if answer.shape != reference.shape:
        if answer.size == reference.size:
            answer = answer.reshape(reference.shape)
        else:
            return Feedback(False, say(f"{what}: expected shape {reference.shape}, got {answer.shape}.",
                                       f"{what}：形状应为 {reference.shape}，收到的是 {answer.shape}。"))
    if not np.all(np.isfinite(answer)):
        return Feedback(False, say(f"{what}: your answer contains NaN or inf.",
                                   f"{what}：你的答案里有 NaN 或 inf。"))
    if np.allclose(answer, reference, atol=atol, rtol=rtol):
        return right(say(what, f"{_gap(what)}算对了"))
    for message, value in mistakes.items():
        value = np.asarray(value, dtype=np.float64)
        if value.shape == reference.shape and np.allclose(answer, value, atol=atol, rtol=rtol):
            return Feedback(False, say(f"{what} is off: {message}", f"{_gap(what)}有误。{message}"))
    worst = float(np.max(np.abs(answer - reference)))
    return Feedback(False, say(f"{what} is off by up to {worst:.3g}, and not by one of the usual single mistakes: "
                               "recompute each term separately and compare.",
                               f"{_gap(what)}最多差了 {worst:.3g}，而且不是常见的某一个错误造成的："
                               "请把每一项分开重算，逐项比较。"))


def learner_error(what, err, context="") -> Feedback:
    """The verdict for an exception raised by the learner's code: its type, its message, the line
    of the learner's code it came from, and what was being tested (``context``)."""
    hint = say(" (an undefined name?)", "（是不是用了没有定义的名字？）") if isinstance(err, NameError) else ""
    where = say(f" while testing {context}", f"，当时在测试{context}") if context else ""
    if not _raised_by_learner(err):  # the check failed on what the learner's code returned, not inside it
        if "NoneType" in str(err):
            return verdict(False, say(f"your {what} returned None: is a `return` missing?{where}",
                                      f"你的 {what} 返回了 None：是不是少了 `return`？{where}"))
        return verdict(False, say(f"your {what} returned something the check cannot use "
                                  f"({type(err).__name__}: {err}){where}",
                                  f"你的 {what} 返回的值无法用于检查（{type(err).__name__}：{err}）{where}"))
    return verdict(False, say(f"your {what} raised {type(err).__name__}: {err}{hint}{_learner_line(err)}{where}",
                              f"你的 {what} 抛出了 {type(err).__name__}：{err}{hint}{_learner_line(err)}{where}"))


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
        return say(f"the text {value[:40]!r}", f"文本 {value[:40]!r}")
    if isinstance(value, np.ndarray):
        return say(f"an array of shape {value.shape}", f"形状为 {value.shape} 的数组")
    if callable(value):
        fn_name = getattr(value, '__name__', type(value).__name__)
        return say(f"a function ({fn_name})", f"一个函数（{fn_name}）")
    name = type(value).__name__
    return say(f"{'an' if name[:1] in 'aeiou' else 'a'} {name}", f"一个 {name}")


def _then(described: str) -> str:
    """A space between Chinese text and a following Latin word or number (d2l-zh's spacing), none before Chinese."""
    return f" {described}" if described[:1].isascii() else described


def _gap(text: str) -> str:
    """``text`` followed by a space when it ends in a Latin letter, digit or symbol (before Chinese text)."""
    return f"{text} " if text[-1:].isascii() else text


def _text(message) -> str:
    """A message given as one text or as an (English, Chinese) pair, in the language in use."""
    return message if isinstance(message, str) else say(*message)


def _learner_line(err) -> str:
    """' (line 3 of your code: y = x[5])' for the innermost frame outside the package, or ''."""
    frames = [f for f in traceback.extract_tb(err.__traceback__)
              if not os.path.abspath(f.filename).startswith(_PACKAGE_DIR + os.sep)
              and "site-packages" not in f.filename and f.filename != "<string>"]
    if not frames:
        return ""
    f = frames[-1]
    code = f" `{f.line.strip()}`" if f.line else ""
    if language() == "zh":
        return f"（你的代码第 {f.lineno} 行：{code.strip()}）" if code else f"（你的代码第 {f.lineno} 行）"
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
        return say(f"your function takes {fn.__name__ if hasattr(fn, '__name__') else 'it'}{sig}, but the check "
                   f"calls it as {call}: it needs exactly {n} argument{'s' * (n != 1)}",
                   f"你的函数是 {fn.__name__ if hasattr(fn, '__name__') else ''}{sig}，但检查会这样调用它："
                   f"{call}，所以它必须正好接受 {n} 个参数")
    return None


def _answer_problem(answer, expects: str, call: str) -> str | None:
    if expects == "function":
        if not callable(answer):
            return say(f"expected a function {call}, got {_describe(answer)}: pass the function itself, "
                       "e.g. check(my_fn)",
                       f"这里要的是一个函数 {call}，收到的却是{_then(_describe(answer))}：请把函数本身传进来，"
                       "例如 check(my_fn)")
        if isinstance(answer, type):
            return say(f"expected a function {call}, got the class {answer.__name__}",
                       f"这里要的是一个函数 {call}，收到的却是类 {answer.__name__}")
        return _arity_problem(answer, call)
    # expects numbers (an array, a list of numbers or a single number)
    if answer is None:
        return say("got None: assign your answer first (did you forget to compute or return it?)",
                   "收到的是 None：请先给答案赋值（是不是忘了计算它，或者忘了 return？）")
    if callable(answer):
        return say(f"expected numbers, got {_describe(answer)}: call it and pass its result",
                   f"这里要的是数字，收到的却是{_then(_describe(answer))}：请调用它，把结果传进来")
    if isinstance(answer, (str, bytes, dict, set)):
        return say(f"expected numbers, got {_describe(answer)}",
                   f"这里要的是数字，收到的却是{_then(_describe(answer))}")
    try:
        array = np.asarray(answer, dtype=np.float64)
    except (TypeError, ValueError):
        return say(f"expected numbers, got {_describe(answer)}",
                   f"这里要的是数字，收到的却是{_then(_describe(answer))}")
    if array.size == 0:
        return say("got an empty array: expected numbers", "收到的是空数组：这里要的是数字")
    if not np.all(np.isfinite(array)):
        return say("your answer contains NaN or inf", "你的答案里有 NaN 或 inf")
    if expects == "number" and array.size != 1:
        return say(f"expected one number, got {_describe(array)}",
                   f"这里要的是一个数，收到的却是{_then(_describe(array))}")
    return None


def self_check(expects="function", *, call="", returns=""):
    """Wrap a ``check_*`` function so that every answer goes through one path (see the module).

    expects: "function" (the answer is a function the check calls as ``call``, returning
    ``returns``: a text, or an (English, Chinese) pair chosen when a message needs it),
    "numbers" (an array or list of numbers) or "number" (a single number).
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
                return in_one_voice(Feedback(False, say(
                    f"your {name} ran for more than {TIME_LIMIT_SECONDS:g} s and was stopped: "
                    "is there a loop that never ends?",
                    f"你的 {name} 运行超过 {TIME_LIMIT_SECONDS:g} 秒，已被停止：是不是有一个永远不会结束的循环？")))
            except Exception as err:  # noqa: BLE001 - any failure becomes a verdict, never a traceback
                if _raised_by_learner(err):
                    message = say(f"your {name} raised {type(err).__name__}: {err}{_learner_line(err)}",
                                  f"你的 {name} 抛出了 {type(err).__name__}：{err}{_learner_line(err)}")
                else:
                    if language() == "zh":
                        subject = f" {name} " if expects == "function" else "答案"
                        want = f"它应当返回{_then(_text(returns))}" if returns else ""
                        message = f"你的{subject}无法检查（{type(err).__name__}：{err}）；{want}"
                    else:
                        want = f" it should return {_text(returns)}" if returns else ""
                        message = (f"your {name if expects == 'function' else 'answer'} could not be checked "
                                   f"({type(err).__name__}: {err});{want}")
                return in_one_voice(Feedback(False, message))
            if not isinstance(feedback, Feedback):  # pragma: no cover - a check's own bug
                raise TypeError(f"{check.__name__} returned {type(feedback).__name__}, not a Feedback")
            return in_one_voice(feedback)

        run.expects, run.call = expects, call
        return run

    return wrap
