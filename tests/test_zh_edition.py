"""The Chinese edition (notebooks/zh/) cannot drift from the English one.

- Every English lesson has a Chinese twin with the same file name.
- Their code cells are the same, byte for byte: the one allowed difference is the setup line
  ``set_language("en")`` / ``set_language("zh")``. Cell order, cell types and the metadata the
  tools read (slide types, tags, folding) are the same too, so the decks, the handouts and the
  student and teacher editions of both languages have the same shape.
- Every markdown cell with words in it is translated (has Chinese characters).
- The stored outputs say the same numbers: for each code cell, the numbers in its text outputs
  (after the nbval sanitizer's rewrites) are the same multiset in both editions; only the words
  around them differ. Cells whose output nbval ignores are skipped here too.

nbval re-runs both editions (README: "Test"); this file is the cheap structural half, and the one
that names the cell when a lesson was changed in one language only.
"""

import configparser
import difflib
import json
import re
from pathlib import Path

import pytest

from lstm_lesson.tools.twins import chinese_line

ROOT = Path(__file__).resolve().parents[1]
ENGLISH = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
SETUP = {"en": 'set_language("en")', "zh": 'set_language("zh")'}
CJK = re.compile(r"[\u4e00-\u9fff]")
NUMBER = re.compile(r"-?\d+(?:[.,]\d+)*(?:e[-+]?\d+)?")
TEXT_OUTPUTS = ("text/plain", "text/markdown", "text/html", "text/latex")


def cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def source(cell: dict) -> str:
    text = cell.get("source", "")
    return "".join(text) if isinstance(text, list) else text


def twin(path: Path) -> Path:
    return path.parent / "zh" / path.name


def shared_metadata(cell: dict) -> dict:
    """The metadata the tools read: slide type, tags, folding (not execution times)."""
    meta = cell.get("metadata", {})
    return {key: meta.get(key) for key in ("slideshow", "tags", "jupyter")}


def sanitizers() -> list[tuple[re.Pattern, str]]:
    config = configparser.ConfigParser()
    config.read(ROOT / "tests" / "nbval_sanitize.cfg", encoding="utf-8")
    return [(re.compile(config[s]["regex"]), config[s]["replace"]) for s in config.sections()]


def output_numbers(cell: dict, rules) -> list[str]:
    texts = []
    for output in cell.get("outputs", []):
        if "text" in output:
            texts.append(output["text"])
        for kind in TEXT_OUTPUTS:
            if kind in output.get("data", {}):
                texts.append(output["data"][kind])
    text = "".join("".join(t) if isinstance(t, list) else t for t in texts)
    for pattern, replacement in rules:
        text = pattern.sub(replacement, text)
    return sorted(NUMBER.findall(text))


def test_every_english_lesson_has_a_chinese_twin():
    assert len(ENGLISH) == 8
    missing = [p.name for p in ENGLISH if not twin(p).is_file()]
    assert not missing, f"no Chinese twin in notebooks/zh/ for {missing}"
    extra = sorted({p.name for p in (ROOT / "notebooks" / "zh").glob("*.ipynb")} - {p.name for p in ENGLISH})
    assert not extra, f"Chinese lessons without an English original: {extra}"


@pytest.mark.parametrize("english", ENGLISH, ids=lambda p: p.stem)
def test_the_code_cells_are_the_english_code(english):
    en, zh = cells(english), cells(twin(english))
    assert [c["cell_type"] for c in en] == [c["cell_type"] for c in zh], (
        f"{english.name}: the two editions' cells differ in number or order: change both lessons together")
    setup_lines = 0
    for index, (a, b) in enumerate(zip(en, zh)):
        assert shared_metadata(a) == shared_metadata(b), f"{english.name} cell {index}: slide/tags/folding differ"
        if a["cell_type"] != "code":
            continue
        lines_en, lines_zh = source(a).split("\n"), source(b).split("\n")
        differ = [(x, y) for x, y in zip(lines_en, lines_zh) if x != y]
        # the one allowed difference: the English setup line and exactly its Chinese twin (the twins tool's)
        allowed = all(SETUP["en"] in x and y == chinese_line(x) for x, y in differ)
        assert len(lines_en) == len(lines_zh) and allowed, (
            f"{english.name} cell {index}: the code differs between the editions "
            f"(only the set_language line may):\n--- en\n{source(a)}\n--- zh\n{source(b)}")
        setup_lines += len(differ)
    assert setup_lines == 1, f"{english.name}: expected exactly one set_language line that differs, found {setup_lines}"


@pytest.mark.parametrize("english", ENGLISH, ids=lambda p: p.stem)
def test_every_markdown_cell_is_translated(english):
    untranslated = [index for index, cell in enumerate(cells(twin(english)))
                    if cell["cell_type"] == "markdown" and re.search(r"[A-Za-z]{3,}\s+[A-Za-z]{3,}", source(cell))
                    and not CJK.search(source(cell))]
    assert not untranslated, f"{english.name}: markdown cells without Chinese: {untranslated}"


@pytest.mark.parametrize("english", ENGLISH, ids=lambda p: p.stem)
def test_the_stored_outputs_say_the_same_numbers(english):
    rules = sanitizers()
    for index, (a, b) in enumerate(zip(cells(english), cells(twin(english)))):
        if a["cell_type"] != "code" or "nbval-ignore-output" in a.get("metadata", {}).get("tags", []):
            continue
        assert output_numbers(a, rules) == output_numbers(b, rules), (
            f"{english.name} cell {index}: the editions' outputs show different numbers; re-execute both "
            f"(en {output_numbers(a, rules)[:12]} vs zh {output_numbers(b, rules)[:12]})")


def test_the_twins_tool_copies_english_code_and_keeps_chinese_prose(tmp_path):
    import shutil

    from lstm_lesson.tools import twins

    assert twins.main(["--check"]) == 0, "a Chinese lesson's code is out of date: python -m lstm_lesson.tools.twins"
    shutil.copytree(ROOT / "notebooks", tmp_path / "notebooks", ignore=shutil.ignore_patterns("*.ipynb"))
    english, chinese = tmp_path / "notebooks" / "01_rnn_memory.py", tmp_path / "notebooks" / "zh" / "01_rnn_memory.py"
    text = english.read_text(encoding="utf-8")
    english.write_text(text.replace("np.set_printoptions(", "np.set_printoptions(  # changed\n    ", 1),
                       encoding="utf-8")
    before = chinese.read_text(encoding="utf-8")
    assert twins.main(["01", "--notebooks", str(tmp_path / "notebooks"), "--check"]) == 1
    assert twins.main(["01", "--notebooks", str(tmp_path / "notebooks")]) == 0
    after = chinese.read_text(encoding="utf-8")
    assert "# changed" in after and 'set_language("zh")' in after and 'set_language("en")  #' not in after
    changed = [line for line in difflib.ndiff(before.splitlines(), after.splitlines()) if line[:1] in "+-"]
    assert changed == ["- np.set_printoptions(precision=4, suppress=True)", "+ np.set_printoptions(  # changed",
                       "+     precision=4, suppress=True)"], changed
