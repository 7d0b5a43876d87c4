"""Texts to learn from, none downloaded, and the vocabulary that turns characters into ids.

Three sources:

- ``fable_corpus()``: a story the package writes itself, deterministically from a seed. It has
  structure at several time scales, so that interpretable cells can emerge (Karpathy, Johnson &
  Fei-Fei 2015): quoted speech that runs for dozens of characters and across line breaks, asides in
  brackets that nest ``( [ ] )``, lines wrapped at a fixed width, blank lines between paragraphs.
  Quoted speech has the narration's grammar, but the animals call each other by name ("Old Fox",
  not "the old fox") and sentences end with ``!`` or ``?``: a sentence's second name and its end can
  only be predicted by remembering whether a quote is open, which is what a cell can learn to track.
- ``python_docs_text()``: English prose that ships with every Python, the reference-manual topics in
  ``pydoc_data.topics``, read at run time (never copied into this repository).
- ``read_text_file(path)``: any UTF-8 file the learner names (Chinese works too: one id per character).
"""

from __future__ import annotations

import random
import textwrap
import unicodedata
from pathlib import Path

import numpy as np

from . import validate as check
from .language import say

# ---------------------------------------------------------------------------------------------
# The generated fable corpus
# ---------------------------------------------------------------------------------------------

_ANIMALS = ["fox", "owl", "crow", "hare", "wolf", "bear", "mole", "frog", "goose", "badger"]
_ADJECTIVES = ["old", "young", "grey", "clever", "tired", "little", "hungry", "quiet"]
_PLACES = ["by the river", "in the wood", "under the hill", "near the mill", "on the road",
           "at the edge of the field", "behind the barn", "in the snow"]
_PAST_VERBS = ["showed", "gave", "brought", "promised", "sold", "lent", "offered", "threw"]
_THINGS = ["a basket of apples", "the farmer", "a lost lamb", "the moon", "a bright stone",
           "the old bridge", "a silver key", "the first frost"]
_TIMES = ["one morning", "that evening", "in the spring", "long ago", "after the rain", "at dawn"]
_SPEECH_ENDS = ["!", "?"]
_ASIDES = ["as everyone knew", "or so they say", "which was rare", "see the note",
           "the third time", "nobody asked why"]
_SAID = ["said", "asked", "cried", "whispered", "answered"]

LINE_WIDTH = 64  # fable lines are wrapped at this width


class _Dice:
    """Choices built on ``random.Random.random()`` only, whose sequence for a given seed Python
    guarantees across versions (unlike ``choice`` or numpy's ``Generator`` streams)."""

    def __init__(self, seed):
        self._random = random.Random(seed).random

    def below(self, n):
        return int(self._random() * n)

    def pick(self, options):
        return options[self.below(len(options))]

    def chance(self, p):
        return self._random() < p


def _creature(d, speech=False):
    """Narration says "the old fox"; in speech the animals call each other by name: "Old Fox"."""
    words = ([d.pick(_ADJECTIVES)] if d.chance(0.4) else []) + [d.pick(_ANIMALS)]
    if speech:
        return " ".join(w.capitalize() for w in words)
    return "the " + " ".join(words)


def _aside(d, depth=0):
    """A bracketed aside; round brackets outside, square brackets for one nested level."""
    opening, closing = ("(", ")") if depth == 0 else ("[", "]")
    inner = d.pick(_ASIDES)
    if depth == 0 and d.chance(0.35):
        inner += " " + _aside(d, depth + 1)
    return opening + inner + closing


def _speech(d):
    # The same grammar as narration: only the names and the ends (! or ?) show that it is speech,
    # so a sentence's second name and its end can only be predicted by remembering the quote.
    sentences = [_sentence(d, speech=True) for _ in range(1 + d.below(3))]
    return '"' + " ".join(sentences) + '"'


def _sentence(d, speech=False):
    words = [_creature(d, speech), d.pick(_PAST_VERBS), _creature(d, speech), d.pick(_THINGS)]
    if d.chance(0.5):
        words.append(d.pick(_PLACES))
    if d.chance(0.2):
        words.insert(0, d.pick(_TIMES) + ",")
    if not speech and d.chance(0.25):
        words.insert(len(words) - 1, _aside(d))
    sentence = " ".join(words) + (d.pick(_SPEECH_ENDS) if speech else ".")
    return sentence[0].upper() + sentence[1:]


def _dialogue(d):
    speaker = _creature(d)
    said = d.pick(_SAID)
    if d.chance(0.5):
        sentence = f"{speaker} {said}, {_speech(d)}"
    else:
        sentence = f"{_speech(d)} {said} {speaker}."
    return sentence[0].upper() + sentence[1:]


def _paragraph(d):
    sentences = [_dialogue(d) if d.chance(0.45) else _sentence(d) for _ in range(2 + d.below(4))]
    return textwrap.fill(" ".join(sentences), width=LINE_WIDTH, break_long_words=False)


def fable_corpus(n_chars=100_000, *, seed=0):
    """Generate the default corpus: short fables with quoted speech, nested asides and wrapped lines.

    The same ``(n_chars, seed)`` gives the same text on every machine and Python version.
    Returns a ``str`` of at least ``n_chars`` characters that ends after a whole paragraph.
    """
    n_chars = check.positive_int("n_chars", n_chars)
    d = _Dice(check.seed("seed", seed, allow_none=False))
    paragraphs, length = [], 0
    while length < n_chars:
        paragraphs.append(_paragraph(d))
        length += len(paragraphs[-1]) + 2
    return "\n\n".join(paragraphs) + "\n"


# ---------------------------------------------------------------------------------------------
# What a cell might track: one number per character of a text
# ---------------------------------------------------------------------------------------------

def inside_quotes(text):
    """1.0 for every character inside a quoted passage (the quote marks included), else 0.0.

    Quotes are ``"`` that open and close in turn, so "inside" is the parity of the quotes seen so far.
    Returns a float array of shape (len(text),).
    """
    text = _check_str("text", text)
    is_quote = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32) == ord('"')
    seen_before = np.cumsum(is_quote) - is_quote  # quotes strictly before each character
    return ((seen_before % 2 == 1) | is_quote).astype(np.float64)


def line_position(text):
    """How many characters since the last line break (0 for the first character of a line).

    Returns a float array of shape (len(text),).
    """
    text = _check_str("text", text)
    pos = np.empty(len(text))
    column = 0
    for k, ch in enumerate(text):
        pos[k] = column
        column = 0 if ch == "\n" else column + 1
    return pos


def bracket_depth(text):
    """How many brackets ``( [ {`` are open at each character (a closing bracket counts as inside).

    Returns a float array of shape (len(text),).
    """
    text = _check_str("text", text)
    depth = np.empty(len(text))
    level = 0
    for k, ch in enumerate(text):
        if ch in "([{":
            level += 1
        depth[k] = level
        if ch in ")]}":
            level = max(level - 1, 0)
    return depth


# ---------------------------------------------------------------------------------------------
# Prose that ships with Python, and the learner's own files
# ---------------------------------------------------------------------------------------------

def python_docs_text(n_chars=100_000):
    """English prose from the Python reference manual that ships with Python (``pydoc_data.topics``).

    Topics are joined in alphabetical order and cut to the first ``n_chars`` characters. Read at
    run time, so the text is whatever this Python's documentation says (it varies by version).
    """
    n_chars = check.positive_int("n_chars", n_chars)
    try:
        from pydoc_data.topics import topics
    except ImportError as err:  # some minimal Python builds leave the docs out
        raise RuntimeError(say("python_docs_text: this Python has no pydoc_data.topics; "
                               "use fable_corpus() or read_text_file(path) instead",
                               "python_docs_text：这个 Python 没有 pydoc_data.topics；"
                               "请改用 fable_corpus() 或 read_text_file(path)")) from err
    return "\n\n".join(topics[name].strip() for name in sorted(topics))[:n_chars]


def display_width(text: str) -> int:
    """How many columns ``text`` takes in a monospace font: a wide (CJK) character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, width: int) -> str:
    """``text`` padded with spaces to ``width`` columns (``f"{text:{width}s}"`` counts a Chinese
    character as one column, so a table with Chinese in it would lose its alignment)."""
    return text + " " * max(width - display_width(text), 0)


def read_text_file(path, *, encoding="utf-8"):
    """Read a text file the learner names, e.g. a novel saved as UTF-8 (any language).

    Line endings are normalised to ``\\n``. Raises FileNotFoundError, or ValueError if the file is
    empty or is not valid text in ``encoding`` (the message names the byte where decoding failed).
    """
    if not isinstance(path, (str, Path)):
        raise TypeError(say(f"path: expected a file path (str or pathlib.Path), got {type(path).__name__}",
                            f"path：应为文件路径（str 或 pathlib.Path），传入的是 {type(path).__name__}"))
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(say(f"path: expected an existing text file, got {str(path)!r} (not found)",
                                    f"path：应为已存在的文本文件，传入的是 {str(path)!r}（找不到）"))
    raw = path.read_bytes()
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as err:
        raise ValueError(say(f"path: expected {encoding} text, but byte {err.start} of {str(path)!r} "
                             f"({raw[err.start:err.start + 1]!r}) is not valid {encoding}; "
                             f"save the file as {encoding} or pass encoding=...",
                             f"path：应为 {encoding} 文本，但 {str(path)!r} 的第 {err.start} 个字节"
                             f"（{raw[err.start:err.start + 1]!r}）不是合法的 {encoding}；"
                             f"请把文件另存为 {encoding}，或传入 encoding=...")) from None
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not text:
        raise ValueError(say(f"path: expected some text, got an empty file {str(path)!r}",
                             f"path：应有文本内容，传入的是空文件 {str(path)!r}"))
    return text


def _check_str(name, text):
    if not isinstance(text, str):
        raise TypeError(say(f"{name}: expected a str, got {type(text).__name__}",
                            f"{name}：应为 str，传入的是 {type(text).__name__}"))
    return text


def split_text(text, validation_fraction=0.1):
    """Split a text into (train, validation): the last ``validation_fraction`` is held out.

    The split is contiguous (no shuffling): a character model must be judged on text that
    continues the story, not on windows it has seen the neighbours of.
    """
    text = _check_str("text", text)
    fraction = check.real_number("validation_fraction", validation_fraction)
    if not 0.0 < fraction < 1.0:
        raise ValueError(say(f"validation_fraction: expected a number between 0 and 1, got {fraction}",
                             f"validation_fraction：应为 0 到 1 之间的数，传入的是 {fraction}"))
    n_val = int(round(len(text) * fraction))
    if n_val < 2 or len(text) - n_val < 2:
        raise ValueError(say(f"text: expected enough characters to keep at least 2 on each side of the "
                             f"split, got {len(text)} characters with validation_fraction={fraction}",
                             f"text：字符应足够多，切分后两边至少各留 2 个，传入的是 {len(text)} 个字符，"
                             f"validation_fraction={fraction}"))
    return text[:-n_val], text[-n_val:]


# ---------------------------------------------------------------------------------------------
# The vocabulary
# ---------------------------------------------------------------------------------------------

class Vocabulary:
    """The characters a model knows, each with an id: ``chars[id]`` is the character.

    >>> v = Vocabulary.from_text("hello")
    >>> v.chars, v.encode("hell").tolist(), v.decode([3, 0])
    ('ehlo', [1, 0, 2, 2], 'oe')
    """

    def __init__(self, chars):
        chars = _check_str("chars", chars)
        if not chars:
            raise ValueError(say("chars: expected at least one character, got an empty string",
                                 "chars：至少应有一个字符，传入的是空字符串"))
        if len(set(chars)) != len(chars):
            twice = sorted({c for c in chars if chars.count(c) > 1})
            raise ValueError(say(f"chars: expected each character once, got repeats of {twice!r}",
                                 f"chars：每个字符应只出现一次，传入的有重复：{twice!r}"))
        self.chars = chars
        self.ids = {c: k for k, c in enumerate(chars)}

    @classmethod
    def from_text(cls, text):
        """Every distinct character of ``text``, sorted by code point (so the ids are reproducible)."""
        text = _check_str("text", text)
        if not text:
            raise ValueError(say("text: expected some text to build a vocabulary from, got an empty string",
                                 "text：应有文本用来建词表，传入的是空字符串"))
        return cls("".join(sorted(set(text))))

    @property
    def size(self):
        return len(self.chars)

    def __len__(self):
        return len(self.chars)

    def __repr__(self):
        return f"Vocabulary({self.size} characters: {self.chars[:40]!r}{'...' if self.size > 40 else ''})"

    def __eq__(self, other):
        return isinstance(other, Vocabulary) and other.chars == self.chars

    __hash__ = None

    def encode(self, text):
        """text (str) -> ids, an int64 array of shape (len(text),)."""
        text = _check_str("text", text)
        try:
            return np.fromiter((self.ids[c] for c in text), dtype=np.int64, count=len(text))
        except KeyError:
            pos = next(k for k, c in enumerate(text) if c not in self.ids)
            ch = text[pos]
            raise ValueError(say(f"text: character {ch!r} (U+{ord(ch):04X}) at position {pos} is not in the "
                                 f"vocabulary of {self.size} characters; build the vocabulary from text "
                                 f"that contains it",
                                 f"text：位置 {pos} 的字符 {ch!r}（U+{ord(ch):04X}）不在这个 {self.size} 个字符的"
                                 f"词表里；请用包含它的文本建词表")) from None

    def decode(self, ids):
        """ids (a sequence of ints in [0, size)) -> the text they spell."""
        ids = np.asarray(ids)
        if ids.size == 0 and ids.ndim == 1:
            return ""
        ids = check.integer_array("ids", ids, ndim=1, high=self.size)
        return "".join(self.chars[k] for k in ids)

    def save(self, path):
        """Write the characters to an .npz file (a unicode array: no pickle needed to read it)."""
        np.savez(path, chars=np.array(list(self.chars)))

    @classmethod
    def load(cls, path):
        with np.load(path, allow_pickle=False) as data:
            return cls("".join(data["chars"].tolist()))
