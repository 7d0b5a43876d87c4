"""Every self-check of the series, fed answers a student might really hand in broken.

Each must come back as a false Feedback in the one voice ("Not yet: ...") with a message that says
what happened: never a traceback from inside the package, never a broken answer judged correct.
"""

import importlib
import inspect

import numpy as np
import pytest

from lstm_lesson.classroom.exercises import feedback
from lstm_lesson.classroom.exercises.feedback import Feedback

LESSONS = [f"lstm_lesson.classroom.exercises.lesson0{k}" for k in range(1, 8)]
CHECKS = [(f"{mod.rsplit('.', 1)[1]}.{name}", fn) for mod in LESSONS
          for name, fn in inspect.getmembers(importlib.import_module(mod), inspect.isfunction)
          if name.startswith("check_") and fn.__module__ == mod]


def raises(*args):
    values = {}
    return values["missing"]  # a KeyError in the learner's own code


def returns_none(*args):
    result = np.zeros(3)  # computed, then forgotten
    result += 1


def never_returns(*args):
    while True:
        pass


def takes_no_arguments():
    return 0


def returns_text(*args):
    return "h_t"


def returns_nan(*args):
    return np.full((3, 4), np.nan)


def returns_dict(*args):
    return {"h": np.zeros(3)}


def returns_wrong_shape(*args):
    return np.zeros((7, 5))


BROKEN = {
    "None": None,
    "text": "my answer",
    "empty dict": {},
    "dict": {"h": 1.0},
    "empty list": [],
    "array of the wrong shape": np.zeros((7, 3)),
    "NaN array": np.full((2, 2), np.nan),
    "NaN": float("nan"),
    "an object": object(),
    "a class": dict,
    "function that raises": raises,
    "function that returns None": returns_none,
    "function that never returns": never_returns,
    "function with the wrong arguments": takes_no_arguments,
    "function that returns text": returns_text,
    "function that returns NaN": returns_nan,
    "function that returns a dict": returns_dict,
    "function that returns the wrong shape": returns_wrong_shape,
}


def test_every_check_goes_through_the_one_path():
    assert len(CHECKS) >= 25
    for name, check in CHECKS:
        assert getattr(check, "expects", None) in ("function", "numbers", "number"), \
            f"{name} is not wrapped by @self_check"


@pytest.fixture
def short_time_limit(monkeypatch):
    monkeypatch.setattr(feedback, "TIME_LIMIT_SECONDS", 0.5)


@pytest.mark.parametrize("kind", list(BROKEN))
@pytest.mark.parametrize("name, check", CHECKS, ids=[n for n, _ in CHECKS])
def test_a_broken_answer_gets_a_helpful_false_verdict(name, check, kind, short_time_limit):
    result = check(BROKEN[kind])
    assert isinstance(result, Feedback), f"{name}({kind}) returned {type(result).__name__}"
    assert not result, f"{name} judged a {kind} correct: {result}"
    message = str(result)
    assert message.startswith("Not yet: "), f"{name}({kind}): not in the one voice: {message}"
    assert len(message) > 25 and "Traceback" not in message, f"{name}({kind}): {message}"


@pytest.mark.parametrize("name, check", [(n, c) for n, c in CHECKS if c.expects == "function"],
                         ids=[n for n, c in CHECKS if c.expects == "function"])
def test_what_happened_is_named(name, check, short_time_limit):
    assert "raised KeyError" in str(check(raises)) and "values[\"missing\"]" in str(check(raises)), \
        f"{name}: an exception in the learner's code should name it and the learner's line"
    assert "never ends" in str(check(never_returns))
    assert "needs exactly" in str(check(takes_no_arguments))
    assert "expected a function" in str(check(np.zeros(3)))


@pytest.mark.parametrize("name, check", [(n, c) for n, c in CHECKS if c.expects != "function"],
                         ids=[n for n, c in CHECKS if c.expects != "function"])
def test_numbers_answers_say_what_was_given(name, check):
    assert "got None" in str(check(None))
    assert "got a function" in str(check(returns_text)) and "call it" in str(check(returns_text))
    assert "NaN" in str(check(float("nan")))
    assert "the text" in str(check("0.5"))


@pytest.mark.parametrize("kind", list(BROKEN))
def test_lesson04_try_it_with_broken_answers(kind, short_time_limit):
    """Lesson 4's "Try it" check takes three read-off values; any broken one gets a verdict."""
    from lstm_lesson.classroom.exercises.lesson04_try import check_try_it

    for args in [(BROKEN[kind], 5, 3), (2, BROKEN[kind], 3), (2, 5, BROKEN[kind])]:
        result = check_try_it(*args)
        assert isinstance(result, Feedback) and not result, f"check_try_it{args!r} judged correct: {result}"
        assert str(result).startswith("Not yet: ") and len(str(result)) > 25
