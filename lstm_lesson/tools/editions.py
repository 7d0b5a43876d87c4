"""The lessons as files: where they are, how cells are marked, the student and teacher editions.

Where: an installed wheel carries the notebooks in ``lstm_lesson/lessons/`` (and the diagrams in
``lstm_lesson/assets/``, the teacher's guide in ``lstm_lesson/docs/``), found with
importlib.resources; a clone (editable install) reads ``notebooks/``, ``assets/`` and ``docs/``
of the checkout.

How the notebooks mark their parts (the rules the editions rely on; tests/test_editions.py checks
that every exercise has its solution found):

- an **exercise** starts at a markdown cell with a heading ``### Exercise ...`` and runs to the
  next exercise heading or the next heading of level 1-2;
- a **worked solution** is a code cell that is collapsed (``metadata.jupyter.source_hidden``)
  or whose first line is a ``# Worked solution`` / ``# Solution`` comment;
- a **solution check** is a code cell after a solution, in the same exercise, that uses a name
  the solution defined (``feedback = check_x(solution)``, the solution's printed verdict);
- a **first try** is a code cell of the exercise before its solution (a stub or a flawed attempt
  that the check diagnoses);
- **speaker notes** are cells with ``slideshow.slide_type == "notes"``;
- **answers to questions asked in class** are folded markdown cells (``jupyter.source_hidden``).

The student edition removes solutions, solution checks, folded answers and speaker notes, clears the outputs of
every cell that calls a self-check, and puts a stub where an exercise had no first try. The
teacher edition keeps everything and opens the collapsed solutions and answers.
"""

from __future__ import annotations

import ast
import copy
import importlib.resources
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

# folder in the wheel (lstm_lesson/<key>) -> folder in a checkout
RESOURCE_FOLDERS = {"lessons": "notebooks", "assets": "assets", "docs": "docs"}
# edition -> its lessons' folder inside the lessons folder (the Chinese edition: notebooks/zh/)
LANGUAGES = {"en": ".", "zh": "zh"}

EXERCISE_HEADING = re.compile(r"^#{2,4}\s+(?:Exercise|练习)\b", re.M)  # the Chinese edition: ### 练习 ...
ANY_HEADING = re.compile(r"^(#{1,6})\s+\S", re.M)
SOLUTION_FIRST_LINE = re.compile(r"^#\s*(worked\s+solution|solution)\b", re.I)
CHECK_CALL = re.compile(r"\bcheck_\w+\s*\(")
MARKDOWN_CHECK = re.compile(r"(?:Check|检查|自测)[:：]\s*`(check_\w+\(.*?\))`")
LESSON_NAME = re.compile(r"^(\d\d)_\w+\.ipynb$")

# A sentence about the worked solutions ("A worked solution follows each exercise in a collapsed
# cell: open it on purpose."), which the student edition no longer has: it is dropped there.
SOLUTION_SENTENCE = re.compile(
    r"(?:(?<=^)|(?<=[.!?)]\s)|(?<=\n))[ \t]*[A-Z(][^.!?#]*?\bsolutions?\b[^.!?#]*?[.!?]\)?[ \t]*", re.M)
ABOUT_SOLUTIONS = re.compile(r"\b(worked|collapsed|open|below|those)\b", re.I)
# The same in the Chinese edition: a sentence (up to 。！？) that speaks of the folded 参考答案/解答.
SOLUTION_SENTENCE_ZH = re.compile(r"[^。！？\n]*(?:参考答案|参考解答|解答|答案)[^。！？\n]*[。！？]")
ABOUT_SOLUTIONS_ZH = re.compile(r"折叠|打开|展开|下面|下方|参考")

STUDENT_BANNER = {
    "en": ("> **Student edition.** The worked solutions are not in this copy: your teacher has them. "
           "Write your answer where an exercise says *your answer*, run the cell, and read what the "
           "check says."),
    "zh": ("> **学生版。** 这份讲义里没有参考答案，答案在老师那里。在练习写着 *your answer* 的地方写下你的答案，"
           "运行这个单元格，再读自测给出的结论。"),
}


# ----- where the lessons are -------------------------------------------------------------------
def resource_dir(key: str) -> Path:
    """The folder holding the series' ``key`` files ("lessons", "assets" or "docs").

    Installed from a wheel: ``lstm_lesson/<key>`` inside the package. From a clone: the checkout's
    ``notebooks/``, ``assets/`` or ``docs/``. Raises FileNotFoundError naming both places.
    """
    if key not in RESOURCE_FOLDERS:
        raise ValueError(f"key: expected one of {list(RESOURCE_FOLDERS)}, got {key!r}")
    packaged = importlib.resources.files("lstm_lesson") / key
    if packaged.is_dir():
        return Path(str(packaged))  # wheels install unzipped: a real folder
    checkout = Path(__file__).resolve().parents[2] / RESOURCE_FOLDERS[key]
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"the series' {key} are neither in the installed package ({packaged}) nor in a "
                            f"checkout ({checkout}); reinstall lstm-lesson")


def add_lang_option(parser, help: str = "the edition: en (English, default) or zh (中文, the lessons in "
                                           "notebooks/zh/)") -> None:
    """``--lang en|zh`` on a command: every tool that knows both editions takes the same option."""
    parser.add_argument("--lang", choices=sorted(LANGUAGES), default="en", help=help)


def language_of(lesson: Path) -> str:
    """The edition a lesson file belongs to: "zh" for one in a ``zh/`` folder, else "en"."""
    return "zh" if Path(lesson).parent.name == LANGUAGES["zh"] else "en"


def lessons_dir(lang: str = "en") -> Path:
    """The folder of the lessons in ``lang``: "en" the English edition, "zh" the Chinese one (``zh/``)."""
    if lang not in LANGUAGES:
        raise ValueError(f"lang: expected one of {list(LANGUAGES)}, got {lang!r}")
    return resource_dir("lessons") / LANGUAGES[lang]


def lesson_paths(lang: str = "en") -> list[Path]:
    """Every lesson notebook of the ``lang`` edition, in order (``NN_name.ipynb``)."""
    return sorted(p for p in lessons_dir(lang).glob("*.ipynb") if LESSON_NAME.match(p.name))


def select_lessons(numbers: list[str] | None = None, lang: str = "en") -> list[Path]:
    """The lessons with these two-digit numbers ("1" and "01" both work); all when empty."""
    paths = lesson_paths(lang)
    if not numbers:
        return paths
    by_number = {p.name[:2]: p for p in paths}
    chosen = []
    for number in numbers:
        key = str(number).zfill(2)
        if key not in by_number:
            raise ValueError(f"lesson: expected one of {sorted(by_number)}, got {number!r}")
        chosen.append(by_number[key])
    return chosen


# ----- reading the cells -------------------------------------------------------------------------
def source(cell: dict) -> str:
    text = cell.get("source", "")
    return "".join(text) if isinstance(text, list) else text


def slide_type(cell: dict) -> str:
    return cell.get("metadata", {}).get("slideshow", {}).get("slide_type", "-")


def is_notes(cell: dict) -> bool:
    return slide_type(cell) == "notes"


def is_solution(cell: dict) -> bool:
    """A worked solution: a collapsed code cell, or one whose first line says ``# (Worked) solution``."""
    if cell.get("cell_type") != "code":
        return False
    if cell.get("metadata", {}).get("jupyter", {}).get("source_hidden"):
        return True
    first = next((line.strip() for line in source(cell).splitlines() if line.strip()), "")
    return bool(SOLUTION_FIRST_LINE.match(first))


def is_hidden_answer(cell: dict) -> bool:
    """A folded markdown cell (``jupyter.source_hidden``): the answers to a question asked in class."""
    folded = cell.get("metadata", {}).get("jupyter", {}).get("source_hidden")
    return cell.get("cell_type") == "markdown" and bool(folded)


def calls_check(cell: dict) -> bool:
    return cell.get("cell_type") == "code" and bool(CHECK_CALL.search(source(cell)))


def defined_names(code: str) -> set[str]:
    """Top-level names a cell binds (assignments, defs, classes, imports, for targets)."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return set()
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
        else:
            for target in getattr(node, "targets", []) + [getattr(node, "target", None)]:
                if target is not None:
                    names.update(n.id for n in ast.walk(target) if isinstance(n, ast.Name))
    return names


def used_names(code: str) -> set[str]:
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return set(re.findall(r"\b[A-Za-z_]\w*\b", code))
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}


@dataclass
class Exercise:
    """One exercise of a notebook, as cell indices."""

    heading: int  # the markdown cell with "### Exercise ..."
    title: str
    cells: list[int] = field(default_factory=list)  # every cell of the exercise, heading included
    solutions: list[int] = field(default_factory=list)
    solution_checks: list[int] = field(default_factory=list)
    first_tries: list[int] = field(default_factory=list)


def exercises(nb: dict) -> list[Exercise]:
    """The exercises of a notebook dict, with their solutions, solution checks and first tries."""
    cells = nb["cells"]
    found: list[Exercise] = []
    current = None
    for index, cell in enumerate(cells):
        text = source(cell) if cell.get("cell_type") == "markdown" else ""
        heading = EXERCISE_HEADING.search(text)
        levels = [len(m.group(1)) for m in ANY_HEADING.finditer(text)]
        if heading:
            line = text[heading.start():].splitlines()[0]
            current = Exercise(index, line.lstrip("#").strip())
            found.append(current)
        elif current is not None and levels and min(levels) <= 2:
            current = None
        if current is not None:
            current.cells.append(index)
    for exercise in found:
        solution_names: set[str] = set()
        for index in exercise.cells:
            cell = cells[index]
            if is_solution(cell):
                exercise.solutions.append(index)
                solution_names |= defined_names(source(cell))
            elif cell.get("cell_type") == "code":
                if not exercise.solutions:
                    exercise.first_tries.append(index)
                elif used_names(source(cell)) & solution_names:
                    exercise.solution_checks.append(index)
    return found


def solution_cells(nb: dict) -> list[int]:
    """Indices of every worked-solution cell of a notebook (inside exercises or not)."""
    return [k for k, cell in enumerate(nb["cells"]) if is_solution(cell)]


# ----- the student edition ------------------------------------------------------------------------
def _markdown_cell(text: str, cell_id: str) -> dict:
    return {"cell_type": "markdown", "id": cell_id, "metadata": {"slideshow": {"slide_type": "-"}}, "source": text}


# the comments of a stub, in the edition's language
STUB_WORDS = {
    "en": {"answer": "# Your answer: replace each ... and run the cell; the check names what is wrong.",
           "then": "# then check it: print({name}(your_answer))", "code": "your code", "your_answer": "your answer"},
    "zh": {"answer": "# 你的答案：把每个 ... 换成你的代码，再运行这个单元格；自测会指出哪里不对。",
           "then": "# 然后自测：print({name}(your_answer))", "code": "你的代码", "your_answer": "你的答案"},
}


def _code_cell(text: str, cell_id: str) -> dict:
    return {"cell_type": "code", "execution_count": None, "id": cell_id,
            "metadata": {"slideshow": {"slide_type": "fragment"}}, "outputs": [], "source": text}


def exercise_stub(exercise: Exercise, nb: dict, lang: str = "en") -> str:
    """The code a student starts from when an exercise has no first try of its own.

    Built from the exercise's "Check: `check_x(name)`" line: each name the check takes becomes
    ``name = ...`` (or ``def name(...)`` when the text says "Write `name(args)`"), then the check
    is called, so running the stub prints "Not yet: ..." instead of raising a NameError.
    """
    text = "\n".join(source(nb["cells"][k]) for k in exercise.cells if nb["cells"][k].get("cell_type") == "markdown")
    words = STUB_WORDS[lang]
    lines = [f"# {exercise.title}", words["answer"]]
    match = MARKDOWN_CHECK.search(text)
    if match is None:
        calls = sorted({m.group(0)[:-1].strip() for k in exercise.solution_checks
                        for m in CHECK_CALL.finditer(source(nb["cells"][k]))})
        return "\n".join(lines + [words["then"].format(name=name) for name in calls]) + "\n"
    call = match.group(1)
    try:
        tree = ast.parse(call, mode="eval").body
        values = list(tree.args) + [kw.value for kw in tree.keywords]
        # the answer's names: bare names, or names inside a list/tuple ([h1, h2]); not model.W's model
        names = [n.id for v in values for n in ([v] if isinstance(v, ast.Name) else getattr(v, "elts", []))
                 if isinstance(n, ast.Name)]
    except SyntaxError:
        names = []
    solution_defs = {}  # "rnn_step_solution(x, h_prev, ...)" gives the stub its parameters, never its body
    for k in exercise.solutions:
        try:
            tree = ast.parse(source(nb["cells"][k]))
        except SyntaxError:
            continue
        for node in tree.body:
            if isinstance(node, ast.FunctionDef):
                solution_defs[re.sub(r"^solution_|_solution$", "", node.name)] = ast.unparse(node.args)
    for name in dict.fromkeys(names):
        signature = re.search(rf"`{re.escape(name)}\(([\w\s,=.*]*)\)", text)
        params = signature.group(1) if signature else solution_defs.get(name)
        if params is not None:
            lines += [f"def {name}({params}):", f"    ...  # {words['code']}", ""]
        else:  # even if the lesson used the name before: the stub must not check an earlier value
            lines.append(f"{name} = ...  # {words['your_answer']}")
    lines.append(f"print({call})")
    return "\n".join(lines) + "\n"


def without_solution_sentences(text: str, lang: str = "en") -> str:
    """``text`` without the sentences that point to the worked solutions (see SOLUTION_SENTENCE)."""
    sentence, about = ((SOLUTION_SENTENCE_ZH, ABOUT_SOLUTIONS_ZH) if lang == "zh"
                       else (SOLUTION_SENTENCE, ABOUT_SOLUTIONS))

    def drop(match):
        return "" if about.search(match.group(0)) else match.group(0)
    if not sentence.search(text):
        return text
    kept = "\n".join(line.rstrip() for line in sentence.sub(drop, text).split("\n"))
    return re.sub(r"\n{3,}", "\n\n", kept)


def student_notebook(nb: dict, lang: str = "en") -> dict:
    """The student edition of one notebook dict (a new dict; ``nb`` is not changed), ``lang`` its language."""
    nb = copy.deepcopy(nb)
    cells = nb["cells"]
    drop = {k for k, cell in enumerate(cells) if is_notes(cell) or is_solution(cell) or is_hidden_answer(cell)}
    stubs: dict[int, dict] = {}
    for exercise in exercises(nb):
        drop.update(exercise.solution_checks)
        if exercise.solutions and not exercise.first_tries:
            stubs[exercise.solutions[0]] = _code_cell(exercise_stub(exercise, nb, lang), f"answer-{exercise.heading}")
    kept = [_markdown_cell(STUDENT_BANNER[lang], "student-edition")]
    for index, cell in enumerate(cells):
        if index in stubs:
            kept.append(stubs[index])
        if index in drop:
            continue
        if calls_check(cell):  # a first try's verdict names the mistake and sometimes the answer
            cell["outputs"], cell["execution_count"] = [], None
        if cell.get("cell_type") == "markdown":
            cell["source"] = without_solution_sentences(source(cell), lang)
        kept.append(cell)
    nb["cells"] = kept
    nb.get("metadata", {}).pop("jupytext", None)  # no .py twin appears when a student saves
    _keep_used_widget_state(nb)
    return nb


def _keep_used_widget_state(nb: dict) -> None:
    """Drop the saved widget models that no remaining output shows (a removed cell's widgets)."""
    key = "application/vnd.jupyter.widget-state+json"
    state = nb.get("metadata", {}).get("widgets", {}).get(key, {}).get("state")
    if not state:
        return
    text = json.dumps([cell.get("outputs", []) for cell in nb["cells"]])
    shown = set(re.findall(r'"model_id": "([0-9a-f]+)"', text))
    # a shown widget's children are referenced from its state as "IPY_MODEL_<id>"
    frontier = list(shown)
    while frontier:
        model = state.get(frontier.pop())
        for child in re.findall(r"IPY_MODEL_([0-9a-f]+)", json.dumps(model or {})):
            if child not in shown:
                shown.add(child)
                frontier.append(child)
    nb["metadata"]["widgets"][key]["state"] = {k: v for k, v in state.items() if k in shown}


# ----- the teacher edition ------------------------------------------------------------------------
def teacher_notebook(nb: dict) -> dict:
    """The teacher edition of one notebook: everything kept, the collapsed solutions opened."""
    nb = copy.deepcopy(nb)
    nb.get("metadata", {}).pop("jupytext", None)
    for cell in nb["cells"]:
        if is_solution(cell) or is_hidden_answer(cell):
            cell.get("metadata", {}).get("jupyter", {}).pop("source_hidden", None)
            if cell.get("metadata", {}).get("jupyter") == {}:
                del cell["metadata"]["jupyter"]
    return nb


def speaker_notes(nb: dict) -> list[str]:
    """The speaker notes of a notebook (markdown text of its "notes" cells), in order."""
    return [source(cell).strip() for cell in nb["cells"] if is_notes(cell)]


def read(path: Path) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def write(nb: dict, path: Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


README_STUDENT = {"en": """# lstm-lesson: student edition

Open the notebooks in `notebooks/` in order, starting with 00 (`assets/` holds data they read).
Every exercise has a self-check: write your answer
where the notebook says *your answer*, run the cell, and read the verdict ("Correct: ..." or
"Not yet: ..." with the likely mistake). The worked solutions are with your teacher.

These notebooks need the `lstm-lesson` package: `pip install lstm-lesson` (or the wheel your
teacher gave you), then `jupyter lab` in this folder.
""", "zh": """# lstm-lesson：学生版

按顺序打开 `notebooks/` 里的笔记本，从 00 开始（`assets/` 里是它们读取的数据）。
每个练习都有自测：在笔记本写着 *your answer* 的地方写下你的答案，运行这个单元格，读它给出的结论
（“正确：……”，或“还不对：……”并指出最可能的错误）。参考答案在老师那里。

这些笔记本需要 `lstm-lesson` 包：`pip install lstm-lesson`（或老师给你的 wheel 文件），
然后在这个文件夹里运行 `jupyter lab`。界面也可以换成中文：`pip install jupyterlab-language-pack-zh-cn`，
再在 Settings → Language 里选 “Chinese (Simplified, China) - 中文 (简体, 中国)”。
"""}

README_TEACHER = {"en": """# lstm-lesson: teacher edition

- `notebooks/`: every lesson with its worked solutions opened and its speaker notes (cells of
  slide type "notes"; in a slide deck press S to see them), executed, with outputs.
- `teachers.md`: the teacher's guide (objectives, minutes, what to project, questions with their
  answers, misconceptions, homework, running the series on a JupyterHub).
- `speaker_notes.md`: all speaker notes in one file, lesson by lesson.
- `assets/`: the stored results and figures the notebooks read (`../assets/...`).
- `student/`: the student edition, to hand out (no solutions).
""", "zh": """# lstm-lesson：教师版

- `notebooks/`：每一课，参考答案已展开，带演讲者备注（幻灯片类型为 "notes" 的单元格；放映幻灯片时按 S
  查看），已执行并带输出。
- `teachers.md`：教师指南（教学目标、各部分用时、投影什么、课堂提问及答案、常见误解、作业、在 JupyterHub
  上运行本系列）。
- `speaker_notes.md`：所有演讲者备注，按课汇总在一个文件里。
- `assets/`：笔记本读取的已存结果和图。
- `student/`：学生版，可直接分发（不含参考答案）。
"""}

# the teacher's guide of each edition, in docs/
GUIDE_FILE = {"en": "teachers.md", "zh": "teachers.zh-CN.md"}


def _copy_assets(target: Path) -> None:
    """The data the lessons read as ``../assets/...`` (stored results, fixtures), beside ``notebooks/``."""
    import shutil

    source = resource_dir("assets")
    for path in source.rglob("*"):
        if path.is_file() and path.name != "__init__.py" and "__pycache__" not in path.parts:
            dest = Path(target) / path.relative_to(source)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, dest)


def write_student_edition(out: Path, lessons: list[Path] | None = None, *, lang: str = "en",
                          log=print) -> list[Path]:
    """Write the student edition of ``lessons`` (default all of the ``lang`` edition) into ``out``;
    returns the notebooks written."""
    out = Path(out)
    written = [write(student_notebook(read(p), lang), out / "notebooks" / p.name)
               for p in lessons or lesson_paths(lang)]
    _copy_assets(out / "assets")
    (out / "README.md").write_text(README_STUDENT[lang], encoding="utf-8")
    log(f"student edition: {len(written)} notebooks in {out} (solutions, solution checks and speaker notes "
        "removed; self-check outputs cleared)")
    return written


def write_teacher_edition(out: Path, lessons: list[Path] | None = None, *, lang: str = "en",
                          log=print) -> list[Path]:
    """Write the teacher edition into ``out``: notebooks/, teachers.md, speaker_notes.md, student/."""
    out = Path(out)
    lessons = lessons or lesson_paths(lang)
    written, notes = [], ["# Speaker notes\n" if lang == "en" else "# 演讲者备注\n"]
    for path in lessons:
        nb = read(path)
        written.append(write(teacher_notebook(nb), out / "notebooks" / path.name))
        notes.append(f"\n## {path.stem}\n")
        notes += [f"\n{note}\n" for note in speaker_notes(nb)] or ["\n(none)\n" if lang == "en" else "\n（无）\n"]
    (out / "speaker_notes.md").write_text("".join(notes), encoding="utf-8")
    _copy_assets(out / "assets")
    guide = resource_dir("docs") / GUIDE_FILE[lang]
    if guide.is_file():
        (out / "teachers.md").write_text(guide.read_text(encoding="utf-8"), encoding="utf-8")
    (out / "README.md").write_text(README_TEACHER[lang], encoding="utf-8")
    write_student_edition(out / "student", lessons, lang=lang, log=lambda _: None)
    log(f"teacher edition: {len(written)} notebooks with solutions in {out / 'notebooks'}, "
        f"{'teachers.md, ' if guide.is_file() else ''}speaker_notes.md, student/")
    return written
