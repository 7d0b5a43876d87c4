"""The language the package speaks to the learner: English ("en", the default) or Chinese ("zh").

Every sentence a learner reads from the package (a self-check's verdict, a widget's label, a
diagram's label, a training progress line) is written once in both languages, side by side, with
``say``::

    say(f"Correct: {what}.", f"正确：{what}。")

so a message cannot exist in one language only, and the English and the Chinese of one message sit
on the same line of code. The Chinese notebooks call ``set_language("zh")`` in their setup cell;
numbers, shapes and checked claims are the same in both languages. Error messages for bad API input
(``core/validate.py``) are in the chosen language too.
"""

from __future__ import annotations

LANGUAGES = {"en": "English", "zh": "中文 (简体)"}
_current = "en"


def set_language(code: str) -> None:
    """Choose the language of everything the package prints: "en" (English) or "zh" (中文).

    The choice holds for the whole Python session (the kernel)."""
    global _current
    if not isinstance(code, str) or code.lower() not in LANGUAGES:
        raise ValueError(f"set_language: code must be one of {sorted(LANGUAGES)} "
                         f"(English, 中文), got {code!r}")
    _current = code.lower()


def language() -> str:
    """The code of the language in use: "en" or "zh"."""
    return _current


def say(en: str, zh: str) -> str:
    """The message in the language in use: ``en`` in English, ``zh`` in Chinese."""
    return zh if _current == "zh" else en
