"""The generated parts of the teacher's guide (docs/teachers.md): minutes per lesson, misconceptions.

    python -m lstm_lesson.tools.guide             # rewrite the generated blocks of docs/teachers.md
    python -m lstm_lesson.tools.guide --check     # exit 1 if they are out of date

Minutes come from measured seconds (``lstm-lesson timings`` writes them; docs/timings.json keeps
the measurement the guide uses) plus reading time plus exercise time:

    minutes = run time + words of the lesson's markdown / READING_WPM + EXERCISE_MINUTES per exercise

Misconceptions are the mistakes the self-checks diagnose, read from the source of
``lstm_lesson/classroom/exercises/lessonNN.py`` (the keys of each ``mistakes = {...}`` list and
the messages of ``verdict(False, ...)`` / ``Feedback(False, ...)``), so the guide names exactly
what a student will be told.
"""

from __future__ import annotations

import argparse
import ast
import json
import math
import re
import sys
from pathlib import Path

from . import editions

READING_WPM = 100  # a class reads and discusses projected text slower than one reader alone
READING_CPM_ZH = 200  # the same pace in Chinese characters (an English word is about 1.5-2 characters in translation)
GUIDES = {"en": "teachers.md", "zh": "teachers.zh-CN.md"}
EXERCISE_MINUTES = 5  # per exercise: try, check, one correction
BLOCK = re.compile(r"(<!-- BEGIN GENERATED: (?P<name>[\w-]+) -->\n)(?P<body>.*?)(<!-- END GENERATED -->)", re.S)
EXERCISES_DIR = Path(__file__).resolve().parents[1] / "classroom" / "exercises"


def markdown_words(nb: dict) -> int:
    """Words a class reads: markdown cells that are shown (not speaker notes), code and LaTeX stripped."""
    words = 0
    for cell in nb["cells"]:
        if cell.get("cell_type") != "markdown" or editions.is_notes(cell):
            continue
        text = re.sub(r"```.*?```|\$\$.*?\$\$|\$[^$]*\$|<[^>]+>", " ", editions.source(cell), flags=re.S)
        words += len(re.findall(r"[A-Za-z]+(?:'[a-z]+)?|[\u4e00-\u9fff]", text))
    return words


TABLE_WORDS = {
    "en": {"header": "| lesson | code cells | run (s) | slowest cell (s) | words | reading (min) | exercises | "
                     "minutes for a class |",
           "not measured": "not measured", "all": "all", "per minute": READING_WPM},
    "zh": {"header": "| 课 | 代码单元格 | 运行（秒） | 最慢单元格（秒） | 字数 | 阅读（分钟） | 练习 | "
                     "课堂用时（分钟） |",
           "not measured": "未测量", "all": "合计", "per minute": READING_CPM_ZH},
}


def timing_table(timings: dict, lessons: list[Path], lang: str = "en") -> str:
    """The markdown table of minutes per lesson from a timings dict (``lstm-lesson timings``).

    The Chinese guide (``lang="zh"``) uses the same run times (the code cells are the English edition's,
    byte for byte) and counts the Chinese lessons' own characters for the reading time."""
    words_of = TABLE_WORDS[lang]
    rate = words_of["per minute"]
    rows = [words_of["header"], "|---|---:|---:|---:|---:|---:|---:|---:|"]
    total = 0
    for path in lessons:
        measured = timings["lessons"].get(path.stem)
        if measured is None:
            rows.append(f"| {path.stem} | {words_of['not measured']} | | | | | | |")
            continue
        # English: the lesson as it was measured (timings.py records it), so the table changes only when
        # re-measured; Chinese: the Chinese lesson's own words and characters
        words = measured["words"] if lang == "en" else markdown_words(editions.read(path))
        n_ex, run = measured["exercises"], measured["total_seconds"]
        slowest = max((c["seconds"] for c in measured["cells"]), default=0.0)
        minutes = math.ceil(run / 60 + words / rate + EXERCISE_MINUTES * n_ex)
        total += minutes
        rows.append(f"| {path.stem} | {len(measured['cells'])} | {run:.0f} | {slowest:.0f} | {words} | "
                    f"{words / rate:.0f} | {n_ex} | **{minutes}** |")
    rows.append(f"| {words_of['all']} | | | | | | | **{total}** |")
    return "\n".join(rows) + "\n" + _timing_note(timings["machine"], lang)


def _timing_note(machine: dict, lang: str) -> str:
    if lang == "zh":
        return (f"\n运行时间是英文版的测量值（{machine['measured']}，{machine['platform']}，"
                f"{machine['cpus']} 个 CPU 核，Python {machine['python']}，每个单元格在新内核里运行一次，"
                "`lstm-lesson timings`）：中文版的代码单元格与英文版逐字节相同。"
                "字数数的是中文版 markdown 里的汉字和英文单词。"
                f"用时 = 运行时间 + 字数 / 每分钟 {READING_CPM_ZH} 字（投影讲解的速度）"
                f"+ 每个练习 {EXERCISE_MINUTES} 分钟，向上取整。\n")
    return (f"\nMeasured {machine['measured']} on {machine['platform']}, {machine['cpus']} CPU cores, Python "
            f"{machine['python']}, every cell once in a fresh kernel (`lstm-lesson timings`). The machine was "
            "shared with other jobs while measuring, so run times vary from run to run (an earlier measurement "
            "of the first edition under heavier load took 3 to 4 times longer); the run time is a small part of "
            "a lesson's minutes either way. Minutes = run time + words / "
            f"{READING_WPM} per minute (reading and discussing projected text) + {EXERCISE_MINUTES} minutes "
            "per exercise, rounded up.\n")


def _message(node, lang: str = "en") -> str | None:
    """A string constant, or an f-string with its values shown as "…"; of ``say(en, zh)``, the ``lang`` one."""
    if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "say" and len(node.args) == 2:
        return _message(node.args[0 if lang == "en" else 1], lang)
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "…" for v in node.values)
    return None


def misconceptions(lesson: str, lang: str = "en") -> dict[str, list[str]]:
    """{check function: [mistake messages]} from ``classroom/exercises/lesson<NN>.py`` (empty if none)."""
    path = EXERCISES_DIR / f"lesson{lesson}.py"
    if not path.is_file():
        return {}
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: dict[str, list[str]] = {}
    for function in [n for n in tree.body if isinstance(n, ast.FunctionDef)]:
        messages = []
        for node in ast.walk(function):
            if isinstance(node, ast.Dict) and any(isinstance(t, ast.Name) and t.id == "mistakes"
                                                  for a in ast.walk(function) if isinstance(a, ast.Assign)
                                                  and a.value is node for t in a.targets):
                messages += [m for k in node.keys if (m := _message(k, lang))]
            elif isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("verdict", "Feedback") \
                    and len(node.args) >= 2 and isinstance(node.args[0], ast.Constant) and node.args[0].value is False:
                if (m := _message(node.args[1], lang)):
                    messages.append(m)
        if messages:
            found[function.name] = list(dict.fromkeys(" ".join(m.split()) for m in messages))
    return found


def misconception_list(lesson: str, lang: str = "en") -> str:
    found = misconceptions(lesson, lang)
    if not found:
        return "(This lesson has no self-checks.)\n" if lang == "en" else "（这一课没有自测。）\n"
    lines = []
    for function, messages in found.items():
        lines.append(f"- `{function}` tells a student:" if lang == "en" else f"- `{function}` 会告诉学生：")
        lines += [f"  - {m}" for m in messages]
    return "\n".join(lines) + "\n"


def render(text: str, timings: dict, lessons: list[Path], lang: str = "en") -> str:
    """``text`` with every generated block rewritten (``timings`` or ``misconceptions-NN``)."""
    def body(match):
        name = match.group("name")
        if name == "timings":
            new = timing_table(timings, lessons, lang)
        elif name.startswith("misconceptions-"):
            new = misconception_list(name.split("-", 1)[1], lang)
        else:
            raise ValueError(f"unknown generated block {name!r} in the guide")
        return match.group(1) + new + match.group(4)
    return BLOCK.sub(body, text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="lstm-lesson guide", description=__doc__.split("\n\n")[0])
    parser.add_argument("--guide", type=Path, default=None, help="the guide (default: docs/teachers.md)")
    parser.add_argument("--timings", type=Path, default=None, help="timings JSON (default: docs/timings.json)")
    parser.add_argument("--check", action="store_true", help="only check that the generated blocks are current")
    editions.add_lang_option(parser, help="en: docs/teachers.md; zh: the Chinese guide docs/teachers.zh-CN.md (中文)")
    args = parser.parse_args(argv)
    docs = editions.resource_dir("docs")
    guide = args.guide or docs / GUIDES[args.lang]
    timings = json.loads((args.timings or docs / "timings.json").read_text(encoding="utf-8"))
    old = guide.read_text(encoding="utf-8")
    new = render(old, timings, editions.lesson_paths(args.lang), args.lang)
    if args.check:
        if new != old:
            print(f"{guide} is out of date: run python -m lstm_lesson.tools.guide", file=sys.stderr)
            return 1
        return 0
    guide.write_text(new, encoding="utf-8")
    print(f"wrote {guide}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
