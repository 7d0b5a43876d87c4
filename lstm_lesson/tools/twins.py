"""Keep the Chinese lessons' code equal to the English lessons' code (maintainers).

    python -m lstm_lesson.tools.twins            # every lesson: notebooks/NN.py -> notebooks/zh/NN.py
    python -m lstm_lesson.tools.twins 02 05      # only these lessons
    python -m lstm_lesson.tools.twins --check    # change nothing; exit 1 if a twin is out of date

Works on the jupytext twins (``.py``), the files people edit. Cells are matched in order:
- a code cell gets the English cell's code and metadata (the ``set_language("en")`` setup line
  becomes ``set_language("zh")``);
- a markdown cell keeps its Chinese text; its metadata (slide type, tags) follows the English;
- a cell the English edition added or removed (the two differ in length or in cell types) cannot
  be matched in order: the Chinese file is left alone and the first differing cell is named, for
  a translator to add or remove the cell by hand.
Then run ``jupytext --to ipynb --update notebooks/zh/NN.py`` and execute the notebook.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

SETUP_EN, SETUP_ZH = 'set_language("en")', 'set_language("zh")'
SETUP_COMMENT = {SETUP_EN: '  # what the package prints, in English (中文: set_language("zh"))',
                 SETUP_ZH: '  # 包打印的内容用中文（English: set_language("en")）'}
ROOT = Path(__file__).resolve().parents[2]


def chinese_line(line: str) -> str:
    """The Chinese edition's version of one English code line: only the setup line changes."""
    stripped = line.lstrip()
    prefix = "lstm_lesson." if stripped.startswith("lstm_lesson." + SETUP_EN) else ""
    if not stripped.startswith(prefix + SETUP_EN):
        return line
    indent = line[:len(line) - len(stripped)]
    comment = SETUP_COMMENT[SETUP_ZH].replace("set_language", prefix + "set_language")
    return f"{indent}{prefix}{SETUP_ZH}{comment}"


def sync_pair(english: Path, chinese: Path, *, write: bool = True) -> list[str]:
    """Bring ``chinese``'s code cells in line with ``english``; returns what changed or needs a person."""
    import jupytext

    en, zh = jupytext.read(english), jupytext.read(chinese)
    types_en, types_zh = [c.cell_type for c in en.cells], [c.cell_type for c in zh.cells]
    if types_en != types_zh:
        first = next((i for i, (a, b) in enumerate(zip(types_en, types_zh)) if a != b), min(len(en.cells),
                                                                                             len(zh.cells)))
        return [f"{chinese.name}: cells differ from cell {first} on ({len(en.cells)} English, {len(zh.cells)} "
                "Chinese): add or remove the cell in the Chinese lesson by hand, then run this again"]
    changed = []
    for index, (a, b) in enumerate(zip(en.cells, zh.cells)):
        code = "\n".join(chinese_line(line) for line in a.source.split("\n")) if a.cell_type == "code" else b.source
        if code != b.source or a.metadata != b.metadata:
            changed.append(f"{chinese.name}: cell {index} ({a.cell_type}) updated from the English")
            b.source, b.metadata = code, a.metadata
    if changed and write:
        jupytext.write(zh, chinese, fmt="py:percent")
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lstm_lesson.tools.twins", description=__doc__.split("\n\n")[0])
    parser.add_argument("lessons", nargs="*", metavar="NN", help="lesson numbers (default: all)")
    parser.add_argument("--notebooks", type=Path, default=ROOT / "notebooks", help="the English lessons' folder")
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if a twin is out of date")
    args = parser.parse_args(argv)
    pairs = [(p, args.notebooks / "zh" / p.name) for p in sorted(args.notebooks.glob("[0-9][0-9]_*.py"))
             if not args.lessons or p.name[:2] in {n.zfill(2) for n in args.lessons}]
    problems = 0
    for english, chinese in pairs:
        if not chinese.is_file():
            print(f"{chinese}: missing: copy {english.name} there and translate its markdown cells")
            problems += 1
            continue
        for line in sync_pair(english, chinese, write=not args.check):
            print(line)
            problems += 1
    print(f"{len(pairs)} lessons, {problems} cells " + ("out of date" if args.check else "updated or to do"))
    return 1 if args.check and problems else 0


if __name__ == "__main__":
    sys.exit(main())
