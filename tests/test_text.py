"""Corpora and the vocabulary: deterministic generation, the trackable properties, bad input."""

import hashlib

import numpy as np
import pytest

from lstm_lesson.core.text import (
    LINE_WIDTH,
    Vocabulary,
    bracket_depth,
    fable_corpus,
    inside_quotes,
    line_position,
    python_docs_text,
    read_text_file,
    split_text,
)

# The default corpus must be the same on every machine and Python version (it is built only on
# random.Random.random(), whose sequence Python guarantees): pin its fingerprint.
FABLE_SHA256 = "9b421059546fcf9cdc74de87090859607d87f01282327010ea0a1857ee6ba204"


# ------------------------------------------------------------------------ the generated corpus
def test_fable_corpus_is_pinned():
    text = fable_corpus()
    assert len(text) == 100_063
    assert hashlib.sha256(text.encode()).hexdigest() == FABLE_SHA256, (
        "fable_corpus() changed: if on purpose, update FABLE_SHA256 (and the lesson's numbers); "
        "if not, something non-deterministic (set or dict order, numpy streams) crept in")


def test_fable_corpus_seed_and_size():
    a, b = fable_corpus(5000, seed=1), fable_corpus(5000, seed=2)
    assert a != b, "the seed must change the text"
    assert a == fable_corpus(5000, seed=1), "the same seed must give the same text"
    assert 5000 <= len(a) < 5000 + 2000, "n_chars is a minimum; the text ends after a whole paragraph"
    assert a.endswith("\n") and not a.endswith("\n\n\n")


def test_fable_corpus_has_structure_at_several_time_scales():
    text = fable_corpus()
    lines = text.split("\n")
    assert max(len(line) for line in lines) <= LINE_WIDTH, "lines are wrapped at LINE_WIDTH"
    assert text.count("\n\n") > 100, "paragraphs are separated by blank lines"
    assert text.count('"') % 2 == 0 and text.count('"') > 1000, "quotes open and close"
    q = inside_quotes(text)
    assert 0.3 < q.mean() < 0.7, f"about half the text should be speech, got {q.mean():.0%}"
    assert text.count("[") == text.count("]") > 50, "nested asides use square brackets inside round ones"
    assert bracket_depth(text).max() == 2
    # quotes run across line breaks, so a quote cell must hold its state across a newline
    assert any('"' not in line and q[k] for k, line in _line_starts(text, lines))


def _line_starts(text, lines):
    pos = 0
    for line in lines:
        yield pos, line
        pos += len(line) + 1


def test_speech_differs_from_narration_only_by_names_and_ends():
    text = fable_corpus(20_000)
    q = inside_quotes(text).astype(bool)
    inside = "".join(c for c, k in zip(text, q) if k)
    outside = "".join(c for c, k in zip(text, q) if not k)
    assert "!" in inside and "?" in inside and "!" not in outside and "?" not in outside
    assert " the fox " not in inside and "Fox" in inside, "in speech the animals use names"
    assert " the fox " in outside


def test_fable_corpus_bad_input():
    with pytest.raises(TypeError, match="n_chars"):
        fable_corpus("big")
    with pytest.raises(ValueError, match="n_chars"):
        fable_corpus(0)
    with pytest.raises(TypeError, match="seed"):
        fable_corpus(100, seed=1.5)


# ------------------------------------------------------------------------ trackable properties
def test_inside_quotes_is_the_parity_of_quotes():
    text = 'a "bc" d "e'
    np.testing.assert_array_equal(inside_quotes(text), [0, 0, 1, 1, 1, 1, 0, 0, 0, 1, 1])


def test_line_position_counts_from_each_line_break():
    np.testing.assert_array_equal(line_position("ab\ncd\n\ne"), [0, 1, 2, 0, 1, 2, 0, 0])


def test_bracket_depth_counts_open_brackets():
    np.testing.assert_array_equal(bracket_depth("a(b[c])d)"), [0, 1, 1, 2, 2, 2, 1, 0, 0])


@pytest.mark.parametrize("fn", [inside_quotes, line_position, bracket_depth])
def test_properties_need_a_str(fn):
    with pytest.raises(TypeError, match="text: expected a str"):
        fn(b"bytes")


# ------------------------------------------------------------------------ prose and files
def test_python_docs_text_is_read_at_run_time():
    from pydoc_data.topics import topics

    text = python_docs_text(20_000)
    assert len(text) == 20_000
    first = sorted(topics)[0]
    assert text.startswith(topics[first].strip()[:200]), "topics are joined in alphabetical order"
    assert sum(c.isalpha() for c in text) > 0.6 * len(text), "it is prose, mostly letters"


def test_read_text_file_chinese(tmp_path):
    path = tmp_path / "poem.txt"
    poem = "床前明月光，\r\n疑是地上霜。\n举头望明月，\n低头思故乡。\n"
    path.write_text(poem, encoding="utf-8")
    text = read_text_file(path)
    assert text == poem.replace("\r\n", "\n"), "line endings are normalised to \\n"
    vocab = Vocabulary.from_text(text)
    ids = vocab.encode(text)
    assert len(ids) == len(text) == 28 < len(text.encode("utf-8")), "one id per character, not per UTF-8 byte"
    assert vocab.decode(ids) == text
    assert "月" in vocab.chars and vocab.size == len(set(text))


def test_read_text_file_strips_a_byte_order_mark(tmp_path):
    path = tmp_path / "bom.txt"
    path.write_bytes("\ufeffhello".encode())
    assert read_text_file(path) == "hello"


def test_read_text_file_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="not found"):
        read_text_file(tmp_path / "missing.txt")
    latin = tmp_path / "latin1.txt"
    latin.write_bytes("café".encode("latin-1"))
    with pytest.raises(ValueError, match=r"byte 3 .* not valid utf-8"):
        read_text_file(latin)
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    with pytest.raises(ValueError, match="empty file"):
        read_text_file(empty)
    with pytest.raises(TypeError, match="path"):
        read_text_file(42)
    assert read_text_file(latin, encoding="latin-1") == "café"


def test_split_text_holds_out_the_end():
    train, val = split_text("abcdefghij", 0.2)
    assert (train, val) == ("abcdefgh", "ij")
    with pytest.raises(ValueError, match="validation_fraction"):
        split_text("abcdefghij", 1.0)
    with pytest.raises(ValueError, match="at least 2 on each side"):
        split_text("abc", 0.1)
    with pytest.raises(TypeError, match="text"):
        split_text(["a", "b"])


# ------------------------------------------------------------------------ the vocabulary
def test_vocabulary_round_trip_and_order():
    v = Vocabulary.from_text("hello world")
    assert v.chars == " dehlorw", "sorted by code point, so ids do not depend on the text's order"
    ids = v.encode("hello")
    assert ids.dtype == np.int64 and ids.tolist() == [3, 2, 4, 4, 5]
    assert v.decode(ids) == "hello" and v.decode([]) == "" and len(v) == v.size == 8


def test_vocabulary_errors_name_the_character():
    v = Vocabulary.from_text("abc")
    with pytest.raises(ValueError, match=r"'z' \(U\+007A\) at position 2"):
        v.encode("abz")
    with pytest.raises(ValueError, match=r"ids: expected ids in \[0, 3\)"):
        v.decode([0, 3])
    with pytest.raises(TypeError, match="integer"):
        v.decode([0.5])
    with pytest.raises(ValueError, match="repeats"):
        Vocabulary("aba")
    with pytest.raises(ValueError, match="empty"):
        Vocabulary.from_text("")


def test_vocabulary_save_load_without_pickle(tmp_path):
    v = Vocabulary.from_text("床前明月光 \"quotes\"\n")
    path = tmp_path / "vocab.npz"
    v.save(path)
    with np.load(path, allow_pickle=False) as data:
        assert data["chars"].dtype.kind == "U", "a unicode array, readable without pickle"
    assert Vocabulary.load(path) == v


def test_pad_counts_a_chinese_character_as_two_columns():
    from lstm_lesson.core.text import display_width, pad

    assert display_width("门 f") == 4 and pad("ab", 4) == "ab  " and pad("遗忘门", 8) == "遗忘门  "
    assert display_width(pad("无输入门（i = 1）", 42)) == display_width(pad("no input gate", 42)) == 42
